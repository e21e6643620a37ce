from odoo import api, fields, models


class FideliteApiCounter(models.Model):
    """Calls of a partner API key in a minute, counted by one SQL upsert per call.

    One row per key, minute and server thread (``shard``: the OS thread that served the calls),
    so two workers never wait on, nor conflict over, one row; a key's calls in a minute are the
    sum of its rows. Rows older than an hour are deleted by a cron.
    """

    _name = "fidelite.api.counter"
    _description = "Partner API calls per minute"
    _log_access = False

    key_id = fields.Many2one("fidelite.partner.merchant.key", required=True, ondelete="cascade")
    window_start = fields.Datetime(required=True)
    shard = fields.Integer(required=True)
    calls = fields.Integer(required=True, default=0)

    _window_unique = models.Constraint(
        "UNIQUE(key_id, window_start, shard)", "A key has one counter per minute and server thread."
    )

    @api.model
    def _cron_fidelite_forget(self):
        self.env.cr.execute(
            "DELETE FROM fidelite_api_counter WHERE window_start < (now() AT TIME ZONE 'UTC') - interval '1 hour'"
        )
