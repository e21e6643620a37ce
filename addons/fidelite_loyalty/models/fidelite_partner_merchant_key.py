from odoo import fields, models


class FidelitePartnerMerchantKey(models.Model):
    """An API key of a partner merchant: only its hash is stored, the secret is shown once.

    A key is ``fid_<prefix>_<secret>``; the prefix (not secret) finds the row through an index,
    the SHA-256 of the whole key is compared in constant time. Keys are 256-bit random values,
    so a fast hash is as safe as a slow one and keeps every call cheap.
    """

    _name = "fidelite.partner.merchant.key"
    _description = "Partner merchant API key"
    _order = "merchant_id, id"

    name = fields.Char(required=True)
    merchant_id = fields.Many2one("fidelite.partner.merchant", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="merchant_id.company_id", store=True)
    prefix = fields.Char(required=True, readonly=True, index=True, copy=False)
    key_hash = fields.Char(required=True, readonly=True, copy=False, groups="base.group_system")
    scope_lookup = fields.Boolean(string="Lookup", default=True)
    scope_earn = fields.Boolean(string="Earn", default=True)
    scope_burn = fields.Boolean(string="Burn", default=True)
    active = fields.Boolean(default=True)

    _prefix_unique = models.Constraint("UNIQUE(prefix)", "Two API keys cannot share a prefix.")

    def action_revoke(self):
        self.active = False
