"""The daily birthday job: a reward per member (and household member) once a year.

A household member's reward is keyed on who they are, not on their record: the member holding
the card, the first name (without accents, case or extra spaces) and the birth date. Removing a
child and adding them again brings no second reward that year, nor does a new card of the same
program; and a member gets at most the company's number of household members rewarded per year
and program, whatever they add.
"""

import hashlib
import unicodedata
from collections import Counter
from datetime import timedelta

from odoo import fields

from . import ledger


def birthday_key(day):
    """``MMDD`` as an integer, indexed on partners and dependants to find a day's birthdays."""
    return day.month * 100 + day.day if day else 0


def normalised_name(name):
    """``" Léa  Marie "`` -> ``"lea marie"``: how a first name is compared."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


def person_key(partner, dependant=None):
    """The birthday's person: the member, or a household member as holder + name + birth date (hashed:
    no name is kept in the key)."""
    if not dependant:
        return f"partner:{partner.id}"
    identity = f"{partner.id}:{normalised_name(dependant.first_name)}:{dependant.birthdate}"
    return "dependant:" + hashlib.sha256(identity.encode()).hexdigest()[:24]


def keys_for(day):
    """Birthdays celebrated on ``day``: 29 February is celebrated on 28 February in other years."""
    keys = [birthday_key(day)]
    is_leap = day.year % 4 == 0 and (day.year % 100 != 0 or day.year % 400 == 0)
    if (day.month, day.day) == (2, 28) and not is_leap:
        keys.append(229)
    return keys


def run(env, today=None):
    """Reward the birthdays due today for every program that gives one; safe to run again.

    Runs with ``env``'s rights: the daily job calls it as the superuser."""
    today = today or fields.Date.context_today(env["loyalty.card"])
    created = env["fidelite.birthday"]
    programs = env["loyalty.program"].search(
        [("program_type", "=", "loyalty"), ("fidelite_birthday_reward", "!=", "none")]
    )
    for program in programs:
        day = today + timedelta(days=program.fidelite_birthday_days_before)
        created |= _celebrate(program, day, today)
    return created


def _celebrate(program, day, today):
    env = program.env
    keys = keys_for(day)
    Card = env["loyalty.card"]
    cards = Card.search(
        [
            ("program_id", "=", program.id),
            ("fidelite_state", "=", "active"),
            ("partner_id.fidelite_birthday_key", "in", keys),
        ]
    )
    people = [(card, card.partner_id, False) for card in cards]
    if program.fidelite_birthday_household:
        dependants = env["fidelite.dependant"].search([("birthday_key", "in", keys)])
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
    Birthday = env["fidelite.birthday"]
    # what each member already had this year in this program (any card, any record that has gone since)
    past = Birthday.search_read(
        [
            ("partner_id", "in", list({partner.id for _card, partner, _d in people})),
            ("card_id.program_id", "=", program.id),
            ("year", "=", day.year),
        ],
        ["partner_id", "person_key"],
    )
    done = {(row["partner_id"][0], row["person_key"]) for row in past}
    household = Counter(row["partner_id"][0] for row in past if row["person_key"].startswith("dependant:"))
    for card, partner, dependant in people:
        key = person_key(partner, dependant)
        if (partner.id, key) in done:
            continue
        if dependant:
            if household[partner.id] >= (partner.company_id or env.company).fidelite_max_dependants:
                continue
            household[partner.id] += 1
        done.add((partner.id, key))
        name = dependant.first_name if dependant else partner.name
        values = {
            "card_id": card.id,
            "partner_id": partner.id,
            "dependant_id": dependant.id if dependant else False,
            "person_key": key,
            "year": day.year,
            "birthday": day,
        }
        reason = env._("Happy birthday, %s!", name)
        if program.fidelite_birthday_reward == "points":
            ledger.post(
                card,
                program.fidelite_birthday_points,
                "earn",
                key=f"birthday:{card.id}:{key}:{day.year}",
                reason=reason,
            )
            values["points"] = program.fidelite_birthday_points
        elif program.fidelite_birthday_reward == "coupon":
            values["coupon_id"] = _coupon(program, partner, today).id
        created |= Birthday.create(values)
    return created


def _coupon(program, partner, today):
    coupon_program = program.fidelite_birthday_coupon_program_id
    valid_until = (
        today + timedelta(days=program.fidelite_birthday_validity_days)
        if program.fidelite_birthday_validity_days
        else False
    )
    return program.env["loyalty.card"].create(
        {"program_id": coupon_program.id, "partner_id": partner.id, "points": 1, "expiration_date": valid_until}
    )
