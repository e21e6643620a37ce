"""Settle a POS order's loyalty points on the server, once, as one plan.

The till computes points to show them at once; the server recomputes them from the order
lines and the program rules (``pos_points``) and posts them to the ledger with keys derived
from the order, so a re-synced or replayed order never credits twice, and points the browser
sends are never trusted. Refund orders reverse what the refunded lines earned (pro rata) and
give back the points spent on refunded rewards.

A settlement is planned first, then carried out: ``plan`` reads the order and lists every
movement it makes (earnings, redemptions, the referral's two credits, refund reversals) and
the rewards it records; ``execute`` then locks the cards concerned once, in the ledger's lock
order (cards by id, then the stock-limited rewards by id), and posts them all. Nothing is
locked while the plan is computed, and an order locks only its own cards.
"""

import logging
from collections import namedtuple

from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_round

from . import couponing, ledger, member_kpis, member_stats, pos_points, referral, reward_catalogue, rules, tiers

_logger = logging.getLogger(__name__)

SERVER_COMPUTED_TYPES = ("loyalty",)

# One movement of the plan; ``tolerant``: a paid order's redemption that the balance no longer
# covers is noted on the card and the order instead of failing the sync
Posting = namedtuple("Posting", "card points move_type key values tolerant", defaults=({}, False))
# The rewards an order's reward lines gave on one card, recorded once the points are posted
RewardClaims = namedtuple("RewardClaims", "lines card key_prefix")


class Plan:
    """What one order's settlement posts and records, computed before anything is locked."""

    def __init__(self, env):
        self.env = env
        self.postings = []
        self.claims = []
        self.referrals = []  # referee partners whose reward flag is set once their credits are posted

    @property
    def cards(self):
        return self.env["loyalty.card"].union(*(posting.card for posting in self.postings)) | self.env[
            "loyalty.card"
        ].union(*(claim.card for claim in self.claims))

    @property
    def rewards(self):
        return self.env["loyalty.reward"].union(*(claim.lines.reward_id for claim in self.claims))


def server_programs(order):
    """Programs whose points the server computes for this order."""
    programs = order.config_id._get_program_ids()
    return programs.filtered(lambda program: program.program_type in SERVER_COMPUTED_TYPES)


def member_card(order, program):
    if not order.partner_id:
        return order.env["loyalty.card"]
    return order.env["loyalty.card"].search(
        [("partner_id", "=", order.partner_id.id), ("program_id", "=", program.id)], order="id", limit=1
    )


def _move_values(order):
    return {"origin": "pos", "pos_order_id": order.id, "store_id": order.config_id.id}


def settle(order):
    """Post the points ``order`` earns and spends on its member's cards; returns the cards touched.

    ``order`` comes with the rights of its entry point (the POS RPC methods raise them: the
    cashier may read neither the program's configuration nor the ledger).
    """
    if order.state not in ("paid", "done", "invoiced"):
        return order.env["loyalty.card"]
    settlement = plan(order)
    cards = execute(order, settlement)
    issue_coupons(order)
    if not order.fidelite_settled:
        member_stats.record_order(order)
        member_kpis.record_order(order)
        order.fidelite_settled = True
    for card in cards:
        tiers.promote(card)
    return cards


def plan(order):
    """Every movement and reward record the paid ``order`` makes, nothing written yet."""
    settlement = Plan(order.env)
    if order.partner_id:
        sale_lines = order.lines.filtered(lambda line: not line.refunded_orderline_id)
        for program in server_programs(order):
            card = member_card(order, program)
            if card:
                _plan_card(settlement, order, program, card, sale_lines)
    _plan_refund(settlement, order)
    return settlement


def execute(order, settlement):
    """Lock the plan's cards then its stock-limited rewards (the ledger's order) and post it all."""
    cards = settlement.cards
    ledger.lock_cards(cards)
    reward_catalogue.lock_rewards(settlement.rewards)
    for posting in settlement.postings:
        if posting.tolerant:
            _redeem(order, posting)
        else:
            ledger.post(posting.card, posting.points, posting.move_type, key=posting.key, **posting.values)
    for claim in settlement.claims:
        reward_catalogue.record_order_rewards(
            claim.lines, claim.card, "pos", claim.key_prefix, locked=True, **_redemption_values(order)
        )
    for referee in settlement.referrals:
        referee.fidelite_referral_rewarded = True
    return cards


def issue_coupons(order):
    """The receipt coupons of the order; a coupon rule that fails never stops a paid order's sync."""
    try:
        with order.env.cr.savepoint():
            return couponing.issue(order)
    except (UserError, ValidationError) as error:
        _logger.warning("POS order %s: receipt coupons not issued: %s", order.name, error)
        order.message_post(
            body=order.env._("Receipt coupons of order %(order)s not issued: %(error)s", order=order.name, error=error)
        )
        return order.env["loyalty.card"]


