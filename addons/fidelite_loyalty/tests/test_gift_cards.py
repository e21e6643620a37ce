from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .pos_common import PosSyncCase


@tagged("post_install", "-at_install")
class TestGiftCards(PosSyncCase):
    """Gift cards sold at the till with a free amount, spent in parts, as EU multi-purpose vouchers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        Program = cls.env["loyalty.program"]
        Program.search([]).write({"pos_ok": False})
        cls.gift_product = cls.env.ref("loyalty.gift_card_product_50")
        cls.gift_product.write({"taxes_id": [Command.clear()], "available_in_pos": True})
        cls.program = Program.browse(Program.create_from_template("gift_card")["res_id"])
        cls.program.write({"name": "Cartes cadeaux", "pos_report_print_id": cls.env.ref("loyalty.report_gift_card").id})
        cls.tax = cls.taxes["tax7"]
        cls.goods = cls.create_product("Teapot", cls.categ_basic, 40.0, tax_ids=cls.tax.ids)
        cls.member = cls.env["res.partner"].create({"name": "Lou Garnier"})

    # helpers: what the till sends

    def _set_total(self, data):
        total = round(sum(line[2]["price_subtotal_incl"] for line in data["lines"]), 2)
        data.update(amount_total=total, amount_paid=total)
        data["payment_ids"][0][2]["amount"] = total
        return data

    def sell(self, amount, code, times=1):
        """The cashier adds the gift card product, types ``code`` and ``amount`` in the popup, is paid."""
        data = self.create_ui_order_data([(self.gift_product, 1)])
        data["lines"][0][2].update(price_unit=amount, price_subtotal=amount, price_subtotal_incl=amount)
        self._set_total(data)
        order = self.sync(data, times=times)
        expiry = fields.Date.to_string(fields.Date.add(fields.Date.today(), years=1))
        coupon_data = {
            "-1": {
                "program_id": self.program.id,
                "points": amount,
                "manual": True,
                "product_id": self.gift_product.id,
                "coupon_id": -1,
                "code": code,
                "partner_id": False,
                "expiration_date": expiry,
            }
        }
        result = self.confirm(order, coupon_data, times=times)
        return order, self.env["loyalty.card"].search([("code", "=", code)]), result

    def spend(self, card, amount, customer=None, times=1):
        """Goods paid partly with the gift card ``card`` (the till's negative payment line)."""
        reward = self.program.reward_ids
        data = self.create_ui_order_data([(self.goods, 1), (reward.discount_line_product_id, 1)], customer=customer)
        data["lines"][1][2].update(
            {
                "price_unit": -amount,
                "price_subtotal": -amount,
                "price_subtotal_incl": -amount,
                "tax_ids": [Command.set(reward.discount_line_product_id.taxes_id.ids)],
                "reward_id": reward.id,
                "is_reward_line": True,
                "points_cost": amount,
                "coupon_id": card.id,
                "reward_identifier_code": f"gift-{card.id}-{amount}",
            }
        )
        self._set_total(data)
        order = self.sync(data, times=times)
        coupon_data = {
            str(card.id): {
                "points": -amount,
                "program_id": self.program.id,
                "coupon_id": card.id,
                "barcode": False,
                "expiration_date": False,
                "line_codes": [f"gift-{card.id}-{amount}"],
            }
        }
        self.confirm(order, coupon_data, times=times)
        return order

    # the tests

    def test_giftcard_sold_with_a_free_amount_without_vat(self):
        order, card, result = self.sell(37.50, "GC-3750-0001")
        self.assertEqual(len(card), 1)
        self.assertEqual(card.program_id, self.program)
        self.assertEqual(card.source_pos_order_id, order)
        self.assert_balance(card, 37.50)
        move = self.moves(card)
        self.assertEqual(
            (move.points, move.move_type, move.origin, move.pos_order_id, move.store_id),
            (37.50, "earn", "pos", order, self.config),
        )
        self.assertTrue(move.idempotency_key)
        self.assertFalse(order.lines.tax_ids, "a multi-purpose voucher is sold without VAT")
        self.assertEqual((order.amount_total, order.amount_tax), (37.50, 0))
        self.assertFalse(order.lines.product_id.is_storable, "a gift card is not stocked")
        printed = next(info for info in result["new_coupon_info"] if info["code"] == card.code)
        self.assertIn("37.50", printed["fidelite_amount"], "the receipt prints the card's value")
        self.assertIn("VAT", printed["fidelite_voucher_note"])

    def test_giftcard_partial_use_keeps_vat_on_the_goods(self):
        _order, card, _result = self.sell(37.50, "GC-3750-0002")
        first = self.spend(card, 20.0, customer=self.member)
        goods_line = first.lines.filtered(lambda line: line.product_id == self.goods)
        gift_line = first.lines.filtered("is_reward_line")
        self.assertEqual(goods_line.tax_ids, self.tax, "the goods keep their VAT")
        self.assertFalse(gift_line.tax_ids, "the gift card pays: its line carries no tax")
        self.assertEqual(gift_line.coupon_id, card)
        # VAT on the full price of the goods (40 € + 7 %), the gift card only pays
        self.assertAlmostEqual(first.amount_tax, 2.80, places=2)
        self.assertAlmostEqual(first.amount_total, 22.80, places=2)
        self.assert_balance(card, 17.50)
        self.assertEqual(card.fidelite_gift_card_balance(card.code)["balance"], 17.50)

        second = self.spend(card, 17.50)  # the rest, on a second visit
        self.assertAlmostEqual(second.amount_tax, 2.80, places=2)
        self.assert_balance(card, 0)
        moves = self.moves(card).sorted("id")
        self.assertEqual(moves.mapped("points"), [37.50, -20.0, -17.50])
        self.assertEqual(moves[1:].pos_order_id, first | second)
        self.assertEqual(set(moves.mapped("origin")), {"pos"})
        self.assertEqual(card.fidelite_gift_card_balance(card.code)["state"], "used")

    def test_giftcard_replayed_syncs_do_not_double(self):
        _order, card, _result = self.sell(50.0, "GC-5000-0003", times=3)
        self.assertEqual(len(card), 1)
        self.assert_balance(card, 50.0)
        self.spend(card, 12.0, times=3)
        self.assert_balance(card, 38.0)
        self.assertEqual(len(self.moves(card)), 2)
        self.assertEqual(self.env["pos.order"].search_count([("lines.coupon_id", "=", card.id)]), 1)

    def test_gift_card_cannot_go_below_zero(self):
        _order, card, _result = self.sell(10.0, "GC-1000-0004")
        check = self.env["pos.order"].validate_coupon_programs({str(card.id): -15.0}, [])
        self.assertFalse(check["successful"], "the till is told before payment")
        with self.assertRaises(UserError):
            self.spend(card, 15.0)
        self.assert_balance(card, 10.0)

    def test_expired_gift_card_is_refused(self):
        card = self.env["loyalty.card"].create(
            {
                "program_id": self.program.id,
                "code": "GC-OLD-0005",
                "points": 30,
                "expiration_date": fields.Date.add(fields.Date.today(), days=-1),
            }
        )
        used = self.config.use_coupon_code(card.code, fields.Datetime.to_string(fields.Datetime.now()), False, False)
        self.assertFalse(used["successful"])
        self.assertIn("expired", used["payload"]["error_message"])
        check = self.env["pos.order"].validate_coupon_programs({str(card.id): -10.0}, [])
        self.assertFalse(check["successful"])
        self.assertIn("expired", check["payload"]["message"])
        with self.assertRaisesRegex(UserError, "expired"):
            self.env["loyalty.card"].fidelite_gift_card_balance(card.code)
        self.assert_balance(card, 30, history=False)

    def test_gift_card_balance_check(self):
        _order, card, _result = self.sell(25.0, "GC-2500-0006")
        info = self.env["loyalty.card"].fidelite_gift_card_balance("  GC-2500-0006 ")
        self.assertEqual(info["balance"], 25.0)
        self.assertEqual(info["currency"], card.currency_id.name)
        self.assertEqual(info["expiration_date"], fields.Date.to_string(card.expiration_date))
        self.assertEqual((info["state"], info["voucher_kind"]), ("valid", "multi_purpose"))
        with self.assertRaisesRegex(UserError, "No gift card"):
            self.env["loyalty.card"].fidelite_gift_card_balance("GC-UNKNOWN")

    def test_multi_purpose_gift_card_products_carry_no_tax(self):
        self.assertFalse(self.program.reward_ids.discount_line_product_id.taxes_id)
        with self.assertRaisesRegex(ValidationError, "multi-purpose"):
            self.gift_product.taxes_id = self.tax
        with self.assertRaisesRegex(ValidationError, "multi-purpose"):
            self.program.reward_ids.discount_line_product_id.taxes_id = self.tax
        # a single-purpose voucher is sold with its VAT
        self.program.fidelite_voucher_kind = "single_purpose"
        self.gift_product.taxes_id = self.tax
        with self.assertRaisesRegex(ValidationError, "multi-purpose"):
            self.program.fidelite_voucher_kind = "multi_purpose"

    def test_gift_card_pays_a_sales_order_without_taxing_it(self):
        _order, card, _result = self.sell(30.0, "GC-3000-0007")
        sale = (
            self.env["sale.order"]
            .sudo()
            .create(
                {
                    "partner_id": self.member.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.goods.id,
                                "product_uom_qty": 1,
                                "price_unit": 40.0,
                                "tax_ids": self.tax.ids,
                            }
                        )
                    ],
                }
            )
        )
        status = sale._try_apply_code(card.code)
        self.assertNotIn("error", status)
        sale._apply_program_reward(self.program.reward_ids, card)
        gift_line = sale.order_line.filtered("reward_id")
        self.assertFalse(gift_line.tax_ids, "the gift card pays: its line carries no tax")
        self.assertAlmostEqual(gift_line.price_total, -30.0, places=2)
        self.assertAlmostEqual(sale.amount_tax, 2.80, places=2, msg="VAT on the full price of the goods")
        self.assertAlmostEqual(sale.amount_total, 12.80, places=2)
        sale.action_confirm()
        self.assert_balance(card, 0)
        self.assertEqual(self.moves(card).filtered(lambda move: move.points < 0).sale_order_id, sale)

    def test_pre_printed_gift_card_scanned_at_sale(self):
        """A card of the printed stock, loaded with its value, is handed over at the till."""
        self.env["loyalty.generate.wizard"].with_context(active_id=self.program.id).create(
            {"coupon_qty": 1, "points_granted": 40}
        ).generate_coupons()
        card = self.program.coupon_ids.filtered(lambda card: card.points == 40)
        self.assertTrue(self.env["loyalty.card"].get_gift_card_status(card.code, self.config.id)["status"])
        data = self.create_ui_order_data([(self.gift_product, 1)], customer=self.member)
        data["lines"][0][2].update(price_unit=40.0, price_subtotal=40.0, price_subtotal_incl=40.0)
        order = self.sync(self._set_total(data))
        coupon_data = {
            "-1": {
                "program_id": self.program.id,
                "points": 40.0,
                "manual": True,
                "product_id": self.gift_product.id,
                "coupon_id": -1,
                "code": card.code,
                "partner_id": self.member.id,
                "expiration_date": False,
            }
        }
        result = self.confirm(order, coupon_data, times=2)
        self.assertEqual(self.env["loyalty.card"].search_count([("program_id", "=", self.program.id)]), 1)
        self.assertEqual(card.source_pos_order_id, order)
        self.assertEqual(card.partner_id, self.member)
        self.assert_balance(card, 40.0)  # Odoo's "assigning" history lines do not count twice
        self.assertIn(card.code, [info["code"] for info in result["new_coupon_info"]])
        self.assertFalse(self.env["loyalty.card"].get_gift_card_status(card.code, self.config.id)["status"])
