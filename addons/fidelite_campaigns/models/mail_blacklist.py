from odoo import models


class MailBlacklist(models.Model):
    """A blacklisted address withdraws the e-mail consent of its contacts."""

    _name = "mail.blacklist"
    _inherit = ["mail.blacklist", "fidelite.blacklist.withdrawal"]

    _fidelite_address_field = "email"
    _fidelite_partner_field = "email_normalized"
    _fidelite_channels = ("email",)
    _fidelite_source = "email_blacklist"
