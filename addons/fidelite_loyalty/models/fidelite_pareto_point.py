from odoo import fields, models

from .fidelite_member_kpi import ABC


class FideliteParetoPoint(models.Model):
    """A point of the Pareto curve: the members sorted by revenue, cut in 100 slices of equal size.

    Written by each refresh (``services/member_scores.pareto``): the share of members up to a
    slice against their cumulative share of revenue, e.g. "the first 10 % of members make 65 %
    of the revenue", with the ABC class of the slice.
    """

    _name = "fidelite.pareto.point"
    _description = "Pareto curve of members' revenue"
    _order = "company_id, member_share"
    _log_access = False

    company_id = fields.Many2one("res.company", string="Company", required=True, ondelete="cascade")
    member_share = fields.Integer(string="Share of members (%)", required=True)
    revenue_share = fields.Float(string="Cumulative share of revenue (%)", aggregator="max", digits=(5, 1))
    revenue = fields.Float(string="Revenue (tax excl.)", aggregator="sum")
    members = fields.Integer(string="Members", aggregator="sum")
    abc_class = fields.Selection(ABC, string="ABC class")
