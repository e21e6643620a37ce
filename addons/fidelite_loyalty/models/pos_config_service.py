from odoo import fields, models


class PosConfig(models.Model):
    _inherit = "pos.config"

    fidelite_service_capacity = fields.Integer(
        string="Capacity per service",
        help="How many tickets the store can serve in one lunch or dinner service (its tables): "
        "the services analysis shows each service's fill rate against it.",
    )
