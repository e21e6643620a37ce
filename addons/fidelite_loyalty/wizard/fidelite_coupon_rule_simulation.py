from markupsafe import Markup, escape

from odoo import fields, models

from ..services import couponing


class FideliteCouponRuleSimulation(models.TransientModel):
    """Which receipt coupon rules a past POS order meets, and why: to check rules before going live."""

    _name = "fidelite.coupon.rule.simulation"
    _description = "Receipt coupon rules simulation"

    pos_order_id = fields.Many2one(
        "pos.order", string="Past order", required=True, domain="[('state', 'in', ('paid', 'done', 'invoiced'))]"
    )
    rule_ids = fields.Many2many(
        "fidelite.coupon.rule",
        string="Rules",
        default=lambda self: self.env["fidelite.coupon.rule"].search([("program_id", "!=", False)]),
        help="All active rules if empty.",
    )
    result = fields.Html(readonly=True, sanitize=False)

    def action_simulate(self):
        self.ensure_one()
        # manager's wizard: a till's order and its customer's coupons, which a manager may not read
        order = self.pos_order_id.sudo()
        rules = self.rule_ids or self.env["fidelite.coupon.rule"].search([("program_id", "!=", False)])
        rows = []
        for rule in rules:
            outcome = couponing.evaluate(rule, order)
            reasons = Markup("<br/>").join(
                Markup("{} {}").format("✔" if fired else "✘", reason) for fired, reason in outcome.reasons
            ) or escape(self.env._("no condition"))
            verdict = self.env._("fires") if outcome.fired else self.env._("does not fire")
            rows.append(Markup("<tr><td>{}</td><td>{}</td><td>{}</td></tr>").format(rule.name, verdict, reasons))
        coupons = couponing.order_coupons(order)
        summary = self.env._(
            "Coupons issued for this order: %s",
            ", ".join(f"{coupon.code} ({coupon.fidelite_coupon_rule_id.name})" for coupon in coupons)
            or self.env._("none"),
        )
        self.result = Markup("<p>{}</p><table class='table table-sm'><tbody>{}</tbody></table>").format(
            summary, Markup("").join(rows)
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
