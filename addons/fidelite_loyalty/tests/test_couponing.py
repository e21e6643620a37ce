from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..services import couponing
from .ledger_common import make_loyalty_program
from .pos_common import PosSyncCase


@tagged("post_install", "-at_install")
class TestCouponing(PosSyncCase):
    """A coupon printed on the receipt from the basket and the member's purchases, redeemed next visit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls.program = make_loyalty_program(cls.env)
        Category = cls.env["product.category"]
        cls.coffee = Category.create({"name": "Coffee"})
        cls.bakery = Category.create({"name": "Bakery"})
        cls.pastries = Category.create({"name": "Pastries", "parent_id": cls.bakery.id})
        cls.beans = cls.create_product("Coffee beans", cls.coffee, 10.0)
        cls.croissant = cls.create_product("Croissant", cls.pastries, 2.0)
        cls.member = cls.env["res.partner"].create({"name": "Lou Garnier"})
        cls.card = cls.env["loyalty.card"].create(
            {"program_id": cls.program.id, "partner_id": cls.member.id, "code": "FIDCPN0001"}
        )
        cls.coupon_program = cls.env["loyalty.program"].create(
            {
                "name": "20% off your next visit",
                "program_type": "coupons",
                "trigger": "with_code",
                "applies_on": "current",
                "pos_ok": True,
                "rule_ids": [Command.create({"reward_point_mode": "order", "reward_point_amount": 1})],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount": 20,
                            "discount_mode": "percent",
                            "discount_applicability": "order",
                            "required_points": 1,
                        }
                    )
                ],
            }
        )
        cls.rule = (
            cls.env["fidelite.coupon.rule"]
            .sudo()
            .create(
                {
                    "name": "Pastries for coffee lovers",
                    "program_id": cls.coupon_program.id,
                    "receipt_label": "Your pastry treat",
                    "validity_days": 30,
                    "minimum_amount": 20,
                    "product_category_ids": [Command.set(cls.coffee.ids)],
                    "never_bought_category_ids": [Command.set(cls.bakery.ids)],
                    "limit_per_member": 1,
                    "limit_period_days": 30,
                }
            )
        )

    def order_data(self, lines, customer=None):
        return self.create_ui_order_data(lines, customer=self.member if customer is None else customer)

    def loyalty_data(self, points):
        card = self.card
        return {str(card.id): {"points": points, "program_id": self.program.id, "coupon_id": card.id, "barcode": False}}

    def coupons(self):
        return self.env["loyalty.card"].search([("fidelite_coupon_rule_id", "=", self.rule.id)])

    def test_coupon_printed_once_on_the_receipt_of_a_coffee_buyer(self):
        order = self.sync(self.order_data([(self.beans, 3)]), times=3)
        result = None
        for _ in range(2):
            result = order.confirm_coupon_programs(self.loyalty_data(30))
        coupon = self.coupons()
        self.assertEqual(len(coupon), 1, "a re-synced, re-confirmed order issues one coupon")
        self.assertEqual(coupon.partner_id, self.member)
        self.assertEqual(coupon.program_id, self.coupon_program)
        self.assertEqual(coupon.source_pos_order_id, order)
        self.assertEqual(coupon.points, 1, "the coupon can claim the program's reward")
        self.assertEqual(coupon.expiration_date, order.date_order.date() + timedelta(days=30))
        self.assertIn(
            {
                "program_name": "Your pastry treat",
                "expiration_date": fields.Date.to_string(coupon.expiration_date),
                "code": coupon.code,
            },
            result["new_coupon_info"],
            "the till prints the coupon under the receipt",
        )
        self.assertEqual(len(result["new_coupon_info"]), 1)
        self.assertEqual(self.rule.issued_count, 1)
        self.assertEqual(self.rule.redeemed_count, 0)

    def test_a_coupon_issued_meanwhile_by_another_sync_is_not_issued_again(self):
        order = self.sync(self.order_data([(self.beans, 3)]))
        coupon = self.coupons()
        # a second sync that evaluated the rules before the first one committed
        with mute_logger("odoo.sql_db"):
            self.assertFalse(couponing._create(self.rule, order))
        self.assertEqual(self.coupons(), coupon)
        self.assertEqual(couponing.order_coupons(order), coupon)

    def test_a_member_who_buys_pastries_gets_no_coupon(self):
        # a croissant in the basket: already bought now
        self.sync(self.order_data([(self.beans, 3), (self.croissant, 1)]))
        self.assertFalse(self.coupons())
        # and the next coffee-only basket: bought before
        order = self.sync(self.order_data([(self.beans, 3)]))
        self.assertFalse(self.coupons())
        outcome = couponing.evaluate(self.rule, order)
        self.assertFalse(outcome.fired)
        self.assertIn(
            (False, f"last bought a product of Bakery on {order.date_order.date()}"),
            outcome.reasons,
            "the rule says why it did not fire",
        )
        # the consultant sees the same in the back office
        wizard = self.env["fidelite.coupon.rule.simulation"].sudo().create({"pos_order_id": order.id})
        wizard.action_simulate()
        self.assertIn("Pastries for coffee lovers", wizard.result)
        self.assertIn("✘ last bought a product of Bakery", wizard.result)
        self.assertIn("✔ a product of Coffee in the basket", wizard.result)

    def test_pastries_bought_long_ago_count_as_never_within_the_window(self):
        old = self.sync(self.order_data([(self.croissant, 1)]))
        old.date_order = fields.Datetime.now() - timedelta(days=200)
        self.rule.never_bought_days = 90
        self.sync(self.order_data([(self.beans, 3)]))
        self.assertEqual(len(self.coupons()), 1)

    def test_one_coupon_per_member_per_period(self):
        first = self.sync(self.order_data([(self.beans, 3)]))
        self.sync(self.order_data([(self.beans, 4)]))
        self.assertEqual(len(self.coupons()), 1, "once per 30 days")
        first.date_order = fields.Datetime.now() - timedelta(days=40)
        third = self.sync(self.order_data([(self.beans, 2)]))
        self.assertEqual(len(self.coupons()), 2, "a new period, a new coupon")
        self.assertEqual(self.coupons().source_pos_order_id, first | third)

    def test_a_basket_that_does_not_qualify_gets_no_coupon(self):
        order = self.sync(self.order_data([(self.beans, 1)]))  # 10 €, 20 € needed
        self.sync(self.order_data([(self.croissant, 10)]))  # no coffee
        self.sync(self.order_data([(self.beans, 3)], customer=False))  # not a member
        self.assertFalse(self.coupons())
        result = order.confirm_coupon_programs(self.loyalty_data(10))
        self.assertFalse(result["new_coupon_info"])

    def test_a_rule_open_to_everyone_gives_anonymous_customers_a_coupon(self):
        self.rule.write({"members_only": False, "never_bought_category_ids": [Command.clear()]})
        order = self.sync(self.order_data([(self.beans, 3)], customer=False), times=2)
        coupon = self.coupons()
        self.assertEqual(len(coupon), 1)
        self.assertFalse(coupon.partner_id)
        self.assertEqual(coupon.source_pos_order_id, order)

    def test_coupon_redeemed_on_the_next_visit_is_counted_on_the_rule(self):
        self.sync(self.order_data([(self.beans, 3)]))
        coupon = self.coupons()
        # next visit: the cashier scans the coupon, Odoo's till checks it with the server
        now = fields.Datetime.to_string(fields.Datetime.now())
        check = self.config.use_coupon_code(coupon.code, now, self.member.id, self.config.pricelist_id.id)
        self.assertTrue(check["successful"], check)
        self.assertEqual(check["payload"]["coupon_id"], coupon.id)
        reward = self.coupon_program.reward_ids
        data = self.order_data([(self.beans, 3), (reward.discount_line_product_id, 1)])
        data["lines"][1][2].update(
            {
                "price_unit": -6.0,
                "price_subtotal": -6.0,
                "price_subtotal_incl": -6.0,
                "reward_id": reward.id,
                "is_reward_line": True,
                "points_cost": 1,
                "coupon_id": coupon.id,
                "reward_identifier_code": "fid-coupon-reward",
            }
        )
        data.update(amount_total=24.0, amount_paid=24.0)
        data["payment_ids"][0][2]["amount"] = 24.0
        order = self.sync(data)
        coupon_data = self.loyalty_data(24)
        coupon_data[str(coupon.id)] = {
            "points": -1,
            "program_id": self.coupon_program.id,
            "coupon_id": coupon.id,
            "barcode": False,
            "line_codes": ["fid-coupon-reward"],
        }
        order.confirm_coupon_programs(coupon_data)
        self.assertEqual(coupon.points, 0, "the coupon is used up")
        self.assertEqual(coupon.use_count, 1)
        self.assertEqual(len(self.coupons()), 1, "the redeeming order issues no new coupon within the period")
        self.rule.invalidate_recordset()
        self.assertEqual(
            (self.rule.issued_count, self.rule.redeemed_count, self.rule.redemption_rate, self.rule.redeemed_revenue),
            (1, 1, 100.0, 24.0),
        )
        again = self.config.use_coupon_code(coupon.code, now, self.member.id, self.config.pricelist_id.id)
        self.assertFalse(again["successful"], "a coupon is redeemed once")
        action = self.rule.action_view_coupons()
        self.assertEqual(self.env["loyalty.card"].search(action["domain"]), coupon)

    def test_a_coupon_is_withdrawn_when_its_order_is_refunded(self):
        order = self.sync(self.order_data([(self.beans, 3)]))
        coupon = self.coupons()
        line = order.lines
        self.sync(self.order_data([{"product": self.beans, "quantity": -1, "refunded_orderline_id": line.id}]))
        self.assertTrue(coupon.active, "a partial refund keeps the coupon")
        self.sync(self.order_data([{"product": self.beans, "quantity": -2, "refunded_orderline_id": line.id}]))
        self.assertFalse(coupon.active)
        now = fields.Datetime.to_string(fields.Datetime.now())
        check = self.config.use_coupon_code(coupon.code, now, self.member.id, self.config.pricelist_id.id)
        self.assertFalse(check["successful"], "the till refuses the coupon of a returned basket")
        all_coupons = self.env["loyalty.card"].with_context(active_test=False)
        self.assertEqual(all_coupons.search_count([("fidelite_coupon_rule_id", "=", self.rule.id)]), 1)

    def test_rules_without_a_usable_coupon_program_are_refused(self):
        Rule = self.env["fidelite.coupon.rule"].sudo()
        with self.assertRaisesRegex(ValidationError, "needs a coupon program"):
            Rule.create({"name": "No program"})
        with self.assertRaisesRegex(ValidationError, "is not a coupon program"):
            Rule.create({"name": "Points", "program_id": self.program.id})
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            Rule.create({"name": "Negative", "program_id": self.coupon_program.id, "minimum_amount": -5})
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.rule.validity_days = -1
