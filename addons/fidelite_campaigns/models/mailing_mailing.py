from odoo import models

from ..services import newsletter


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    def _get_remaining_recipients(self):
        """Odoo's recipients less the members without consent, blacklisted or over their pressure budget."""
        return newsletter.reachable_recipients(self, super()._get_remaining_recipients())
