from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import html_escape

from ..services import pressure
from ..services.scheduler import _variant_ranges, stable_bucket


class FideliteChainDryRun(models.TransientModel):
    """What a chain would do for one member, when, without sending anything."""

    _name = "fidelite.chain.dry.run"
    _description = "Chain dry run"

    chain_id = fields.Many2one("fidelite.chain", required=True)
    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, domain=[("fidelite_is_member", "=", True)]
    )
    start = fields.Datetime(string="Entering on", default=fields.Datetime.now, required=True)
    result = fields.Html(compute="_compute_result", sanitize=False)

    @api.depends("chain_id", "partner_id", "start")
    def _compute_result(self):
        for wizard in self:
            lines = wizard._plan() if wizard.chain_id and wizard.partner_id else []
            wizard.result = (
                Markup("")
                .join(Markup("<li>%s</li>") % html_escape(line) for line in lines)
                .join([Markup("<ul>"), Markup("</ul>")])
                if lines
                else False
            )

    def _plan(self):
        """One line per step, depth first: when it would run, on which branch, and what would happen."""
        self.ensure_one()
        chain, partner = self.chain_id.sudo(), self.partner_id
        lines = []
        in_target = partner in partner.search([*chain._target_domain(), ("id", "=", partner.id)])
        if not in_target:
            lines.append(
                self.env._("%(member)s is not in the chain's target: nothing would be sent.", member=partner.name)
            )
            return lines
        if stable_bucket("control", chain.id, partner.id) < chain.control_share * 100:
            lines.append(
                self.env._("%(member)s falls in the control group: nothing would be sent.", member=partner.name)
            )
            return lines
        bucket = stable_bucket("variant", chain.id, partner.id)
        budget = pressure.Budget(self.env, chain.company_id, self.start, [partner.id])

        def walk(steps, when, depth):
            ranges = _variant_ranges(steps)
            for step in steps.sorted(lambda s: (s.sequence, s.id)):
                low, high = ranges[step]
                if not low <= bucket < high:
                    continue
                at = when + timedelta(hours=step._delay_hours())
                if step.condition in ("purchased", "not_purchased"):
                    at = max(at, when + timedelta(days=step.condition_days))
                branch = dict(step._fields["condition"]._description_selection(self.env))[step.condition]
                lines.append(
                    "  " * depth
                    + self.env._(
                        "%(when)s — %(step)s (%(action)s, if: %(branch)s): %(what)s",
                        when=fields.Datetime.to_string(at),
                        step=step.name,
                        action=dict(step._fields["action"]._description_selection(self.env))[step.action],
                        branch=branch,
                        what=self._what(step, at, budget),
                    )
                )
                walk(step.child_ids, at, depth + 1)

        walk(chain.step_ids.filtered(lambda s: not s.parent_id), self.start, 0)
        return lines

    def _what(self, step, at, budget):
        partner = self.partner_id
        channel = step._channel
        marketing = not step.chain_id.transactional
        if not channel:
            return self.env._("would be done")
        later = pressure.quiet_until(step.chain_id.company_id, channel, at) if marketing else None
        note = self.env._(" (quiet hours: postponed to %s)", fields.Datetime.to_string(later)) if later else ""
        reason = pressure.reachability(self.env, [partner.id], channel, marketing).get(partner.id)
        if not reason and marketing and not budget.allows(partner.id, channel):
            reason = "pressure"
        if reason:
            label = dict(self.env["fidelite.chain.trace"]._fields["skip_reason"]._description_selection(self.env))
            if step.fallback_channel and not pressure.reachability(
                self.env, [partner.id], step.fallback_channel, marketing
            ).get(partner.id):
                return (
                    self.env._(
                        "would go by %(channel)s instead (%(reason)s)",
                        channel=step.fallback_channel,
                        reason=label[reason],
                    )
                    + note
                )
            return self.env._("would be skipped: %s", label[reason])
        if marketing:
            budget.consume(partner.id, channel)
        preview = ""
        if step.action == "email" and step.mail_template_id:
            preview = step.mail_template_id._render_field("subject", [partner.id])[partner.id]
        elif step.action == "sms":
            preview = (
                step.sms_template_id._render_field("body", [partner.id])[partner.id]
                if step.sms_template_id
                else self.env["mail.render.mixin"]._render_template(
                    step.sms_body or "", "res.partner", [partner.id], engine="inline_template"
                )[partner.id]
            )
        return self.env._("would be sent: “%s”", preview) + note if preview else self.env._("would be sent") + note
