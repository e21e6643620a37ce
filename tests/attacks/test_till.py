"""A modified till: any coupon data it likes, sent to the server after a paid order.

Each attack is refused or ignored; the card holds exactly the points the order's paid lines
justify, and the order exists once.
"""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.fidelite_loyalty.services import ledger
from odoo.addons.fidelite_loyalty.tests.pos_common import PosOrderCase


@tagged("post_install", "-at_install")
class TestTamperedTill(PosOrderCase):
    test_module = "fidelite_loyalty"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Program = cls.env["loyalty.program"]
        cls.promotion = Program.create(
            {
                "name": "Promo café",
                "program_type": "promotion",
                "trigger": "auto",
                "applies_on": "current",
                "pos_ok": True,
                "rule_ids": [Command.create({"reward_point_mode": "order", "reward_point_amount": 1})],
                "reward_ids": [Command.create({"reward_type": "discount", "discount": 10, "required_points": 1})],
            }
        )
        cls.gift_program = Program.browse(Program.create_from_template("gift_card")["res_id"])
        cls.gift_program.write({"pos_ok": True, "pos_report_print_id": cls.env.ref("loyalty.report_gift_card").id})
        cls.other_company = cls.env["res.company"].create({"name": "Autre enseigne"})
        cls.foreign_program = Program.create(
            {"name": "Club étranger", "program_type": "loyalty", "company_id": cls.other_company.id}
        )
        cls.neighbour = cls.env["res.partner"].create({"name": "Voisine Martin"})
        cls.neighbour_card = cls.env["loyalty.card"].create(
            {"program_id": cls.program.id, "partner_id": cls.neighbour.id, "code": "FIDPOS0002"}
        )

    def _paid_order(self, quantity=1):
        order = self.sync(self.order_data([(self.beans, quantity)]))
        self.assert_balance(self.card, 10 * quantity)
        return order

    def _tampered(self, order, card, program_id, points):
        data = self.client_data(points, card=card)
        data[str(card.id)]["program_id"] = program_id
        with self.assertRaises(UserError):
            self.confirm(order, data)

    def _order_count(self, order):
        return self.env["pos.order"].search_count([("uuid", "=", order.uuid)])

    def test_attack_till_sends_a_promotion_id_for_the_loyalty_card(self):
        order = self._paid_order()
        self._tampered(order, self.card, self.promotion.id, 5000)
        self.assert_balance(self.card, 10)
        self.assertEqual(self._order_count(order), 1)

    def test_attack_till_sends_another_companys_program(self):
        order = self._paid_order()
        self._tampered(order, self.card, self.foreign_program.id, 5000)
        self.assert_balance(self.card, 10)

    def test_attack_till_sends_an_unknown_program(self):
        order = self._paid_order()
        self._tampered(order, self.card, 999999, 5000)
        self.assert_balance(self.card, 10)

    def test_attack_till_sends_the_gift_card_program_for_a_loyalty_card(self):
        order = self._paid_order()
        self._tampered(order, self.card, self.gift_program.id, 5000)
        self.assert_balance(self.card, 10)

    def test_attack_till_sends_negative_points(self):
        order = self._paid_order(3)
        self.confirm(order, self.client_data(-500))
        self.assert_balance(self.card, 30)

    def test_attack_till_credits_another_members_card(self):
        order = self._paid_order()
        with self.assertRaises(UserError):
            self.confirm(order, self.client_data(5000, card=self.neighbour_card))
        self.assert_balance(self.card, 10)
        self.assert_balance(self.neighbour_card, 0)

    def test_attack_till_links_the_reward_to_another_members_card(self):
        ledger.post(self.neighbour_card, 200, "earn", reason="Earlier purchases")
        ledger.post(self.card, 100, "earn", reason="Earlier purchases")
        data = self.order_with_reward(3)
        data["lines"][1][2]["coupon_id"] = self.neighbour_card.id
        self.sync(data)
        # the member's own card pays: 100 + 30 earned (the voucher earns nothing) - 100 spent
        self.assert_balance(self.card, 30)
        self.assert_balance(self.neighbour_card, 200)

    def test_attack_till_mints_a_gift_card(self):
        gift_product = self.env.ref("loyalty.gift_card_product_50")
        gift_product.write({"available_in_pos": True, "taxes_id": [Command.clear()]})
        data = self.order_data([(gift_product, 1)])
        line = data["lines"][0][2]
        line.update(price_unit=10.0, price_subtotal=10.0, price_subtotal_incl=10.0)
        data.update(amount_total=10.0, amount_paid=10.0)
        data["payment_ids"][0][2]["amount"] = 10.0
        order = self.sync(data)
        entry = {"program_id": self.gift_program.id, "points": 5000, "coupon_id": -1, "code": "GC-MINT-0001"}
        self.confirm(order, {"-1": entry})
        card = self.env["loyalty.card"].search([("code", "=", "GC-MINT-0001")])
        self.assertEqual(len(card), 1)
        self.assert_balance(card, 10.0, history=False)

    def test_attack_till_tops_up_a_gift_card_without_selling_one(self):
        card = self.env["loyalty.card"].create({"program_id": self.gift_program.id, "code": "GC-TOPUP-01", "points": 5})
        order = self._paid_order()
        entry = {"program_id": self.gift_program.id, "points": 500, "coupon_id": card.id, "code": card.code}
        self.confirm(order, {str(card.id): entry})
        self.assert_balance(card, 5, history=False)
        self.assert_balance(self.card, 10)

    def test_attack_till_tops_up_an_ewallet_without_a_top_up_line(self):
        Program = self.env["loyalty.program"]
        ewallet = Program.browse(Program.create_from_template("ewallet")["res_id"])
        ewallet.pos_ok = True
        wallet = self.env["loyalty.card"].create(
            {"program_id": ewallet.id, "partner_id": self.member.id, "code": "EW-ATTACK-01"}
        )
        order = self._paid_order()
        entry = {"program_id": ewallet.id, "points": 300, "coupon_id": wallet.id, "partner_id": self.member.id}
        self.confirm(order, {str(wallet.id): entry})
        self.assert_balance(wallet, 0, history=False)
        self.assert_balance(self.card, 10)


