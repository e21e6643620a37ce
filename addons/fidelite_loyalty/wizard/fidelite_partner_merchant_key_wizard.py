from odoo import fields, models


class FidelitePartnerMerchantKeyWizard(models.TransientModel):
    """Shows a new API key once: only its hash is kept."""

    _name = "fidelite.partner.merchant.key.wizard"
    _description = "New partner API key"

    key_id = fields.Many2one("fidelite.partner.merchant.key", required=True, readonly=True, ondelete="cascade")
    secret = fields.Char(string="API key", readonly=True)
