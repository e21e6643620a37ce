from odoo import api, fields, models

from ..services import member_kpis


class FideliteKpiRefresh(models.Model):
    """One run of the members' figures refresh: where it is, how long each step took."""

    _name = "fidelite.kpi.refresh"
    _description = "Members' figures refresh"
    _order = "id desc"

    as_of = fields.Date(string="Figures as of", required=True, readonly=True)
    state = fields.Selection(
        [("running", "Running"), ("done", "Done")], default="running", required=True, readonly=True
    )
    deep = fields.Boolean(
        string="Deep rebuild",
        readonly=True,
        help="The purchases per member, store, day and category were regenerated from the orders first.",
    )
    step = fields.Char(string="Current step", readonly=True)
    done_steps = fields.Char(string="Steps done", readonly=True)
    progress = fields.Float(readonly=True)
    started_at = fields.Datetime(string="Started", readonly=True)
    ended_at = fields.Datetime(string="Ended", readonly=True)
    duration = fields.Float(string="Duration (s)", compute="_compute_duration")
    member_count = fields.Integer(string="Members", readonly=True)
    log = fields.Text(readonly=True)

    @api.depends("started_at", "ended_at")
    def _compute_duration(self):
        for run in self:
            ended = run.ended_at or fields.Datetime.now()
            run.duration = (ended - run.started_at).total_seconds() if run.started_at else 0.0

    @api.model
    def action_refresh_now(self):
        """Rebuild now from the orders (for a small database; the scheduled jobs do it otherwise)."""
        member_kpis.rebuild(self.env, deep=True)
        return {"type": "ir.actions.client", "tag": "soft_reload"}
