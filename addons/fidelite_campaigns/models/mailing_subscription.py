from odoo import api, models

OPT_OUT_KEYS = ("opt_out", "opt_out_reason_id", "opt_out_datetime")


class MailingSubscription(models.Model):
    _inherit = "mailing.subscription"

    @api.model_create_multi
    def create(self, vals_list):
        subscriptions = super().create(vals_list)
        subscriptions.filtered("opt_out")._fidelite_record_opt_out()
        subscriptions.filtered(lambda sub: not sub.opt_out)._fidelite_record_opt_in()
        return subscriptions

    def write(self, vals):
        changing = any(key in vals for key in OPT_OUT_KEYS)
        opted_in = self.filtered(lambda sub: not sub.opt_out) if changing else None
        opted_out = self - opted_in if changing else None
        result = super().write(vals)
        if opted_in:
            opted_in.filtered("opt_out")._fidelite_record_opt_out()
        if opted_out:
            opted_out.filtered(lambda sub: not sub.opt_out)._fidelite_record_opt_in()
        return result

    def _fidelite_record_opt_in(self):
        """The member ticking a list back on the mailing's subscription page gives their e-mail consent
        again (``controllers.mailing``); anybody else's opt-in gives nothing: consent decides, and the
        nightly sync opts the subscription out again while the member's consent is not given."""
        if not self or not self.env.context.get("fidelite_member_optin"):
            return
        emails = sorted({email for email in self.contact_id.mapped("email_normalized") if email})
        if emails:
            self.env["res.partner"]._fidelite_record_choice(
                [("email_normalized", "in", emails)],
                ["email"],
                True,
                "mailing_subscribe",
                note=", ".join(self.list_id.mapped("name")),
            )

    def _fidelite_record_opt_out(self):
        """An opt-out (the unsubscribe link, the subscription page, the back office) withdraws the e-mail consent."""
        if not self or self.env.context.get("fidelite_consent_mirror"):
            return  # the newsletter sync mirroring a consent already withdrawn
        emails = sorted({email for email in self.contact_id.mapped("email_normalized") if email})
        if emails:
            self.env["res.partner"]._fidelite_withdraw(
                [("email_normalized", "in", emails)],
                ["email"],
                "mailing_unsubscribe",
                note=", ".join(self.list_id.mapped("name")),
            )
