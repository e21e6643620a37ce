from odoo.exceptions import UserError
from odoo.http import request, route

from .portal import FidelitePortal

MAX_CODE = 64


class FidelitePortalGiftCards(FidelitePortal):
    """The member's gift cards, and the balance of any gift card by its code (throttled)."""

    def _fidelite_render_gift_cards(self, balance=None, error=None, code="", status=200):
        cards = request.env["loyalty.card"].search(self._fidelite_cards_domain(("gift_card",)), order="id desc")
        values = self._fidelite_values("fidelite_gift_cards", gift_cards=cards, balance=balance, error=error, code=code)
        return request.render("fidelite_portal.portal_my_fidelite_gift_cards", values, status=status)

    @route("/my/fidelite/gift-cards", type="http", auth="user", website=True)
    def portal_my_fidelite_gift_cards(self, **kw):
        return self._fidelite_render_gift_cards()

    @route("/my/fidelite/gift-cards/balance", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_fidelite_gift_card_balance(self, code=None, **kw):
        """Whoever holds a gift card's code may know its balance; trying codes is limited and logged."""
        code = (code or "").strip()[:MAX_CODE]
        # portal route: the throttle's log counts every account's tries, and the code is the
        # bearer's proof for a gift card that is not the member's
        Attempt = request.env["fidelite.portal.attempt"].sudo()
        ip_address, user = request.httprequest.remote_addr, request.env.user
        if not Attempt._fidelite_allowed("gift_card", ip_address, user):
            Attempt._fidelite_record("gift_card", ip_address, user, code, False, blocked=True)
            error = request.env._("Too many codes tried: please wait a few minutes and try again.")
            return self._fidelite_render_gift_cards(error=error, code=code, status=429)
        if not code:
            return self._fidelite_render_gift_cards(error=request.env._("Type the code printed on the gift card."))
        try:
            # the code is the bearer's proof: the gift card service answers for it alone (balance,
            # currency, expiry), never for a chip UID, and only for gift cards
            balance = Attempt.env["loyalty.card"].fidelite_gift_card_balance(code)
        except UserError as error:
            Attempt._fidelite_record("gift_card", ip_address, user, code, False)
            return self._fidelite_render_gift_cards(error=str(error), code=code, status=404)
        Attempt._fidelite_record("gift_card", ip_address, user, code, True)
        return self._fidelite_render_gift_cards(balance=balance, code=code)
