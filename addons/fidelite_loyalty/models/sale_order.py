from odoo import fields, models

from ..services import ledger, member_kpis, reward_catalogue, rules, tiers
from .loyalty_card import POINTS_WRITER


class SaleOrder(models.Model):
    """Sales orders move points through Odoo's own code: record them as sales movements."""

    _inherit = "sale.order"

    def _fidelite_context(self, **extra):
        """Odoo's confirmation and cancellation write the points sale_loyalty computed: let them."""
        context = {"fidelite_origin": "sale", POINTS_WRITER: ledger.TRUSTED, **extra}
        if len(self) == 1:
            context["fidelite_sale_order_id"] = self.id
            context["fidelite_reason"] = self.env._("Order %s", self.name)
        return self.with_context(**context)

    def _get_program_domain(self):
        """Odoo's programs of the order's company and its parent, and the network programs valid in it."""
        domain = super()._get_program_domain()
        for index, leaf in enumerate(domain):
            if isinstance(leaf, (tuple, list)) and len(leaf) == 3 and tuple(leaf[:2]) == ("company_id", "in"):
                network = ("fidelite_company_ids", "in", [self.company_id.id])
                return [*domain[:index], "|", tuple(leaf), network, *domain[index + 1 :]]
        return domain

    def action_confirm(self):
        if len(self) > 1:
            # Odoo adds up the points of several orders per card: confirmed one by one, each
            # order gets its own movement (its outlet, its reversal if cancelled)
            for order in self:
                order.action_confirm()
            return True
        result = super(SaleOrder, self._fidelite_context()).action_confirm()
        for order in self:
            member_kpis.record_order(order)
            reward_lines = order.order_line.filtered("reward_id")
            for card in reward_lines.coupon_id.filtered(lambda card: card.program_id.program_type == "loyalty"):
                reward_catalogue.record_order_rewards(
                    reward_lines, card, "sale", f"sale.order:{order.id}:{card.id}", sale_order_id=order.id
                )
        return result

    def _action_cancel(self):
        result = super(SaleOrder, self._fidelite_context(fidelite_move_type="reversal"))._action_cancel()
        for line in self.order_line.filtered("reward_id"):
            reward_catalogue.cancel_order_reward(line, self.env._("Order %s cancelled", line.order_id.name))
        return result

    def _program_check_compute_points(self, programs):
        """Odoo's points of the order, with the member's tier multiplier and bonus rules, as at the till."""
        result = super()._program_check_compute_points(programs)
        for program, status in result.items():
            points = status.get("points")
            if program.program_type != "loyalty" or not points or not points[0]:
                continue
            card = self.env["loyalty.card"].search(
                [("partner_id", "=", self.partner_id.id), ("program_id", "=", program.id)], limit=1
            )
            earned = points[0]
            if program.fidelite_rule_ids:
                lines = self._get_not_rewarded_order_lines()
                moment = fields.Datetime.context_timestamp(self, self.date_order or fields.Datetime.now())
                basket = rules.make_basket(
                    self.partner_id, card, lines.product_id, self.amount_total, self.amount_untaxed, moment
                )
                multiplier, extra, _outcomes = rules.bonus(program, basket)
                earned = earned * multiplier + extra
            status["points"] = [earned * tiers.multiplier(card), *points[1:]]
        return result

    def _get_claimable_rewards(self, forced_coupons=None):
        """Odoo's claimable rewards, without those kept for other tiers than the member's."""
        result = super()._get_claimable_rewards(forced_coupons=forced_coupons)
        for coupon in list(result):
            result[coupon] = result[coupon].filtered(lambda reward, coupon=coupon: reward._fidelite_allowed_for(coupon))
            if not result[coupon]:
                del result[coupon]
        return result
