from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .ledger_common import LedgerCase


@tagged("post_install", "-at_install")
class TestReferral(LedgerCase):
    def test_members_get_a_code_and_abuse_is_refused(self):
        code = self.member.fidelite_referral_code
        self.assertRegex(code, r"^[A-HJ-NP-Z2-9]{8}$")
        newcomer = self.env["res.partner"].create({"name": "Inès Petit"})
        with self.assertRaisesRegex(UserError, "No member has the referral code NOPE"):
            newcomer.fidelite_apply_referral_code("nope")
        with self.assertRaisesRegex(UserError, "cannot refer themselves"):
            self.member.fidelite_apply_referral_code(code)
        wizard = (
            self.env["fidelite.referral.wizard"]
            .with_user(self.clerk)
            .create({"partner_id": newcomer.id, "code": code.lower()})
        )
        wizard.action_apply()
        self.assertEqual(newcomer.fidelite_referred_by_id, self.member)
        self.assertIn(newcomer, self.member.fidelite_referee_ids)
        other = self.env["res.partner"].create({"name": "Other member"})
        other._fidelite_enrol()
        with self.assertRaisesRegex(UserError, "already referred by Camille Roux"):
            newcomer.fidelite_apply_referral_code(other.fidelite_referral_code)

    def test_negative_referral_points_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.program.fidelite_referral_referrer_points = -5
