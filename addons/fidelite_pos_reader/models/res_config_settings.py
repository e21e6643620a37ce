from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pos_fidelite_reader_enabled = fields.Boolean(related="pos_config_id.fidelite_reader_enabled", readonly=False)
    pos_fidelite_reader_url = fields.Char(related="pos_config_id.fidelite_reader_url", readonly=False)
    pos_fidelite_reader_token = fields.Char(related="pos_config_id.fidelite_reader_token", readonly=False)
    pos_fidelite_accept_contactless = fields.Boolean(
        related="pos_config_id.fidelite_accept_contactless", readonly=False
    )
    pos_fidelite_accept_chip = fields.Boolean(related="pos_config_id.fidelite_accept_chip", readonly=False)
    pos_fidelite_accept_barcode = fields.Boolean(related="pos_config_id.fidelite_accept_barcode", readonly=False)
