from odoo import fields, models

# Where a withdrawal comes from when Odoo records an opt-out or a blacklist (``res.partner._fidelite_withdraw``)
WITHDRAWAL_SOURCES = [
    ("mailing_unsubscribe", "Unsubscribed from a mailing list"),
    ("sms_stop", "SMS STOP reply"),
    ("email_blacklist", "E-mail blacklist"),
    ("phone_blacklist", "Phone blacklist"),
    ("bounce", "Bouncing e-mail address"),
]


class FideliteConsent(models.Model):
    _inherit = "fidelite.consent"

    source = fields.Selection(
        selection_add=WITHDRAWAL_SOURCES, ondelete={key: "set default" for key, _label in WITHDRAWAL_SOURCES}
    )
