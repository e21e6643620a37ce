from odoo import api, fields, models
from odoo.exceptions import UserError

from ..services import ledger


class FidelitePointsAdjustWizard(models.TransientModel):
    _name = "fidelite.points.adjust.wizard"
    _description = "Adjust the points of a loyalty card"

    card_id = fields.Many2one("loyalty.card", string="Card", required=True, readonly=True)
    balance = fields.Float(related="card_id.points", string="Current balance")
    reversed_move_id = fields.Many2one(
        "fidelite.points.move",
        string="Movement to reverse",
        domain="[('card_id', '=', card_id), ('move_type', '!=', 'reversal')]",
    )
    direction = fields.Selection([("add", "Add points"), ("remove", "Remove points")], default="add", required=True)
    points = fields.Float(
        help="For a reversal, leave empty to reverse the whole movement.",
    )
    reason = fields.Char(required=True, help="Why the balance changes, e.g. a purchase amount typed wrong.")

    @api.onchange("reversed_move_id")
    def _onchange_reversed_move_id(self):
        if self.reversed_move_id:
            self.points = abs(self.reversed_move_id.points + sum(self.reversed_move_id.reversal_ids.mapped("points")))

    def action_apply(self):
        self.ensure_one()
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give the reason of the adjustment."))
        if self.points < 0:
            raise UserError(self.env._("Enter a positive number of points and choose to add or remove them."))
        key = f"adjust:{self._name}:{self.id}"
        if self.reversed_move_id:
            ledger.reverse(self.reversed_move_id, self.reason, key=key, points=self.points or None)
        else:
            if not self.points:
                raise UserError(self.env._("Enter the number of points to add or remove."))
            points = self.points if self.direction == "add" else -self.points
            ledger.post(self.card_id, points, "adjust", key=key, origin="manual", reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
