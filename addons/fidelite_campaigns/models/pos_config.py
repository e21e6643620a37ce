from odoo import fields, models


class PosConfig(models.Model):
    _inherit = "pos.config"

    fidelite_manager_id = fields.Many2one(
        "res.users", string="Store manager", help="Calls planned by marketing chains for this store's members."
    )
