"""The bridge on a real PC/SC stack: a private pcscd, a vpcd virtual reader, emulated cards.

Plain pytest tests (no Odoo): the bridge runs as a till runs it, in its own process, and the
tests read its events as the POS page does, over its WebSocket. They fail (never skip) when
pcscd, vpcd or pyscard is missing. Not imported by ``tests/__init__.py``: Odoo's own runner
ignores them, pytest collects them.
"""

import json
import sys
import time

import pytest
import websocket

from . import pcsc_stack as stack

READER_0 = f"{stack.READER_NAME} 00 00"


@pytest.fixture(scope="module")
def pcscd():
    daemon = stack.Pcscd().start()
    yield daemon
    daemon.close()


@pytest.fixture
def slot(pcscd):
    virtual = stack.VirtualSlot()
    yield virtual
    virtual.remove()


@pytest.fixture
def bridge(pcscd):
    process = stack.Bridge()
    process.wait_for(lambda status: READER_0 in status.get("readers", []))
    yield process
    process.close()


class Till:
    """What the POS page sees: the bridge's WebSocket messages."""

    def __init__(self, url, origin=stack.TILL_ORIGIN):
        self.ws = websocket.create_connection(url, timeout=10, origin=origin)

    def next(self, kind="card", timeout=5):
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            self.ws.settimeout(left)
            try:
                message = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                break
            if message["type"] == kind:
                return message
        return None

    def close(self):
        self.ws.close()


@pytest.fixture
def till(bridge):
    page = Till(bridge.url)
    assert page.next("status")["pcsc"] == "ok"
    yield page
    page.close()


def test_tap_gives_one_event(slot, till):
    slot.insert(stack.ContactlessCard("04A1B2C3D4E5F6"))
    event = till.next()
    assert event["identifier"] == "04A1B2C3D4E5F6"
    assert event["medium"] == "contactless"
    assert event["reader"] == READER_0
    assert till.next(timeout=2) is None, "no second event while the card stays on the reader"
    slot.remove()
    slot.insert(stack.ContactlessCard("04A1B2C3D4E5F6"))
    assert till.next()["identifier"] == "04A1B2C3D4E5F6", "a new tap after the card was lifted"


def test_card_swap(slot, till):
    slot.insert(stack.ContactlessCard("04112233"))
    assert till.next()["identifier"] == "04112233"
    slot.insert(stack.ContactlessCard("04556677889900"))  # insert() lifts the first card first
    assert till.next()["identifier"] == "04556677889900"


def test_unknown_card_answers_give_an_error_event(slot, till):
    class NoUid:
        atr = stack.ATR_CONTACTLESS

        def answer(self, _apdu):
            return b"\x6a\x81"

    slot.insert(NoUid())
    event = till.next()
    assert "identifier" not in event
    assert "no UID" in event["error"]


def test_contact_card_member_record(slot, till):
    slot.insert(stack.ChipCard("2990000000017"))
    event = till.next()
    assert event["identifier"] == "2990000000017"
    assert event["member_id"] == "2990000000017"
    assert event["medium"] == "chip"


def test_wrong_token_refused(bridge):
    with pytest.raises(websocket.WebSocketBadStatusException):
        websocket.create_connection(f"ws://127.0.0.1:{bridge.port}/?token=guess", timeout=5, origin=bridge.origin)


def test_event_waits_briefly_for_the_till_then_is_dropped(pcscd, slot):
    bridge = stack.Bridge(extra_args=["--max-age", "1"])
    try:
        bridge.wait_for(lambda status: READER_0 in status.get("readers", []))
        slot.insert(stack.ContactlessCard("04A1B2C3"))
        bridge.wait_for(lambda status: status["cards"] == 1)
        page = Till(bridge.url)  # connects at once: the read is still fresh
        assert page.next()["identifier"] == "04A1B2C3"
        page.close()
        slot.remove()
        bridge.wait_for(lambda status: status["clients"] == 0)
        slot.insert(stack.ContactlessCard("04D5E6F7"))
        bridge.wait_for(lambda status: status["cards"] == 2)
        time.sleep(1.5)  # the till connects too late: the member of that tap must not be selected
        page = Till(bridge.url)
        assert page.next(timeout=2) is None
        assert bridge.status()["dropped"] == 1
        page.close()
    finally:
        bridge.close()


