from odoo import api, fields, models
from odoo.exceptions import ValidationError


class FidelitePressureRule(models.Model):
    """A cap on the marketing messages a member receives over a rolling period."""

    _name = "fidelite.pressure.rule"
    _description = "Marketing pressure cap"
    _order = "channel, period_days"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    channel = fields.Selection(
        [("all", "All channels"), ("email", "E-mail"), ("sms", "SMS"), ("postal", "Postal mail"), ("phone", "Phone")],
        required=True,
        default="all",
    )
    max_messages = fields.Integer(string="At most", required=True, default=2)
    period_days = fields.Integer(string="Every (days)", required=True, default=7)

    @api.constrains("max_messages", "period_days")
    def _check_values(self):
        for rule in self:
            if rule.max_messages < 0 or rule.period_days <= 0:
                raise ValidationError(self.env._("A cap counts messages over a period of at least one day."))
