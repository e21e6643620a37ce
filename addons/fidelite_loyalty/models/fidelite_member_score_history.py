from odoo import fields, models

from .fidelite_member_kpi import ABC, LIFECYCLE, QUADRANTS


class FideliteMemberScoreHistory(models.Model):
    """A member's scores in a month: segment sizes over time, who moved from one segment to another."""

    _name = "fidelite.member.score.history"
    _description = "Member scores per month"
    _order = "period desc, id"
    _log_access = False

    partner_id = fields.Many2one("res.partner", string="Member", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", string="Company", required=True, ondelete="cascade")
    period = fields.Date(string="Month", required=True, index=True)
    rfm_segment_id = fields.Many2one("fidelite.rfm.segment", string="RFM segment", ondelete="set null")
    rfm_code = fields.Char(string="RFM")
    lifecycle = fields.Selection(LIFECYCLE, string="Lifecycle stage")
    abc_class = fields.Selection(ABC, string="ABC class")
    quadrant = fields.Selection(QUADRANTS, string="Profitability")
    revenue_365 = fields.Float(string="Revenue, last 365 days", aggregator="sum")
    clv_predicted = fields.Float(string="Predicted value (12 months)", aggregator="sum")

    _member_period_unique = models.Constraint(
        "UNIQUE(partner_id, company_id, period)",
        "One snapshot per member and month.",
    )
