from odoo import api, fields, models
from odoo.exceptions import UserError

from ..services import ledger


class LoyaltyCard(models.Model):
    """The balance of a card is the sum of its ledger movements.

    Odoo's own flows (sales orders, the update-balance wizard, gift card creation...) still
    write ``points``: such a write is turned into a movement of the difference with the value
    the caller read, applied under the card's row lock, so ``points += x`` from two
    transactions adds both.
    """

    _inherit = "loyalty.card"

    fidelite_move_ids = fields.One2many("fidelite.points.move", "card_id", string="Points movements")
    fidelite_move_count = fields.Integer(compute="_compute_fidelite_move_count", string="Movements")
    fidelite_next_expiry = fields.Date(
        string="Next points expiry",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The earliest date on which some of the card's points may expire.",
    )

    def _compute_fidelite_move_count(self):
        counts = dict(
            self.env["fidelite.points.move"]._read_group([("card_id", "in", self.ids)], ["card_id"], ["__count"])
        )
        for card in self:
            card.fidelite_move_count = counts.get(card, 0)

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.context.get(ledger.LEDGER_CONTEXT):
            return super().create(vals_list)
        opening = [vals.pop("points", 0.0) for vals in vals_list]
        cards = super().create(vals_list)
        for card, points in zip(cards, opening, strict=True):
            if points:
                ledger.post(
                    card,
                    points,
                    "earn" if points > 0 else "adjust",
                    origin=self.env.context.get("fidelite_origin", "system"),
                    reason=self.env.context.get("fidelite_reason") or self.env._("Initial balance"),
                    history=self.env.context.get("fidelite_history", False),
                )
        return cards

    def write(self, vals):
        if "points" not in vals or self.env.context.get(ledger.LEDGER_CONTEXT):
            return super().write(vals)
        vals = dict(vals)
        target = vals.pop("points")
        seen = {card.id: card.points for card in self}
        res = super().write(vals) if vals else True
        context = self.env.context
        for card in self:
            delta = target - seen[card.id]
            if not delta:
                continue
            move_type = context.get("fidelite_move_type") or ("earn" if delta > 0 else "redeem")
            ledger.post(
                card,
                delta,
                move_type,
                origin=context.get("fidelite_origin", "system"),
                reason=context.get("fidelite_reason"),
                history=context.get("fidelite_history", False),
            )
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_movements(self):
        if self.env["fidelite.points.move"].sudo().search_count([("card_id", "in", self.ids)], limit=1):
            raise UserError(self.env._("A card with points movements cannot be deleted: close or archive it instead."))

    def action_fidelite_view_moves(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("fidelite_loyalty.action_fidelite_points_move")
        action["domain"] = [("card_id", "=", self.id)]
        action["context"] = {"default_card_id": self.id}
        return action

    def action_fidelite_adjust(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Adjust points"),
            "res_model": "fidelite.points.adjust.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_card_id": self.id},
        }

    def _fidelite_points_expiring(self, days):
        """Points of each card that expire within ``days`` days: {card: points}."""
        limit = fields.Date.add(fields.Date.context_today(self), days=days)
        result = {}
        for card in self:
            result[card] = sum(
                lot.remaining
                for lot in ledger.lots(card)
                if lot.remaining > 0 and lot.move.expiry_date and lot.move.expiry_date <= limit
            )
        return result

    @api.model
    def _fidelite_cards_expiring_domain(self, days):
        """Domain of the cards that may have points expiring within ``days`` days (for reminders)."""
        limit = fields.Date.add(fields.Date.context_today(self), days=days)
        return [("fidelite_next_expiry", "<=", limit), ("points", ">", 0)]

    @api.model
    def _cron_fidelite_expire_points(self, batch_size=500):
        """Expire the points due today, in batches; safe to stop and run again."""
        today = fields.Date.context_today(self)
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        domain = [("fidelite_next_expiry", "<=", today)]
        cards = self.sudo().search(domain, order="id", limit=batch_size)
        while cards:
            for card in cards:
                ledger.expire_card(card, today)
                card.with_context(**{ledger.LEDGER_CONTEXT: True}).fidelite_next_expiry = ledger.next_expiry(card)
            if in_cron and self.env["ir.cron"]._commit_progress(len(cards)) <= 0:
                return
            cards = self.sudo().search([*domain, ("id", ">", cards[-1].id)], order="id", limit=batch_size)
