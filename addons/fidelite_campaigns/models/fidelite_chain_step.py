import re
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

ACTIONS = [
    ("email", "E-mail"),
    ("sms", "SMS"),
    ("postal", "Postal letter"),
    ("phone", "Phone call"),
    ("points", "Points grant"),
    ("coupon", "Coupon"),
    ("survey", "Survey invitation"),
    ("wait", "Wait"),
]
MESSAGE_CHANNELS = ("email", "sms", "postal", "phone")
# Steps that market rather than serve: an offer (points, a coupon) or a solicitation (a survey); a
# transactional chain, sent without consent, may not carry them
MARKETING_ACTIONS = ("points", "coupon", "survey")
CONDITIONS = [
    ("always", "Always"),
    ("opened", "Opened"),
    ("not_opened", "Not opened"),
    ("clicked", "Clicked"),
    ("bounced", "Bounced"),
    ("replied", "Replied"),
    ("purchased", "Purchased within N days"),
    ("not_purchased", "Not purchased within N days"),
    ("call_outcome", "Call outcome"),
]
CALL_OUTCOMES = [
    ("interested", "Reached, interested"),
    ("not_interested", "Reached, not interested"),
    ("no_answer", "No answer"),
    ("wrong_number", "Wrong number"),
    ("complained", "Reached, complained"),
]
# ``object.<name>`` in a template, a SMS text or a letter: the contact's field it reads
OBJECT_FIELD = re.compile(r"\bobject\.([A-Za-z_]\w*)")
# The texts a step renders for each member: written by ``content_user_id``, rendered with their rights
TEXT_FIELDS = ("sms_body", "sms_template_id", "letter_text")
# The channel whose consent and budget a step's action needs (survey invitations go by e-mail)
ACTION_CHANNEL = {"email": "email", "sms": "sms", "postal": "postal", "phone": "phone", "survey": "email"}


