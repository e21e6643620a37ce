from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..services import couponing

COUPON_PROGRAM_TYPES = ("coupons", "next_order_coupons")


class FideliteCouponRule(models.Model):
    """A coupon printed on the receipt of a paid POS order, when all of the rule's conditions hold.

    The coupon is a card of a coupon program of Odoo: the program's reward is what the coupon
    gives, its code is redeemed at the till on a later visit. Conditions left empty do not
    restrict. The server issues the coupons when it settles the order, at most one per rule
    and order, and the rule counts how many were issued and redeemed.
    """

    _name = "fidelite.coupon.rule"
    _description = "Receipt coupon rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", string="Company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    program_id = fields.Many2one(
        "loyalty.program",
        string="Coupon program",
        ondelete="restrict",
        index=True,
        domain=[("program_type", "in", COUPON_PROGRAM_TYPES)],
        help="The coupon issued is a card of this program: its reward is what the coupon gives. Prefer a Coupons"
        " program: the till also issues the coupons of a Next Order Coupons program by its own rules.",
    )
    receipt_label = fields.Char(
        string="Text on the receipt", translate=True, help="Printed above the coupon; the program's name if empty."
    )
    validity_days = fields.Integer(
        string="Valid for (days)", default=30, help="From the day of the order; 0 for the program's own end date."
    )
    pos_config_ids = fields.Many2many("pos.config", string="Stores", help="All stores if empty.")
    members_only = fields.Boolean(
        string="Members only", default=True, help="Only orders whose customer has a loyalty card get the coupon."
    )
    # the basket
    minimum_amount = fields.Float(string="Minimum basket (tax incl.)")
    product_category_ids = fields.Many2many(
        "product.category",
        "fidelite_coupon_rule_basket_categ_rel",
        "rule_id",
        "categ_id",
        string="Basket with a product of",
    )
    # the member's history
    never_bought_category_ids = fields.Many2many(
        "product.category",
        "fidelite_coupon_rule_never_bought_categ_rel",
        "rule_id",
        "categ_id",
        string="Member never bought a product of",
        help="The cross-sell: the member bought no product of these categories, this order included.",
    )
    never_bought_days = fields.Integer(string="Never bought in the last (days)", help="0 for ever.")
    limit_per_member = fields.Integer(string="Coupons per member", default=1, help="0 for no limit.")
    limit_period_days = fields.Integer(string="Per period of (days)", default=30, help="0 for ever.")
    # tracking
    coupon_ids = fields.One2many("loyalty.card", "fidelite_coupon_rule_id", string="Coupons")
    issued_count = fields.Integer(string="Issued", compute="_compute_figures")
    redeemed_count = fields.Integer(string="Redeemed", compute="_compute_figures")
    redemption_rate = fields.Float(string="Redemption rate (%)", compute="_compute_figures")
    redeemed_revenue = fields.Monetary(
        string="Revenue of redeeming orders", compute="_compute_figures", currency_field="currency_id"
    )

    @api.constrains(
        "name",
        "program_id",
        "company_id",
        "validity_days",
        "minimum_amount",
        "never_bought_days",
        "limit_per_member",
        "limit_period_days",
    )
    def _check_values(self):
        # "name" is always written: a rule created without a program is checked too
        for rule in self:
            program = rule.program_id
            if not program:
                raise ValidationError(self.env._("Coupon rule %s needs a coupon program to issue from.", rule.name))
            if program.program_type not in COUPON_PROGRAM_TYPES:
                raise ValidationError(
                    self.env._(
                        "Coupon rule %(rule)s: %(program)s is not a coupon program.",
                        rule=rule.name,
                        program=program.name,
                    )
                )
            if not program.pos_ok or not program.reward_ids:
                raise ValidationError(
                    self.env._(
                        "Coupon rule %(rule)s: %(program)s needs a reward and must be available in the Point of Sale,"
                        " or its coupons could not be redeemed at the till.",
                        rule=rule.name,
                        program=program.name,
                    )
                )
            if program.company_id and program.company_id != rule.company_id:
                raise ValidationError(self.env._("Coupon rule %s: the program belongs to another company.", rule.name))
            if (
                min(
                    rule.validity_days,
                    rule.minimum_amount,
                    rule.never_bought_days,
                    rule.limit_per_member,
                    rule.limit_period_days,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._("Coupon rule %s: amounts, days and limits cannot be negative.", rule.name)
                )

    @api.depends("coupon_ids")
    def _compute_figures(self):
        issued, redeemed, revenue = self._figures()
        for rule in self:
            rule.issued_count = issued.get(rule.id, 0)
            rule.redeemed_count = len(redeemed.get(rule.id, ()))
            rule.redemption_rate = 100.0 * rule.redeemed_count / rule.issued_count if rule.issued_count else 0.0
            rule.redeemed_revenue = sum(revenue.get(rule.id, {}).values())

    def _figures(self):
        """Coupons issued per rule; coupons redeemed on a later paid POS order, and those orders' totals."""
        ids = [rule_id for rule_id in self.ids if rule_id]
        if not ids:
            return {}, {}, {}
        self.env["loyalty.card"].flush_model(["fidelite_coupon_rule_id", "source_pos_order_id"])
        self.env["pos.order.line"].flush_model(["coupon_id", "order_id"])
        self.env["pos.order"].flush_model(["state", "amount_total"])
        self.env.cr.execute(
            SQL(
                """
                SELECT card.fidelite_coupon_rule_id, card.id, ord.id, ord.amount_total
                  FROM loyalty_card card
             LEFT JOIN pos_order_line line ON line.coupon_id = card.id
             LEFT JOIN pos_order ord
                    ON ord.id = line.order_id
                   AND ord.state IN %s
                   AND ord.id IS DISTINCT FROM card.source_pos_order_id
                 WHERE card.fidelite_coupon_rule_id IN %s
                """,
                couponing.PAID_STATES,
                tuple(ids),
            )
        )
        issued, redeemed, revenue = {}, {}, {}
        seen = set()
        for rule_id, card_id, order_id, amount in self.env.cr.fetchall():
            if card_id not in seen:
                seen.add(card_id)
                issued[rule_id] = issued.get(rule_id, 0) + 1
            if order_id:
                redeemed.setdefault(rule_id, set()).add(card_id)
                revenue.setdefault(rule_id, {})[order_id] = amount
        return issued, redeemed, revenue

    def action_view_coupons(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Coupons of %s", self.name),
            "res_model": "loyalty.card",
            "view_mode": "list,form",
            "domain": [("fidelite_coupon_rule_id", "=", self.id)],
            "context": {"active_test": False, "create": False},
        }
