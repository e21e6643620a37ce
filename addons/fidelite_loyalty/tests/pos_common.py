import copy

from odoo.addons.point_of_sale.tests.common import TestPoSCommon

from .ledger_common import LedgerAssertions, make_loyalty_program


class PosSyncCase(TestPoSCommon, LedgerAssertions):
    """A POS session open for each test, and orders synced and confirmed as the till does."""

    def setUp(self):
        super().setUp()
        self.open_new_session()

    def sync(self, order_data, times=1):
        for _ in range(times):
            self.env["pos.order"].sync_from_ui([copy.deepcopy(order_data)])
        return self.env["pos.order"].search([("uuid", "=", order_data["uuid"])])

    def confirm(self, order, coupon_data, times=1):
        result = None
        for _ in range(times):
            result = order.confirm_coupon_programs(copy.deepcopy(coupon_data))
        return result


class PosOrderCase(PosSyncCase):
    """POS orders of a member of a loyalty program, synced as the till syncs them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls.program = make_loyalty_program(cls.env)
        cls.reward = cls.program.reward_ids
        cls.beans = cls.create_product("Coffee beans", cls.categ_basic, 10.0)
        cls.member = cls.env["res.partner"].create({"name": "Lou Garnier"})
        cls.card = cls.env["loyalty.card"].create(
            {"program_id": cls.program.id, "partner_id": cls.member.id, "code": "FIDPOS0001"}
        )

    def order_data(self, lines, customer=None):
        return self.create_ui_order_data(lines, customer=customer or self.member)

    def client_data(self, points, card=None):
        card_id = card.id if card else self.card.id
        return {
            str(card_id): {
                "points": points,
                "program_id": self.program.id,
                "coupon_id": card_id,
                "partner_id": self.member.id,
                "barcode": False,
            }
        }

    def order_with_reward(self, quantity, reward=None, claim="fid-test-reward"):
        """``quantity`` beans at 10 € and one claim of ``reward`` (a 5 € discount line)."""
        reward = reward or self.reward
        data = self.order_data([(self.beans, quantity), (reward.discount_line_product_id, 1)])
        reward_line = data["lines"][1][2]
        reward_line.update(
            {
                "price_unit": -5.0,
                "price_subtotal": -5.0,
                "price_subtotal_incl": -5.0,
                "reward_id": reward.id,
                "is_reward_line": True,
                "points_cost": reward.required_points,
                "coupon_id": self.card.id,
                "reward_identifier_code": claim,
            }
        )
        total = quantity * 10.0 - 5.0
        data.update(amount_total=total, amount_paid=total)
        data["payment_ids"][0][2]["amount"] = total
        return data
