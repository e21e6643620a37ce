from odoo import models
from odoo.tools import sql


class MailingTrace(models.Model):
    _inherit = "mailing.trace"

    def init(self):
        # The pressure budget counts a member's newsletters by their address (``services.pressure.Budget``)
        result = super().init()
        sql.create_index(
            self.env.cr, "mailing_trace_fidelite_email_index", self._table, ["email"], where="email IS NOT NULL"
        )
        sql.create_index(
            self.env.cr,
            "mailing_trace_fidelite_sms_number_index",
            self._table,
            ["sms_number"],
            where="sms_number IS NOT NULL",
        )
        return result
