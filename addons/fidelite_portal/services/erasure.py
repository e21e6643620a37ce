"""The right to be forgotten: a member's personal data goes, their loyalty figures stay.

Cards and points movements are kept (the ledger is append-only and the program's totals must
not change); they keep pointing at the same contact, whose name becomes an anonymous label.
What goes: the contact's personal fields, their portal account's login and signature, their
household, the notes of their consents, the reasons typed on their cards and movements, their
card codes and chip UIDs (the cards are closed and get an anonymous code, also in the stored
answers of the partner API), their code tries on the portal, their erasure requests' messages,
and everything in Odoo's messaging (``erasure_mail``).

Runs with the caller's rights: the approval of a request raises them (the member's data is
spread over records no manager may write, such as mail.mail or the ledger's reasons).
"""

from odoo.tools import SQL

from . import erasure_mail

PERSONAL_FIELDS = (
    "email",
    "phone",
    "mobile",
    "street",
    "street2",
    "zip",
    "city",
    "vat",
    "website",
    "function",
    "comment",
    "birthdate",
    "ref",
    "barcode",
)
NO_TRACKING = {"tracking_disable": True, "mail_notrack": True, "mail_create_nolog": True}


def _identity(partner, cards):
    """The strings that identify the member, to find them in free texts."""
    phones = set()
    for value in (partner.phone, partner.phone_sanitized, getattr(partner, "mobile", False)):
        if value:
            phones |= {value, value.replace(" ", "")}
    emails = {value for value in (partner.email, partner.email_normalized) if value}
    codes = {code for card in cards for code in (card.code, card.fidelite_uid) if code}
    names = {partner.name} if partner.name else set()
    return {"names": names, "emails": emails, "phones": phones, "codes": codes}


def _patterns(identity, *extra):
    values = set().union(*identity.values(), *extra)
    return [f"%{value}%" for value in values if value and len(value) > 2]


def anonymise(partner):
    env = partner.env
    partner = partner.with_context(active_test=False, **NO_TRACKING)
    label = env._("Anonymised member %s", partner.fidelite_member_number or partner.id)
    erased = env._("Personal data erased")
    cards = env["loyalty.card"].with_context(active_test=False, **NO_TRACKING).search([("partner_id", "=", partner.id)])
    requests = env["fidelite.erasure.request"].search([("partner_id", "=", partner.id)])
    identity = _identity(partner, cards)
    dependant_names = set(partner.fidelite_dependant_ids.mapped("first_name"))
    patterns = _patterns(identity, dependant_names)

    _erase_loyalty(partner, cards, identity, patterns, erased)
    requests.write({"reason": False})
    env["fidelite.portal.attempt"].search([("user_id", "in", partner.user_ids.ids)]).unlink()
    partner.fidelite_dependant_ids.unlink()
    records = {
        "res.partner": partner.ids,
        "loyalty.card": cards.ids,
        "fidelite.erasure.request": requests.ids,
        "res.users": partner.user_ids.ids,
    }
    # before the messaging: a changed login sends the old address a security notice, erased with the rest
    for user in partner.user_ids:
        user.write({"login": f"anonymised-{user.id}", "active": False, "signature": False})
    erasure_mail.erase(partner, records, identity, erased)
    values = {name: False for name in PERSONAL_FIELDS if name in partner._fields}
    values.update({"name": label, "image_1920": False, "state_id": False, "fidelite_referral_code": False})
    partner.write(values)
    partner.message_post(body=env._("Personal data erased at the member's request; cards and points kept."))
    return partner


def _erase_loyalty(partner, cards, identity, patterns, erased):
    """Consent notes, card codes and reasons, the ledger's reasons, the partner API's stored answers."""
    env = partner.env
    cr = env.cr
    env.flush_all()
    # consents and movements are never changed through the ORM: only their free texts go, in SQL
    cr.execute(SQL("UPDATE fidelite_consent SET note = NULL WHERE partner_id = %s AND note IS NOT NULL", partner.id))
    if cards and patterns:
        for table, column in (("fidelite_points_move", "reason"), ("loyalty_history", "description")):
            cr.execute(
                SQL(
                    "UPDATE %s SET %s = %s WHERE card_id = ANY(%s) AND %s ILIKE ANY(%s)",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    erased,
                    cards.ids,
                    SQL.identifier(column),
                    patterns,
                )
            )
    env["fidelite.reward.redemption"].search([("card_id", "in", cards.ids)]).write({"note": False})
    # the partner API's answers name the card: its merchants' stored answers get the new code
    merchants = (
        env["fidelite.partner.merchant"]
        .with_context(active_test=False)
        .search([("program_id", "in", cards.program_id.ids)])
    )
    for card in cards:
        code = f"ERASED-{card.id}"
        for old in [value for value in (card.code, card.fidelite_uid) if value]:
            if merchants:
                cr.execute(
                    SQL(
                        """UPDATE fidelite_api_request SET response = replace(response, %(old)s, %(new)s)
                            WHERE merchant_id = ANY(%(merchants)s) AND response LIKE %(like)s""",
                        old=old,
                        new=code,
                        merchants=merchants.ids,
                        like=f"%{old}%",
                    )
                )
        values = {"code": code, "fidelite_medium": "virtual", "fidelite_uid": False, "fidelite_state_reason": False}
        if card.fidelite_state not in ("closed", "replaced"):
            values["fidelite_state"] = "closed"
        card.write(values)
    env.invalidate_all()
