"""Watch the PC/SC readers and turn each card presented into one event.

pyscard's ``CardMonitor`` stops for good when pcscd restarts, so this loop talks to PC/SC
itself (``SCardGetStatusChange`` with a timeout): when the service goes away it releases its
context and establishes a new one as soon as pcscd answers again, and readers unplugged or
plugged in are picked up at the next poll.
"""

import logging
import threading
import time

from smartcard import scard

from .cardio import CardGone, read_identity

_logger = logging.getLogger(__name__)

PNP = "\\\\?PnP?\\Notification"
POLL_MS = 500
RETRY_S = 0.5
# after pcscd (re)starts, drivers may report a slot empty until they have polled the card in it
SESSION_GRACE_S = 2.0
SERVICE_DOWN = {
    scard.SCARD_E_NO_SERVICE,
    scard.SCARD_E_SERVICE_STOPPED,
    scard.SCARD_E_INVALID_HANDLE,
    scard.SCARD_F_COMM_ERROR,
}
NO_READERS = {scard.SCARD_E_NO_READERS_AVAILABLE, scard.SCARD_E_UNKNOWN_READER, scard.SCARD_E_READER_UNAVAILABLE}


class PcscDown(Exception):
    """The PC/SC service (pcscd) does not answer."""


def _message(hresult):
    try:
        return scard.SCardGetErrorMessage(hresult).strip()
    except Exception:  # noqa: BLE001 - a message is only for the log
        return hex(hresult & 0xFFFFFFFF)


