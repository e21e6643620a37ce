from odoo import api, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def mail_allowed_qweb_expressions(self):
        """Placeholders anyone who writes a chain's texts may use (read as plain fields, no code run)."""
        return (
            *super().mail_allowed_qweb_expressions(),
            "object.fidelite_points",
            "object.fidelite_member_number",
            "object.fidelite_referral_code",
            "object.fidelite_home_store_id.name",
        )

    @api.model
    def _fidelite_withdraw(self, domain, channels, source, note=None):
        """Record a withdrawn consent on ``channels`` for the contacts matching ``domain``: an opt-out or a
        blacklist recorded by Odoo withdraws the consent, so that every job reading consent stops."""
        return self._fidelite_record_choice(domain, channels, False, source, note)

    @api.model
    def _fidelite_record_choice(self, domain, channels, granted, source, note=None):
        source = self.env.context.get("fidelite_consent_source") or source
        # sudo: the choice is recorded whoever relayed it (the public unsubscribe and subscription
        # pages, the SMS gateway, a mailing user's blacklist, the mail gateway's bounces)
        partners = self.sudo().search(domain)
        for channel in channels:
            partners._fidelite_set_consent(channel, granted, source, note)
        return partners
