from odoo import fields, models


class FideliteMemberDay(models.Model):
    """What a member bought on one day, kept up to date as orders arrive.

    Window figures (revenue, visits, average basket over the last N months) are sums over at
    most a few hundred of these rows per member, instead of a scan of all their orders.
    """

    _name = "fidelite.member.day"
    _description = "Member's daily purchases"
    _order = "day desc"
    _log_access = False

    partner_id = fields.Many2one("res.partner", string="Member", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", string="Company", required=True, ondelete="cascade")
    day = fields.Date(required=True)
    revenue = fields.Float(string="Revenue (tax incl.)")
    revenue_untaxed = fields.Float(string="Revenue (tax excl.)")
    visits = fields.Integer()

    _partner_day_unique = models.Constraint(
        "UNIQUE(partner_id, company_id, day)",
        "One line per member, company and day.",
    )
