from odoo import fields, models


class FideliteApiFailure(models.Model):
    """A failed card look-up of a partner API key: an unknown card number, or a refused card.

    The API writes each one once, with one SQL statement (``services/partner_api``), and counts
    a key's failures of the last hour from here: past its limit the key is locked out.
    """

    _name = "fidelite.api.failure"
    _description = "Partner API failed look-up"
    _order = "id desc"
    _log_access = False

    key_id = fields.Many2one("fidelite.partner.merchant.key", string="API key", required=True, ondelete="cascade")
    merchant_id = fields.Many2one("fidelite.partner.merchant", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="merchant_id.company_id")
    received_at = fields.Datetime(string="Received on", readonly=True, default=fields.Datetime.now)
    operation = fields.Selection([("lookup", "Lookup"), ("earn", "Earn"), ("burn", "Burn")], readonly=True)
    card = fields.Char(string="Card number tried", readonly=True)
    status_code = fields.Integer(readonly=True)
    error_code = fields.Char(readonly=True)

    _key_time_index = models.Index("(key_id, received_at)")
