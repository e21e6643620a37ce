from odoo import api, fields, models
from odoo.exceptions import ValidationError

KPIS = [("revenue", "Revenue"), ("visits", "Visits"), ("average_basket", "Average basket")]
SPECIAL_DATES = [
    ("birthday_day", "Member's birthday (the day)"),
    ("birthday_week", "Member's birthday (the week)"),
    ("birthday_month", "Member's birthday (the month)"),
    ("household_birthday_week", "A household member's birthday (the week)"),
    ("anniversary_month", "Membership anniversary (the month)"),
]


class FideliteRule(models.Model):
    """A bonus on top of a program's earning rules, when all of its conditions hold.

    Conditions left empty do not restrict. The server applies the bonus when it settles an
    order; the simulation shows which rules fire for a member and a basket, and why.
    """

    _name = "fidelite.rule"
    _description = "Loyalty bonus rule"
    _order = "program_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    program_id = fields.Many2one("loyalty.program", string="Program", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    effect = fields.Selection(
        [("multiply", "Multiply the points"), ("add", "Add points")], required=True, default="multiply"
    )
    value = fields.Float(required=True, default=2.0, help="The multiplier, or the points added.")
    # the order
    minimum_amount = fields.Float(string="Minimum order amount")
    amount_tax_mode = fields.Selection(
        [("incl", "Tax included"), ("excl", "Tax excluded")], string="Amount", default="incl", required=True
    )
    product_ids = fields.Many2many("product.product", string="With one of these products")
    product_category_ids = fields.Many2many("product.category", string="With a product of these categories")
    # the member
    tier_ids = fields.Many2many("fidelite.tier", string="For these tiers", domain="[('program_id', '=', program_id)]")
    kpi = fields.Selection(KPIS, string="Member's figure")
    kpi_operator = fields.Selection([(">=", "at least"), ("<", "less than")], string="Comparison", default=">=")
    kpi_value = fields.Float(string="Figure value")
    kpi_window_days = fields.Integer(string="Over the last (days)", default=90)
    segment_id = fields.Many2one("fidelite.segment", string="For members of segment", ondelete="restrict")
    # the moment
    weekday_ids = fields.Many2many("fidelite.weekday", string="Days")
    hour_from = fields.Float(string="From (hour)")
    hour_to = fields.Float(string="To (hour)", default=24.0)
    date_from = fields.Date(string="Starts on")
    date_to = fields.Date(string="Ends on")
    special_date = fields.Selection(SPECIAL_DATES, string="Special date")

    @api.constrains("effect", "value", "minimum_amount", "kpi_value", "kpi_window_days", "hour_from", "hour_to")
    def _check_values(self):
        for rule in self:
            if rule.value <= 0 or (rule.effect == "multiply" and rule.value == 1):
                raise ValidationError(
                    self.env._("Rule %s has no effect: set a multiplier other than 1 or points to add.", rule.name)
                )
            if rule.minimum_amount < 0 or rule.kpi_value < 0:
                raise ValidationError(self.env._("Rule %s: amounts cannot be negative.", rule.name))
            if rule.kpi and rule.kpi_window_days <= 0:
                raise ValidationError(
                    self.env._("Rule %s: the window of the member's figure must be at least a day.", rule.name)
                )
            if not (0 <= rule.hour_from < rule.hour_to <= 24):
                raise ValidationError(
                    self.env._("Rule %s: the hours must go from 0 to 24, the start before the end.", rule.name)
                )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for rule in self:
            if rule.date_from and rule.date_to and rule.date_from > rule.date_to:
                raise ValidationError(self.env._("Rule %s ends before it starts.", rule.name))
