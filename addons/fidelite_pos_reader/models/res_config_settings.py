from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pos_fidelite_reader_enabled = fields.Boolean(related="pos_config_id.fidelite_reader_enabled", readonly=False)
    pos_fidelite_reader_url = fields.Char(related="pos_config_id.fidelite_reader_url", readonly=False)
