from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

DIMENSIONS = [
    ("rfm_segment_id", "RFM segment"),
    ("lifecycle", "Lifecycle stage"),
    ("abc_class", "ABC class"),
    ("quadrant", "Profitability"),
]


class FideliteSegmentTransitionWizard(models.TransientModel):
    """Who moved where between two months: the transition matrix of a segmentation, and its stability."""

    _name = "fidelite.segment.transition.wizard"
    _description = "Compare two months of segmentation"

    dimension = fields.Selection(DIMENSIONS, default="rfm_segment_id", required=True)
    period_from = fields.Date(string="From the month of", required=True)
    period_to = fields.Date(string="To the month of", required=True, default=fields.Date.context_today)
    stability = fields.Float(string="Stayed in their segment (%)", readonly=True, digits=(5, 1))

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        self.env.cr.execute("SELECT DISTINCT period FROM fidelite_member_score_history ORDER BY period DESC LIMIT 2")
        periods = [row[0] for row in self.env.cr.fetchall()]
        if len(periods) == 2:
            values.setdefault("period_from", periods[1])
            values.setdefault("period_to", periods[0])
        return values

    def _label(self, value):
        if value is None:
            return self.env._("(none)")
        if self.dimension == "rfm_segment_id":
            return self.env["fidelite.rfm.segment"].browse(value).name
        return dict(self.env["fidelite.member.kpi"]._fields[self.dimension]._description_selection(self.env))[value]

    def action_compare(self):
        self.ensure_one()
        start = self.period_from.replace(day=1)
        end = self.period_to.replace(day=1)
        if start >= end:
            raise UserError(self.env._("Choose a first month before the second one."))
        column = SQL.identifier(self.dimension)
        self.env.cr.execute(
            SQL(
                """
                SELECT a.%(column)s, b.%(column)s, COUNT(*)
                  FROM fidelite_member_score_history a
                  JOIN fidelite_member_score_history b
                    ON b.partner_id = a.partner_id AND b.company_id = a.company_id AND b.period = %(end)s
                 WHERE a.period = %(start)s AND a.company_id IN %(companies)s
                 GROUP BY 1, 2
                """,
                column=column,
                start=start,
                end=end,
                companies=tuple(self.env.companies.ids),
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            raise UserError(self.env._("No member was scored in both months: refresh the figures in each month first."))
        Transition = self.env["fidelite.segment.transition"]
        Transition.search([("create_uid", "=", self.env.uid)]).unlink()
        Transition.create(
            [
                {"wizard_id": self.id, "source": self._label(a), "target": self._label(b), "members": count}
                for a, b, count in rows
            ]
        )
        self.stability = 100.0 * sum(count for a, b, count in rows if a == b) / sum(row[2] for row in rows)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "From %(start)s to %(end)s — %(stable).1f %% stayed", start=start, end=end, stable=self.stability
            ),
            "res_model": "fidelite.segment.transition",
            "view_mode": "pivot,list",
            "domain": [("wizard_id", "=", self.id)],
            "target": "current",
        }
