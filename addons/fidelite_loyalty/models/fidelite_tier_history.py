from odoo import fields, models


class FideliteTierHistory(models.Model):
    """A card's change of tier: when, from what to what, and why."""

    _name = "fidelite.tier.history"
    _description = "Loyalty tier change"
    _order = "date desc, id desc"

    card_id = fields.Many2one("loyalty.card", string="Card", required=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one(related="card_id.partner_id", store=True, index=True)
    old_tier_id = fields.Many2one("fidelite.tier", string="From", ondelete="set null")
    new_tier_id = fields.Many2one("fidelite.tier", string="To", ondelete="set null")
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    change = fields.Selection(
        [("upgrade", "Upgrade"), ("downgrade", "Downgrade"), ("grace", "Grace period"), ("renewal", "Kept")],
        required=True,
    )
    qualifying_value = fields.Float(string="Qualifying value")
    company_id = fields.Many2one(related="card_id.company_id", store=True)
