import secrets

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..services import member_panel

DEFAULT_BRIDGE_URL = "ws://127.0.0.1:8790"


def _new_token():
    """A till's bridge token; never starting with "-", which a command line (``--token``)
    would take for an option."""
    token = secrets.token_urlsafe(18)
    while token.startswith("-"):
        token = secrets.token_urlsafe(18)
    return token


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
    fidelite_reader_token = fields.Char(
        string="Till Token",
        default=lambda self: _new_token(),
        copy=False,
        help="Secret shared by this till and its bridge (token in the bridge's configuration).",
    )
    fidelite_accept_contactless = fields.Boolean(string="Contactless Cards", default=True)
    fidelite_accept_chip = fields.Boolean(string="Chip Cards", default=True)
    fidelite_accept_barcode = fields.Boolean(string="Barcodes and Typed Numbers", default=True)

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

    def action_fidelite_new_reader_token(self):
        for config in self:
            config.fidelite_reader_token = _new_token()

    def fidelite_member_panel(self, identifier, medium):
        """The member panel of a card read, scanned or typed at this till (see services/member_panel)."""
        self.ensure_one()
        self.check_access("read")
        # POS RPC: the member's card, tier, lots and rewards, which the cashier may not read
        return member_panel.panel(self.sudo(), identifier, medium)

    def fidelite_enrol_card(self, identifier, medium, partner_id=False, name="", email="", phone=""):
        """Give the unknown card just read to a new member or to an existing one."""
        self.ensure_one()
        self.check_access("read")
        # POS RPC: the cashier gives a card of the program, which only the back office creates
        return member_panel.enrol(self.sudo(), identifier, medium, partner_id, name, email, phone)
