import threading

from odoo.tests import tagged

from odoo.addons.fidelite_loyalty.services import ledger, tiers
from odoo.addons.fidelite_loyalty.tests.ledger_common import make_loyalty_program
from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from . import pcsc_stack as stack

READER_0 = f"{stack.READER_NAME} 00 00"


@tagged("post_install", "-at_install")
class TestReaderTour(TestPointOfSaleHttpCommon):
    """A virtual card presented on a real pcscd/vpcd stack reaches the POS page through the bridge."""

    def setUp(self):
        super().setUp()
        env = self.env(su=True)
        self.program = make_loyalty_program(env, name="Carte Club")
        self.program.reward_ids.description = "5 € de remise"
        self.env["fidelite.tier"].sudo().create({"name": "Membre", "threshold": 0, "program_id": self.program.id})
        self.member = self.env["res.partner"].create({"name": "Lou Garnier"})
        self.card = self.env["loyalty.card"].create(
            {
                "program_id": self.program.id,
                "partner_id": self.member.id,
                "code": "2990000000125",
                "fidelite_uid": "04A1B2C3D4E5F6",
                "fidelite_medium": "contactless",
            }
        )
        ledger.post(self.card, 120, "earn", reason="Earlier purchases")
        tiers.promote(self.card.sudo())  # as the settlement runs it: with the rights its entry point raised

    def _reader_stack(self):
        pcscd = stack.Pcscd().start()
        self.addCleanup(pcscd.close)
        bridge = stack.Bridge(token=self.main_pos_config.fidelite_reader_token, origins=[self.base_url()])
        self.addCleanup(bridge.close)
        slot = stack.VirtualSlot()
        self.addCleanup(slot.remove)
        self.main_pos_config.write(
            {"fidelite_reader_enabled": True, "fidelite_reader_url": f"ws://127.0.0.1:{bridge.port}"}
        )
        return bridge, slot

    def _present_when_the_till_connects(self, bridge, slot, card):
        def present():
            bridge.wait_for(lambda s: s.get("clients") and READER_0 in s.get("readers", []), timeout=120)
            slot.insert(card)

        thread = threading.Thread(target=present, daemon=True)
        thread.start()
        self.addCleanup(thread.join, 5)

    def _open_register(self):
        # the register is already open when the page connects to the bridge and the card comes:
        # a read waits at most 10 s for a register being opened, more than a loaded CI may take
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.main_pos_config.current_session_id.set_opening_control(0, "")

    def test_tap_selects_the_member_and_shows_the_panel(self):
        bridge, slot = self._reader_stack()
        self._present_when_the_till_connects(bridge, slot, stack.ContactlessCard("04A1B2C3D4E5F6"))
        self._open_register()
        self.start_pos_tour("fidelite_reader_member_tap")
        self.assertEqual(bridge.status()["delivered"], 1)

    def test_unknown_card_enrols_a_member(self):
        # cashiers who enrol members may create contacts (Odoo's "Contact Creation" group)
        self.pos_user.group_ids = [(4, self.env.ref("base.group_partner_manager").id)]
        bridge, slot = self._reader_stack()
        self._present_when_the_till_connects(bridge, slot, stack.ContactlessCard("04DDEEFF"))
        self._open_register()
        self.start_pos_tour("fidelite_reader_enrol_tap")
        card = self.env["loyalty.card"].search([("fidelite_uid", "=", "04DDEEFF")])
        self.assertEqual(card.partner_id.name, "Nina Roux")
        self.assertEqual(card.program_id, self.program)
        self.assertEqual(card.fidelite_medium, "contactless")

    def test_typed_card_number_without_reader(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("fidelite_reader_typed_barcode")
