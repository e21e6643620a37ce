from odoo import fields, models
from odoo.fields import Domain
from odoo.tools import SQL


class FideliteChainParticipant(models.Model):
    """A member in a chain, once per entry."""

    _name = "fidelite.chain.participant"
    _description = "Marketing chain participant"
    _order = "entered_at desc, id desc"
    _rec_name = "partner_id"

    chain_id = fields.Many2one("fidelite.chain", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="chain_id.company_id", store=True)
    partner_id = fields.Many2one("res.partner", string="Member", required=True, index=True, ondelete="cascade")
    entry_key = fields.Char(required=True, help="The event that made the member enter (one entry per event).")
    entered_at = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    state = fields.Selection(
        [("running", "Running"), ("done", "Finished"), ("control", "Control group")],
        default="running",
        required=True,
        index=True,
    )
    is_control = fields.Boolean(string="Control group", readonly=True)
    bucket = fields.Integer(readonly=True, help="Stable split key (0-9999) for variants and the control group.")
    variant = fields.Char(readonly=True)
    current_step_id = fields.Many2one(
        "fidelite.chain.step",
        string="Current step",
        compute="_compute_current_step",
        search="_search_current_step",
        help="The last step run for this member (sent, done or skipped).",
    )
    finished_at = fields.Datetime(readonly=True)
    end_reason = fields.Char(readonly=True)
    trace_ids = fields.One2many("fidelite.chain.trace", "participant_id", string="Traces")
    converted = fields.Boolean(readonly=True, help="Bought within the conversion window after entering.")
    revenue = fields.Float(readonly=True, help="Purchases within the conversion window after entering.")
    participant_count = fields.Integer(default=1, readonly=True, aggregator="sum", string="Count")

    _entry_unique = models.UniqueIndex("(chain_id, partner_id, entry_key)", "A member enters a chain once per event.")

    @staticmethod
    def _current_steps_query(participant_ids=None):
        """(participant id, step id) of the last step run for each participant (of ``participant_ids``)."""
        return SQL(
            """SELECT DISTINCT ON (t.participant_id) t.participant_id, t.step_id FROM fidelite_chain_trace t
                WHERE t.state NOT IN ('scheduled', 'cancelled') AND t.step_id IS NOT NULL %s
                ORDER BY t.participant_id, t.done_at DESC, t.id DESC""",
            SQL("AND t.participant_id = ANY(%s)", participant_ids) if participant_ids is not None else SQL(),
        )

    def _compute_current_step(self):
        self.env["fidelite.chain.trace"].flush_model()
        ids = [pid for pid in self._origin.ids if isinstance(pid, int)]
        current = dict(self.env.execute_query(self._current_steps_query(ids))) if ids else {}
        for participant in self:
            participant.current_step_id = current.get(participant._origin.id, False)

    def _search_current_step(self, operator, value):
        """Participants whose last step run is one of ``value`` (step ids)."""
        if operator not in ("in", "not in"):
            return NotImplemented
        self.env["fidelite.chain.trace"].flush_model()
        rows = self.env.execute_query(
            SQL(
                "SELECT c.participant_id FROM (%s) c WHERE c.step_id = ANY(%s)",
                self._current_steps_query(),
                [step_id for step_id in value if step_id],
            )
        )
        domain = Domain("id", "in", [row[0] for row in rows])
        return domain if operator == "in" else ~domain

    def _finish_if_idle(self, reason=None):
        """Finish the running participants that have no step left to run."""
        running = self.filtered(lambda p: p.state == "running")
        if not running:
            return
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT p.id FROM fidelite_chain_participant p
             WHERE p.id IN %s AND NOT EXISTS (
                   SELECT 1 FROM fidelite_chain_trace t WHERE t.participant_id = p.id AND t.state = 'scheduled')
            """,
            [tuple(running.ids)],
        )
        idle = self.browse([row[0] for row in self.env.cr.fetchall()])
        idle.write({"state": "done", "finished_at": fields.Datetime.now(), "end_reason": reason or False})
