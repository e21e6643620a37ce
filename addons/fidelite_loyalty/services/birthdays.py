"""The daily birthday job: a reward per member (and household member) once a year."""

from datetime import timedelta

from odoo import fields

from . import ledger


def birthday_key(day):
    """``MMDD`` as an integer, indexed on partners and dependants to find a day's birthdays."""
    return day.month * 100 + day.day if day else 0


def keys_for(day):
    """Birthdays celebrated on ``day``: 29 February is celebrated on 28 February in other years."""
    keys = [birthday_key(day)]
    is_leap = day.year % 4 == 0 and (day.year % 100 != 0 or day.year % 400 == 0)
    if (day.month, day.day) == (2, 28) and not is_leap:
        keys.append(229)
    return keys


def run(env, today=None):
    """Reward the birthdays due today for every program that gives one; safe to run again."""
    today = today or fields.Date.context_today(env["loyalty.card"])
    created = env["fidelite.birthday"]
    programs = (
        env["loyalty.program"]
        .sudo()
        .search([("program_type", "=", "loyalty"), ("fidelite_birthday_reward", "!=", "none")])
    )
    for program in programs:
        day = today + timedelta(days=program.fidelite_birthday_days_before)
        created |= _celebrate(program, day, today)
    return created


def _celebrate(program, day, today):
    env = program.env
    keys = keys_for(day)
    Card = env["loyalty.card"].sudo()
    cards = Card.search(
        [
            ("program_id", "=", program.id),
            ("fidelite_state", "=", "active"),
            ("partner_id.fidelite_birthday_key", "in", keys),
        ]
    )
    people = [(card, card.partner_id, False) for card in cards]
    if program.fidelite_birthday_household:
        dependants = env["fidelite.dependant"].sudo().search([("birthday_key", "in", keys)])
        member_cards = Card.search(
            [
                ("program_id", "=", program.id),
                ("fidelite_state", "=", "active"),
                ("partner_id", "in", dependants.partner_id.ids),
            ]
        )
        by_partner = {card.partner_id: card for card in member_cards}
        people += [(by_partner[d.partner_id], d.partner_id, d) for d in dependants if d.partner_id in by_partner]
    created = env["fidelite.birthday"]
    for card, partner, dependant in people:
        person_key = f"dependant:{dependant.id}" if dependant else f"partner:{partner.id}"
        done = (
            env["fidelite.birthday"]
            .sudo()
            .search_count(
                [("card_id", "=", card.id), ("person_key", "=", person_key), ("year", "=", day.year)], limit=1
            )
        )
        if done:
            continue
        name = dependant.first_name if dependant else partner.name
        values = {
            "card_id": card.id,
            "partner_id": partner.id,
            "dependant_id": dependant.id if dependant else False,
            "person_key": person_key,
            "year": day.year,
            "birthday": day,
        }
        reason = env._("Happy birthday, %s!", name)
        if program.fidelite_birthday_reward == "points":
            ledger.post(
                card,
                program.fidelite_birthday_points,
                "earn",
                key=f"birthday:{card.id}:{person_key}:{day.year}",
                reason=reason,
            )
            values["points"] = program.fidelite_birthday_points
        elif program.fidelite_birthday_reward == "coupon":
            values["coupon_id"] = _coupon(program, partner, today).id
        created |= env["fidelite.birthday"].sudo().create(values)
    return created


def _coupon(program, partner, today):
    coupon_program = program.fidelite_birthday_coupon_program_id
    valid_until = (
        today + timedelta(days=program.fidelite_birthday_validity_days)
        if program.fidelite_birthday_validity_days
        else False
    )
    return (
        program.env["loyalty.card"]
        .sudo()
        .create(
            {
                "program_id": coupon_program.id,
                "partner_id": partner.id,
                "points": 1,
                "expiration_date": valid_until,
            }
        )
    )