def _plan_card(settlement, order, program, card, sale_lines):
    base_key = f"pos.order:{order.id}:{card.id}"
    if ledger.find_move(order.env, f"{base_key}:earn"):
        return  # settled already: the earning and the redemption are posted together
    # the program's rewards are paid by the member's card, whatever card the till linked them to
    reward_lines = sale_lines.filtered(lambda line: line.reward_id.program_id == program)
    reward_lines.filtered(lambda line: line.coupon_id != card).coupon_id = card
    earned = pos_points.order_points(order, program, sale_lines)
    if earned and program.fidelite_rule_ids:
        basket = rules.basket_from_order(order, sale_lines)._replace(card=card)
        multiplier, extra, _outcomes = rules.bonus(program, basket)
        earned = earned * multiplier + extra
    earned *= tiers.multiplier(card)
    spent = max(
        pos_points.order_points_spent(order, card, reward_lines),
        pos_points.reward_points_floor(reward_lines.filtered(lambda line: line.coupon_id == card)),
    )
    values = _move_values(order)
    if earned:
        settlement.postings.append(Posting(card, earned, "earn", f"{base_key}:earn", values))
    if spent:
        settlement.postings.append(Posting(card, -spent, "redeem", f"{base_key}:redeem", values, tolerant=True))
    settlement.claims.append(RewardClaims(reward_lines, card, base_key))
    _plan_referral(settlement, order, card)


def _plan_referral(settlement, order, card):
    credits = referral.first_purchase_credits(order, card)
    if credits is None:
        return
    settlement.referrals.append(order.partner_id)
    for referral_card, points, key, reason in credits:
        settlement.postings.append(
            Posting(
                referral_card,
                points,
                "earn",
                key,
                {"origin": "system", "pos_order_id": order.id, "store_id": order.config_id.id, "reason": reason},
            )
        )


def _redemption_values(order):
    return {"pos_order_id": order.id, "store_id": order.config_id.id}


def _redeem(order, posting):
    """Take the points the order's rewards cost; never let a paid order fail to sync over it.

    The till checks the balance before payment; an order replayed after the points were spent
    elsewhere (two tills offline) finds too few: the order is kept, nothing is taken, and the
    card and the order say so for the manager to settle.
    """
    card = posting.card
    try:
        with order.env.cr.savepoint():
            ledger.post(card, posting.points, posting.move_type, key=posting.key, **posting.values)
    except UserError as error:
        _logger.warning("POS order %s: points not redeemed on card %s: %s", order.name, card.code, error)
        message = order.env._(
            "%(points)s points of order %(order)s could not be redeemed: %(error)s",
            points=-posting.points,
            order=order.name,
            error=error,
        )
        card.message_post(body=message)
        order.message_post(body=message)


def _amount(lines):
    """Amount of the lines that earn points: not rewards, nor refunds of rewards."""
    products = lines.filtered(lambda line: not (line.is_reward_line or line.refunded_orderline_id.is_reward_line))
    return sum(products.mapped("price_subtotal_incl"))


def _plan_refund(settlement, order):
    """Reverse, for the refunded lines of ``order``, the points their original order moved."""
    refund_lines = order.lines.filtered("refunded_orderline_id")
    if not refund_lines:
        return
    original = refund_lines.refunded_orderline_id.order_id
    moves = order.env["fidelite.points.move"].search([("pos_order_id", "in", original.ids)])
    base = _amount(original.lines)
    refunded = -_amount(refund_lines)
    share = min(1.0, refunded / base) if base > 0 else 0.0
    given_back = {}
    for line in refund_lines.filtered(lambda line: line.refunded_orderline_id.is_reward_line):
        source = line.refunded_orderline_id
        if source.coupon_id and source.qty:
            ratio = min(1.0, abs(line.qty) / abs(source.qty))
            given_back[source.coupon_id] = given_back.get(source.coupon_id, 0.0) + source.points_cost * ratio
            if ratio >= 1.0:  # the reward is returned whole: back in stock
                reward_catalogue.cancel_order_reward(source, order.env._("Refund %s", order.display_name))
    reason = order.env._("Refund %s", order.display_name)
    for move in moves.filtered(lambda move: move.move_type in ("earn", "redeem")):
        if move.move_type == "earn":
            points = float_round(move.points * share, precision_digits=ledger.PRECISION)
        else:
            points = given_back.get(move.card_id, 0.0)
        points = ledger.reversible(move, points)
        if points:
            settlement.postings.append(
                Posting(
                    move.card_id,
                    points,
                    "reversal",
                    f"pos.order:{order.id}:refund:{move.id}",
                    {**_move_values(order), "reason": reason, "reversed_move_id": move.id},
                )
            )
