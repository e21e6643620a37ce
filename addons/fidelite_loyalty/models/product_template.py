from odoo import api, models

from ..services import gift_cards


class ProductTemplate(models.Model):
    _inherit = "product.template"

    @api.constrains("taxes_id")
    def _check_fidelite_voucher_taxes(self):
        """A product sold or spent as a multi-purpose gift card keeps carrying no taxes."""
        gift_cards.check_voucher_taxes(gift_cards.programs_using(self.product_variant_ids))