class FideliteChainStep(models.Model):
    """One step of a chain: an action, run a delay after its parent when the parent's outcome matches."""

    _name = "fidelite.chain.step"
    _description = "Marketing chain step"
    _order = "chain_id, sequence, id"
    _parent_store = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    chain_id = fields.Many2one("fidelite.chain", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="chain_id.company_id", store=True)
    parent_id = fields.Many2one(
        "fidelite.chain.step",
        string="After",
        index=True,
        ondelete="cascade",
        domain="[('chain_id', '=', chain_id), ('id', '!=', id)]",
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("fidelite.chain.step", "parent_id", string="Next steps")
    delay = fields.Integer(default=0, help="Time after the parent step (after entry for a first step).")
    delay_unit = fields.Selection([("hours", "Hours"), ("days", "Days")], default="days", required=True)
    condition = fields.Selection(CONDITIONS, default="always", required=True, string="When")
    condition_days = fields.Integer(string="Within (days)", default=7)
    call_outcome = fields.Selection(CALL_OUTCOMES, string="Call result")
    action = fields.Selection(ACTIONS, required=True, default="email")
    mail_template_id = fields.Many2one(
        "mail.template", string="E-mail template", domain="[('model', '=', 'res.partner')]", ondelete="restrict"
    )
    sms_body = fields.Text(
        string="SMS text", translate=True, help="Placeholders: {{ object.name }} and other contact fields."
    )
    sms_template_id = fields.Many2one("sms.template", string="SMS template", domain="[('model', '=', 'res.partner')]")
    letter_text = fields.Text(string="Letter", translate=True)
    content_user_id = fields.Many2one(
        "res.users",
        string="Texts written by",
        readonly=True,
        copy=False,
        # no default: an upgrade would fill the existing steps with the superuser (they fall back on write_uid)
        help="The SMS and the letter are rendered with this user's rights, whoever runs the chain.",
    )
    call_note = fields.Text(string="Call script", translate=True)
    call_user_id = fields.Many2one(
        "res.users", string="Call handled by", help="When the member has no salesperson and no home store manager."
    )
    points = fields.Float(string="Points given")
    coupon_program_id = fields.Many2one(
        "loyalty.program", string="Coupon program", domain="[('program_type', 'in', ('coupons', 'next_order_coupons'))]"
    )
    survey_id = fields.Many2one("survey.survey", string="Survey")
    fallback_channel = fields.Selection(
        [(code, label) for code, label in ACTIONS if code in ("email", "sms", "postal")],
        string="Fallback channel",
        help="Used when the member's budget or consent on this step's channel is exhausted.",
    )
    variant_name = fields.Char(string="Variant", help="A/B test: siblings with a share split the members.")
    variant_share = fields.Float(string="Variant share (%)")
    transactional = fields.Boolean(related="chain_id.transactional")
    trace_count = fields.Integer(compute="_compute_trace_count", string="Traces")

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [{**vals, "content_user_id": self.env.uid} for vals in vals_list]
        steps = super().create(vals_list)
        steps._check_text_placeholders()
        return steps

    def write(self, vals):
        if any(name in vals for name in TEXT_FIELDS):
            vals = {**vals, "content_user_id": self.env.uid}
        result = super().write(vals)
        if any(name in vals for name in TEXT_FIELDS):
            self._check_text_placeholders()
        return result

    def _update_field_translations(self, field_name, translations, digest=None, source_lang=""):
        result = super()._update_field_translations(field_name, translations, digest=digest, source_lang=source_lang)
        if field_name in TEXT_FIELDS:
            self.write({"content_user_id": self.env.uid})
            for lang in translations:
                self.with_context(lang=lang)._check_text_placeholders()
        return result

    def _check_text_placeholders(self):
        """Like Odoo's templates: only a template editor writes placeholders beyond the contact's plain fields
        (code such as ``object.env[...]`` runs when the text is rendered)."""
        Render = self.env["mail.render.mixin"]
        if self.env.su or self.env.is_admin() or self.env.user.has_group("mail.group_mail_template_editor"):
            return
        for step in self:
            for text in (step.sms_body, step.letter_text):
                if Render._has_unsafe_expression_template_inline_template(str(text or ""), "res.partner"):
                    raise AccessError(
                        self.env._(
                            "Step %(step)s: only template editors may use placeholders other than the contact's "
                            "name, points, member number and referral code.",
                            step=step.name,
                        )
                    )

    @api.constrains("action", "chain_id")
    def _check_transactional(self):
        for step in self:
            if step.chain_id.transactional and step.action in MARKETING_ACTIONS:
                raise ValidationError(
                    self.env._(
                        "%(step)s: a transactional chain sends service messages only, without consent; an offer "
                        "(points, a coupon) or a survey is marketing and needs its own chain.",
                        step=step.name,
                    )
                )

    @api.constrains("parent_id", "chain_id")
    def _check_parent(self):
        if self._has_cycle():
            raise ValidationError(self.env._("A step cannot come after itself."))
        for step in self:
            if step.parent_id and step.parent_id.chain_id != step.chain_id:
                raise ValidationError(self.env._("A step comes after a step of the same chain."))

    @api.constrains("variant_share")
    def _check_variant_share(self):
        for step in self:
            if not 0 <= step.variant_share <= 100:
                raise ValidationError(self.env._("A variant share is between 0 and 100%."))

    def _compute_trace_count(self):
        counts = dict(
            self.env["fidelite.chain.trace"]._read_group([("step_id", "in", self.ids)], ["step_id"], ["__count"])
        )
        for step in self:
            step.trace_count = counts.get(step, 0)

    def _delay_hours(self):
        self.ensure_one()
        return self.delay * (24 if self.delay_unit == "days" else 1)

    @property
    def _channel(self):
        return ACTION_CHANNEL.get(self.action)

    def _configuration_problems(self):
        """What keeps each step from running, in words."""
        problems = []
        for step in self:
            needed = {
                "email": step.mail_template_id,
                "sms": step.sms_body or step.sms_template_id,
                "postal": step.letter_text,
                "points": step.points > 0,
                "coupon": step.coupon_program_id,
                "survey": step.survey_id,
            }
            if step.action in needed and not needed[step.action]:
                problems.append(self.env._("step %(step)s has nothing to send", step=step.name))
            if step.fallback_channel and step.fallback_channel != step.action and not needed[step.fallback_channel]:
                problems.append(self.env._("step %(step)s has nothing to send on its fallback channel", step=step.name))
            problems += step._content_problems()
            if step.condition != "always" and not step.parent_id:
                problems.append(
                    self.env._("step %(step)s has a condition on a previous step but comes first", step=step.name)
                )
            if step.condition == "call_outcome" and step.parent_id.action != "phone":
                problems.append(self.env._("step %(step)s waits for a call result after no call", step=step.name))
            if step.condition in ("opened", "not_opened", "clicked", "bounced") and step.parent_id.action not in (
                "email",
                "survey",
            ):
                problems.append(self.env._("step %(step)s waits for an e-mail result after no e-mail", step=step.name))
        shares = defaultdict(float)
        for step in self.filtered(lambda s: s.variant_share > 0):
            shares[(step.chain_id, step.parent_id, step.condition, step.call_outcome)] += step.variant_share
        for (_chain, parent, _condition, _outcome), total in shares.items():
            if total > 100:
                problems.append(
                    self.env._(
                        "the variants after %(step)s share more than 100%% of the members",
                        step=parent.name or self.env._("the entry"),
                    )
                )
        return problems

    def _content_problems(self):
        """Templates and texts this step sends that cannot be rendered for a contact, in words."""
        self.ensure_one()
        problems = []
        channels = {self.action, self.fallback_channel}
        texts = []  # (what, text)
        template = self.mail_template_id
        if template and channels & {"email", "survey"}:
            if template.model != "res.partner":
                problems.append(
                    self.env._("the template of step %(step)s is not a template for contacts", step=self.name)
                )
                return problems
            if not template.subject:
                problems.append(self.env._("the e-mail template of step %(step)s has no subject", step=self.name))
            if not template.body_html and self.action == "email":
                problems.append(self.env._("the e-mail template of step %(step)s has no body", step=self.name))
            texts += [
                (self.env._("e-mail template"), template.subject),
                (self.env._("e-mail template"), template.body_html),
            ]
        if "sms" in channels:
            texts.append((self.env._("SMS text"), self.sms_template_id.body or self.sms_body))
        if "postal" in channels:
            texts.append((self.env._("letter"), self.letter_text))
        partner_model = type(self.env["res.partner"])
        for what, text in texts:
            for name in sorted(set(OBJECT_FIELD.findall(str(text or "")))):
                if name not in partner_model._fields and not hasattr(partner_model, name):
                    problems.append(
                        self.env._(
                            "step %(step)s uses “object.%(field)s” (%(what)s), a field contacts do not have",
                            what=what,
                            step=self.name,
                            field=name,
                        )
                    )
        return problems

    @api.ondelete(at_uninstall=False)
    def _unlink_finish_participants(self):
        """Participants waiting on a removed step end there, with the reason."""
        steps = self.search([("id", "child_of", self.ids)])
        traces = self.env["fidelite.chain.trace"].search([("step_id", "in", steps.ids), ("state", "=", "scheduled")])
        reason = self.env._("Step removed from the chain")
        traces.write({"state": "cancelled", "skip_reason": "step_removed", "note": reason})
        traces.participant_id._finish_if_idle(reason)
