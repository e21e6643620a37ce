from odoo import fields, models

from ..services import partner_api


class FideliteApiRequest(models.Model):
    """A call of the partner API with its idempotency key, and the answer it got.

    Replaying the key returns the stored answer; the same key with another payload is refused.
    The API writes each call once, with its answer, and nothing changes it afterwards: no
    create/write audit columns (the API runs as the superuser), the time it was received
    instead; its company is its merchant's, its movement the one posted with its key.
    """

    _name = "fidelite.api.request"
    _description = "Partner API call"
    _order = "id desc"
    _log_access = False

    # No index of its own: the unique (merchant, key) index below serves the merchant's searches
    merchant_id = fields.Many2one("fidelite.partner.merchant", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="merchant_id.company_id")
    received_at = fields.Datetime(string="Received on", readonly=True, default=fields.Datetime.now)
    idempotency_key = fields.Char(string="Idempotency key", required=True, readonly=True)
    operation = fields.Selection([("earn", "Earn"), ("burn", "Burn")], required=True, readonly=True)
    request_hash = fields.Char(required=True, readonly=True)
    status_code = fields.Integer(readonly=True)
    response = fields.Text(readonly=True)
    move_id = fields.Many2one("fidelite.points.move", string="Move", compute="_compute_move_id")

    _key_unique = models.Constraint(
        "UNIQUE(merchant_id, idempotency_key)", "This idempotency key was already used by the merchant."
    )

    def _compute_move_id(self):
        keys = {
            request: partner_api.move_key(request.merchant_id.id, request.operation, request.idempotency_key)
            for request in self
        }
        moves = self.env["fidelite.points.move"].search_fetch(
            [("idempotency_key", "in", list(keys.values()))], ["idempotency_key"]
        )
        by_key = {move.idempotency_key: move for move in moves}
        for request, key in keys.items():
            request.move_id = by_key.get(key, False)
