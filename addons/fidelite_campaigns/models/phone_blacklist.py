from odoo import models


class PhoneBlacklist(models.Model):
    """A blacklisted number withdraws the SMS and call consents of the contacts who use it."""

    _name = "phone.blacklist"
    _inherit = ["phone.blacklist", "fidelite.blacklist.withdrawal"]

    _fidelite_address_field = "number"
    _fidelite_partner_field = "phone_sanitized"
    _fidelite_channels = ("sms", "phone")
    _fidelite_source = "phone_blacklist"
