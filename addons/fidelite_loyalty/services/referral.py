"""Referral (parrainage): a member's code, the referee's sign-up, both rewarded once.

A referee is a new customer who gives a member's code when joining; at their first
qualifying purchase, both receive the points the program sets, once. A member cannot
refer themselves, a customer is referred once, and a customer who has already bought
cannot become a referee.
"""

import logging
import secrets

from odoo.exceptions import UserError

from . import rate_limit

_logger = logging.getLogger(__name__)

LOOKUPS_PARAM = "fidelite_loyalty.referral_lookups_per_hour"
DEFAULT_LOOKUPS_PER_HOUR = 10

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the till


def new_code(env):
    Partner = env["res.partner"].with_context(active_test=False)
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        if not Partner.search_count([("fidelite_referral_code", "=", code)], limit=1):
            return code


def apply_code(referee, code):
    """Record that ``referee`` joined on ``code``'s member's recommendation.

    What depends on the referee alone is checked first: whether a code exists is only told by
    "no member has this code" or by the referral recorded (no enumeration through the other
    refusals), and the caller limits the look-ups (``check_lookup_rate``). ``referee`` carries the
    rights its entry point raised: the code names another member, purchases are in POS and Sales.
    """
    env = referee.env
    code = (code or "").strip().upper()
    if referee.fidelite_referred_by_id:
        raise UserError(
            env._(
                "%(name)s was already referred by %(referrer)s.",
                name=referee.name,
                referrer=referee.fidelite_referred_by_id.name,
            )
        )
    if _has_bought(referee):
        raise UserError(env._("%s is already a customer: only new customers can be referred.", referee.name))
    referrer = env["res.partner"].search([("fidelite_referral_code", "=", code)], limit=1)
    if not code or not referrer:
        raise UserError(env._("No member has the referral code %s.", code))
    if referrer.commercial_partner_id == referee.commercial_partner_id:
        raise UserError(env._("A member cannot refer themselves."))
    referee.fidelite_referred_by_id = referrer
    return referrer


def check_lookup_rate(env, limit):
    """Count a look-up of a referral code by the current user; refused beyond ``limit`` an hour."""
    if not rate_limit.hit(env, f"referral_lookup:user:{env.uid}", max(limit, 1), 3600):
        _logger.warning("referral code look-ups refused for user %s: more than %s this hour", env.uid, limit)
        raise UserError(env._("Too many referral codes tried: please wait and try again."))


def _has_bought(partner):
    env = partner.env
    domain = [("partner_id", "child_of", partner.commercial_partner_id.id)]
    return bool(
        env["pos.order"].search_count([*domain, ("state", "in", ("paid", "done", "invoiced"))], limit=1)
        or env["sale.order"].search_count([*domain, ("state", "=", "sale")], limit=1)
    )


def first_purchase_credits(order, card):
    """The referee's and the referrer's credits ``order`` earns: ``[(card, points, key, reason)]``.

    None when the order rewards no referral (no referrer, rewarded already, too small).
    Nothing is posted here: the POS settlement posts them with the order's other movements,
    under its locks, and then marks the referee rewarded.
    """
    referee = order.partner_id
    referrer = referee.fidelite_referred_by_id
    program = card.program_id
    if not referrer or referee.fidelite_referral_rewarded or not program.fidelite_referral_enabled:
        return None
    if order.amount_total < program.fidelite_referral_minimum_amount:
        return None
    referrer_card = order.env["loyalty.card"].search(
        [("partner_id", "=", referrer.id), ("program_id", "=", program.id), ("fidelite_state", "=", "active")],
        limit=1,
    )
    env = order.env
    credits = []
    if program.fidelite_referral_referee_points:
        credits.append(
            (
                card,
                program.fidelite_referral_referee_points,
                f"referral:{referee.id}:referee",
                env._("Welcome, referred by %s", referrer.name),
            )
        )
    if referrer_card and program.fidelite_referral_referrer_points:
        credits.append(
            (
                referrer_card,
                program.fidelite_referral_referrer_points,
                f"referral:{referee.id}:referrer",
                env._("Thank you for referring %s", referee.name),
            )
        )
    return credits
