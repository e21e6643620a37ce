from odoo import Command
from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .ledger_common import make_loyalty_program


@tagged("post_install", "-at_install")
class TestCouponReceiptTour(TestPointOfSaleHttpCommon):
    def test_coupon_printed_on_the_receipt_at_the_till(self):
        env = self.env(su=True)
        stationery = env["product.category"].create({"name": "Stationery"})
        bakery = env["product.category"].create({"name": "Bakery"})
        self.whiteboard_pen.write({"taxes_id": [(5, 0, 0)], "categ_id": stationery.id})
        self.whiteboard_pen.product_variant_ids.write({"lst_price": 10})
        self.main_pos_config.write({"tax_regime_selection": False, "use_pricelist": False})
        program = make_loyalty_program(env, name="Carte Club")
        member = env["res.partner"].create({"name": "Lou Garnier"})
        env["loyalty.card"].create({"program_id": program.id, "partner_id": member.id, "code": "2990000000125"})
        coupon_program = env["loyalty.program"].create(
            {
                "name": "20% off your next visit",
                "program_type": "coupons",
                "trigger": "with_code",
                "applies_on": "current",
                "pos_ok": True,
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
        rule = env["fidelite.coupon.rule"].create(
            {
                "name": "Pastries for stationery buyers",
                "program_id": coupon_program.id,
                "receipt_label": "Your pastry treat",
                "minimum_amount": 20,
                "product_category_ids": [Command.set(stationery.ids)],
                "never_bought_category_ids": [Command.set(bakery.ids)],
                "pos_config_ids": [Command.set(self.main_pos_config.ids)],
            }
        )
        everyone = env["fidelite.coupon.rule"].create(
            {
                "name": "Thanks for coming",
                "program_id": coupon_program.id,
                "receipt_label": "Thank you coupon",
                "members_only": False,
                "minimum_amount": 20,
            }
        )
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("fidelite_pos_receipt_coupon")
        order = env["pos.order"].search([("partner_id", "=", member.id)])
        self.assertEqual(len(order), 1)
        self.assertEqual(rule.coupon_ids.source_pos_order_id, order)
        self.assertEqual(rule.coupon_ids.partner_id, member)
        self.assertEqual(len(everyone.coupon_ids), 2)
        self.assertEqual(everyone.coupon_ids.partner_id, member, "the second coupon is anonymous")
