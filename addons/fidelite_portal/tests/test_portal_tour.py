from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPortalTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = new_test_user(cls.env, login="fidelite_member", groups="base.group_portal", name="Claire Dubois")
        program = cls.env["loyalty.program"].create(
            {"name": "Carte Club Test", "program_type": "loyalty", "portal_point_name": "points"}
        )
        cls.card = cls.env["loyalty.card"].create(
            {"program_id": program.id, "partner_id": cls.member.partner_id.id, "code": "2990000000019", "points": 42}
        )

    def test_portal_home_shows_the_loyalty_space(self):
        self.start_tour("/my", "fidelite_portal_home", login="fidelite_member")

    def test_other_members_cards_are_not_shown(self):
        other = new_test_user(self.env, login="fidelite_other", groups="base.group_portal")
        self.authenticate(other.login, other.login)
        page = self.url_open("/my/fidelite")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("2990000000019", page.text)
        self.assertIn("o_fidelite_no_card", page.text)
