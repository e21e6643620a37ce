from odoo import fields, models


class FideliteCohortCell(models.Model):
    """Retention of an acquisition cohort: members first seen in a month who came back k months later."""

    _name = "fidelite.cohort.cell"
    _description = "Retention by acquisition cohort"
    _order = "cohort desc, months_after"
    _log_access = False

    company_id = fields.Many2one("res.company", string="Company", required=True, ondelete="cascade")
    cohort = fields.Date(string="First visit in", required=True, index=True)
    months_after = fields.Integer(string="Months after", required=True)
    members = fields.Integer(string="Members who came", aggregator="sum")
    cohort_size = fields.Integer(string="Cohort size", aggregator="max")
    retention = fields.Float(string="Retention (%)", aggregator="avg", digits=(5, 1))
