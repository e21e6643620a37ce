"""What the loyalty home shows of a card, computed without loading its whole ledger.

A member with years of purchases has thousands of movements: the home page reads a few
recent ones, and asks the database for the sums (points expiring soon, the tier's progress).
"""

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tools import SQL

from odoo.addons.fidelite_loyalty.services import tiers

# Remainder of each credit after the debits consumed the credits that expire first (the
# ledger's FIFO order), summed over the credits expiring by each limit.
EXPIRING_SQL = """
    WITH credits AS (
        SELECT points, expiry_date,
               SUM(points) OVER (ORDER BY COALESCE(expiry_date, DATE '9999-12-31'), date, id) AS running
          FROM fidelite_points_move
         WHERE card_id = %(card)s AND points > 0
    ), debits AS (
        SELECT COALESCE(-SUM(points), 0) AS used
          FROM fidelite_points_move
         WHERE card_id = %(card)s AND points < 0
    )
    SELECT COALESCE(SUM(GREATEST(0, LEAST(c.points, c.running - d.used)))
                    FILTER (WHERE c.expiry_date <= %(first)s), 0),
           COALESCE(SUM(GREATEST(0, LEAST(c.points, c.running - d.used)))
                    FILTER (WHERE c.expiry_date <= %(second)s), 0),
           MIN(c.expiry_date) FILTER (WHERE c.running - d.used > 0)
      FROM credits c, debits d
     WHERE c.expiry_date IS NOT NULL
"""


def expiring(card, today=None, windows=(30, 90)):
    """Points of ``card`` that expire within each of two windows (days), and the next expiry date."""
    today = today or fields.Date.context_today(card)
    env = card.env
    env["fidelite.points.move"].flush_model(["card_id", "points", "expiry_date", "date"])
    first, second = (today + relativedelta(days=days) for days in windows)
    env.cr.execute(SQL(EXPIRING_SQL, card=card.id, first=first, second=second))
    soon, later, next_date = env.cr.fetchone()
    return {windows[0]: soon, windows[1]: later, "next_date": next_date}


def tier_progress(card, today=None):
    """The card's tier, the next one, and how far the member is from it.

    ``remaining`` is what is left to earn (points, amount or visits, by the program's basis)
    within the qualification window; ``by_date`` is when the tier is reviewed, or the end of
    the current window.
    """
    card_sudo = card.sudo()
    program = card_sudo.program_id
    program_tiers = program.fidelite_tier_ids.sorted("threshold")
    if not program_tiers:
        return False
    today = today or fields.Date.context_today(card)
    current = card_sudo.fidelite_tier_id or program_tiers[:1]
    following = program_tiers.filtered(lambda tier: tier.threshold > current.threshold)[:1]
    value = tiers.qualifying_value(card_sudo, today)
    result = {
        "current": current,
        "next": following,
        "value": value,
        "basis": program.fidelite_tier_basis,
        "by_date": card_sudo.fidelite_tier_review_date
        or today + relativedelta(months=program.fidelite_tier_window_months),
        "remaining": 0.0,
        "percent": 100,
    }
    if following:
        span = following.threshold - current.threshold
        done = max(0.0, value - current.threshold)
        result["remaining"] = max(0.0, following.threshold - value)
        result["percent"] = int(min(100, max(0, 100 * done / span))) if span else 100
    return result


def birthday_waiting(card, today=None):
    """This year's birthday rewards of the card still to be enjoyed (an unused, valid coupon), or recent points."""
    today = today or fields.Date.context_today(card)
    birthdays = card.env["fidelite.birthday"].search(
        [("card_id", "=", card.id), ("birthday", ">=", today - relativedelta(days=45))], order="birthday desc"
    )
    waiting = []
    for birthday in birthdays:
        coupon = birthday.coupon_id
        if coupon:
            if coupon.points > 0 and not (coupon.expiration_date and coupon.expiration_date < today):
                waiting.append(birthday)
        elif birthday.points:
            waiting.append(birthday)
    return waiting
