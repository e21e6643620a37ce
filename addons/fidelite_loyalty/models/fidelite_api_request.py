from odoo import fields, models


class FideliteApiRequest(models.Model):
    """A call of the partner API with its idempotency key, and the answer it got.

    Replaying the key returns the stored answer; the same key with another payload is refused.
    """

    _name = "fidelite.api.request"
    _description = "Partner API call"
    _order = "id desc"

    # No index of its own: the unique (merchant, key) index below serves the merchant's searches
    merchant_id = fields.Many2one("fidelite.partner.merchant", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="merchant_id.company_id", store=True)
    idempotency_key = fields.Char(string="Idempotency key", required=True, readonly=True)
    operation = fields.Selection([("earn", "Earn"), ("burn", "Burn")], required=True, readonly=True)
    request_hash = fields.Char(required=True, readonly=True)
    status_code = fields.Integer(readonly=True)
    response = fields.Text(readonly=True)
    # Unindexed: nothing looks requests up by movement, and movements are never deleted
    move_id = fields.Many2one("fidelite.points.move", readonly=True, ondelete="set null")

    _key_unique = models.Constraint(
        "UNIQUE(merchant_id, idempotency_key)", "This idempotency key was already used by the merchant."
    )
