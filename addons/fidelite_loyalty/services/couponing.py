"""Receipt coupons: which coupon rules fire for a paid POS order and why, and the coupons issued.

A coupon is a ``loyalty.card`` of the rule's coupon program, linked to the order
(``source_pos_order_id``) and to the rule (``fidelite_coupon_rule_id``). The pair is unique, so
an order synced or confirmed again never issues a second coupon for a rule.
"""

import logging
from collections import namedtuple
from datetime import timedelta

from psycopg2 import errors

from odoo import fields
from odoo.tools import SQL

from . import rules

_logger = logging.getLogger(__name__)

PAID_STATES = ("paid", "done", "invoiced")
Outcome = namedtuple("Outcome", "rule fired reasons")


def _member_card(order):
    """The customer's loyalty card, if they are a member."""
    if not order.partner_id:
        return order.env["loyalty.card"]
    return order.env["loyalty.card"].search(
        [
            ("partner_id", "child_of", order.partner_id.commercial_partner_id.id),
            ("program_id.program_type", "=", "loyalty"),
            ("fidelite_state", "=", "active"),
        ],
        limit=1,
    )


def last_purchase(partner, categories, until, since=None):
    """When ``partner`` (and their contacts) last bought a product of ``categories`` at a till,
    up to ``until`` (and from ``since``).

    One query over the member's paid POS order lines; sub-categories count.
    """
    env = partner.env
    for model in ("pos.order", "pos.order.line", "product.product", "product.template", "product.category"):
        env[model].flush_model()
    since_filter = SQL("AND ord.date_order >= %s", since) if since else SQL()
    env.cr.execute(
        SQL(
            """
            SELECT MAX(ord.date_order)
              FROM pos_order ord
              JOIN res_partner customer ON customer.id = ord.partner_id
              JOIN pos_order_line line ON line.order_id = ord.id
              JOIN product_product product ON product.id = line.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
              JOIN product_category categ ON categ.id = template.categ_id
             WHERE customer.commercial_partner_id = %s
               AND ord.state IN %s
               AND line.qty > 0
               AND line.is_reward_line IS NOT TRUE
               AND categ.parent_path LIKE ANY(%s)
               AND ord.date_order <= %s
               %s
            """,
            partner.commercial_partner_id.id,
            PAID_STATES,
            [f"{path}%" for path in categories.mapped("parent_path")],
            until,
            since_filter,
        )
    )
    return env.cr.fetchone()[0]


def _issued_to_member(rule, order, since):
    domain = [
        ("fidelite_coupon_rule_id", "=", rule.id),
        ("partner_id", "child_of", order.partner_id.commercial_partner_id.id),
        ("source_pos_order_id", "!=", order.id),
        ("source_pos_order_id.date_order", "<=", order.date_order),
    ]
    if since:
        domain.append(("source_pos_order_id.date_order", ">=", since))
    return order.env["loyalty.card"].with_context(active_test=False).search_count(domain)


def evaluate(rule, order, basket=None, member=None):
    """Whether ``rule`` issues a coupon for ``order``, with a reason per condition it checked."""
    env = order.env
    basket = basket or rules.basket_from_order(order)
    member = _member_card(order) if member is None else member
    day = order.date_order.date()
    checks = []
    program = rule.program_id
    checks.append(
        (
            program.active and not (program.date_to and program.date_to < day),
            env._("coupon program %s still valid", program.name),
        )
    )
    if rule.pos_config_ids:
        checks.append((order.config_id in rule.pos_config_ids, env._("store %s", order.config_id.name)))
    if rule.members_only:
        checks.append((bool(member), env._("member card %s", member.code) if member else env._("no member card")))
    if rule.minimum_amount:
        checks.append(
            (
                basket.amount_incl >= rule.minimum_amount,
                env._(
                    "basket %(amount).2f, at least %(minimum).2f needed",
                    amount=basket.amount_incl,
                    minimum=rule.minimum_amount,
                ),
            )
        )
    if rule.product_category_ids:
        checks.append(
            (
                bool(basket.categories & set(rule.product_category_ids.ids)),
                env._("a product of %s in the basket", ", ".join(rule.product_category_ids.mapped("display_name"))),
            )
        )
    if rule.never_bought_category_ids:
        names = ", ".join(rule.never_bought_category_ids.mapped("display_name"))
        if not order.partner_id:
            checks.append((False, env._("no customer to look up the purchases of")))
        else:
            since = order.date_order - timedelta(days=rule.never_bought_days) if rule.never_bought_days else None
            last = last_purchase(order.partner_id, rule.never_bought_category_ids, order.date_order, since)
            checks.append(
                (
                    not last,
                    env._("last bought a product of %(categories)s on %(date)s", categories=names, date=last.date())
                    if last
                    else env._("never bought a product of %s", names),
                )
            )
    if rule.limit_per_member and order.partner_id:
        since = order.date_order - timedelta(days=rule.limit_period_days) if rule.limit_period_days else None
        count = _issued_to_member(rule, order, since)
        checks.append(
            (
                count < rule.limit_per_member,
                env._(
                    "%(count)s of %(limit)s coupons already issued to the member",
                    count=count,
                    limit=rule.limit_per_member,
                ),
            )
        )
    return Outcome(rule, all(fired for fired, _reason in checks), checks)


