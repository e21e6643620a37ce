from odoo import api, models


class MailBlacklist(models.Model):
    _inherit = "mail.blacklist"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.filtered("active")._fidelite_record_withdrawal()
        return records

    def write(self, vals):
        if "email" in vals:
            changed = self
        elif vals.get("active"):
            changed = self.filtered(lambda record: not record.active)
        else:
            changed = None
        result = super().write(vals)
        if changed:
            changed.filtered("active")._fidelite_record_withdrawal()
        return result

    def _fidelite_record_withdrawal(self):
        """A blacklisted address withdraws the e-mail consent of its contacts (unblacklisting gives nothing back)."""
        emails = sorted({email for email in self.mapped("email") if email})
        if emails:
            self.env["res.partner"]._fidelite_withdraw(
                [("email_normalized", "in", emails)], ["email"], "email_blacklist"
            )
