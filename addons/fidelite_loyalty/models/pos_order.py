from odoo import fields, models

from ..services import couponing, pos_settlement


class PosOrder(models.Model):
    _inherit = "pos.order"

    fidelite_settled = fields.Boolean(
        copy=False, readonly=True, help="Its points are posted and it counts in its member's daily figures."
    )
    fidelite_move_ids = fields.One2many(
        "fidelite.points.move", "pos_order_id", string="Points movements", groups="fidelite_loyalty.group_fidelite_user"
    )

    def _process_saved_order(self, draft):
        order_id = super()._process_saved_order(draft)
        if not draft:
            pos_settlement.settle(self)
        return order_id

    def confirm_coupon_programs(self, coupon_data):
        """Odoo's confirmation, with the points of server-computed programs posted by the server.

        The browser's points for those programs are dropped before Odoo applies them; the
        cards Odoo creates or links are then settled from the order lines, and the till gets
        the server's balances back.
        """
        coupon_data = {int(key): vals for key, vals in coupon_data.items()}
        programs = self.env["loyalty.program"].browse({vals["program_id"] for vals in coupon_data.values()})
        server_computed = programs.filtered(
            lambda program: program.program_type in pos_settlement.SERVER_COMPUTED_TYPES
        )
        for vals in coupon_data.values():
            if vals["program_id"] in server_computed.ids:
                vals["points"] = 0
        new_cards = any(key < 0 for key in coupon_data)
        result = super(PosOrder, self.with_context(fidelite_origin="pos")).confirm_coupon_programs(coupon_data)
        if new_cards or not self.fidelite_settled:
            cards = pos_settlement.settle(self)
        else:  # settled when it was paid: send the till the balances of the cards it moved
            cards = self.env["fidelite.points.move"].sudo().search([("pos_order_id", "=", self.id)]).card_id
        updates = {update["id"]: update for update in result.get("coupon_updates", [])}
        for card in cards | self.env["loyalty.card"].sudo().browse(list(updates)).exists():
            update = updates.setdefault(
                card.id,
                {
                    "old_id": card.id,
                    "id": card.id,
                    "code": card.code,
                    "program_id": card.program_id.id,
                    "partner_id": card.partner_id.id,
                },
            )
            update["points"] = card.points
        result["coupon_updates"] = list(updates.values())
        # the receipt prints Odoo's new coupons: the coupons of the receipt coupon rules join them
        coupon_info = list(result.get("new_coupon_info") or [])
        printed = {info["code"] for info in coupon_info}
        coupon_info += [
            couponing.receipt_info(coupon) for coupon in couponing.order_coupons(self) if coupon.code not in printed
        ]
        result["new_coupon_info"] = coupon_info
        return result

    def fidelite_receipt_coupons(self):
        """The receipt coupons of the order, as the till prints them (``new_coupon_info``)."""
        self.ensure_one()
        self.check_access("read")
        return [couponing.receipt_info(coupon) for coupon in couponing.order_coupons(self)]
