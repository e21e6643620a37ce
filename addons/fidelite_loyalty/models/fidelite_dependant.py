from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..services import birthdays


class FideliteDependant(models.Model):
    """A member's household: spouse, children... Only a first name and a birth date are kept."""

    _name = "fidelite.dependant"
    _description = "Member's household member"
    _order = "partner_id, birthdate, id"

    partner_id = fields.Many2one("res.partner", string="Member", required=True, index=True, ondelete="cascade")
    first_name = fields.Char(required=True)
    relation = fields.Selection(
        [("spouse", "Spouse/partner"), ("child", "Child"), ("other", "Other")],
        required=True,
        default="child",
    )
    birthdate = fields.Date(string="Birth date")
    company_id = fields.Many2one(related="partner_id.company_id", store=True, index=True)
    birthday_key = fields.Integer(compute="_compute_birthday_key", store=True, index="btree_not_null")

    @api.depends("birthdate")
    def _compute_birthday_key(self):
        for dependant in self:
            dependant.birthday_key = birthdays.birthday_key(dependant.birthdate)

    @api.constrains("birthdate")
    def _check_birthdate(self):
        today = fields.Date.context_today(self)
        for dependant in self:
            if dependant.birthdate and dependant.birthdate > today:
                raise ValidationError(self.env._("The birth date of %s cannot be in the future.", dependant.first_name))

    @api.depends("first_name", "relation")
    def _compute_display_name(self):
        labels = dict(self._fields["relation"]._description_selection(self.env))
        for dependant in self:
            dependant.display_name = f"{dependant.first_name} ({labels.get(dependant.relation, '')})"
