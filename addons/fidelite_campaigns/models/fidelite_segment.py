from odoo import api, fields, models

from ..services import newsletter


class FideliteSegment(models.Model):
    _inherit = "fidelite.segment"

    mailing_list_id = fields.Many2one(
        "mailing.list", string="Newsletter list", help="Kept equal to the segment's members who accept e-mails."
    )

    def action_sync_mailing_list(self):
        self.check_access("write")  # a manager's button (and the cron)
        # the list's contacts and subscriptions are Email Marketing's, which a manager may not write
        for segment in self.sudo().filtered("mailing_list_id"):
            newsletter.sync(segment)
        return True

    @api.model
    def _cron_sync_mailing_lists(self):
        self.search([("mailing_list_id", "!=", False)]).action_sync_mailing_list()
