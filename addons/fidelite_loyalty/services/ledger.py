"""The points ledger: the only way a loyalty card's balance changes.

Every change is one append-only ``fidelite.points.move``; ``loyalty.card.points`` is kept
equal to the sum of the card's moves. Posting locks the card row, so moves on one card from
several tills are applied one after the other, and records the move unless its idempotency key
was posted already, so an operation replayed (POS re-sync, retried RPC, cron re-run) is applied
once; ``ledger_rows`` does both, and writes the rows, in one statement.

Lock order, the same everywhere: the cards' rows first, in id order (``lock_cards``), then the
rows of the stock-limited rewards, in id order (``reward_catalogue.lock_rewards``), never the
reverse. Both are ``NO KEY UPDATE`` locks, which the foreign keys of new order lines and
redemptions (``KEY SHARE``) do not wait for; a reward without a stock limit is never locked, so
different cards never wait for each other, and one card's operations queue on its row.

Lots: every credit is a lot that may expire (``expiry_date``); debits consume the lots that
expire first (oldest first under one policy), so a lot's remainder is computed, never stored.
"""

from collections import namedtuple

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools import float_is_zero, float_round

from . import ledger_rows, network

LEDGER_CONTEXT = "fidelite_ledger_post"
# The value of LEDGER_CONTEXT (and of ``fidelite_points_writer``) that server code sets: an object
# no JSON-RPC context can carry, so a client cannot claim to be the ledger
TRUSTED = object()
PRECISION = 2
# Debits that may take a balance below zero: giving back what a refund cancels (the member
# then owes points that later earnings repay).
MAY_GO_NEGATIVE = ("reversal",)

Lot = namedtuple("Lot", "move remaining")


def _round(points):
    return float_round(points, precision_digits=PRECISION)


def lock_cards(cards):
    """Lock the cards' rows until the end of the transaction (in id order: no deadlock).

    The cached balances are dropped: a value read before the lock (in an earlier transaction of
    the same cursor, say) may be outdated; the next read gets the locked one.
    """
    if not cards:
        return
    cards.flush_recordset(["points"])
    cards.env.cr.execute(
        "SELECT id FROM loyalty_card WHERE id IN %s ORDER BY id FOR NO KEY UPDATE", [tuple(sorted(cards.ids))]
    )
    cards.invalidate_recordset(["points"])


def find_move(env, key):
    if not key:
        return env["fidelite.points.move"]
    return env["fidelite.points.move"].search([("idempotency_key", "=", key)], limit=1)


def expiry_date_for(program, when):
    """The date a credit earned at ``when`` expires under the program's policy (False: never)."""
    return program._fidelite_expiry_date(fields.Date.to_date(when))


def _may_reach_milestone(card, points):
    """Whether this credit may trigger one of Odoo's "when reaching N points" mails."""
    return points > 0 and card.env["loyalty.program"]._fidelite_has_points_reach_mail(card.program_id.id)


def post(card, points, move_type, *, key=None, origin="system", reason=None, history=True, **values):
    """Post one movement of ``points`` (signed) on ``card``; return the move.

    ``key`` makes the call idempotent: posting again with the same key returns the first move
    and changes nothing. Extra ``values`` are stored on the move (``pos_order_id``, ``store_id``,
    ``expiry_date``, ``reversed_move_id``, ``lot_move_id``, ``date``...). With ``history`` a
    ``loyalty.history`` line is written too, so Odoo's history of the card follows its balance.
    """
    card.ensure_one()
    env = card.env
    points = _round(points)
    if float_is_zero(points, precision_digits=PRECISION):
        return env["fidelite.points.move"]
    card = card.sudo()
    now = values.pop("date", None) or fields.Datetime.now()
    network.move_values(env, values)
    if points > 0 and "expiry_date" not in values and move_type != "transfer_in":
        values["expiry_date"] = expiry_date_for(card.program_id, now)
    move_values = {
        "card_id": card.id,
        "program_id": card.program_id.id,
        "partner_id": card.partner_id.id,
        "company_id": (card.company_id or env.company).id,
        "points": points,
        "move_type": move_type,
        "origin": origin,
        "reason": reason,
        "idempotency_key": key or False,
        "date": now,
        "user_id": env.uid,
        **values,
    }
    history_values = None
    if history:  # Odoo's history of the card follows its balance
        order = env["pos.order"].browse(values.get("pos_order_id"))
        history_values = {
            "card_id": card.id,
            "description": reason or _default_description(env, move_type, order),
            "issued": points if points > 0 else 0.0,
            "used": -points if points < 0 else 0.0,
            "order_model": order._name if order else False,
            "order_id": order.id if order else False,
        }
    # One statement locks the card, checks the balance and writes the rows, unless the key was
    # posted already (its unique index decides, see ledger_rows)
    move = ledger_rows.write(card, move_values, history_values, may_go_negative=move_type in MAY_GO_NEGATIVE)
    if not move:
        existing = find_move(card.env, key)
        if existing:  # replayed: the first move, nothing changed
            return existing
        card.invalidate_recordset(["points"])
        balance = card.points
        raise UserError(
            env._(
                "Not enough points on card %(card)s: the balance is %(balance)s, %(needed)s are needed.",
                card=card.code,
                balance=card._format_points(balance),
                needed=card._format_points(-points),
            )
        )
    if _may_reach_milestone(card, points):  # what Odoo's write of the balance would send
        card._send_points_reach_communication({card: {"old": _round(card.points - points), "new": card.points}})
    return move