def applicable_rules(order):
    return order.env["fidelite.coupon.rule"].search(
        [("company_id", "=", order.company_id.id), ("program_id", "!=", False)]
    )


def order_coupons(order):
    """The coupons the rules issued for ``order``."""
    return (
        order.env["loyalty.card"]
        .with_context(active_test=False)
        .search([("source_pos_order_id", "=", order.id), ("fidelite_coupon_rule_id", "!=", False)], order="id")
    )


def expiration_date(rule, order):
    day = order.date_order.date()
    dates = [day + timedelta(days=rule.validity_days)] if rule.validity_days else []
    if rule.program_id.date_to:
        dates.append(rule.program_id.date_to)
    return min(dates) if dates else False


def issue(order):
    """Issue the coupons the active rules give ``order`` (a paid sale); returns all the order's coupons."""
    # two syncs of the same order wait for each other here; the unique index is the last guard
    order.env.cr.execute(SQL("SELECT id FROM pos_order WHERE id = %s FOR NO KEY UPDATE", order.id))
    issued = order_coupons(order)
    if order.state in PAID_STATES and order.lines.refunded_orderline_id:
        withdraw_refunded(order)
    lines = order.lines.filtered(lambda line: not line.is_reward_line and not line.refunded_orderline_id)
    if order.state not in PAID_STATES or not lines or order.amount_total <= 0:
        return issued
    to_try = applicable_rules(order) - issued.fidelite_coupon_rule_id
    if not to_try:  # most orders: no rule left to evaluate, no basket to build
        return issued
    basket = rules.basket_from_order(order, lines)
    member = _member_card(order)
    for rule in to_try:
        outcome = evaluate(rule, order, basket, member)
        _logger.debug("Coupon rule %s on %s: %s %s", rule.name, order.name, outcome.fired, outcome.reasons)
        if outcome.fired:
            issued |= _create(rule, order)
    return issued


def withdraw_refunded(refund):
    """Archive the unused coupons of the orders that ``refund`` leaves fully refunded.

    A coupon earned by a basket that was returned is no longer valid; a coupon already
    redeemed stays as it is.
    """
    env = refund.env
    withdrawn = env["loyalty.card"]
    for original in refund.lines.refunded_orderline_id.order_id:
        sold = original.lines.filtered(lambda line: not line.is_reward_line and line.qty > 0)
        if any(line.refunded_qty < line.qty for line in sold):
            continue
        coupons = order_coupons(original).filtered(lambda coupon: coupon.active and not coupon.use_count)
        if coupons:
            coupons.active = False
            for coupon in coupons:
                coupon.message_post(body=env._("Withdrawn: order %s was refunded.", original.name))
            withdrawn |= coupons
    return withdrawn


def _create(rule, order):
    env = order.env
    values = {
        "program_id": rule.program_id.id,
        "partner_id": order.partner_id.id,
        "points": max(rule.program_id.reward_ids.mapped("required_points")) or 1,
        "expiration_date": expiration_date(rule, order),
        "source_pos_order_id": order.id,
        "fidelite_coupon_rule_id": rule.id,
    }
    Card = env["loyalty.card"].with_context(fidelite_origin="pos", fidelite_reason=rule.name)
    try:
        with env.cr.savepoint():
            card = Card.create(values)
            card.flush_recordset()
    except errors.UniqueViolation:  # issued meanwhile by another sync of the same order
        return env["loyalty.card"]
    return card


def receipt_info(coupon):
    """The coupon as Odoo's till prints it under the receipt (``new_coupon_info``)."""
    return {
        "program_name": coupon.fidelite_coupon_rule_id.receipt_label or coupon.program_id.name,
        "expiration_date": coupon.expiration_date and fields.Date.to_string(coupon.expiration_date),
        "code": coupon.code,
    }
