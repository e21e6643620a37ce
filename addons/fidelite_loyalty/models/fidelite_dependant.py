from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

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

    @api.constrains("partner_id")
    def _check_household_size(self):
        """At most the company's number of household members per member (each brings a birthday reward)."""
        counts = dict(self._read_group([("partner_id", "in", self.partner_id.ids)], ["partner_id"], ["__count"]))
        for partner in self.partner_id:
            limit = (partner.company_id or self.env.company).fidelite_max_dependants
            if counts.get(partner, 0) > limit:
                raise ValidationError(
                    self.env._(
                        "A member can register at most %(limit)s household members: %(member)s has reached it.",
                        limit=limit,
                        member=partner.name,
                    )
                )

    def write(self, vals):
        if "birthdate" in vals:
            self._check_birthdate_lock(fields.Date.to_date(vals["birthdate"]))
        return super().write(vals)

    def _check_birthdate_lock(self, new_date):
        """A birth date once set is changed only by a Fidélité manager in the back office, noted on the member."""
        changed = self.filtered(lambda d: d.birthdate and d.birthdate != new_date)
        if not changed:
            return
        user = self.env.user
        if user.share or not user.has_group("fidelite_loyalty.group_fidelite_manager"):
            raise UserError(self.env._("A birth date cannot be changed once set: ask the store to correct it."))
        for dependant in changed:
            dependant.partner_id._message_log(
                body=self.env._(
                    "Birth date of household member %(name)s changed from %(old)s to %(new)s by %(user)s.",
                    name=dependant.first_name,
                    old=dependant.birthdate,
                    new=new_date or "-",
                    user=user.name,
                )
            )

    @api.depends("first_name", "relation")
    def _compute_display_name(self):
        labels = dict(self._fields["relation"]._description_selection(self.env))
        for dependant in self:
            dependant.display_name = f"{dependant.first_name} ({labels.get(dependant.relation, '')})"
