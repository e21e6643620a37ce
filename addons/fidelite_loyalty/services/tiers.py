"""Tiers: what a card qualifies for over the program's window, upgrades and reviews."""

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tools import SQL

from . import ledger, member_stats


def qualifying_value(card, today=None):
    """Points earned, amount spent or visits of the card's member over the program's window."""
    program = card.program_id
    today = today or fields.Date.context_today(card)
    start = today - relativedelta(months=program.fidelite_tier_window_months)
    if program.fidelite_tier_basis == "points":
        env = card.env
        env["fidelite.points.move"].flush_model()
        env.cr.execute(
            SQL(
                """
                SELECT COALESCE(SUM(m.points), 0)
                  FROM fidelite_points_move m
             LEFT JOIN fidelite_points_move r ON r.id = m.reversed_move_id
                 WHERE m.card_id = %s AND m.date::date > %s AND m.date::date <= %s
                   AND (m.move_type = 'earn' OR (m.move_type = 'reversal' AND r.move_type = 'earn'))
                """,
                card.id,
                start,
                today,
            )
        )
        return env.cr.fetchone()[0]
    if not card.partner_id:
        return 0.0
    figures = member_stats.window(card.partner_id, start + relativedelta(days=1), today, card.company_id or None)
    return figures["revenue"] if program.fidelite_tier_basis == "spend" else figures["visits"]


def tier_for(program, value):
    """The highest tier whose level ``value`` reaches."""
    reached = program.fidelite_tier_ids.filtered(lambda tier: tier.threshold <= value)
    return reached.sorted("threshold")[-1:] if reached else program.fidelite_tier_ids.sorted("threshold")[:1]


def _change(card, tier, change, value, today):
    program = card.program_id
    history = card.env["fidelite.tier.history"].create(
        {
            "card_id": card.id,
            "old_tier_id": card.fidelite_tier_id.id,
            "new_tier_id": tier.id,
            "change": change,
            "qualifying_value": value,
        }
    )
    values = {"fidelite_tier_grace_until": False}
    if tier != card.fidelite_tier_id:
        values.update(fidelite_tier_id=tier.id, fidelite_tier_since=today)
    values["fidelite_tier_review_date"] = today + relativedelta(months=program.fidelite_tier_window_months)
    card.with_context(**{ledger.LEDGER_CONTEXT: ledger.TRUSTED}).write(values)
    if change == "upgrade" and tier.entry_points:
        ledger.post(
            card,
            tier.entry_points,
            "earn",
            key=f"tier-entry:{history.id}",
            reason=card.env._("Welcome to %s", tier.name),
        )
    return history


def promote(card, today=None):
    """Upgrade the card at once if its member now reaches a higher tier (never downgrades)."""
    program = card.program_id
    if not program.fidelite_tier_ids:
        return False
    today = today or fields.Date.context_today(card)
    value = qualifying_value(card, today)
    target = tier_for(program, value)
    current = card.fidelite_tier_id
    if current and target.threshold <= current.threshold:
        return False
    return _change(card, target, "upgrade", value, today)


def review(card, today=None):
    """At the review date: keep, upgrade, start the grace period, or downgrade."""
    program = card.program_id
    today = today or fields.Date.context_today(card)
    value = qualifying_value(card, today)
    target = tier_for(program, value)
    current = card.fidelite_tier_id
    if not current or target.threshold > current.threshold:
        return _change(card, target, "upgrade", value, today)
    if target == current:
        return _change(card, target, "renewal", value, today)
    if program.fidelite_tier_grace_months and not card.fidelite_tier_grace_until:
        grace_until = today + relativedelta(months=program.fidelite_tier_grace_months)
        history = card.env["fidelite.tier.history"].create(
            {
                "card_id": card.id,
                "old_tier_id": current.id,
                "new_tier_id": current.id,
                "change": "grace",
                "qualifying_value": value,
            }
        )
        card.with_context(**{ledger.LEDGER_CONTEXT: ledger.TRUSTED}).write(
            {"fidelite_tier_grace_until": grace_until, "fidelite_tier_review_date": grace_until}
        )
        return history
    return _change(card, target, "downgrade", value, today)


def multiplier(card):
    return card.fidelite_tier_id.multiplier if card.fidelite_tier_id else 1.0
