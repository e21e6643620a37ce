from datetime import datetime, time
from urllib.parse import quote

from werkzeug.exceptions import NotFound

from odoo import fields
from odoo.http import request, route

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..services import card_figures

PROGRAM_TYPES = ("loyalty", "ewallet", "gift_card")
RECENT_MOVES = 5
HISTORY_STEP = 20


class FidelitePortal(CustomerPortal):
    """The member's loyalty space. Every read uses the member's own environment: the record
    rules of ``base.group_portal`` (security/fidelite_portal_security.xml) decide what is theirs."""

    # ------------------------------------------------------------------ helpers
    def _fidelite_partner(self):
        return request.env.user.partner_id

    def _fidelite_cards_domain(self, program_types=("loyalty", "ewallet")):
        return [
            ("partner_id", "=", self._fidelite_partner().id),
            ("program_id.active", "=", True),
            ("program_id.program_type", "in", list(program_types)),
        ]

    def _fidelite_card(self, card_id):
        """The member's card ``card_id``; 404 for anybody else's (the record rule hides it)."""
        card = request.env["loyalty.card"].search([("id", "=", int(card_id))], limit=1)
        if not card:
            raise NotFound()
        return card

    def _fidelite_values(self, page_name, **values):
        result = self._prepare_portal_layout_values()
        result.update(page_name=page_name, fidelite_partner=self._fidelite_partner(), url_quote=quote, **values)
        return result

    @staticmethod
    def _fidelite_parse_date(value):
        if not value:
            return None
        try:
            return fields.Date.to_date(value)
        except ValueError:
            return None

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "fidelite_card_count" in counters:
            values["fidelite_card_count"] = request.env["loyalty.card"].search_count(
                self._fidelite_cards_domain(PROGRAM_TYPES)
            )
        return values

    # ------------------------------------------------------------------ pages
    @route("/my/fidelite", type="http", auth="user", website=True)
    def portal_my_fidelite(self, **kw):
        cards = request.env["loyalty.card"].search(self._fidelite_cards_domain(), order="program_id, id")
        Move = request.env["fidelite.points.move"]
        summaries = []
        for card in cards:
            summaries.append(
                {
                    "card": card,
                    "progress": card_figures.tier_progress(card),
                    "expiring": card_figures.expiring(card),
                    "birthdays": card_figures.birthday_waiting(card),
                    "moves": Move.search([("card_id", "=", card.id)], limit=RECENT_MOVES),
                }
            )
        gift_card_count = request.env["loyalty.card"].search_count(self._fidelite_cards_domain(("gift_card",)))
        values = self._fidelite_values("fidelite", cards=cards, summaries=summaries, gift_card_count=gift_card_count)
        return request.render("fidelite_portal.portal_my_fidelite", values)

    def _fidelite_history_domain(self, card, move_type=None, date_from=None, date_to=None):
        domain = [("card_id", "=", card.id)]
        if move_type:
            domain.append(("move_type", "=", move_type))
        if date_from:
            domain.append(("date", ">=", datetime.combine(date_from, time.min)))
        if date_to:
            domain.append(("date", "<=", datetime.combine(date_to, time.max)))
        return domain

    @route(
        ["/my/fidelite/card/<int:card_id>", "/my/fidelite/card/<int:card_id>/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_fidelite_card(self, card_id, page=1, move_type=None, date_from=None, date_to=None, **kw):
        """The virtual card to show at the till, and the card's full history (paginated, filtered)."""
        card = self._fidelite_card(card_id)
        Move = request.env["fidelite.points.move"]
        move_types = dict(Move._fields["move_type"]._description_selection(request.env))
        move_type = move_type if move_type in move_types else None
        start, end = self._fidelite_parse_date(date_from), self._fidelite_parse_date(date_to)
        domain = self._fidelite_history_domain(card, move_type, start, end)
        url_args = {
            key: value for key, value in (("move_type", move_type), ("date_from", start), ("date_to", end)) if value
        }
        pager = portal_pager(
            url=f"/my/fidelite/card/{card.id}",
            url_args={key: str(value) for key, value in url_args.items()},
            total=Move.search_count(domain),
            page=page,
            step=HISTORY_STEP,
        )
        moves = Move.search(domain, limit=HISTORY_STEP, offset=pager["offset"])
        values = self._fidelite_values(
            "fidelite_card",
            card=card,
            moves=moves,
            pager=pager,
            move_types=move_types,
            move_type=move_type or "",
            date_from=(start and str(start)) or "",
            date_to=(end and str(end)) or "",
        )
        return request.render("fidelite_portal.portal_my_fidelite_card", values)

    @route("/my/fidelite/card/<int:card_id>/summary", type="jsonrpc", auth="user")
    def portal_my_fidelite_card_summary(self, card_id):
        """The card's figures for a refresh or a wallet app (JSON)."""
        card = self._fidelite_card(card_id)
        progress = card_figures.tier_progress(card)
        expiring = card_figures.expiring(card)
        return {
            "code": card.code,
            "program": card.program_id.name,
            "points": card.points,
            "points_display": card.points_display,
            "tier": (progress and progress["current"].name) or False,
            "next_tier": (progress and progress["next"].name) or False,
            "remaining": (progress and progress["remaining"]) or 0.0,
            "expiring_30": expiring[30],
            "expiring_90": expiring[90],
        }
