from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools.safe_eval import safe_eval

from ..services import reports, scheduler, triggers

REENTRY = [("once", "Once"), ("yearly", "Once a year"), ("always", "Every time")]


class FideliteChain(models.Model):
    """A marketing chain: who enters, when, and the tree of steps they go through."""

    _name = "fidelite.chain"
    _description = "Marketing chain"
    _order = "priority desc, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("paused", "Paused")],
        default="draft",
        required=True,
        index=True,
    )
    priority = fields.Integer(default=10, help="Chains with a higher priority use the members' message budget first.")
    transactional = fields.Boolean(
        help="Service messages (receipts, balance confirmations): outside the pressure budget and consent checks, "
        "still never to a blacklisted address; no offer, coupon or survey. Only a Fidélité manager sets it."
    )
    segment_id = fields.Many2one("fidelite.segment", string="Segment", ondelete="restrict")
    domain = fields.Char(string="Members filter", default="[]", help="A filter on contacts, on top of the segment.")
    trigger_ids = fields.One2many(
        "fidelite.chain.trigger",
        "chain_id",
        string="Entry triggers",
        copy=True,
        help="Dates and events that bring members in; a member enters when any of them fires.",
    )
    reentry = fields.Selection(REENTRY, string="Re-entry", required=True, default="once")
    control_share = fields.Float(
        string="Control group (%)", help="Members kept out of the chain to measure its effect."
    )
    conversion_days = fields.Integer(
        string="Conversion window (days)", default=7, help="A purchase this many days after a message counts for it."
    )
    last_entry_run = fields.Datetime(string="Last entries", readonly=True, copy=False)
    step_ids = fields.One2many("fidelite.chain.step", "chain_id", string="Steps", copy=True)
    participant_ids = fields.One2many("fidelite.chain.participant", "chain_id", string="Chain participants")
    trace_ids = fields.One2many("fidelite.chain.trace", "chain_id", string="Traces")
    participant_count = fields.Integer(compute="_compute_figures", string="Participants")
    control_count = fields.Integer(compute="_compute_figures", string="Control group")
    sent_count = fields.Integer(compute="_compute_figures", string="Sent")
    skipped_count = fields.Integer(compute="_compute_figures", string="Skipped")
    cost = fields.Float(compute="_compute_figures")
    revenue = fields.Float(compute="_compute_figures", string="Attributed revenue")
    roi = fields.Float(compute="_compute_figures", string="ROI (%)")
    conversion_rate = fields.Float(compute="_compute_figures", string="Conversion (%)")
    control_conversion_rate = fields.Float(compute="_compute_figures", string="Control conversion (%)")
    unsubscribe_rate = fields.Float(compute="_compute_figures", string="Unsubscribes (%)")
    complaint_rate = fields.Float(
        compute="_compute_figures",
        string="Complaints (%)",
        help="Members reached whose call result was recorded as a complaint.",
    )
    bounce_rate = fields.Float(compute="_compute_figures", string="Bounces (%)")

    @api.constrains("transactional")
    def _check_transactional(self):
        self.step_ids._check_transactional()

    @api.constrains("control_share")
    def _check_control_share(self):
        for chain in self:
            if not 0 <= chain.control_share < 100:
                raise ValidationError(self.env._("The control group is a share between 0 and 100%."))

    @api.constrains("domain")
    def _check_domain(self):
        for chain in self:
            try:
                self.env["res.partner"].search_count(chain._target_domain())
            except Exception as error:
                raise ValidationError(
                    self.env._("The members filter of %(chain)s is not valid: %(error)s", chain=chain.name, error=error)
                ) from error

    def _compute_figures(self):
        figures = reports.chain_figures(self)
        for chain in self:
            values = figures.get(chain.id, {})
            for name in reports.CHAIN_FIGURES:
                chain[name] = values.get(name, 0)

    def _target_domain(self):
        """The members this chain may reach, as a domain on res.partner."""
        self.ensure_one()
        domain = Domain(safe_eval(self.domain or "[]")) & Domain("fidelite_is_member", "=", True)
        if self.segment_id:
            domain &= Domain("fidelite_segment_ids", "in", self.segment_id.ids)
        return domain

    def _check_can_fire(self):
        """Refuse a chain that can never send anything, with the reason."""
        for chain in self:
            problems = []
            if not chain.step_ids.filtered(lambda s: not s.parent_id):
                problems.append(self.env._("it has no first step"))
            if not chain.trigger_ids:
                problems.append(self.env._("it has no entry trigger"))
            problems += chain.trigger_ids._configuration_problems()
            problems += chain.step_ids._configuration_problems()
            if problems:
                raise UserError(
                    self.env._(
                        "The chain %(chain)s can never fire: %(problems)s.",
                        chain=chain.name,
                        problems="; ".join(problems),
                    )
                )

    def action_start(self):
        self._check_can_fire()
        self.write({"state": "running"})
        return True

    def action_pause(self):
        self.write({"state": "paused"})
        return True

    def action_resume(self):
        return self.action_start()

    def action_run_now(self):
        """Enter the new participants and run the due steps of these chains now."""
        self.check_access("write")  # a manager's button
        # the chain's members, traces and messages of every member, written by the server only
        scheduler.run(self.sudo().env, chains=self)
        return True

    def action_dry_run(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dry run"),
            "res_model": "fidelite.chain.dry.run",
            "view_mode": "form",
            "target": "new",
            "context": {"default_chain_id": self.id},
        }

    def action_view_participants(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Participants"),
            "res_model": "fidelite.chain.participant",
            "view_mode": "list,form",
            "domain": [("chain_id", "=", self.id)],
        }

    def action_view_traces(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Traces"),
            "res_model": "fidelite.chain.trace",
            "view_mode": "list,pivot,graph,form",
            "domain": [("chain_id", "=", self.id)],
        }

    def action_update_results(self):
        reports.update_outcomes(self.env, self)
        return True

    def _entrants(self, now):
        """Partner ids and entry keys of the members entering this chain at ``now``."""
        self.ensure_one()
        return triggers.entrants(self, now)

    @api.model
    def _cron_run(self):
        scheduler.run(self.sudo().env, commit=True)  # cron: every company's running chains and members
