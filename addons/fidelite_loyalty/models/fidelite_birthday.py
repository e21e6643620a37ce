from odoo import fields, models


class FideliteBirthday(models.Model):
    """A birthday celebrated: one per person (member or household member) and year.

    Created by the daily birthday job with the reward it gave; marketing campaigns react to it.
    """

    _name = "fidelite.birthday"
    _description = "Birthday reward"
    _order = "birthday desc, id desc"

    card_id = fields.Many2one("loyalty.card", string="Card", required=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Member", required=True, index=True, ondelete="cascade")
    dependant_id = fields.Many2one("fidelite.dependant", string="Household member", ondelete="set null")
    person_key = fields.Char(required=True, help="The member, or one of their household, for this card.")
    year = fields.Integer(required=True)
    birthday = fields.Date(required=True)
    points = fields.Float(string="Points given")
    coupon_id = fields.Many2one("loyalty.card", string="Coupon given", ondelete="set null")
    company_id = fields.Many2one(related="card_id.company_id", store=True)

    _once_a_year = models.Constraint(
        "UNIQUE(card_id, person_key, year)",
        "This birthday was already celebrated this year.",
    )
