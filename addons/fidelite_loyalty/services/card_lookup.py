"""Find a card by any of its identifiers: printed code (EAN-13, Code 128, QR) or reader UID.

Used alike by the Point of Sale, the portal and the API. Both look-ups are indexed
(``loyalty_card.code`` is unique, ``fidelite_uid`` has a unique index per company).
"""

from odoo.exceptions import UserError
from odoo.tools import SQL

from . import card_codes, record_cache

STORED_VALUE_TYPES = ("gift_card", "ewallet")


def _candidates(identifier):
    """Forms under which a scanned or typed identifier may be stored."""
    value = (identifier or "").strip()
    forms = [value]
    if value.isdigit() and len(value) == 14 and value.startswith("0"):
        forms.append(value[1:])  # an EAN-13 read as a GTIN-14
    elif value.isdigit() and len(value) == 12:
        forms.append("0" + value)  # an EAN-13 starting with 0, read as a UPC-A
    return value, forms


def find_card(env, identifier, company=None, *, active_only=True, field_names=None):
    """The card ``identifier`` designates, and how it was found (``"code"`` or ``"uid"``).

    Raises a ``UserError`` naming the problem: no card, or a card that is blocked, lost,
    replaced or closed. ``field_names``: the card's fields to read with
    the search, when the caller knows which it needs.
    """
    value, forms = _candidates(identifier)
    if not value:
        raise UserError(env._("Scan or type a card number."))
    Card = env["loyalty.card"].with_context(active_test=False)
    if env.su and field_names:  # the partner API's look-up: no record rule, the fields it needs
        card = record_cache.select(Card, SQL("code IN %s", tuple(forms)), field_names, limit=1)
    else:
        card = Card.search_fetch([("code", "in", forms)], field_names or [], limit=1)
    found_by = "code"
    if not card and card_codes.looks_like_uid(value):
        uid = card_codes.normalize_uid(env, value)
        domain = [("fidelite_uid", "=", uid)]
        if company:
            domain.append(("company_id", "in", (company.id, False)))
        card = Card.search_fetch(domain, field_names or [], limit=1)
        found_by = "uid"
    if not card:
        raise UserError(env._("No card matches %s.", value))
    if active_only:
        check_usable(card)
    return card, found_by


def check_usable(card):
    env = card.env
    state = card.fidelite_state
    if state == "active" and card.active:
        return
    if state == "replaced":
        # whoever holds a lost card must not learn the number that now holds its balance: the
        # answer (till, portal, partner API) never names the replacement, nor the reason given
        raise UserError(env._("Card %s is no longer valid.", card.code))
    labels = dict(card._fields["fidelite_state"]._description_selection(env))
    reason = card.fidelite_state_reason
    if reason:
        raise UserError(
            env._(
                "Card %(card)s is %(state)s (%(reason)s).",
                card=card.code,
                state=labels[state].lower(),
                reason=reason,
            )
        )
    raise UserError(env._("Card %(card)s is %(state)s.", card=card.code, state=labels[state].lower()))


def describe(card, found_by):
    """What a till or the portal needs to know about a card found by ``found_by``."""
    stored_value = card.program_id.program_type in STORED_VALUE_TYPES
    return {
        "id": card.id,
        "code": card.code,
        "program_id": card.program_id.id,
        "program_type": card.program_id.program_type,
        "partner_id": card.partner_id.id,
        "partner_name": card.partner_id.name or "",
        "points": card.points,
        "state": card.fidelite_state,
        "medium": card.fidelite_medium,
        "found_by": found_by,
        # a UID identifies a card; it never suffices to spend a stored value
        "can_spend": not (stored_value and found_by == "uid"),
    }
