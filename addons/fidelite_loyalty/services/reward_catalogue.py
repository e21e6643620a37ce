"""The reward catalogue: what a member may choose with their points, and the choice itself.

A catalogue reward is one of Odoo's ``loyalty.reward`` of a loyalty program, with a kind
(discount, free product, gift, donation, partner reward), an optional beneficiary (the charity
or the partner merchant) and an optional stock. Every reward a member takes is one
``fidelite.reward.redemption``: taken at the till or on a sales order (the order's own
redemption movement pays for it), or chosen away from the till — the portal, the back office —
where this service debits the points through the ledger and gives a code to collect it.

Stock is the reward's stock minus its redemptions that are not cancelled; a choice locks the
card, then the reward's row when it has a stock (the ledger's lock order), so two tills or two
browser tabs cannot both take the last one.
"""

import secrets
from collections import defaultdict

from odoo.exceptions import UserError

from . import card_lookup, ledger

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# kinds collected later when chosen away from the till
TO_HAND_OVER = ("gift", "product", "partner")


def lock_rewards(rewards):
    """Lock the stock-limited rewards' rows until the end of the transaction, in id order.

    Taken after the cards (the ledger's lock order). A reward without a stock limit is not
    locked: redemptions of it on different cards never wait for each other. The lock is an
    update of the row (``NO KEY UPDATE``, as the foreign keys of new redemptions and order lines
    do not wait for it): under Odoo's REPEATABLE READ a transaction that waited for another's
    redemption then fails with a serialization error and is retried with a snapshot that counts
    it, so the stock is never counted on an outdated snapshot.
    """
    limited = rewards.filtered("fidelite_stock_limited")
    if limited:
        limited.env.cr.execute(
            "UPDATE loyalty_reward SET fidelite_stock_total = fidelite_stock_total WHERE id IN %s",
            [tuple(sorted(limited.ids))],
        )


def stock_taken(rewards):
    """{reward id: quantity taken} over the redemptions that are not cancelled."""
    if not rewards:
        return {}
    groups = (
        rewards.env["fidelite.reward.redemption"]
        .sudo()
        ._read_group(
            [("reward_id", "in", rewards.ids), ("state", "!=", "cancelled")],
            ["reward_id"],
            ["quantity:sum"],
        )
    )
    return {reward.id: quantity for reward, quantity in groups}


def stock_left(reward):
    """How many are left (None: no stock limit)."""
    if not reward.fidelite_stock_limited:
        return None
    return reward.fidelite_stock_total - stock_taken(reward).get(reward.id, 0)


def available(card):
    """The rewards ``card``'s member may choose now: their balance, their tier and the stock allow them.

    Returns ``[(reward, stock_left or None)]``, cheapest first. Read with the caller's rights: a
    member reads their card and its program's rewards, the stock is counted for everyone.
    """
    rewards = card.program_id.reward_ids.filtered(
        lambda reward: (
            reward.active
            and reward.required_points <= card.points
            and reward.required_points > 0
            and reward._fidelite_allowed_for(card)
        )
    )
    taken = stock_taken(rewards.filtered("fidelite_stock_limited"))
    result = []
    for reward in rewards.sorted(lambda reward: (reward.required_points, reward.id)):
        left = reward.fidelite_stock_total - taken.get(reward.id, 0) if reward.fidelite_stock_limited else None
        if left is None or left > 0:
            result.append((reward, left))
    return result


def check_stock(env, quantities):
    """Refuse, with the rewards' names, quantities ``{reward: n}`` the stock cannot give."""
    limited = env["loyalty.reward"].union(*quantities).filtered("fidelite_stock_limited")
    taken = stock_taken(limited)
    short = [
        reward
        for reward in limited
        if reward.fidelite_stock_total - taken.get(reward.id, 0) < quantities.get(reward, 0)
    ]
    if short:
        raise UserError(
            env._(
                "Out of stock: %(rewards)s. Choose another reward.",
                rewards=", ".join(reward.description for reward in short),
            )
        )


def _new_code(env):
    Redemption = env["fidelite.reward.redemption"]
    while True:
        code = "R" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(9))
        if not Redemption.search_count([("code", "=", code)], limit=1):
            return code


