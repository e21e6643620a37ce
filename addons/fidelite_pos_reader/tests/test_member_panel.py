from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.fidelite_loyalty.services import ledger
from odoo.addons.fidelite_loyalty.tests.ledger_common import make_loyalty_program


@tagged("post_install", "-at_install")
class TestMemberPanel(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.env["pos.config"].create({"name": "Caisse lecteur"})
        cls.program = make_loyalty_program(cls.env, name="Carte Club")
        today = fields.Date.context_today(cls.env.user)
        cls.member = cls.env["res.partner"].create(
            {
                "name": "Lou Garnier",
                "birthdate": date(1990, 1, 1),
                "fidelite_dependant_ids": [
                    (0, 0, {"first_name": "Léo", "birthdate": (today + timedelta(days=2)).replace(year=2015)})
                ],
            }
        )
        cls.card = cls.env["loyalty.card"].create(
            {
                "program_id": cls.program.id,
                "partner_id": cls.member.id,
                "code": "2990000000125",
                "fidelite_uid": "04A1B2C3D4E5F6",
                "fidelite_medium": "contactless",
            }
        )
        ledger.post(cls.card, 120, "earn", reason="Earlier purchases")

    def test_found_by_uid(self):
        panel = self.config.fidelite_member_panel("04a1b2c3d4e5f6", "contactless")
        self.assertEqual(panel["status"], "found")
        self.assertEqual(panel["partner_id"], self.member.id)
        self.assertEqual(panel["points"], 120)
        self.assertEqual([r["points"] for r in panel["rewards"]], [100])
        self.assertIn("Léo", panel["birthdays"])
        self.assertFalse(panel["card"]["found_by"] == "code")
        # the till gets the member as it loads customers, to select them without a second request
        loaded = panel["pos_data"]["res.partner"]
        self.assertEqual([p["id"] for p in loaded], [self.member.id])
        self.assertEqual(loaded[0]["name"], self.member.name)

    def test_blocked_card_says_why(self):
        self.card._fidelite_set_state("lost", "Perdue au marché")
        panel = self.config.fidelite_member_panel("2990000000125", "barcode")
        self.assertEqual(panel["status"], "blocked")
        self.assertIn("Perdue au marché", panel["message"])
        self.assertNotIn("partner_id", panel)

    def test_medium_not_accepted(self):
        self.config.fidelite_accept_contactless = False
        panel = self.config.fidelite_member_panel("04A1B2C3D4E5F6", "contactless")
        self.assertEqual(panel["status"], "refused")

    def test_unknown_card_then_enrol(self):
        panel = self.config.fidelite_member_panel("04DDEEFF", "contactless")
        self.assertEqual(panel["status"], "unknown")
        panel = self.config.fidelite_enrol_card("04DDEEFF", "contactless", name="Nina Roux")
        self.assertEqual(panel["status"], "found")
        self.assertEqual(panel["name"], "Nina Roux")
        card = self.env["loyalty.card"].search([("fidelite_uid", "=", "04DDEEFF")])
        self.assertEqual(card.partner_id.name, "Nina Roux")
        with self.assertRaises(UserError):
            self.config.fidelite_enrol_card("04DDEEFF", "contactless", name="Autre")

    def test_attach_to_existing_member_who_has_no_card(self):
        partner = self.env["res.partner"].create({"name": "Sam Perrin"})
        panel = self.config.fidelite_enrol_card("04CAFE0102030A", "contactless", partner_id=partner.id)
        self.assertEqual(panel["partner_id"], partner.id)

    def test_member_who_has_a_card_gets_no_second_one(self):
        with self.assertRaises(UserError):
            self.config.fidelite_enrol_card("04CAFE01", "contactless", partner_id=self.member.id)
