from odoo import fields, models


class FideliteCardStateWizard(models.TransientModel):
    _name = "fidelite.card.state.wizard"
    _description = "Block, declare lost or close a loyalty card"

    card_id = fields.Many2one("loyalty.card", string="Card", required=True, readonly=True)
    new_state = fields.Selection(
        [("blocked", "Blocked"), ("lost", "Lost or stolen"), ("closed", "Closed")],
        string="New status",
        required=True,
        default="blocked",
    )
    reason = fields.Char(required=True)

    def action_apply(self):
        self.ensure_one()
        self.card_id._fidelite_set_state(self.new_state, self.reason)
        return {"type": "ir.actions.act_window_close"}
