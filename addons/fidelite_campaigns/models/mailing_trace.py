from odoo import fields, models


class MailingTrace(models.Model):
    _inherit = "mailing.trace"

    # The pressure budget counts a member's newsletters by their address (``services.pressure.Budget``)
    email = fields.Char(index="btree_not_null")
    sms_number = fields.Char(index="btree_not_null")
