from odoo import api, models

from ..services import gift_cards


class LoyaltyRule(models.Model):
    _inherit = "loyalty.rule"

    @api.constrains("product_ids", "program_id")
    def _check_fidelite_voucher_taxes(self):
        gift_cards.check_voucher_taxes(self.program_id)
