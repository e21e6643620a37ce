from odoo import api, fields, models
from odoo.exceptions import UserError

from ..services import reward_catalogue

CHANNELS = [
    ("pos", "Point of Sale"),
    ("sale", "Sales order"),
    ("portal", "Customer portal"),
    ("backoffice", "Back office"),
]
STATES = [
    ("to_deliver", "To hand over"),
    ("done", "Given"),
    ("cancelled", "Cancelled"),
]


class FideliteRewardRedemption(models.Model):
    """One reward a member chose with their points: what it cost, where, and whether it was given.

    Rewards with a stock count their redemptions that are not cancelled. A gift, a donation or a
    partner reward chosen away from the till waits to be handed over (``to_deliver``) with a
    code the member shows; a reward taken at the till or on a sales order is given at once.
    """

    _name = "fidelite.reward.redemption"
    _description = "Reward chosen by a member"
    _order = "date desc, id desc"
    _rec_name = "code"

    reward_id = fields.Many2one("loyalty.reward", string="Reward", required=True, index=True, ondelete="restrict")
    program_id = fields.Many2one(related="reward_id.program_id", store=True, string="Program")
    category = fields.Selection(related="reward_id.fidelite_category", store=True, string="Kind")
    beneficiary_id = fields.Many2one(related="reward_id.fidelite_beneficiary_id", store=True, string="Beneficiary")
    card_id = fields.Many2one("loyalty.card", string="Card", required=True, index=True, ondelete="restrict")
    partner_id = fields.Many2one("res.partner", string="Member", index=True, ondelete="set null")
    company_id = fields.Many2one("res.company", string="Company", required=True, index=True)
    quantity = fields.Integer(default=1, required=True)
    points = fields.Float(string="Points spent", digits=(16, 2))
    channel = fields.Selection(CHANNELS, required=True)
    state = fields.Selection(STATES, default="done", required=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    delivered_date = fields.Datetime(string="Handed over on", readonly=True)
    code = fields.Char(readonly=True, copy=False, index=True, help="The code the member shows to collect it.")
    move_id = fields.Many2one("fidelite.points.move", string="Points movement", readonly=True, ondelete="restrict")
    pos_order_id = fields.Many2one("pos.order", string="POS order", index="btree_not_null", ondelete="set null")
    sale_order_id = fields.Many2one("sale.order", string="Sales order", index="btree_not_null", ondelete="set null")
    store_id = fields.Many2one("pos.config", string="Store", ondelete="set null")
    user_id = fields.Many2one("res.users", string="Recorded by", default=lambda self: self.env.user)
    idempotency_key = fields.Char(readonly=True, copy=False)
    note = fields.Char()

    _idempotency_key_unique = models.Constraint(
        "UNIQUE(idempotency_key)",
        "This reward choice was already recorded.",
    )
    _code_unique = models.Constraint("UNIQUE(code)", "Two rewards cannot have the same code.")
    _quantity_positive = models.Constraint("CHECK(quantity > 0)", "The quantity of a reward is at least 1.")

    @api.depends("reward_id", "partner_id")
    def _compute_display_name(self):
        for redemption in self:
            redemption.display_name = " — ".join(
                filter(None, [redemption.code, redemption.reward_id.description, redemption.partner_id.name])
            )

    def action_deliver(self):
        """The member collected the gift (or the donation / partner reward was passed on)."""
        if self.filtered(lambda redemption: redemption.state != "to_deliver"):
            raise UserError(self.env._("Only rewards waiting to be handed over can be given."))
        self.write({"state": "done", "delivered_date": fields.Datetime.now()})
        return True

    def action_cancel(self):
        """Cancel a reward not handed over yet: its points go back to the card, its stock too."""
        for redemption in self:
            reward_catalogue.cancel(redemption, self.env._("Reward cancelled"))
        return True
