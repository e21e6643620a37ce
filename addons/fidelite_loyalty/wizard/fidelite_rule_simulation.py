from markupsafe import Markup, escape

from odoo import fields, models
from odoo.exceptions import UserError

from ..services import pos_points, rules, tiers


class FideliteRuleSimulation(models.TransientModel):
    """Try a program's bonus rules on a member and a basket (or a past order) before going live."""

    _name = "fidelite.rule.simulation"
    _description = "Bonus rules simulation"

    program_id = fields.Many2one("loyalty.program", string="Program", required=True)
    partner_id = fields.Many2one("res.partner", string="Member")
    pos_order_id = fields.Many2one("pos.order", string="Past order", domain="[('partner_id', '=?', partner_id)]")
    product_ids = fields.Many2many("product.product", string="Products")
    amount = fields.Float(string="Basket amount (tax incl.)")
    moment = fields.Datetime(string="At", default=fields.Datetime.now)
    result = fields.Html(readonly=True, sanitize=False)

    def action_simulate(self):
        self.ensure_one()
        program = self.program_id
        card = self.env["loyalty.card"]
        if self.partner_id:
            card = card.search([("partner_id", "=", self.partner_id.id), ("program_id", "=", program.id)], limit=1)
        if self.pos_order_id:
            basket = rules.basket_from_order(self.pos_order_id)._replace(card=card)
            base = pos_points.order_points(self.pos_order_id, program)
        else:
            if not self.amount and not self.product_ids:
                raise UserError(self.env._("Give a basket (products or an amount) or pick a past order."))
            tz = self.env.context.get("tz") or self.env.user.tz or "UTC"
            moment = fields.Datetime.context_timestamp(self.with_context(tz=tz), self.moment)
            basket = rules.make_basket(self.partner_id, card, self.product_ids, self.amount, self.amount, moment)
            base = None
        multiplier, extra, outcomes = rules.bonus(program, basket)
        rows = []
        for outcome in outcomes:
            reasons = Markup("<br/>").join(
                Markup("{} {}").format("✔" if fired else "✘", reason) for fired, reason in outcome.reasons
            ) or escape(self.env._("no condition"))
            verdict = self.env._("fires") if outcome.fired else self.env._("does not fire")
            rows.append(
                Markup("<tr><td>{}</td><td>{}</td><td>{}</td></tr>").format(outcome.rule.name, verdict, reasons)
            )
        summary = self.env._(
            "Multiplier %(multiplier)s, points added %(extra)s, tier multiplier %(tier)s.",
            multiplier=round(multiplier, 2),
            extra=round(extra, 2),
            tier=tiers.multiplier(card),
        )
        if base is not None:
            total = (base * multiplier + extra) * tiers.multiplier(card)
            summary += " " + self.env._(
                "The order earns %(base)s points by the program's rules, %(total)s in all.",
                base=base,
                total=round(total, 2),
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
