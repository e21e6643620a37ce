from odoo import Command
from odoo.tests import tagged

from ..services import ledger
from .pos_common import PosOrderCase


@tagged("post_install", "-at_install")
class TestPosPoints(PosOrderCase):
    """Points of POS orders are computed by the server, once, whatever the till sends."""

    def test_order_synced_five_times_credits_once(self):
        order = self.sync(self.order_data([(self.beans, 3)]), times=5)
        self.assertEqual(len(order), 1)
        result = self.confirm(order, self.client_data(30), times=5)
        self.assert_balance(self.card, 30)
        self.assertEqual(len(self.moves(self.card)), 1)
        update = next(u for u in result["coupon_updates"] if u["id"] == self.card.id)
        self.assertEqual(update["points"], 30, "the till gets the server's balance back")
        move = self.moves(self.card)
        self.assertEqual((move.origin, move.pos_order_id, move.store_id), ("pos", order, self.config))

    def test_points_sent_by_the_till_are_ignored(self):
        order = self.sync(self.order_data([(self.beans, 2)]))
        self.confirm(order, self.client_data(5000))
        self.assert_balance(self.card, 20)

    def test_points_are_credited_even_if_the_till_never_confirms(self):
        self.sync(self.order_data([(self.beans, 4)]))
        self.assert_balance(self.card, 40)

    def test_new_member_card_gets_the_server_points(self):
        newcomer = self.env["res.partner"].create({"name": "Nour Benali"})
        order = self.sync(self.order_data([(self.beans, 5)], customer=newcomer))
        data = {"-1": {"points": 999, "program_id": self.program.id, "coupon_id": -1, "partner_id": newcomer.id}}
        result = self.confirm(order, data)
        self.confirm(order, data, times=2)
        card = self.env["loyalty.card"].search([("partner_id", "=", newcomer.id), ("program_id", "=", self.program.id)])
        self.assertEqual(len(card), 1, "replays do not create more cards")
        self.assert_balance(card, 50)
        self.assertIn(
            {"old_id": -1, "id": card.id, "points": 50},
            [{key: u[key] for key in ("old_id", "id", "points")} for u in result["coupon_updates"]],
        )

    def test_reward_spends_the_points_once(self):
        ledger.post(self.card, 120, "earn", reason="Earlier purchases")
        order = self.sync(self.order_with_reward(3), times=3)
        self.confirm(order, self.client_data(-70), times=3)
        # 120 + 30 earned (the voucher itself earns nothing) - 100 spent
        self.assert_balance(self.card, 50)
        self.assertEqual(sorted(self.moves(self.card).mapped("move_type")), ["earn", "earn", "redeem"])

    def _refund_data(self, original, quantity):
        line = original.lines.filtered(lambda line: line.product_id == self.beans)
        return self.order_data([{"product": self.beans, "quantity": -quantity, "refunded_orderline_id": line.id}])

    def test_partial_then_full_refund_reverses_exactly(self):
        order = self.sync(self.order_data([(self.beans, 3)]))
        self.assert_balance(self.card, 30)
        self.sync(self._refund_data(order, 1), times=3)
        self.assert_balance(self.card, 20)
        self.sync(self._refund_data(order, 2))
        self.assert_balance(self.card, 0)
        reversals = self.moves(self.card).filtered(lambda move: move.move_type == "reversal")
        self.assertEqual(sorted(reversals.mapped("points")), [-20, -10])
        self.assertTrue(all(reversals.mapped("reason")), "each reversal says which refund caused it")

    def test_refunding_a_reward_gives_its_points_back(self):
        ledger.post(self.card, 100, "earn", reason="Earlier purchases")
        order = self.sync(self.order_with_reward(2))
        self.assert_balance(self.card, 20)  # 100 + 20 - 100
        reward_line = order.lines.filtered("is_reward_line")
        beans_line = order.lines - reward_line
        refund = self.order_data(
            [
                {"product": self.beans, "quantity": -2, "refunded_orderline_id": beans_line.id},
                {"product": reward_line.product_id, "quantity": -1, "refunded_orderline_id": reward_line.id},
            ]
        )
        refund["lines"][1][2].update(price_unit=-5.0, price_subtotal=5.0, price_subtotal_incl=5.0)
        refund.update(amount_total=-15.0, amount_paid=-15.0)
        refund["payment_ids"][0][2]["amount"] = -15.0
        self.sync(refund, times=2)
        # the 20 earned are taken back, the 100 spent are given back
        self.assert_balance(self.card, 100)

    def test_a_reward_cannot_be_made_cheaper_by_the_till(self):
        ledger.post(self.card, 120, "earn", reason="Earlier purchases")
        data = self.order_with_reward(1)
        data["lines"][1][2]["points_cost"] = 0
        self.sync(data)
        self.assert_balance(self.card, 30)  # 120 + 10 - 100

    def test_a_replayed_order_with_spent_points_still_syncs(self):
        """Two tills offline spent the same points: the second order is kept, the manager is told."""
        ledger.post(self.card, 100, "earn", reason="Earlier purchases")
        self.sync(self.order_with_reward(1))
        order = self.sync(self.order_with_reward(1))
        self.assertEqual(order.state, "paid")
        self.assert_balance(self.card, 20)  # 100 + 10 - 100 + 10, the second voucher not taken
        self.assertIn("could not be redeemed", order.message_ids[0].body)

    def test_tier_multiplier_and_spend_qualification(self):
        self.program.sudo().write(
            {
                "fidelite_tier_basis": "spend",
                "fidelite_tier_ids": [
                    Command.create({"name": "Membre", "threshold": 0}),
                    Command.create({"name": "Privilège", "threshold": 50, "multiplier": 2}),
                ],
            }
        )
        self.sync(self.order_data([(self.beans, 3)]))  # 30 € spent: Membre
        self.assertEqual(self.card.fidelite_tier_id.name, "Membre")
        self.sync(self.order_data([(self.beans, 3)]))  # 60 € spent: Privilège from now on
        self.assertEqual(self.card.fidelite_tier_id.name, "Privilège")
        self.assert_balance(self.card, 60)
        self.sync(self.order_data([(self.beans, 1)]))  # 10 € at twice the points
        self.assert_balance(self.card, 80)
        day = self.env["fidelite.member.day"].sudo().search([("partner_id", "=", self.member.id)])
        self.assertEqual((day.revenue, day.visits), (70, 3))

    def test_bonus_rules_are_applied_by_the_server(self):
        self.env["fidelite.rule"].sudo().create(
            {"name": "Double from 25 €", "program_id": self.program.id, "minimum_amount": 25, "value": 2}
        )
        self.sync(self.order_data([(self.beans, 3)]))  # 30 €: doubled
        self.sync(self.order_data([(self.beans, 2)]))  # 20 €: not
        self.assert_balance(self.card, 80)

    def test_referral_rewards_both_at_the_first_qualifying_purchase_once(self):
        self.program.sudo().write(
            {
                "fidelite_referral_enabled": True,
                "fidelite_referral_referrer_points": 100,
                "fidelite_referral_referee_points": 50,
                "fidelite_referral_minimum_amount": 25,
            }
        )
        newcomer = self.env["res.partner"].create({"name": "Inès Petit"})
        newcomer.sudo().fidelite_apply_referral_code(self.member.fidelite_referral_code)
        card = self.env["loyalty.card"].sudo().create({"program_id": self.program.id, "partner_id": newcomer.id})
        self.sync(self.order_data([(self.beans, 2)], customer=newcomer))  # 20 €: below the minimum
        self.assert_balance(card, 20)
        self.assert_balance(self.card, 0)
        self.sync(self.order_data([(self.beans, 3)], customer=newcomer))  # 30 €: qualifies
        self.assert_balance(card, 100)  # 20 + 30 + 50 welcome
        self.assert_balance(self.card, 100)
        self.sync(self.order_data([(self.beans, 3)], customer=newcomer))
        self.assert_balance(self.card, 100, history=True)
        self.assertTrue(newcomer.sudo().fidelite_referral_rewarded)