@tagged("post_install", "-at_install")
class TestDirectPointsWrites(PosOrderCase):
    """A card's points change only through the ledger: not by a cashier, a salesperson or a portal user."""

    test_module = "fidelite_loyalty"

    def _user(self, login, groups):
        return self.env["res.users"].create(
            {"name": login, "login": login, "group_ids": [Command.set([self.env.ref(g).id for g in groups])]}
        )

    def _refused(self, user, context):
        card = self.card.with_user(user).with_context(**context)
        with self.assertRaises(AccessError):
            card.write({"points": 9999})
            card.flush_recordset()
        self.assert_balance(self.card, 40)

    def test_attack_cashier_salesperson_portal_write_points(self):
        ledger.post(self.card, 40, "earn", reason="Earlier purchases")
        cashier = self._user("fid_cashier_att", ["point_of_sale.group_pos_user"])
        salesperson = self._user("fid_sales_att", ["sales_team.group_sale_salesman"])
        portal = self._user("fid_portal_att", ["base.group_portal"])
        # the contexts a client can send over JSON-RPC, pretending to be the ledger or a server flow
        for user in (cashier, salesperson, portal):
            for context in ({}, {"fidelite_ledger_post": True}, {"fidelite_points_writer": True}):
                with self.subTest(user=user.login, context=context):
                    self._refused(user, context)

    def test_a_loyalty_manager_adjusts_as_a_movement(self):
        manager = self._user("fid_manager_att", ["fidelite_loyalty.group_fidelite_manager"])
        self.card.with_user(manager).points = 15
        self.assert_balance(self.card, 15, history=False)