def claim(card, reward, channel, *, key, quantity=1, **values):
    """The member chooses ``reward`` away from the till: points debited once, stock taken once.

    ``key`` makes it idempotent (a double submit returns the first redemption). Raises a
    clear error when the card cannot pay, the reward is not for this member, or it is out of
    stock; nothing is recorded then.
    """
    env = card.env
    Redemption = env["fidelite.reward.redemption"]
    existing = Redemption.search([("idempotency_key", "=", key)], limit=1)
    if existing:
        return existing
    card_lookup.check_usable(card)
    if quantity < 1:
        raise UserError(env._("Choose at least one reward."))
    if reward.program_id != card.program_id or not reward.active:
        raise UserError(
            env._("%(reward)s is not a reward of card %(card)s.", reward=reward.description, card=card.code)
        )
    if not reward._fidelite_allowed_for(card):
        raise UserError(
            env._(
                "%(reward)s is kept for other tiers than %(tier)s.",
                reward=reward.description,
                tier=card.fidelite_tier_id.name,
            )
        )
    ledger.lock_cards(card)  # the ledger's lock order: the card, then the reward
    lock_rewards(reward)
    check_stock(env, {reward: quantity})
    points = reward.required_points * quantity
    move = ledger.post(
        card,
        -points,
        "redeem",
        key=f"{key}:points",
        origin="manual" if channel == "backoffice" else "api",
        reason=env._("Reward: %s", reward.description),
    )
    return Redemption.create(
        {
            "reward_id": reward.id,
            "card_id": card.id,
            "partner_id": card.partner_id.id,
            "company_id": (card.company_id or env.company).id,
            "quantity": quantity,
            "points": points,
            "channel": channel,
            "state": "to_deliver" if reward.fidelite_category in TO_HAND_OVER else "done",
            "code": _new_code(env),
            "move_id": move.id,
            "idempotency_key": key,
            **values,
        }
    )


def record_order_rewards(order_lines, card, channel, key_prefix, *, locked=False, **values):
    """Record the rewards an order's reward lines gave (their points were posted with the order).

    One redemption per claimed reward (Odoo gives each claim its ``reward_identifier_code``),
    keyed so that a re-synced order records nothing twice. The order is paid: stock is taken
    even if another till took the last one meanwhile (the card's chatter says so). ``locked``:
    the caller holds the card's and the stock-limited rewards' locks already.
    """
    env = card.env
    claims = defaultdict(lambda: env[order_lines._name])
    for line in order_lines.filtered(lambda line: line.reward_id and line.coupon_id == card):
        claims[line.reward_identifier_code or line.id] |= line
    if not claims:
        return env["fidelite.reward.redemption"]
    Redemption = env["fidelite.reward.redemption"].sudo()
    if not locked:
        ledger.lock_cards(card)
        lock_rewards(env["loyalty.reward"].union(*(lines.reward_id for lines in claims.values())))
    created = Redemption
    for identifier, lines in claims.items():
        key = f"{key_prefix}:reward:{identifier}"
        if Redemption.search_count([("idempotency_key", "=", key)], limit=1):
            continue
        reward = lines.reward_id[:1]
        quantity = 1  # one claim, whatever the lines it made (a discount per tax rate...)
        left = stock_left(reward)
        created |= Redemption.create(
            {
                "reward_id": reward.id,
                "card_id": card.id,
                "partner_id": card.partner_id.id,
                "company_id": (card.company_id or env.company).id,
                "quantity": quantity,
                "points": sum(lines.mapped("points_cost")),
                "channel": channel,
                "state": "done",
                "idempotency_key": key,
                **values,
            }
        )
        if left is not None and left < quantity:
            card.message_post(
                body=env._(
                    "%(reward)s was given although its stock was exhausted (%(left)s left before this order).",
                    reward=reward.description,
                    left=left,
                )
            )
    return created


def cancel(redemption, reason, *, key=None):
    """Cancel a reward not collected yet (or its order's return): stock back, points back if it paid them."""
    if redemption.state == "cancelled":
        return redemption
    if redemption.state == "done" and redemption.channel not in ("pos", "sale") and redemption.category in TO_HAND_OVER:
        raise UserError(redemption.env._("%s was handed over already: it cannot be cancelled.", redemption.code))
    if redemption.move_id:
        ledger.reverse(redemption.move_id, reason, key=key or f"reward:{redemption.id}:cancel")
    redemption.state = "cancelled"
    return redemption


def cancel_order_reward(line, reason):
    """A POS or sales order's reward line was returned: its claim no longer takes stock."""
    order = line.order_id
    key = f"{order._name}:{order.id}:{line.coupon_id.id}:reward:{line.reward_identifier_code or line.id}"
    redemption = line.env["fidelite.reward.redemption"].sudo().search([("idempotency_key", "=", key)], limit=1)
    if redemption and redemption.state != "cancelled":
        redemption.write({"state": "cancelled", "note": reason})
    return redemption
