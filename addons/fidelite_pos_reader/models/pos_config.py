from odoo import api, fields, models
from odoo.exceptions import ValidationError

DEFAULT_BRIDGE_URL = "ws://127.0.0.1:8790"


class PosConfig(models.Model):
    _inherit = "pos.config"

    fidelite_reader_enabled = fields.Boolean(
        string="Card Reader Bridge",
        help="Listen to the Fidélité card reader bridge running on the till's computer: "
        "a card tapped or inserted identifies the member.",
    )
    fidelite_reader_url = fields.Char(
        string="Bridge Address",
        default=DEFAULT_BRIDGE_URL,
        help="WebSocket address of the bridge on the till's computer.",
    )

    @api.constrains("fidelite_reader_enabled", "fidelite_reader_url")
    def _check_fidelite_reader_url(self):
        for config in self.filtered("fidelite_reader_enabled"):
            url = (config.fidelite_reader_url or "").strip()
            if not url.startswith(("ws://", "wss://")):
                raise ValidationError(
                    self.env._(
                        "The card reader bridge address of %(pos)s must start with ws:// or wss://.",
                        pos=config.name,
                    )
                )
