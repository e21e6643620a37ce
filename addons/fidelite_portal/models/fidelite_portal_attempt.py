import logging

from odoo import api, fields, models

from odoo.addons.fidelite_loyalty.services import rate_limit

_logger = logging.getLogger(__name__)

KINDS = [("gift_card", "Gift card balance"), ("referral", "Referral code")]
DEFAULT_ATTEMPTS = 5
DEFAULT_WINDOW_MINUTES = 15


class FidelitePortalAttempt(models.Model):
    """One try at a code on the portal (gift card balance, referral code): kept to slow guessing down.

    A visitor may try ``fidelite_portal.throttle_attempts`` codes per
    ``fidelite_portal.throttle_window_minutes`` minutes, counted both per IP address and per
    account; beyond that the portal refuses without looking the code up, and says so in the log.
    """

    _name = "fidelite.portal.attempt"
    _description = "Code tried on the portal"
    _order = "date desc, id desc"

    kind = fields.Selection(KINDS, required=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    ip_address = fields.Char(string="IP address", index=True)
    user_id = fields.Many2one("res.users", string="Account", index=True, ondelete="cascade")
    code_tried = fields.Char(string="Code tried", help="The first characters only.")
    success = fields.Boolean()
    blocked = fields.Boolean(help="Refused without looking the code up: too many tries.")

    @api.model
    def _fidelite_limits(self):
        params = self.env["ir.config_parameter"]
        attempts = int(params.get_param("fidelite_portal.throttle_attempts", DEFAULT_ATTEMPTS))
        window = int(params.get_param("fidelite_portal.throttle_window_minutes", DEFAULT_WINDOW_MINUTES))
        return max(attempts, 1), max(window, 1)

    @api.model
    def _fidelite_allowed(self, kind, ip_address, user):
        """Whether one more try of ``kind`` is allowed from this IP address and this account.

        Called by the portal routes that raise (the log counts every account's tries).

        Locks the account's and the address's rows until the transaction ends, so the caller
        records its try (``_fidelite_record``) before a concurrent request of the same account or
        address counts: of two parallel tries at the limit, one passes (the other, counted from
        an older snapshot, fails to serialize and is retried by Odoo, seeing the first).
        """
        keys = [f"portal_{kind}:user:{user.id}"] if user else []
        keys += [f"portal_{kind}:ip:{ip_address}"] if ip_address else []
        rate_limit.lock(self.env, keys)
        attempts, window = self._fidelite_limits()
        since = fields.Datetime.subtract(fields.Datetime.now(), minutes=window)
        Attempt = self
        base = [("kind", "=", kind), ("date", ">=", since), ("blocked", "=", False)]
        by_ip = Attempt.search_count([*base, ("ip_address", "=", ip_address)], limit=attempts) if ip_address else 0
        by_user = Attempt.search_count([*base, ("user_id", "=", user.id)], limit=attempts) if user else 0
        return by_ip < attempts and by_user < attempts

    @api.model
    def _fidelite_record(self, kind, ip_address, user, code, success, blocked=False):
        masked = (code or "").strip()[:4]
        if blocked:
            _logger.warning(
                "Portal %s check refused: too many tries from %s (user %s)", kind, ip_address, user.id if user else None
            )
        else:
            _logger.info(
                "Portal %s check from %s (user %s): %s", kind, ip_address, user.id, (success and "ok") or "failed"
            )
        return self.create(
            {
                "kind": kind,
                "ip_address": ip_address,
                "user_id": user.id if user else False,
                "code_tried": masked,
                "success": success,
                "blocked": blocked,
            }
        )

    @api.autovacuum
    def _gc_old_attempts(self):
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=30)
        self.search([("date", "<", limit)]).unlink()
