from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..services import ledger, reward_catalogue, tiers
from .pos_common import PosOrderCase


@tagged("post_install", "-at_install")
class TestRewardCatalogue(PosOrderCase):
    """The member chooses among the rewards their balance, tier and the stock allow."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the catalogue runs with its caller's rights: the back office's (a Fidélité user), or
        # those its entry point raised (the till's settlement, the portal's claim)
        cls.env.user.group_ids |= cls.env.ref("fidelite_loyalty.group_fidelite_user")
        cls.charity = cls.env["res.partner"].create({"name": "Restos du Cœur", "is_company": True})
        Reward = cls.env["loyalty.reward"]
        cls.tote_bag = Reward.create(
            {
                "program_id": cls.program.id,
                "reward_type": "discount",
                "discount_mode": "per_order",
                "discount": 5,
                "required_points": 50,
                "description": "Tote bag",
                "fidelite_category": "gift",
                "fidelite_stock_limited": True,
                "fidelite_stock_total": 2,
            }
        )
        cls.donation = Reward.create(
            {
                "program_id": cls.program.id,
                "reward_type": "discount",
                "discount_mode": "per_order",
                "discount": 5,
                "required_points": 30,
                "description": "5 € for the Restos du Cœur",
                "fidelite_category": "donation",
                "fidelite_beneficiary_id": cls.charity.id,
            }
        )

    def redemptions(self, reward):
        return self.env["fidelite.reward.redemption"].sudo().search([("reward_id", "=", reward.id)])

    def test_catalogue_offers_what_balance_tier_and_stock_allow(self):
        self.assertEqual(reward_catalogue.available(self.card), [], "no points, nothing to choose")
        ledger.post(self.card, 120, "earn", reason="Purchases")
        offered = {reward.description: left for reward, left in reward_catalogue.available(self.card)}
        self.assertEqual(offered, {"5 € for the Restos du Cœur": None, "Tote bag": 2, self.reward.description: None})
        self.program.sudo().write(
            {
                "fidelite_tier_ids": [
                    Command.create({"name": "Membre", "threshold": 0}),
                    Command.create({"name": "Prestige", "threshold": 1000}),
                ]
            }
        )
        tiers.promote(self.card.sudo())  # as the till's settlement, which raises
        self.tote_bag.sudo().fidelite_tier_ids = self.program.fidelite_tier_ids.filtered(lambda t: t.name == "Prestige")
        self.tote_bag.fidelite_stock_total = 0
        offered = [reward for reward, _left in reward_catalogue.available(self.card)]
        self.assertNotIn(self.tote_bag, offered, "kept for Prestige and out of stock")

    def test_gift_chosen_in_the_back_office_debits_once_and_takes_stock(self):
        ledger.post(self.card, 120, "earn", reason="Purchases")
        clerk = self.env["res.users"].create(
            {
                "name": "Desk clerk",
                "login": "fid_reward_clerk",
                "group_ids": [Command.set([self.env.ref("fidelite_loyalty.group_fidelite_user").id])],
            }
        )
        wizard = (
            self.env["fidelite.reward.claim.wizard"]
            .with_user(clerk)
            .create({"card_id": self.card.id, "reward_id": self.tote_bag.id})
        )
        self.assertIn(self.tote_bag, wizard.available_reward_ids)
        action = wizard.action_confirm()
        wizard.action_confirm()  # double click
        redemption = self.env["fidelite.reward.redemption"].with_user(clerk).browse(action["res_id"])
        self.assertEqual(self.redemptions(self.tote_bag), redemption)
        self.assertEqual((redemption.state, redemption.points, redemption.channel), ("to_deliver", 50, "backoffice"))
        self.assertRegex(redemption.code, r"^R[A-Z2-9]{9}$")
        self.assert_balance(self.card, 70)
        self.assertEqual(self.tote_bag.fidelite_stock_left, 1)
        redemption.action_deliver()
        self.assertEqual(redemption.state, "done")
        with self.assertRaises(UserError):
            redemption.action_cancel()

    def test_out_of_stock_is_refused_and_nothing_is_recorded(self):
        ledger.post(self.card, 500, "earn", reason="Purchases")
        reward_catalogue.claim(self.card, self.tote_bag, "portal", key="t1", quantity=2)
        with self.assertRaisesRegex(UserError, "Out of stock: Tote bag"):
            reward_catalogue.claim(self.card, self.tote_bag, "portal", key="t2")
        self.assert_balance(self.card, 400)
        self.assertEqual(sum(self.redemptions(self.tote_bag).mapped("quantity")), 2)
        answer = self.env["loyalty.reward"].fidelite_check_stock({str(self.tote_bag.id): 1})
        self.assertFalse(answer["ok"])
        self.assertIn("Tote bag", answer["message"])

    def test_not_enough_points_or_blocked_card_records_nothing(self):
        ledger.post(self.card, 40, "earn", reason="Purchases")
        with self.assertRaisesRegex(UserError, "Not enough points"):
            reward_catalogue.claim(self.card, self.tote_bag, "portal", key="t3")
        self.assertFalse(self.redemptions(self.tote_bag))
        self.assertEqual(self.tote_bag.fidelite_stock_left, 2)
        self.card.fidelite_state = "blocked"
        with self.assertRaises(UserError):
            reward_catalogue.claim(self.card, self.donation, "portal", key="t4")
        self.assert_balance(self.card, 40)

    def test_cancelling_gives_points_and_stock_back(self):
        ledger.post(self.card, 100, "earn", reason="Purchases")
        redemption = reward_catalogue.claim(self.card, self.tote_bag, "portal", key="t5")
        self.assertEqual(self.tote_bag.fidelite_stock_left, 1)
        redemption.action_cancel()
        redemption.action_cancel()
        self.assertEqual(redemption.state, "cancelled")
        self.assertEqual(self.tote_bag.fidelite_stock_left, 2)
        self.assert_balance(self.card, 100)

    def test_donation_needs_its_beneficiary_and_is_given_at_once(self):
        with self.assertRaises(ValidationError):
            self.donation.fidelite_beneficiary_id = False
        ledger.post(self.card, 100, "earn", reason="Purchases")
        redemption = reward_catalogue.claim(self.card, self.donation, "portal", key="t6")
        self.assertEqual((redemption.state, redemption.beneficiary_id), ("done", self.charity))

    def test_reward_taken_at_the_till_is_recorded_once_and_returned_with_a_refund(self):
        ledger.post(self.card, 100, "earn", reason="Purchases")
        order = self.sync(self.order_with_reward(2, reward=self.tote_bag), times=3)
        redemption = self.redemptions(self.tote_bag)
        self.assertEqual(len(redemption), 1)
        self.assertEqual(
            (redemption.channel, redemption.pos_order_id, redemption.points, redemption.store_id),
            ("pos", order, 50, self.config),
        )
        self.assertEqual(self.tote_bag.fidelite_stock_left, 1)
        self.assert_balance(self.card, 70)  # 100 + 20 - 50
        reward_line = order.lines.filtered("is_reward_line")
        refund = self.order_data(
            [{"product": reward_line.product_id, "quantity": -1, "refunded_orderline_id": reward_line.id}]
        )
        refund["lines"][0][2].update(price_unit=-5.0, price_subtotal=5.0, price_subtotal_incl=5.0)
        refund.update(amount_total=5.0, amount_paid=5.0)
        refund["payment_ids"][0][2]["amount"] = 5.0
        self.sync(refund)
        self.assertEqual(redemption.state, "cancelled")
        self.assertEqual(self.tote_bag.fidelite_stock_left, 2)
        self.assert_balance(self.card, 120)  # the 50 points are given back

    def test_the_last_one_taken_at_two_tills_is_kept_and_said(self):
        ledger.post(self.card, 500, "earn", reason="Purchases")
        self.tote_bag.fidelite_stock_total = 1
        self.sync(self.order_with_reward(1, reward=self.tote_bag, claim="till-1"))
        self.sync(self.order_with_reward(1, reward=self.tote_bag, claim="till-2"))
        self.assertEqual(len(self.redemptions(self.tote_bag)), 2, "paid orders are never refused")
        self.assertEqual(self.tote_bag.fidelite_stock_left, -1)
        self.assertIn("stock was exhausted", self.card.message_ids[0].body)
