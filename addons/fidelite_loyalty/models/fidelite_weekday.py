from odoo import fields, models


class FideliteWeekday(models.Model):
    """A day of the week, to pick the days a rule applies on."""

    _name = "fidelite.weekday"
    _description = "Day of the week"
    _order = "number"

    name = fields.Char(required=True, translate=True)
    number = fields.Integer(required=True, help="0 for Monday to 6 for Sunday.")

    _number_unique = models.Constraint("UNIQUE(number)", "Each day exists once.")
