from odoo import api, fields, models

from ..services import member_kpis

LIFECYCLE = [
    ("prospect", "Prospect"),
    ("new", "New"),
    ("active", "Active"),
    ("at_risk", "At risk"),
    ("lapsed", "Lapsed"),
    ("lost", "Lost"),
    ("won_back", "Won back"),
]
ABC = [("a", "A"), ("b", "B"), ("c", "C")]
QUADRANTS = [
    ("desirable", "Desirable (loyalty)"),
    ("underdeveloped", "Under-developed (develop)"),
    ("mature", "Mature (rationalise)"),
    ("undesirable", "Undesirable (abandon)"),
]


class FideliteMemberKpi(models.Model):
    """A member's figures and scores in one company, stored for dashboards, segments and rules.

    Purchases (POS orders, confirmed sales orders) keep the figures current as they are paid
    (``services/member_kpis.record_order``); the nightly refresh rebuilds every row with
    set-based SQL and recomputes the scores, which compare members with each other (RFM, ABC,
    lifecycle, lifetime value) and so change only at a refresh.
    """

    _name = "fidelite.member.kpi"
    _description = "Member figures and scores"
    _order = "revenue desc, id"
    _rec_name = "partner_id"
    _log_access = False

    # no index but the unique (partner, company) one and the members to refresh: the nightly
    # refresh rewrites scores in place
    partner_id = fields.Many2one("res.partner", string="Member", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", string="Company", required=True, ondelete="cascade")
    first_visit = fields.Date(string="First visit")
    last_visit = fields.Date(string="Last visit")
    visit_count = fields.Integer(string="Visits")
    revenue = fields.Float(string="Revenue (tax excl.)", aggregator="sum")
    revenue_incl = fields.Float(string="Revenue (tax incl.)", aggregator="sum")
    margin = fields.Float(aggregator="sum")
    average_basket = fields.Float(string="Average basket", aggregator="avg")
    mean_days_between = fields.Float(string="Days between visits", aggregator="avg")
    revenue_30 = fields.Float(string="Revenue, last 30 days", aggregator="sum")
    revenue_90 = fields.Float(string="Revenue, last 90 days", aggregator="sum")
    revenue_365 = fields.Float(string="Revenue, last 365 days", aggregator="sum")
    preferred_store_id = fields.Many2one("pos.config", string="Preferred store")
    preferred_category_id = fields.Many2one("product.category", string="Preferred category")
    points_earned = fields.Float(string="Points earned", aggregator="sum")
    points_spent = fields.Float(string="Points spent", aggregator="sum")
    points_expired = fields.Float(string="Points expired", aggregator="sum")
    rewards_used = fields.Integer(string="Rewards taken", aggregator="sum")
    # scores, computed at each refresh
    scored_on = fields.Date(string="Scored on", compute="_compute_scored_on")
    refresh_pending = fields.Boolean(
        string="Figures to refresh",
        readonly=True,
        help="An order, points or a purchase leaving a moving window changed this member's figures since the"
        " last refresh: the next nightly refresh computes them again.",
    )
    recency_days = fields.Integer(string="Days since last visit", compute="_compute_recency_days")
    r_score = fields.Integer(string="Recency score", aggregator="avg")
    f_score = fields.Integer(string="Frequency score", aggregator="avg")
    m_score = fields.Integer(string="Amount score", aggregator="avg")
    rfm_code = fields.Char(string="RFM")
    rfm_segment_id = fields.Many2one("fidelite.rfm.segment", string="RFM segment")
    abc_class = fields.Selection(ABC, string="ABC class")
    lifecycle = fields.Selection(LIFECYCLE, string="Lifecycle stage")
    lifecycle_since = fields.Date(string="In this stage since")
    clv_historical = fields.Float(string="Historical value", aggregator="sum")
    clv_predicted = fields.Float(string="Predicted value (12 months)", aggregator="sum")
    # predictions are kept to the precision they are read with (a percent, a tenth of a visit, a
    # currency unit): a member whose prediction barely moved overnight keeps their row unwritten
    p_alive = fields.Float(string="Probability still a customer", aggregator="avg", digits=(3, 2))
    expected_visits = fields.Float(string="Expected visits (12 months)", aggregator="avg", digits=(16, 1))
    quadrant = fields.Selection(QUADRANTS, string="Profitability")

    _partner_company_unique = models.Constraint(
        "UNIQUE(partner_id, company_id)",
        "A member has one line of figures per company.",
    )
    _refresh_pending_idx = models.Index("(partner_id, company_id) WHERE refresh_pending")

    def init(self):
        # room in each page, so that the nightly scoring updates rows in place (HOT updates)
        self.env.cr.execute("ALTER TABLE fidelite_member_kpi SET (fillfactor = 70)")
        # the months with a visit (year * 12 + month - 1, sorted), kept by the refresh for the
        # retention by cohort: an integer array, a column of its own outside the ORM's fields
        self.env.cr.execute(
            "SELECT 1 FROM information_schema.columns"
            " WHERE table_name = 'fidelite_member_kpi' AND column_name = 'visit_months'"
        )
        if not self.env.cr.fetchone():
            self.env.cr.execute("ALTER TABLE fidelite_member_kpi ADD COLUMN visit_months integer[]")
            # existing rows get theirs at the next refresh
            self.env.cr.execute("UPDATE fidelite_member_kpi SET refresh_pending = TRUE")

    def _compute_scored_on(self):
        run = self.env["fidelite.kpi.refresh"].search([("state", "=", "done")], limit=1)
        for kpi in self:
            kpi.scored_on = run.as_of if kpi.lifecycle else False

    @api.depends("last_visit")
    def _compute_recency_days(self):
        today = fields.Date.context_today(self)
        for kpi in self:
            kpi.recency_days = (today - kpi.last_visit).days if kpi.last_visit else 0

    @api.model
    def _fidelite_rebuild(self, as_of=None, deep=False):
        """Rebuild every member's figures and scores (the nightly job; safe to run again).

        With ``deep``, the purchases per member, store, day and category are first regenerated
        from the orders (otherwise they are those kept current as orders are paid).
        """
        return member_kpis.rebuild(self.env, as_of=as_of, deep=deep)

    @api.model
    def _cron_fidelite_refresh(self):
        """Every night from the facts; once a week (Sunday unless configured) from the orders."""
        env = self.sudo().env  # cron: every member's figures and segments, in every company
        weekday = env["ir.config_parameter"].get_param("fidelite_loyalty.deep_rebuild_weekday", "6")
        deep = fields.Date.context_today(self).weekday() == int(weekday)
        member_kpis.rebuild(env, commit=True, deep=deep)

    def action_open_member(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }
