"""Server-side points of a POS order: what the till shows is a preview, this is the truth.

The computation follows the rules of Odoo's loyalty programs as the Point of Sale applies
them (``pos_loyalty``), for programs that add points to one card per order (loyalty cards,
promotions with points): per rule, the lines of matching products, the minimum amount
(tax included or excluded) and quantity, then ``order`` (a fixed amount once), ``money``
(amount times paid, rounded half-up to the product price precision) or ``unit`` (amount times units).
Rules that need a code are not counted: a code is never trusted from the client.
"""

from odoo.fields import Domain
from odoo.tools import float_round

# Reward lines of these programs are payments, they never earn points.
PAYMENT_PROGRAM_TYPES = ("gift_card", "ewallet")


def _rule_products(rule, products):
    """The products among ``products`` that the rule counts."""
    if rule.any_product:
        return products
    domain = Domain.AND([[("available_in_pos", "=", True)], rule._get_valid_product_domain()])
    return products.filtered_domain(domain)


def _in_threshold(line, program):
    """Lines counted against a rule's minimum amount: not automatic discounts, not this program's."""
    reward = line.reward_id
    if not reward or reward.reward_type != "discount":
        return True
    return reward.program_id.trigger != "auto" and reward.program_id != program


def _in_paid(line, program):
    """Lines counted in the paid amount: not this program's rewards, not gift card/eWallet payments."""
    if not line.is_reward_line:
        return True
    reward_program = line.reward_id.program_id
    return reward_program != program and reward_program.program_type not in PAYMENT_PROGRAM_TYPES


def rule_points(rule, lines, precision):
    """Points one rule gives for ``lines`` (a ``pos.order.line`` recordset), 0 below its thresholds."""
    if rule.mode == "with_code":
        return 0.0
    program = rule.program_id
    matching = _rule_products(rule, lines.product_id)
    lines = lines.filtered(lambda line: line.product_id in matching)
    threshold = lines.filtered(lambda line: _in_threshold(line, program))
    with_tax = sum(threshold.mapped("price_subtotal_incl"))
    without_tax = sum(threshold.mapped("price_subtotal"))
    if rule.minimum_amount > (with_tax if rule.minimum_amount_tax_mode == "incl" else without_tax):
        return 0.0
    paid = lines.filtered(lambda line: _in_paid(line, program))
    quantity = sum(paid.filtered(lambda line: not line.is_reward_line).mapped("qty"))
    if quantity < rule.minimum_qty:
        return 0.0
    if rule.reward_point_mode == "order":
        return rule.reward_point_amount
    if rule.reward_point_mode == "money":
        amount = rule.reward_point_amount * sum(paid.mapped("price_subtotal_incl"))
        return float_round(amount, precision_digits=precision, rounding_method="HALF-UP")
    return rule.reward_point_amount * quantity


def order_points(order, program, lines=None):
    """Points ``program`` earns for the POS ``order`` (before any point spent on rewards)."""
    precision = order.env["decimal.precision"].precision_get("Product Price")
    lines = (order.lines if lines is None else lines).filtered(lambda line: not line.combo_parent_id)
    return sum(rule_points(rule, lines, precision) for rule in program.rule_ids)


def order_points_spent(order, card, lines=None):
    """Points the order's reward lines took from ``card``."""
    lines = order.lines if lines is None else lines
    return sum(lines.filtered(lambda line: line.coupon_id == card and line.is_reward_line).mapped("points_cost"))


def reward_points_floor(lines):
    """The least ``lines`` (reward lines) may cost: the till may not make a reward cheaper.

    A product reward costs its points per ``reward_product_qty`` units given; a discount
    costs its points once per claim (its lines share a ``reward_identifier_code``); a discount
    per point (gift cards, eWallets, points to euros, "clear wallet") the points its amount is
    worth.
    """
    total = 0.0
    claims = set()
    for line in lines:
        reward = line.reward_id
        if reward.reward_type == "discount" and reward.discount_mode == "per_point":
            total += abs(line.price_subtotal_incl) / (reward.discount or 1.0)
        elif reward.reward_type == "product":
            total += reward.required_points * abs(line.qty) / (reward.reward_product_qty or 1)
        else:
            claim = line.reward_identifier_code or line.id
            if claim not in claims:
                claims.add(claim)
                total += reward.required_points
    return total
