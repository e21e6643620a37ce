from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .ledger_common import LedgerCase


@tagged("post_install", "-at_install")
class TestMembers(LedgerCase):
    def test_first_loyalty_card_makes_a_member_once(self):
        self.assertTrue(self.member.fidelite_is_member)
        number = self.member.fidelite_member_number
        self.assertRegex(number, r"^M\d{7}$")
        self.assertEqual(self.member.fidelite_member_since, fields.Date.context_today(self.member))
        self.env["loyalty.card"].create(
            {"program_id": self.program.copy().id, "partner_id": self.member.id, "code": "FIDMEM2"}
        )
        self.assertEqual(self.member.fidelite_member_number, number, "a second card keeps the member number")

    def test_gift_card_holder_is_not_a_member_until_enrolled(self):
        gift = self.env["loyalty.program"].create({"name": "Gift cards", "program_type": "gift_card"})
        buyer = self.env["res.partner"].create({"name": "Gift buyer"})
        self.env["loyalty.card"].create({"program_id": gift.id, "partner_id": buyer.id, "code": "GIFT-M1"})
        self.assertFalse(buyer.fidelite_is_member)
        self.assertFalse(buyer.fidelite_member_number)
        buyer.with_user(self.clerk).action_fidelite_enrol()
        self.assertTrue(buyer.fidelite_is_member)
        self.assertNotEqual(buyer.fidelite_member_number, self.member.fidelite_member_number)
        self.assertIn(buyer, self.env["res.partner"].search([("fidelite_is_member", "=", True)]))

    def test_household_birthdays(self):
        Dependant = self.env["fidelite.dependant"].with_user(self.clerk)
        child = Dependant.create(
            {"partner_id": self.member.id, "first_name": "Léo", "relation": "child", "birthdate": "2018-05-02"}
        )
        Dependant.create({"partner_id": self.member.id, "first_name": "Sam", "relation": "spouse"})
        self.assertEqual(self.member.fidelite_dependant_ids.mapped("first_name"), ["Léo", "Sam"])
        self.assertEqual(child.display_name, "Léo (Child)")
        with (
            self.assertRaisesRegex(ValidationError, "birth date of Zoé cannot be in the future"),
            self.env.cr.savepoint(),
        ):
            Dependant.create(
                {
                    "partner_id": self.member.id,
                    "first_name": "Zoé",
                    "birthdate": fields.Date.today() + timedelta(days=3),
                }
            )
        child.unlink()
        remaining = self.env["fidelite.dependant"].search([("partner_id", "=", self.member.id)])
        self.assertEqual(remaining.mapped("first_name"), ["Sam"])

    def test_consent_history_is_kept(self):
        self.assertFalse(self.member.fidelite_consent_sms, "no record, no consent")
        partner = self.member.with_user(self.clerk)
        partner._fidelite_set_consent("sms", True, "pos")
        partner._fidelite_set_consent("sms", True, "portal")  # same choice: nothing new
        self.assertTrue(self.member.fidelite_consent_sms)
        self.env["fidelite.consent.wizard"].with_user(self.clerk).create(
            {"partner_id": self.member.id, "channel": "sms", "granted": False, "source": "form", "note": "STOP"}
        ).action_apply()
        self.assertFalse(self.member.fidelite_consent_sms)
        history = self.member.fidelite_consent_ids.sorted("id", reverse=True)
        self.assertEqual(history.mapped("granted"), [False, True])
        self.assertEqual(history.mapped("source"), ["form", "pos"])
        self.assertEqual(history.user_id, self.clerk)
        self.assertFalse(self.member.fidelite_consent_email)
        self.assertNotIn(self.member, self.env["res.partner"].search([("fidelite_consent_sms", "=", True)]))
        with self.assertRaisesRegex(UserError, "never changed"):
            history[0].sudo().write({"granted": True})
        with self.assertRaisesRegex(UserError, "history is kept"):
            history.sudo().unlink()
        with self.assertRaisesRegex(UserError, "Unknown consent channel"):
            partner._fidelite_set_consent("pigeon", True, "form")

    def test_partner_form_shows_the_fidelite_tab_to_a_clerk(self):
        arch = self.env["res.partner"].with_user(self.clerk).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="fidelite"', arch)
        self.assertIn("fidelite_dependant_ids", arch)
        self.member.invalidate_recordset()
        self.card.points += 42
        self.assertEqual(self.member.with_user(self.clerk).fidelite_points, 42)
