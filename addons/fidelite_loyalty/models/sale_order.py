from odoo import models


class SaleOrder(models.Model):
    """Sales orders move points through Odoo's own code: record them as sales movements."""

    _inherit = "sale.order"

    def _fidelite_context(self, **extra):
        context = {"fidelite_origin": "sale", **extra}
        if len(self) == 1:
            context["fidelite_sale_order_id"] = self.id
            context["fidelite_reason"] = self.env._("Order %s", self.name)
        return self.with_context(**context)

    def action_confirm(self):
        return super(SaleOrder, self._fidelite_context()).action_confirm()

    def _action_cancel(self):
        return super(SaleOrder, self._fidelite_context(fidelite_move_type="reversal"))._action_cancel()
