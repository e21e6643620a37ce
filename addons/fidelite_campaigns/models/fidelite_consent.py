from odoo import fields, models

# Where a choice comes from when Odoo records an opt-out, a blacklist or a member's subscription
# (``res.partner._fidelite_record_choice``)
ADDED_SOURCES = [
    ("mailing_unsubscribe", "Unsubscribed from a mailing list"),
    ("mailing_subscribe", "Subscription page of a mailing"),
    ("sms_stop", "SMS STOP reply"),
    ("email_blacklist", "E-mail blacklist"),
    ("phone_blacklist", "Phone blacklist"),
    ("bounce", "Bouncing e-mail address"),
    ("complaint", "Complaint"),
]


class FideliteConsent(models.Model):
    _inherit = "fidelite.consent"

    source = fields.Selection(
        selection_add=ADDED_SOURCES, ondelete={key: "set default" for key, _label in ADDED_SOURCES}
    )

    def _fidelite_member_sources(self):
        # The member ticks a list back themselves on the page their hash-signed link opens
        return (*super()._fidelite_member_sources(), "mailing_subscribe")
