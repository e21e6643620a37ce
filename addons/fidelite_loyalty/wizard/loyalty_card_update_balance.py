from odoo import models


class LoyaltyCardUpdateBalance(models.TransientModel):
    _inherit = "loyalty.card.update.balance"

    def action_update_card_point(self):
        """Odoo's balance update, recorded as a manual adjustment with its description as reason."""
        return super(
            LoyaltyCardUpdateBalance,
            self.with_context(fidelite_origin="manual", fidelite_move_type="adjust", fidelite_reason=self.description),
        ).action_update_card_point()
