"""What the till shows when a card is tapped, inserted, scanned or typed: the member panel.

The lookup is done by the server for one identifier (no card is preloaded in the POS). A UID
identifies a member; it never allows spending a stored value (``can_spend`` of the card).
"""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError

from odoo.addons.fidelite_loyalty.services import card_codes, card_lookup, reward_catalogue

EXPIRY_WINDOW_DAYS = 30
MEDIUM_ACCEPTED = {
    "contactless": "fidelite_accept_contactless",
    "chip": "fidelite_accept_chip",
    "barcode": "fidelite_accept_barcode",
}


def _refused(message):
    return {"status": "refused", "message": message}


def _birthday_this_week(day, today):
    if not day:
        return False
    for offset in range(7):
        other = today + timedelta(days=offset)
        if (day.month, day.day) == (other.month, other.day):
            return True
    return False


def panel(config, identifier, medium):
    """The panel of the card ``identifier`` read as ``medium`` at the till ``config``."""
    env = config.env
    field = MEDIUM_ACCEPTED.get(medium)
    if not field:
        return _refused(env._("Unknown card medium."))
    if not config[field]:
        return _refused(env._("This till does not accept this kind of card."))
    value = (identifier or "").strip()
    try:
        card, found_by = card_lookup.find_card(env, value, config.company_id, active_only=False)
    except UserError:
        return {"status": "unknown", "identifier": value, "medium": medium}
    try:
        card_lookup.check_usable(card)
    except UserError as exc:
        return {"status": "blocked", "message": exc.args[0], "partner_name": card.partner_id.name or ""}
    description = card_lookup.describe(card, found_by)
    partner = card.partner_id
    if not partner:
        return {"status": "unknown", "identifier": value, "medium": medium, "card_id": card.id}
    today = fields.Date.context_today(card)
    birthdays = [partner.name] if _birthday_this_week(partner.birthdate, today) else []
    birthdays += [d.first_name for d in partner.fidelite_dependant_ids if _birthday_this_week(d.birthdate, today)]
    rewards = [
        {"name": reward.description, "points": reward.required_points}
        for reward, _left in reward_catalogue.available(card)
    ]
    return {
        "status": "found",
        "card": description,
        "partner_id": partner.id,
        "name": partner.name,
        "member_number": partner.fidelite_member_number or "",
        "tier": card.fidelite_tier_id.name or "",
        "points": card.points,
        "expiring": card._fidelite_points_expiring(EXPIRY_WINDOW_DAYS)[card],
        "expiring_days": EXPIRY_WINDOW_DAYS,
        "rewards": rewards,
        "birthdays": birthdays,
        "pos_data": _pos_records(config, partner),
    }


def _pos_records(config, partner):
    """The member as the POS loads its customers, so the till selects them without asking again."""
    partner = partner.with_env(config.env)
    return {
        "res.partner": partner._load_pos_data_read(partner, config),
        "account.fiscal.position": config.env["account.fiscal.position"]._load_pos_data_read(
            partner.fiscal_position_id, config
        ),
    }


def enrol(config, identifier, medium, partner_id=False, name="", email="", phone=""):
    """Give the card read at the till to a new member (``name``...) or to ``partner_id``."""
    env = config.env
    value = (identifier or "").strip()
    if medium not in ("contactless", "chip"):
        raise UserError(env._("Only a card read by the reader can be enrolled here."))
    program = config._get_program_ids().filtered(lambda p: p.program_type == "loyalty")[:1]
    if not program:
        raise UserError(env._("No loyalty program is available in this point of sale."))
    Partner = env["res.partner"]
    if partner_id:
        partner = Partner.browse(partner_id).exists()
        if not partner:
            raise UserError(env._("Choose the member who receives the card."))
    else:
        if not (name or "").strip():
            raise UserError(env._("Give the new member's name."))
        partner = Partner.create({"name": name.strip(), "email": email or False, "phone": phone or False})
    Card = env["loyalty.card"]
    existing = Card.search([("partner_id", "=", partner.id), ("program_id", "=", program.id)], limit=1)
    if existing:
        raise UserError(
            env._(
                "%(member)s already has card %(card)s: block it before linking another.",
                member=partner.name,
                card=existing.code,
            )
        )
    vals = {"program_id": program.id, "partner_id": partner.id, "fidelite_medium": medium}
    if medium == "contactless" and card_codes.looks_like_uid(value):
        uid = card_codes.normalize_uid(env, value)
        Card._fidelite_check_uid_free(uid, config.company_id)
        vals.update(fidelite_uid=uid, code=Card._fidelite_next_ean13(config.company_id))
    else:
        vals["code"] = value
    Card.create(vals)
    return panel(config, value, medium)
