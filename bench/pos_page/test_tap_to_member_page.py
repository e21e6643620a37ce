"""Tap to member selected in the POS page: run by ``bench_tap_to_member.py``, not by ``make test``.

A real pcscd with a vpcd virtual reader, the bridge in its own process, and the POS page of an
opened register in headless Chromium, connected to the bridge as at a till. A thread taps
``FIDELITE_BENCH_TAPS`` cards (each one of a different member) at random moments; the page notes
when each member's panel appears (a ``MutationObserver``: the member is selected on the order
just before). Both clocks are the machine's wall clock. The figures go to the JSON file named by
``FIDELITE_BENCH_OUT``.
"""

import json
import logging
import os
import random
import threading
import time

from odoo.tests import tagged

from odoo.addons.fidelite_loyalty.tests.ledger_common import make_loyalty_program
from odoo.addons.fidelite_pos_reader.tests import pcsc_stack as stack
from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

TAPS = int(os.environ.get("FIDELITE_BENCH_TAPS", "100"))
READER_0 = f"{stack.READER_NAME} 00 00"
MARK = "FIDELITE-TAPS "

PAGE_CODE = """
const taps = %(taps)d;
const shown = [];
const seen = new WeakSet();
const observer = new MutationObserver(() => {
    const name = document.querySelector(".o_fidelite_member_panel .o_fidelite_member_name");
    if (!name || seen.has(name) || !name.textContent.trim()) {
        return;
    }
    seen.add(name);
    shown.push({ name: name.textContent.trim(), at: Date.now() });
    setTimeout(() => document.querySelector(".o_fidelite_panel_close")?.click(), 100);
    if (shown.length >= taps) {
        observer.disconnect();
        console.warn("%(mark)s" + JSON.stringify(shown));
        console.log("test successful");
    }
});
observer.observe(document.body, { childList: true, subtree: true, characterData: true });
"""


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.shown = None

    def emit(self, record):
        message = record.getMessage()
        if MARK in message:
            self.shown = json.loads(message.split(MARK, 1)[1])


@tagged("post_install", "-at_install")
class TestTapToMemberPage(TestPointOfSaleHttpCommon):
    def test_tap_to_member_page(self):
        env = self.env(su=True)
        program = make_loyalty_program(env, name="Carte Club")
        members = {}
        for n in range(TAPS):
            uid = f"04{n:012X}"
            partner = env["res.partner"].create({"name": f"Membre {n:03d}"})
            env["loyalty.card"].create(
                {"program_id": program.id, "partner_id": partner.id, "code": f"tap{n:05d}", "fidelite_uid": uid}
            )
            members[partner.name] = uid

        pcscd = stack.Pcscd().start()
        self.addCleanup(pcscd.close)
        bridge = stack.Bridge(token=self.main_pos_config.fidelite_reader_token, origins=[self.base_url()])
        self.addCleanup(bridge.close)
        slot = stack.VirtualSlot()
        self.addCleanup(slot.remove)
        self.main_pos_config.write(
            {"fidelite_reader_enabled": True, "fidelite_reader_url": f"ws://127.0.0.1:{bridge.port}"}
        )
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.main_pos_config.current_session_id.set_opening_control(0, "")

        tapped, failures = {}, []

        def tap_all():
            try:
                bridge.wait_for(lambda s: s.get("clients") and READER_0 in s.get("readers", []), timeout=180)
                time.sleep(2)  # the page has just connected: let it settle
                rng = random.Random(6)  # noqa: S311 - when to tap, not a secret
                for name, uid in members.items():
                    # a hand does not tap in step with pcscd's 400 ms polling of the reader
                    time.sleep(rng.uniform(0.2, 0.8))
                    tapped[name] = time.time() * 1000
                    slot.insert(stack.ContactlessCard(uid))
                    time.sleep(1.2)
                    slot.remove()
            except Exception as exc:  # noqa: BLE001 - reported by the test below
                failures.append(repr(exc))

        thread = threading.Thread(target=tap_all, daemon=True)
        collect = _Collect()
        logging.getLogger().addHandler(collect)
        self.addCleanup(logging.getLogger().removeHandler, collect)
        thread.start()
        self.browser_js(
            self._get_url(),
            PAGE_CODE % {"taps": TAPS, "mark": MARK},
            login="pos_user",
            timeout=TAPS * 4 + 240,
        )
        thread.join(30)
        self.assertFalse(failures, failures)
        self.assertIsNotNone(collect.shown, "the page gave no figures")
        delays = [entry["at"] - tapped[entry["name"]] for entry in collect.shown]
        self.assertEqual(len(delays), TAPS)
        self.assertEqual({entry["name"] for entry in collect.shown}, set(members), "a member was not shown")
        with open(os.environ["FIDELITE_BENCH_OUT"], "w") as out:
            json.dump({"delays_ms": delays}, out)