class ReaderWatcher(threading.Thread):
    """Calls ``on_card(event)`` once per card presented and ``on_status(status)`` when readers change."""

    def __init__(self, settings, on_card, on_status, reader_filter=""):
        super().__init__(name="pcsc-watcher", daemon=True)
        self.settings = settings
        self.on_card = on_card
        self.on_status = on_status
        self.reader_filter = reader_filter.lower()
        self.stop_event = threading.Event()
        self.status = {"pcsc": "starting", "readers": []}
        # reader -> key of the card last reported and still on the reader (kept across pcscd restarts)
        self._on_reader = {}

    # -- status ---------------------------------------------------------------------------------
    def _set_status(self, pcsc, readers):
        if pcsc != self.status["pcsc"] or readers != self.status["readers"]:
            self.status = dict(self.status, pcsc=pcsc, readers=readers)
            level = logging.WARNING if pcsc != "ok" or not readers else logging.INFO
            _logger.log(level, "PC/SC %s, readers: %s", pcsc, ", ".join(readers) or "none")
            self.on_status(dict(self.status))

    # -- main loop ------------------------------------------------------------------------------
    def run(self):
        while not self.stop_event.is_set():
            try:
                self._session()
            except PcscDown as exc:
                self._set_status("down", [])
                _logger.debug("PC/SC down: %s", exc)
                self.stop_event.wait(RETRY_S)
            except Exception:
                _logger.exception("unexpected PC/SC failure, starting again")
                self._set_status("down", [])
                self.stop_event.wait(RETRY_S)

    def stop(self):
        self.stop_event.set()

    def _session(self):
        hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            raise PcscDown(_message(hresult))
        try:
            self._loop(context)
        finally:
            scard.SCardReleaseContext(context)

    def _list_readers(self, context):
        hresult, readers = scard.SCardListReaders(context, [])
        if hresult in NO_READERS:
            return []
        if hresult != scard.SCARD_S_SUCCESS:
            raise PcscDown(_message(hresult))
        return [r for r in readers if self.reader_filter in r.lower()]

    def _loop(self, context):
        known = {}  # reader -> last event state (current state for the next wait)
        counts = {}  # reader -> event counter of the card last read in this session
        pnp_state = scard.SCARD_STATE_UNAWARE
        self._session_started = time.monotonic()
        while not self.stop_event.is_set():
            readers = self._list_readers(context)
            self._set_status("ok", readers)
            for gone in set(self._on_reader) - set(readers):
                _logger.info("reader %s gone", gone)
                del self._on_reader[gone]
            states = [(PNP, pnp_state)] + [(r, known.get(r, scard.SCARD_STATE_UNAWARE)) for r in readers]
            hresult, new_states = scard.SCardGetStatusChange(context, POLL_MS, states)
            if hresult == scard.SCARD_E_TIMEOUT:
                hresult = scard.SCardIsValidContext(context)
                if hresult != scard.SCARD_S_SUCCESS:
                    raise PcscDown(_message(hresult))
                continue
            if hresult in NO_READERS or hresult == scard.SCARD_E_CANCELLED:
                known.clear()
                continue
            if hresult != scard.SCARD_S_SUCCESS:
                raise PcscDown(_message(hresult))
            for reader, event_state, atr in new_states:
                current = event_state & ~scard.SCARD_STATE_CHANGED
                if reader == PNP:
                    pnp_state = current
                    continue
                known[reader] = current
                self._reader_changed(context, reader, event_state, atr, counts)

    def _reader_changed(self, context, reader, event_state, atr, counts):
        if event_state & (scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_UNAVAILABLE):
            return
        if not event_state & scard.SCARD_STATE_PRESENT:
            if time.monotonic() - self._session_started < SESSION_GRACE_S:
                return  # not yet known: the card may still be there since before the restart
            if self._on_reader.pop(reader, None) is not None:
                _logger.info("%s: card removed", reader)
            counts.pop(reader, None)
            return
        count = (event_state >> 16) & 0xFFFF
        if counts.get(reader) == count:
            return  # the card we already read is still there
        swapped = reader in counts  # the counter moved in this session: the card left and came back
        counts[reader] = count
        if event_state & scard.SCARD_STATE_MUTE:
            self._report(reader, ("mute", bytes(atr)), swapped, {"error": "unresponsive card"})
            return
        try:
            identity = read_card(context, reader, self.settings)
        except CardGone as exc:
            _logger.info("%s: card left during the read (%s)", reader, exc)
            counts.pop(reader, None)
            return
        key = (identity.uid, identity.member_id) if identity.identifier else ("unreadable", bytes(atr))
        payload = {"uid": identity.uid, "member_id": identity.member_id, "atr": bytes(atr).hex().upper()}
        if identity.identifier:
            payload.update(identifier=identity.identifier, medium=identity.medium)
        else:
            payload["error"] = "; ".join(identity.problems) or "no identifier"
        if identity.problems:
            level = logging.DEBUG if identity.identifier else logging.INFO
            _logger.log(level, "%s: %s", reader, "; ".join(identity.problems))
        self._report(reader, key, swapped, payload)

    def _report(self, reader, key, swapped, payload):
        if not swapped and self._on_reader.get(reader) == key:
            _logger.info("%s: card still on the reader since before the restart, not reported again", reader)
            return
        self._on_reader[reader] = key
        event = {"type": "card", "reader": reader, "read_at": time.time(), **payload}
        _logger.info(
            "%s: card %s%s",
            reader,
            payload.get("identifier") or "?",
            f" ({payload['error']})" if payload.get("error") else "",
        )
        self.on_card(event)


def read_card(context, reader, settings):
    """Connect to the card on ``reader`` and read its identity (raises ``CardGone`` or ``PcscDown``)."""
    protocols = scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
    hresult, card, protocol = scard.SCardConnect(context, reader, scard.SCARD_SHARE_SHARED, protocols)
    if hresult in SERVICE_DOWN:
        raise PcscDown(_message(hresult))
    if hresult != scard.SCARD_S_SUCCESS:
        raise CardGone(_message(hresult))
    pci = scard.SCARD_PCI_T0 if protocol == scard.SCARD_PROTOCOL_T0 else scard.SCARD_PCI_T1

    def transmit(apdu):
        hresult, response = scard.SCardTransmit(card, pci, apdu)
        if hresult in SERVICE_DOWN:
            raise PcscDown(_message(hresult))
        if hresult != scard.SCARD_S_SUCCESS:
            raise CardGone(_message(hresult))
        if len(response) < 2:
            return [], 0, 0
        return response[:-2], response[-2], response[-1]

    try:
        return read_identity(transmit, settings)
    finally:
        scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)
