from odoo import fields, models

from ..services import couponing, gift_cards, ledger, pos_coupons, pos_settlement
from .loyalty_card import POINTS_WRITER


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
        if not draft:  # POS RPC: the cashier reads neither the program's rules nor the ledger
            pos_settlement.settle(self.sudo())
        return order_id

    def confirm_coupon_programs(self, coupon_data):
        """Odoo's confirmation of the till's coupon data, checked and recomputed by the server.

        Every entry is checked against the card and program it names and its points replaced by
        the server's (``pos_coupons``); a tampered entry refuses the call, and the order keeps
        the points settled when it was paid. The cards Odoo creates or links are then settled
        from the order lines, and the till gets the server's balances back. The balances Odoo
        writes itself (gift cards sold or spent, coupons) become movements linked to the order,
        keyed by order and card; the gift cards the order sold are added to what the receipt prints.
        """
        self.ensure_one()
        self.check_access("write")  # the cashier's own order, before the entry point raises
        coupon_data = {int(key): dict(vals) for key, vals in coupon_data.items()}
        # POS RPC: checks and settles cards, programs and ledger rows the cashier may not read
        order = self.sudo()
        pos_coupons.sanitize(order, coupon_data)
        programs = self.env["loyalty.program"].browse({vals["program_id"] for vals in coupon_data.values()})
        new_cards = any(key < 0 for key in coupon_data)
        gift_card_ids = [
            key for key, vals in coupon_data.items() if vals["program_id"] in programs._fidelite_gift_card_ids()
        ]
        last_history = order.env["loyalty.history"].search([], order="id desc", limit=1).id
        result = super(
            PosOrder,
            self.with_context(
                fidelite_origin="pos",
                fidelite_pos_order_id=self.id,
                fidelite_store_id=self.config_id.id,
                **{POINTS_WRITER: ledger.TRUSTED},  # the points were just checked and recomputed
            ),
        ).confirm_coupon_programs(coupon_data)
        if gift_card_ids:
            order._fidelite_after_gift_cards(gift_card_ids, coupon_data, last_history, result)
        if new_cards or not self.fidelite_settled:
            cards = pos_settlement.settle(order)
        else:  # settled when it was paid: send the till the balances of the cards it moved
            cards = order.env["fidelite.points.move"].search([("pos_order_id", "=", order.id)]).card_id
        updates = {update["id"]: update for update in result.get("coupon_updates", [])}
        for card in cards | order.env["loyalty.card"].browse(list(updates)).exists():
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

    def _fidelite_after_gift_cards(self, gift_card_ids, coupon_data, last_history, result):
        """Gift cards sold or spent: history in line with the balance, sold cards on the receipt.

        Called on the order ``confirm_coupon_programs`` raised."""
        Card = self.env["loyalty.card"]
        codes = [coupon_data[key].get("code") for key in gift_card_ids if coupon_data[key].get("code")]
        cards = Card.browse([key for key in gift_card_ids if key > 0]).exists()
        if codes:
            cards |= Card.search([("code", "in", codes)])
        gift_cards.reconcile_history(cards, last_history)
        sold = Card.search([("source_pos_order_id", "=", self.id), ("program_id.program_type", "=", "gift_card")])
        known = {info["code"] for info in result.get("new_coupon_info", [])}
        result.setdefault("new_coupon_info", []).extend(
            info for info in gift_cards.receipt_info(self, sold) if info["code"] not in known
        )

    def validate_coupon_programs(self, point_changes, new_codes):
        """Odoo's checks before payment, and no expired gift card spent (its expiry is checked on use)."""
        changes = {int(key): value for key, value in point_changes.items()}
        cards = self.env["loyalty.card"].browse(list(changes)).exists()  # the cashier reads the cards
        expired = gift_cards.expired_in(cards, changes)
        if expired:
            return {
                "successful": False,
                "payload": {
                    "message": self.env._(
                        "Gift card %(card)s expired on %(date)s.",
                        card=expired[0].code,
                        date=fields.Date.to_string(expired[0].expiration_date),
                    ),
                    "removed_coupons": expired.ids,
                },
            }
        return super().validate_coupon_programs(point_changes, new_codes)

    def fidelite_receipt_coupons(self):
        """The receipt coupons of the order, as the till prints them (``new_coupon_info``)."""
        self.ensure_one()
        self.check_access("read")
        return [couponing.receipt_info(coupon) for coupon in couponing.order_coupons(self)]
