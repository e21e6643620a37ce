"""Bonus rules: which of a program's rules fire for a member's basket at a moment, and why."""

from collections import namedtuple
from datetime import date, timedelta

import pytz

from odoo import fields

from . import member_stats

Basket = namedtuple("Basket", "partner card amount_incl amount_excl products categories moment")
Outcome = namedtuple("Outcome", "rule fired reasons")


def basket_from_order(order, lines=None):
    """The basket of a POS order (its lines that are not rewards nor refunds), at its date."""
    lines = (lines if lines is not None else order.lines).filtered(
        lambda line: not line.is_reward_line and not line.refunded_orderline_id
    )
    tz = pytz.timezone(order.user_id.tz or order.company_id.partner_id.tz or "UTC")
    moment = pytz.utc.localize(order.date_order).astimezone(tz)
    card = order.env["loyalty.card"]
    return make_basket(
        order.partner_id,
        card,
        lines.product_id,
        sum(lines.mapped("price_subtotal_incl")),
        sum(lines.mapped("price_subtotal")),
        moment,
    )


def make_basket(partner, card, products, amount_incl, amount_excl, moment):
    # a product of "Coffee / Beans" is in "Coffee" too
    categories = {int(part) for path in products.categ_id.mapped("parent_path") for part in path.strip("/").split("/")}
    return Basket(partner, card, amount_incl, amount_excl, set(products.ids), categories, moment)


def _same_day(birthdate, day):
    if not birthdate:
        return False
    if birthdate.month == 2 and birthdate.day == 29 and not _is_leap(day.year):
        return day.month == 2 and day.day == 28
    return (birthdate.month, birthdate.day) == (day.month, day.day)


def _is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _birthday_in(birthdate, year):
    if birthdate.month == 2 and birthdate.day == 29 and not _is_leap(year):
        return date(year, 2, 28)
    return birthdate.replace(year=year)


def _same_week(birthdate, day):
    return bool(birthdate) and _birthday_in(birthdate, day.year).isocalendar()[:2] == day.isocalendar()[:2]


def _special_date(rule, basket, day):
    partner = basket.partner
    env = rule.env
    kind = rule.special_date
    if not partner:
        return False, env._("no member")
    if kind == "birthday_day":
        return _same_day(partner.birthdate, day), env._("birthday on %s", partner.birthdate or "?")
    if kind == "birthday_week":
        return _same_week(partner.birthdate, day), env._("birthday on %s", partner.birthdate or "?")
    if kind == "birthday_month":
        fired = bool(partner.birthdate) and partner.birthdate.month == day.month
        return fired, env._("birthday on %s", partner.birthdate or "?")
    if kind == "household_birthday_week":
        names = [d.first_name for d in partner.fidelite_dependant_ids if _same_week(d.birthdate, day)]
        return bool(names), (
            env._("birthday of %s", ", ".join(names)) if names else env._("no birthday in the household this week")
        )
    since = partner.fidelite_member_since
    fired = bool(since) and since.month == day.month and since.year < day.year
    return fired, env._("member since %s", since or "?")


def _kpi(rule, basket, cache):
    key = rule.kpi_window_days
    if key not in cache:
        today = basket.moment.date()
        cache[key] = member_stats.window(basket.partner, today - timedelta(days=key - 1), today)
    return cache[key][rule.kpi]


def evaluate(rule, basket, cache=None):
    """Whether ``rule`` fires for ``basket``, with a reason per condition it checked."""
    env = rule.env
    cache = {} if cache is None else cache
    checks = []
    day = basket.moment.date()
    if rule.minimum_amount:
        amount = basket.amount_incl if rule.amount_tax_mode == "incl" else basket.amount_excl
        checks.append(
            (
                amount >= rule.minimum_amount,
                env._(
                    "order amount %(amount).2f, at least %(minimum).2f needed",
                    amount=amount,
                    minimum=rule.minimum_amount,
                ),
            )
        )
    if rule.product_ids:
        checks.append(
            (
                bool(basket.products & set(rule.product_ids.ids)),
                env._("one of the products %s", ", ".join(rule.product_ids.mapped("display_name"))),
            )
        )
    if rule.product_category_ids:
        checks.append(
            (
                bool(basket.categories & set(rule.product_category_ids.ids)),
                env._("a product of %s", ", ".join(rule.product_category_ids.mapped("display_name"))),
            )
        )
    if rule.tier_ids:
        tier = basket.card.fidelite_tier_id
        checks.append((tier in rule.tier_ids, env._("tier %s", tier.name or env._("none"))))
    if rule.kpi and basket.partner:
        value = _kpi(rule, basket, cache)
        fired = value >= rule.kpi_value if rule.kpi_operator == ">=" else value < rule.kpi_value
        label = dict(rule._fields["kpi"]._description_selection(env))[rule.kpi]
        checks.append(
            (fired, env._("%(kpi)s over %(days)s days: %(value).2f", kpi=label, days=rule.kpi_window_days, value=value))
        )
    elif rule.kpi:
        checks.append((False, env._("no member")))
    if rule.segment_id:
        inside = bool(basket.partner) and rule.segment_id._fidelite_contains(basket.partner)
        checks.append(
            (
                inside,
                env._("member of %s", rule.segment_id.name) if inside else env._("not in %s", rule.segment_id.name),
            )
        )
    if rule.weekday_ids:
        weekday = basket.moment.weekday()
        checks.append((weekday in rule.weekday_ids.mapped("number"), env._("on %s", basket.moment.strftime("%A"))))
    if rule.hour_from > 0 or rule.hour_to < 24:
        hour = basket.moment.hour + basket.moment.minute / 60
        checks.append((rule.hour_from <= hour < rule.hour_to, env._("at %s", basket.moment.strftime("%H:%M"))))
    if rule.date_from or rule.date_to:
        inside = (not rule.date_from or rule.date_from <= day) and (not rule.date_to or day <= rule.date_to)
        checks.append((inside, env._("on %s", fields.Date.to_string(day))))
    if rule.special_date:
        checks.append(_special_date(rule, basket, day))
    return Outcome(rule, all(fired for fired, _reason in checks), checks)


def bonus(program, basket):
    """The multiplier and the points the program's active rules add to the basket's points."""
    active = program.fidelite_rule_ids.filtered("active")
    # every window the rules look at, read in one query
    windows = active.filtered("kpi").mapped("kpi_window_days")
    cache = member_stats.windows(basket.partner, basket.moment.date(), windows) if basket.partner and windows else {}
    outcomes = [evaluate(rule, basket, cache) for rule in active]
    multiplier, points = 1.0, 0.0
    for outcome in outcomes:
        if outcome.fired:
            if outcome.rule.effect == "multiply":
                multiplier *= outcome.rule.value
            else:
                points += outcome.rule.value
    return multiplier, points, outcomes


def preview(programs, partner, products, amount_incl, amount_excl, moment):
    """For the till's preview: {program id: multiplier, points added and the rules that fire}."""
    result = {}
    for program in programs:
        card = program.env["loyalty.card"].search(
            [("partner_id", "=", partner.id), ("program_id", "=", program.id)], limit=1
        )
        basket = make_basket(partner, card, products, amount_incl, amount_excl, moment)
        multiplier, extra, outcomes = bonus(program, basket)
        result[program.id] = {
            "multiplier": multiplier,
            "extra": extra,
            "rules": [outcome.rule.name for outcome in outcomes if outcome.fired],
        }
    return result
