from odoo import Command
from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .ledger_common import LedgerAssertions


@tagged("post_install", "-at_install")
class TestPosGiftCardTour(TestPointOfSaleHttpCommon, LedgerAssertions):
    def test_sell_a_gift_card_with_a_typed_amount(self):
        Program = self.env["loyalty.program"]
        Program.search([]).write({"pos_ok": False})
        gift_product = self.env.ref("loyalty.gift_card_product_50")
        # the POS tests archive every product of the till; Odoo's gift card product is shared
        gift_product.product_tmpl_id.write({"taxes_id": [Command.clear()], "available_in_pos": True, "active": True})
        program = Program.browse(Program.create_from_template("gift_card")["res_id"])
        program.pos_report_print_id = self.env.ref("loyalty.report_gift_card")
        self.main_pos_config.write({"tax_regime_selection": False, "use_pricelist": False})
        self.main_pos_config.with_user(self.pos_user).open_ui()
        # the till would also download the gift card as a PDF: the receipt is what is tested here
        program.communication_plan_ids.pos_report_print_id = False
        self.start_pos_tour("fidelite_pos_gift_card_sale")
        card = self.env["loyalty.card"].search([("code", "=", "GC-TOUR-0035")])
        self.assertEqual(card.program_id, program)
        self.assert_balance(card, 35.0)
        order = card.source_pos_order_id
        self.assertEqual(order.amount_total, 35.0)
        self.assertFalse(order.lines.tax_ids, "a multi-purpose voucher is sold without VAT")
        move = self.moves(card)
        self.assertEqual((move.points, move.origin, move.pos_order_id), (35.0, "pos", order))
