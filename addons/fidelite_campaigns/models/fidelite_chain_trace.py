from odoo import fields, models

from .fidelite_chain_step import ACTIONS

SKIP_REASONS = [
    ("no_consent", "No consent"),
    ("blacklisted", "Blacklisted / STOP"),
    ("no_address", "No address"),
    ("invalid_address", "Invalid postal address"),
    ("pressure", "Pressure cap"),
    ("no_card", "No loyalty card"),
    ("branch", "Branch not taken"),
    ("step_removed", "Step removed"),
    ("variant", "Other variant"),
    ("error", "Error"),
    ("refused", "Text refused (placeholders its author may not use)"),
]
OUTCOMES = [
    ("opened", "Opened"),
    ("clicked", "Clicked"),
    ("bounced", "Bounced"),
    ("replied", "Replied"),
]


class FideliteChainTrace(models.Model):
    """One step of a chain for one participant: when it is due, what was done, what came of it."""

    _name = "fidelite.chain.trace"
    _description = "Marketing chain trace"
    _order = "id desc"

    participant_id = fields.Many2one("fidelite.chain.participant", required=True, index=True, ondelete="cascade")
    chain_id = fields.Many2one("fidelite.chain", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="chain_id.company_id", store=True)
    partner_id = fields.Many2one("res.partner", string="Member", required=True, index=True, ondelete="cascade")
    step_id = fields.Many2one("fidelite.chain.step", string="Step", index=True, ondelete="set null")
    step_name = fields.Char(string="Step name", readonly=True)
    variant = fields.Char(readonly=True)
    parent_trace_id = fields.Many2one(
        "fidelite.chain.trace", string="After", index="btree_not_null", ondelete="set null"
    )
    scheduled_at = fields.Datetime(required=True)
    done_at = fields.Datetime(readonly=True)
    action = fields.Selection(ACTIONS, readonly=True)
    channel = fields.Selection(
        [("email", "E-mail"), ("sms", "SMS"), ("postal", "Postal mail"), ("phone", "Phone")], readonly=True
    )
    marketing = fields.Boolean(default=True, readonly=True, help="Counts in the member's pressure budget.")
    state = fields.Selection(
        [
            ("scheduled", "Scheduled"),
            ("sent", "Sent"),
            ("done", "Done"),
            ("skipped", "Skipped"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        default="scheduled",
        required=True,
    )
    skip_reason = fields.Selection(SKIP_REASONS, readonly=True)
    note = fields.Char(readonly=True)
    fallback = fields.Boolean(readonly=True, help="Sent on the step's fallback channel.")
    outcome = fields.Selection(OUTCOMES, readonly=True)
    opened = fields.Boolean(readonly=True)
    clicked = fields.Boolean(readonly=True)
    bounced = fields.Boolean(readonly=True)
    replied = fields.Boolean(readonly=True)
    call_outcome = fields.Selection(
        selection=lambda self: self.env["fidelite.chain.step"]._fields["call_outcome"].selection, readonly=True
    )
    converted = fields.Boolean(readonly=True)
    cost = fields.Float(readonly=True, aggregator="sum")
    attributed_revenue = fields.Float(readonly=True, aggregator="sum")
    is_control = fields.Boolean(related="participant_id.is_control", store=True)
    mail_mail_id = fields.Many2one("mail.mail", string="E-mail", index="btree_not_null", ondelete="set null")
    mailing_trace_id = fields.Many2one("mailing.trace", index="btree_not_null", ondelete="set null")
    sms_id = fields.Many2one("sms.sms", string="SMS", index="btree_not_null", ondelete="set null")
    sms_uuid = fields.Char(string="SMS id", index="btree_not_null", readonly=True)
    activity_id = fields.Many2one("mail.activity", string="Call task", index="btree_not_null", ondelete="set null")
    postal_batch_id = fields.Many2one("fidelite.postal.batch", string="Letter batch", index="btree_not_null")
    survey_answer_id = fields.Many2one("survey.user_input", string="Survey answer", ondelete="set null")
    points_move_id = fields.Many2one("fidelite.points.move", string="Points movement", ondelete="set null")
    coupon_id = fields.Many2one("loyalty.card", string="Coupon", ondelete="set null")

    # The engine finds traces by these partial indexes; a plain index on the state would only
    # slow down the millions of state changes a large chain makes
    _due = models.Index("(chain_id, scheduled_at, id) WHERE state = 'scheduled'")
    _pressure = models.Index("(partner_id, done_at) WHERE state = 'sent' AND marketing")
