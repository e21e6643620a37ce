from odoo import Command
from odoo.tests import tagged

from ..services import ledger, tiers
from .ledger_common import LedgerCase


@tagged("post_install", "-at_install")
class TestSalePoints(LedgerCase):
    """Odoo's sales orders credit and take back points: each change is a movement of the order."""

    def test_confirm_then_cancel_a_sales_order(self):
        product = self.env["product.product"].create({"name": "Hamper", "list_price": 40.0, "taxes_id": False})
        order = self.env["sale.order"].create(
            {"partner_id": self.member.id, "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 2})]}
        )
        order.action_confirm()
        self.assert_balance(self.card, 80)
        move = self.moves(self.card)
        self.assertEqual((move.origin, move.sale_order_id, move.move_type), ("sale", order, "earn"))
        order._action_cancel()
        self.assert_balance(self.card, 0)
        reversal = self.moves(self.card)[0]
        self.assertEqual((reversal.points, reversal.move_type, reversal.sale_order_id), (-80, "reversal", order))

    def test_online_shop_orders_earn_at_the_online_outlet(self):
        web_team = self.env["crm.team"].create({"name": "Site web"})
        online = self.env["fidelite.outlet"].create(
            {"name": "Boutique en ligne", "kind": "online", "team_id": web_team.id}
        )
        product = self.env["product.product"].create({"name": "Hamper", "list_price": 40.0, "taxes_id": False})
        orders = self.env["sale.order"]
        for team in (web_team, self.env["crm.team"].create({"name": "Comptoir pro"})):
            orders |= self.env["sale.order"].create(
                {
                    "partner_id": self.member.id,
                    "team_id": team.id,
                    "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
                }
            )
        orders.action_confirm()
        self.assert_balance(self.card, 80)
        outlets = {move.sale_order_id: move.outlet_id for move in self.moves(self.card)}
        self.assertEqual(outlets, {orders[0]: online, orders[1]: self.env["fidelite.outlet"]})
        report = self.env["fidelite.outlet.report"]._read_group(
            [("outlet_id", "=", online.id)], [], ["points_issued:sum"]
        )
        self.assertEqual(report[0][0], 40, "the online shop's figures show the points its orders issued")

    def test_tier_and_bonus_rules_apply_to_sales_orders(self):
        self.program.write(
            {
                "fidelite_tier_ids": [
                    Command.create({"name": "Membre", "threshold": 0}),
                    Command.create({"name": "Privilège", "threshold": 10, "multiplier": 2}),
                ],
                "fidelite_rule_ids": [
                    Command.create({"name": "Big basket", "minimum_amount": 50, "effect": "add", "value": 5})
                ],
            }
        )
        ledger.post(self.card, 10, "earn")
        tiers.promote(self.card)
        product = self.env["product.product"].create({"name": "Hamper", "list_price": 40.0, "taxes_id": False})
        order = self.env["sale.order"].create(
            {"partner_id": self.member.id, "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 2})]}
        )
        order.action_confirm()
        self.assert_balance(self.card, 10 + (80 + 5) * 2)

    def test_rewards_kept_for_a_tier(self):
        self.program.write(
            {
                "fidelite_tier_ids": [
                    Command.create({"name": "Membre", "threshold": 0}),
                    Command.create({"name": "Prestige", "threshold": 1000}),
                ],
            }
        )
        prestige = self.program.fidelite_tier_ids.filtered(lambda tier: tier.name == "Prestige")
        gift = self.env["loyalty.reward"].create(
            {
                "program_id": self.program.id,
                "reward_type": "discount",
                "discount_mode": "per_order",
                "discount": 20,
                "required_points": 50,
                "fidelite_tier_ids": [Command.set(prestige.ids)],
            }
        )
        ledger.post(self.card, 200, "earn")
        tiers.promote(self.card)
        product = self.env["product.product"].create({"name": "Hamper", "list_price": 40.0, "taxes_id": False})
        order = self.env["sale.order"].create(
            {"partner_id": self.member.id, "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})]}
        )
        order._update_programs_and_rewards()
        claimable = order._get_claimable_rewards(forced_coupons=self.card)[self.card]
        self.assertIn(self.program.reward_ids - gift, claimable)
        self.assertNotIn(gift, claimable, "kept for Prestige members")
        self.assertEqual(gift.fidelite_tier_list, str(prestige.id))
        self.card.sudo().with_context(fidelite_ledger_post=True).fidelite_tier_id = prestige
        self.assertIn(gift, order._get_claimable_rewards(forced_coupons=self.card)[self.card])
