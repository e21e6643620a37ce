from odoo import api, models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _routing_handle_bounce(self, email_message, message_dict):
        # Odoo blacklists an address that keeps bouncing: the withdrawal that records says why
        return super(MailThread, self.with_context(fidelite_consent_source="bounce"))._routing_handle_bounce(
            email_message, message_dict
        )
