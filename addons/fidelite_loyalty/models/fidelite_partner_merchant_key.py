from odoo import api, fields, models, tools

# What the API reads of a merchant's program, with its name (loyalty.program)
PROGRAM_COLUMNS = ("active", "program_type", "fidelite_expiry_policy", "fidelite_expiry_months")


class FidelitePartnerMerchantKey(models.Model):
    """An API key of a partner merchant: only its hash is stored, the secret is shown once.

    A key is ``fid_<prefix>_<secret>``; the prefix (not secret) finds the row, the SHA-256 of
    the whole key is compared in constant time. Keys are 256-bit random values,
    so a fast hash is as safe as a slow one and keeps every call cheap.

    Each key has its limits: calls per minute (``fidelite.api.counter``) and failed card
    look-ups per hour (``fidelite.api.failure``); past the latter it is locked out for
    ``lockout_minutes`` (``locked_until``). The API reads them fresh with its counting
    statement, not from the cached credentials.
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
    rate_limit_per_minute = fields.Integer(
        string="Calls per minute", default=600, help="Calls answered in a minute, beyond which the API answers 429."
    )
    failure_limit_per_hour = fields.Integer(
        string="Failed look-ups per hour",
        default=30,
        help="Unknown or refused card numbers tried within an hour, beyond which the key is locked out.",
    )
    lockout_minutes = fields.Integer(
        string="Lock-out (minutes)", default=60, help="How long a key stays locked out after too many failed look-ups."
    )
    locked_until = fields.Datetime(string="Locked out until", readonly=True, copy=False)
    failure_ids = fields.One2many("fidelite.api.failure", "key_id", string="Failed look-ups")

    _prefix_unique = models.Constraint("UNIQUE(prefix)", "Two API keys cannot share a prefix.")
    _limits_positive = models.Constraint(
        "CHECK(rate_limit_per_minute > 0 AND failure_limit_per_hour > 0 AND lockout_minutes > 0)",
        "An API key's limits and lock-out are positive numbers.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        keys = super().create(vals_list)
        self.env.registry.clear_cache()
        return keys

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()  # a revoked key, a scope taken away: at once, in every worker
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    def action_revoke(self):
        self.active = False

    def action_unlock(self):
        """Lift a lock-out now (the failed look-ups stay recorded)."""
        self.locked_until = False

    @api.model
    @tools.ormcache("prefix")
    def _fidelite_credentials(self, prefix):
        """(hash, scopes, merchant id, company id, merchant's values, program's values, key id)
        of the active key ``prefix`` of an active merchant, or None.

        Every API call asks: cached, and cleared whenever a key, a merchant or a program changes
        what it reads (``fidelite.partner.merchant``, ``loyalty.program``). The values are what a
        call reads of the merchant (name, company, program, rate, outlet) and of its program
        (the name in every language, the type, the expiry policy), as the database gives them.
        """
        self.flush_model()
        self.env["fidelite.partner.merchant"].flush_model()
        self.env["loyalty.program"].flush_model()
        self.env.cr.execute(
            """
            SELECT k.id, k.key_hash, k.scope_lookup, k.scope_earn, k.scope_burn, k.merchant_id, m.company_id,
                   m.name, m.program_id, m.points_per_unit, m.outlet_id,
                   p.name, p.active, p.program_type, p.fidelite_expiry_policy, p.fidelite_expiry_months
              FROM fidelite_partner_merchant_key k
              JOIN fidelite_partner_merchant m ON m.id = k.merchant_id
              JOIN loyalty_program p ON p.id = m.program_id
             WHERE k.prefix = %s AND k.active AND m.active
            """,
            [prefix],
        )
        row = self.env.cr.fetchone()
        if not row:
            return None
        key_id, *row = row
        key_hash, lookup, earn, burn, merchant_id, company_id, *merchant_row = row[:10]
        program_name, *program_row = row[10:]
        scopes = frozenset(scope for scope, allowed in (("lookup", lookup), ("earn", earn), ("burn", burn)) if allowed)
        merchant = (
            ("company_id", company_id),
            *zip(("name", "program_id", "points_per_unit", "outlet_id"), merchant_row, strict=True),
        )
        program = (
            ("name", tuple(sorted(program_name.items()))),
            *zip(PROGRAM_COLUMNS, program_row, strict=True),
        )
        return key_hash, scopes, merchant_id, company_id, merchant, program, key_id
