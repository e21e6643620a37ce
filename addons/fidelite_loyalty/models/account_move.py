from odoo import models

from ..services import member_kpis


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        """Customer invoices posted add to their member's figures, where the company counts them."""
        posted = super()._post(soft=soft)
        for move in posted.filtered(
            lambda move: move.is_sale_document() and move.partner_id and move.company_id.fidelite_kpi_invoices
        ):
            member_kpis.record_order(move)
        return posted
