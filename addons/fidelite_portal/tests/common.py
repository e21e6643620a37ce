from odoo import Command
from odoo.tests import HttpCase, new_test_user

from odoo.addons.fidelite_loyalty.services import ledger

PREFIX_DEFAULT = "/my/fidelite"


class PortalMembersCase(HttpCase):
    """Two portal members, A (Claire) and B (Bruno), each with a card, points, family and a reward taken."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("fidelite_portal.throttle_attempts", 3)
        cls.program = cls.env["loyalty.program"].create(
            {
                "name": "Carte Club Test",
                "program_type": "loyalty",
                "portal_point_name": "points",
                "fidelite_expiry_policy": "months",
                "fidelite_expiry_months": 1,
                "fidelite_tier_ids": [
                    Command.create({"name": "Membre", "threshold": 0}),
                    Command.create({"name": "Privilège", "threshold": 500}),
                ],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount_mode": "per_order",
                            "discount": 5,
                            "required_points": 30,
                            "description": "Tote bag Comptoirs",
                            "fidelite_category": "gift",
                        }
                    )
                ],
            }
        )
        cls.reward = cls.program.reward_ids
        cls.user_a = new_test_user(cls.env, login="fid_member_a", groups="base.group_portal", name="Claire Dubois")
        cls.user_b = new_test_user(cls.env, login="fid_member_b", groups="base.group_portal", name="Bruno Secretname")
        cls.card_a = cls._card(cls.user_a, "2990000000019", 142)
        cls.card_b = cls._card(cls.user_b, "2990000000026", 250)
        Dependant = cls.env["fidelite.dependant"]
        cls.dependant_b = Dependant.create(
            {"partner_id": cls.user_b.partner_id.id, "first_name": "Zébulon", "relation": "child"}
        )
        cls.redemption_b = cls._claim(cls.card_b, "setup-b")
        gift_program = cls.env["loyalty.program"].create(
            {"name": "Carte cadeau test", "program_type": "gift_card", "applies_on": "future"}
        )
        cls.gift_card_b = cls.env["loyalty.card"].create(
            {"program_id": gift_program.id, "partner_id": cls.user_b.partner_id.id, "code": "GIFT-B-7788", "points": 40}
        )
        cls.erasure_b = cls.env["fidelite.erasure.request"]._fidelite_request(cls.user_b.partner_id, "B wants out")
        cls.b_markers = ("Secretname", "2990000000026", "Zébulon", "GIFT-B-7788", cls.redemption_b.code)

    @classmethod
    def _card(cls, user, code, points):
        card = cls.env["loyalty.card"].create(
            {"program_id": cls.program.id, "partner_id": user.partner_id.id, "code": code, "fidelite_medium": "virtual"}
        )
        ledger.post(card, points, "earn", reason="Purchases")
        return card

    @classmethod
    def _claim(cls, card, key):
        from odoo.addons.fidelite_loyalty.services import reward_catalogue

        return reward_catalogue.claim(card, cls.reward, "portal", key=key)

    def login(self, user):
        self.authenticate(user.login, user.login)

    def post_form(self, url, **data):
        from odoo import http

        return self.url_open(url, data={"csrf_token": http.Request.csrf_token(self), **data}, allow_redirects=True)

    def assert_no_b_data(self, text, where):
        for marker in self.b_markers:
            self.assertNotIn(marker, text, f"{where} shows B's data ({marker})")
