from odoo import api, models


class PhoneBlacklist(models.Model):
    _inherit = "phone.blacklist"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.filtered("active")._fidelite_record_withdrawal()
        return records

    def write(self, vals):
        if "number" in vals:
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
        """A blacklisted number withdraws the SMS and call consents of the contacts who use it."""
        numbers = sorted({number for number in self.mapped("number") if number})
        if numbers:
            self.env["res.partner"]._fidelite_withdraw(
                [("phone_sanitized", "in", numbers)], ["sms", "phone"], "phone_blacklist"
            )