def test_reader_gone_and_back(pcscd, slot, bridge, till):
    pcscd.stop()
    pcscd.unplug_reader()
    pcscd.start()
    status = bridge.wait_for(lambda s: s["pcsc"] == "ok" and not s["readers"])
    assert status["readers"] == []
    assert till.next("status", timeout=5)  # the till is told
    pcscd.stop()
    pcscd.plug_reader()
    pcscd.start()
    bridge.wait_for(lambda s: READER_0 in s["readers"])
    slot.insert(stack.ContactlessCard("04CAFE01"))
    assert till.next()["identifier"] == "04CAFE01"
    # the card's emulator drops and comes back (a reader losing its card field): a new tap
    slot.remove()
    slot.insert(stack.ContactlessCard("04CAFE01"))
    assert till.next()["identifier"] == "04CAFE01"


def test_pcscd_killed_and_restarted(pcscd, slot, bridge, till):
    slot.insert(stack.ContactlessCard("04BEEF01"))
    event = till.next()
    assert event.get("identifier") == "04BEEF01", event
    slot.remove()
    pcscd.kill()
    bridge.wait_for(lambda s: s["pcsc"] == "down")
    pcscd.start()
    restarted = time.monotonic()
    bridge.wait_for(lambda s: s["pcsc"] == "ok" and READER_0 in s["readers"], timeout=5)
    slot.insert(stack.ContactlessCard("04BEEF02"))
    event = till.next(timeout=5)
    assert event["identifier"] == "04BEEF02"
    assert time.monotonic() - restarted < 5 + 5  # recovered (5 s) and read the next tap
    assert bridge.alive()


def test_card_still_on_reader_across_pcscd_restart_is_not_reported_twice(pcscd, slot, bridge, till):
    slot.insert(stack.ContactlessCard("04AAAA01"))
    assert till.next()["identifier"] == "04AAAA01"
    pcscd.kill()
    bridge.wait_for(lambda s: s["pcsc"] == "down")
    pcscd.start()
    slot.insert(stack.ContactlessCard("04AAAA01"))  # vpcd lost the card with pcscd: same card again
    bridge.wait_for(lambda s: s["pcsc"] == "ok" and READER_0 in s["readers"])
    assert till.next(timeout=3) is None


def test_ten_thousand_malformed_answers(pcscd, slot, bridge, till):
    """10,000 random answers through the bridge's card reading code, then garbage cards tapped
    on the real stack (bad ATRs included): no crash, only well-formed identifiers, and a good
    card read right after.

    The 10,000 answers are fed to the bridge's reader code directly: back to back over vpcd,
    the virtual driver loses an exchange now and then (pcscd polls it meanwhile) and pyscard
    then blocks in SCardTransmit while holding the interpreter lock.
    """
    sys.path.insert(0, str(stack.BRIDGE_DIR))
    try:
        from fidelite_reader_bridge.cardio import MEMBER_ID, UID_LENGTHS, ReadSettings, read_identity
    finally:
        sys.path.remove(str(stack.BRIDGE_DIR))
    card = stack.GarbageCard(seed=20261124)

    def transmit(apdu):
        answer = card.answer(bytes(apdu))
        if len(answer) < 2:
            return [], 0, 0
        return list(answer[:-2]), answer[-2], answer[-1]

    settings = ReadSettings(aid=stack.MEMBER_AID)
    while card.answers < 10_000:
        identity = read_identity(transmit, settings)
        if identity.uid:
            assert len(bytes.fromhex(identity.uid)) in UID_LENGTHS
        if identity.member_id:
            assert MEMBER_ID.match(identity.member_id)
    for seed in range(12):
        atr = stack.ATR_CONTACTLESS if seed % 3 else bytes([0x3B, seed, 0xFF])
        slot.insert(stack.GarbageCard(seed, atr=atr))
        time.sleep(0.6)
        slot.remove()
    slot.insert(stack.ContactlessCard("04600DCA"))
    deadline = time.monotonic() + 10
    while (event := till.next(timeout=max(0.1, deadline - time.monotonic()))) is not None:
        if event.get("identifier") == "04600DCA":
            break
    assert event and event["identifier"] == "04600DCA", "the bridge still reads a good card"
    assert bridge.alive()
