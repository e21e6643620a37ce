from odoo import Command
from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from ..services import ledger, tiers
from .ledger_common import LedgerAssertions, make_loyalty_program


@tagged("post_install", "-at_install")
class TestPosMemberTour(TestPointOfSaleHttpCommon, LedgerAssertions):
    def test_scan_member_card_pay_and_see_the_server_balance(self):
        self.whiteboard_pen.write({"taxes_id": [(5, 0, 0)]})
        self.whiteboard_pen.product_variant_ids.write({"lst_price": 10})
        self.main_pos_config.write({"tax_regime_selection": False, "use_pricelist": False})
        program = make_loyalty_program(
            self.env(su=True),
            name="Carte Club",
            fidelite_tier_ids=[
                Command.create({"name": "Membre", "threshold": 0}),
                Command.create({"name": "Privilège", "threshold": 100, "multiplier": 2}),
            ],
        )
        # the program's reward needs more points than the member has; a cheaper one is Prestige-only
        program.reward_ids.sudo().required_points = 1000
        self.env["loyalty.reward"].sudo().create(
            {
                "program_id": program.id,
                "reward_type": "discount",
                "discount_mode": "per_order",
                "discount": 20,
                "required_points": 50,
                "description": "Prestige gift",
                "fidelite_tier_ids": [
                    Command.create({"name": "Prestige", "threshold": 1000, "program_id": program.id})
                ],
            }
        )
        # a bonus rule the till previews from the server: +10 points from 25 €
        self.env["fidelite.rule"].sudo().create(
            {
                "name": "10 points from 25 €",
                "program_id": program.id,
                "minimum_amount": 25,
                "effect": "add",
                "value": 10,
            }
        )
        member = self.env["res.partner"].create({"name": "Lou Garnier"})
        card = self.env["loyalty.card"].create(
            {"program_id": program.id, "partner_id": member.id, "code": "2990000000125"}
        )
        ledger.post(card, 100, "earn", reason="Earlier purchases")
        tiers.promote(card.sudo())  # as the settlement runs it: with the rights its entry point raised
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("fidelite_pos_member_scan")
        order = self.env["pos.order"].search([("partner_id", "=", member.id)])
        self.assertEqual(len(order), 1)
        self.assert_balance(card, 180)
        self.assertEqual(card.sudo().fidelite_move_ids.filtered(lambda move: move.pos_order_id == order).points, 80)

    def test_member_chooses_a_reward_at_the_till(self):
        self.whiteboard_pen.write({"taxes_id": [(5, 0, 0)]})
        self.whiteboard_pen.product_variant_ids.write({"lst_price": 10})
        self.main_pos_config.write({"tax_regime_selection": False, "use_pricelist": False})
        program = make_loyalty_program(self.env(su=True), name="Carte Club")
        program.reward_ids.sudo().description = "5 € off"
        Reward = self.env["loyalty.reward"].sudo()
        voucher = Reward.create(
            {
                "program_id": program.id,
                "reward_type": "discount",
                "discount_mode": "per_order",
                "discount": 8,
                "required_points": 50,
                "description": "Christmas voucher",
                "fidelite_category": "gift",
                "fidelite_stock_limited": True,
                "fidelite_stock_total": 3,
            }
        )
        Reward.create(
            {
                "program_id": program.id,
                "reward_type": "discount",
                "discount_mode": "per_order",
                "discount": 10,
                "required_points": 60,
                "description": "Umbrella",
                "fidelite_category": "gift",
                "fidelite_stock_limited": True,
                "fidelite_stock_total": 0,
            }
        )
        member = self.env["res.partner"].create({"name": "Jeanne Morel"})
        card = self.env["loyalty.card"].create(
            {"program_id": program.id, "partner_id": member.id, "code": "2990000000132"}
        )
        ledger.post(card, 120, "earn", reason="Earlier purchases")
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("fidelite_pos_reward_choice")
        order = self.env["pos.order"].search([("partner_id", "=", member.id)])
        self.assertEqual(len(order), 1)
        redemption = self.env["fidelite.reward.redemption"].sudo().search([("card_id", "=", card.id)])
        self.assertEqual((redemption.reward_id, redemption.pos_order_id, redemption.points), (voucher, order, 50))
        self.assertEqual(voucher.fidelite_stock_left, 2)
        redeemed = card.sudo().fidelite_move_ids.filtered(lambda move: move.move_type == "redeem")
        self.assertEqual(redeemed.points, -50)
        self.assert_balance(card, card.sudo().points)
        self.assertEqual(card.sudo().points, 120 - 50 + 30, "30 points for the 30 € of pens")
