from datetime import date

from odoo.tests import tagged

from .common import PortalMembersCase


@tagged("post_install", "-at_install")
class TestPortalTour(PortalMembersCase):
    def test_portal_tour_tier_reward_child_and_sms(self):
        partner = self.user_a.partner_id
        partner._fidelite_set_consent("sms", True, "pos")
        self.start_tour("/my", "fidelite_portal_home", login=self.user_a.login)
        redemption = self.env["fidelite.reward.redemption"].search([("card_id", "=", self.card_a.id)])
        self.assertEqual(redemption.reward_id, self.reward)
        self.assertEqual(self.card_a.points, 112)
        self.assertEqual(partner.fidelite_dependant_ids.mapped("birthdate"), [date(2019, 5, 4)])
        self.assertFalse(partner.fidelite_consent_sms)

    def test_other_members_cards_are_not_shown(self):
        self.login(self.user_a)
        page = self.url_open("/my/fidelite")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("2990000000026", page.text)
        self.assertIn("2990000000019", page.text)
