from odoo import api, fields, models

from ..services import rate_limit


class FideliteRateCounter(models.Model):
    """How many times a key (a user's referral code look-ups, a portal account's tries...) was
    used in a window of time; also the row a throttle locks (``services/rate_limit``).

    Written by one SQL statement each (an atomic increment), never through the ORM.
    """

    _name = "fidelite.rate.counter"
    _description = "Rate limit counter"
    _log_access = False

    key = fields.Char(required=True, readonly=True)
    window_start = fields.Datetime(string="Window start", required=True, readonly=True)
    hits = fields.Integer(readonly=True)
    last_hit = fields.Datetime(string="Last hit", readonly=True)

    _key_window_unique = models.Constraint("UNIQUE(key, window_start)")

    @api.autovacuum
    def _gc_old_counters(self):
        rate_limit.forget_old(self.env)
