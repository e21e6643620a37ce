"""A member's own data, as they download it from the portal (JSON or CSV).

Everything is read with the member's own environment: the record rules decide what is theirs.
"""

import csv
import datetime
import io

PROFILE_FIELDS = ("name", "email", "phone", "street", "zip", "city", "birthdate", "fidelite_member_number")


def _value(value):
    if hasattr(value, "_name"):
        return value.display_name or False
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def _rows(records, names):
    return [{name: _value(record[name]) for name in names} for record in records]


def collect(partner):
    """{section: [rows]} of ``partner``'s data the portal user may read."""
    env = partner.env
    cards = env["loyalty.card"].search([("partner_id", "=", partner.id)])
    return {
        "profile": _rows(partner, PROFILE_FIELDS),
        "household": _rows(
            env["fidelite.dependant"].search([("partner_id", "=", partner.id)]), ("first_name", "relation", "birthdate")
        ),
        "consents": _rows(
            env["fidelite.consent"].search([("partner_id", "=", partner.id)]), ("date", "channel", "granted", "source")
        ),
        "cards": _rows(
            cards, ("code", "program_id", "points", "fidelite_tier_id", "fidelite_state", "expiration_date")
        ),
        "movements": _rows(
            env["fidelite.points.move"].search([("card_id", "in", cards.ids)], order="date, id"),
            ("date", "card_id", "move_type", "points", "balance_after", "reason", "expiry_date"),
        ),
        "rewards": _rows(
            env["fidelite.reward.redemption"].search([("card_id", "in", cards.ids)], order="date, id"),
            ("date", "card_id", "reward_id", "points", "state", "code", "channel"),
        ),
    }


def _cell(value):
    if value is False or value is None:
        return ""
    # a text starting like a formula is opened as text by spreadsheets
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_csv(data):
    """One CSV with a line per value: section, line number, field, value."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "line", "field", "value"])
    for section, rows in data.items():
        for number, row in enumerate(rows, start=1):
            for name, value in row.items():
                writer.writerow([section, number, name, _cell(value)])
    return buffer.getvalue()
