import logging
import uuid

from werkzeug.exceptions import NotFound

from odoo.exceptions import UserError
from odoo.http import request, route

from odoo.addons.fidelite_loyalty.services import reward_catalogue

from .portal import FidelitePortal

_logger = logging.getLogger(__name__)
MAX_KEY_LENGTH = 64


class FidelitePortalRewards(FidelitePortal):
    """The catalogue a member can afford, and the choice of a reward paid with points."""

    def _fidelite_affordable(self, card):
        """[(reward in the member's environment, stock left)] the card may take now."""
        offered = reward_catalogue.available(card)
        Reward = request.env["loyalty.reward"]
        return [(Reward.browse(reward.id), left) for reward, left in offered]

    def _fidelite_render_rewards(self, card, error=None, status=200):
        Redemption = request.env["fidelite.reward.redemption"]
        values = self._fidelite_values(
            "fidelite_rewards",
            card=card,
            offered=self._fidelite_affordable(card),
            claim_key=uuid.uuid4().hex,
            redemptions=Redemption.search([("card_id", "=", card.id)], limit=20),
            error=error,
        )
        return request.render("fidelite_portal.portal_my_fidelite_rewards", values, status=status)

    @route("/my/fidelite/card/<int:card_id>/rewards", type="http", auth="user", website=True)
    def portal_my_fidelite_rewards(self, card_id, **kw):
        return self._fidelite_render_rewards(self._fidelite_card(card_id))

    @route(
        "/my/fidelite/card/<int:card_id>/rewards/<int:reward_id>/claim",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_my_fidelite_claim(self, card_id, reward_id, claim_key=None, **kw):
        """Take a reward: debited once through the ledger, even when the form is sent twice."""
        card = self._fidelite_card(card_id)
        claim_key = (claim_key or "").strip()
        if not claim_key or len(claim_key) > MAX_KEY_LENGTH:
            return self._fidelite_render_rewards(card, request.env._("Please choose the reward again."), 400)
        key = f"portal:{request.env.user.id}:{card.id}:{claim_key}"
        existing = request.env["fidelite.reward.redemption"].search([("idempotency_key", "=", key)], limit=1)
        if existing:  # the same form sent again: show the reward already taken
            return request.redirect(f"/my/fidelite/redemption/{existing.id}")
        offered = {reward.id: reward for reward, _left in self._fidelite_affordable(card)}
        if reward_id not in offered:
            return self._fidelite_render_rewards(
                card, request.env._("This reward is not available for your card right now."), 400
            )
        try:
            # portal route: the member's card, checked as theirs above, pays through the ledger and
            # the reward's stock, which a portal user does not write; the catalogue service checks
            # the card, the member's tier, the balance and the stock itself under locks
            card_sudo = card.sudo()
            with request.env.cr.savepoint():
                redemption = reward_catalogue.claim(
                    card_sudo, offered[reward_id].with_env(card_sudo.env), "portal", key=key
                )
            redemption = redemption.with_env(request.env)
        except UserError as error:
            return self._fidelite_render_rewards(card, str(error), 400)
        _logger.info("Portal reward %s taken on card %s by user %s", redemption.id, card.id, request.env.user.id)
        return request.redirect(f"/my/fidelite/redemption/{redemption.id}")

    @route("/my/fidelite/redemption/<int:redemption_id>", type="http", auth="user", website=True)
    def portal_my_fidelite_redemption(self, redemption_id, **kw):
        """The reward taken, with the code to show at the till."""
        redemption = request.env["fidelite.reward.redemption"].search([("id", "=", redemption_id)], limit=1)
        if not redemption:
            raise NotFound()
        values = self._fidelite_values("fidelite_redemption", redemption=redemption, card=redemption.card_id)
        return request.render("fidelite_portal.portal_my_fidelite_redemption", values)
