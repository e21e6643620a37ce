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