def _default_description(env, move_type, order):
    if order:
        return env._("Onsite %s", order.display_name)
    return dict(env["fidelite.points.move"]._fields["move_type"]._description_selection(env))[move_type]


def reverse(move, reason, *, key=None, points=None, origin="manual", **values):
    """Post the reversal of ``move`` (all of it, or ``points`` of it); a reason is mandatory."""
    move.ensure_one()
    if not (reason or "").strip():
        raise UserError(move.env._("A reversal needs a reason."))
    if move.move_type == "reversal":
        raise UserError(move.env._("A reversal cannot be reversed: post a new movement instead."))
    already = -sum(move.reversal_ids.mapped("points"))
    available = _round(move.points - already)
    amount = available if points is None else _round(points if move.points > 0 else -abs(points))
    if abs(amount) > abs(available) + 10**-PRECISION:
        raise UserError(
            move.env._(
                "Only %(left)s points of this movement are left to reverse.",
                left=available,
            )
        )
    return post(
        move.card_id,
        -amount,
        "reversal",
        key=key,
        origin=origin,
        reason=reason,
        reversed_move_id=move.id,
        **values,
    )


def reversible(move, points):
    """The signed amount that reverses ``points`` of ``move``: at most what is left of it (0: nothing)."""
    left = abs(move.points + sum(move.reversal_ids.mapped("points")))
    points = min(abs(points), left)
    return -points if move.points > 0 else points


def lots(card, as_of=None):
    """The card's credits with what remains of each after FIFO consumption by its debits."""
    moves = card.env["fidelite.points.move"].search([("card_id", "=", card.id)], order="id")
    credits = moves.filtered(lambda m: m.points > 0).sorted(
        lambda m: (m.expiry_date or fields.Date.to_date("9999-12-31"), m.date, m.id)
    )
    to_consume = -sum(moves.filtered(lambda m: m.points < 0).mapped("points"))
    result = []
    for credit in credits:
        used = min(credit.points, to_consume)
        to_consume = _round(to_consume - used)
        result.append(Lot(credit, _round(credit.points - used)))
    return result


def expire_card(card, today):
    """Expire what is left of the card's lots due on or before ``today``; idempotent per lot."""
    lock_cards(card)
    moves = card.env["fidelite.points.move"]
    for lot in lots(card):
        if lot.remaining > 0 and lot.move.expiry_date and lot.move.expiry_date <= today:
            moves |= post(
                card,
                -lot.remaining,
                "expire",
                key=f"expire:{lot.move.id}",
                reason=card.env._("Points earned on %(date)s expired", date=lot.move.date.date()),
                lot_move_id=lot.move.id,
                date=fields.Datetime.now(),
            )
    return moves


def next_expiry(card):
    """The earliest expiry date among the card's lots that still hold points (False: none)."""
    dates = [lot.move.expiry_date for lot in lots(card) if lot.remaining > 0 and lot.move.expiry_date]
    return min(dates) if dates else False


def transfer(source, target, reason, *, key=None):
    """Move the whole balance of ``source`` to ``target``, lot by lot (expiry dates kept)."""
    if not (reason or "").strip():
        raise UserError(source.env._("A transfer needs a reason."))
    lock_cards(source | target)
    key = key or f"transfer:{source.id}:{target.id}"
    moved = source.env["fidelite.points.move"]
    for lot in lots(source):
        if lot.remaining <= 0:
            continue
        moved |= post(
            target,
            lot.remaining,
            "transfer_in",
            key=f"{key}:in:{lot.move.id}",
            origin="manual",
            reason=reason,
            expiry_date=lot.move.expiry_date,
            lot_move_id=lot.move.id,
        )
    balance = source.points
    if balance > 0:
        moved |= post(source, -balance, "transfer_out", key=f"{key}:out", origin="manual", reason=reason)
    return moved
