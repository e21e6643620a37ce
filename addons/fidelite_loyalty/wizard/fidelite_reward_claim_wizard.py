from odoo import api, fields, models

from ..services import reward_catalogue


class FideliteRewardClaimWizard(models.TransientModel):
    """At the desk or on the phone: the member chooses a reward of the catalogue, paid in points."""

    _name = "fidelite.reward.claim.wizard"
    _description = "Give a reward of the catalogue"

    card_id = fields.Many2one("loyalty.card", required=True, readonly=True)
    points = fields.Float(related="card_id.points", string="Balance")
    available_reward_ids = fields.Many2many("loyalty.reward", compute="_compute_available_reward_ids")
    reward_id = fields.Many2one(
        "loyalty.reward", string="Reward", required=True, domain="[('id', 'in', available_reward_ids)]"
    )
    quantity = fields.Integer(default=1, required=True)
    note = fields.Char()

    @api.depends("card_id")
    def _compute_available_reward_ids(self):
        for wizard in self:
            rewards = (
                [reward.id for reward, _left in reward_catalogue.available(wizard.card_id)] if wizard.card_id else []
            )
            wizard.available_reward_ids = [fields.Command.set(rewards)]

    def action_confirm(self):
        self.ensure_one()
        redemption = reward_catalogue.claim(
            self.card_id,
            self.reward_id,
            "backoffice",
            key=f"backoffice:{self.id}",
            quantity=self.quantity,
            note=self.note,
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "fidelite.reward.redemption",
            "res_id": redemption.id,
            "view_mode": "form",
            "target": "current",
        }
