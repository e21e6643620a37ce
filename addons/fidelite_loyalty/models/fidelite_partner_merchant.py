from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..services import partner_api

# What the partner API caches of a merchant with its keys
API_CACHED_FIELDS = {"active", "company_id", "name", "program_id", "points_per_unit", "outlet_id"}


class FidelitePartnerMerchant(models.Model):
    """A merchant outside our Odoo (a shop of a town-centre association, a partner brand) whose
    till earns and burns points on members' cards through the partner API.

    It has its own outlet (its movements' figures), API keys scoped to lookup, earn and burn,
    an earning rate, and the values of a point used to settle each month with the programme.
    """

    _name = "fidelite.partner.merchant"
    _description = "Partner merchant"
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Merchant",
        required=True,
        check_company=True,
        ondelete="restrict",
        help="The merchant's company: the statements are addressed and invoiced to it.",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    program_id = fields.Many2one(
        "loyalty.program",
        string="Program",
        required=True,
        domain="[('program_type', '=', 'loyalty')]",
        ondelete="restrict",
        help="The program whose cards the merchant accepts.",
    )
    active = fields.Boolean(default=True)
    points_per_unit = fields.Float(
        string="Points per currency unit",
        default=1.0,
        digits=(16, 4),
        help="Points a member earns per unit spent at the merchant (rounded down to whole points).",
    )
    issue_point_value = fields.Float(
        string="Value of a point issued",
        digits=(16, 4),
        help="What the merchant owes the programme for each point it gives.",
    )
    redeem_point_value = fields.Float(
        string="Value of a point redeemed",
        digits=(16, 4),
        help="What the programme owes the merchant for each point a member spends there.",
    )
    key_ids = fields.One2many("fidelite.partner.merchant.key", "merchant_id", string="API keys")
    outlet_id = fields.Many2one("fidelite.outlet", string="Outlet", readonly=True, copy=False, index="btree_not_null")
    settlement_ids = fields.One2many("fidelite.settlement", "merchant_id", string="Statements")
    settlement_count = fields.Integer(compute="_compute_settlement_count", string="Statements count")

    @api.constrains("points_per_unit", "issue_point_value", "redeem_point_value")
    def _check_rates(self):
        for merchant in self:
            if min(merchant.points_per_unit, merchant.issue_point_value, merchant.redeem_point_value) < 0:
                raise ValidationError(self.env._("%s: rates and values cannot be negative.", merchant.name))

    @api.model_create_multi
    def create(self, vals_list):
        merchants = super().create(vals_list)
        for merchant in merchants:
            merchant.outlet_id = self.env["fidelite.outlet"].create(
                {
                    "name": merchant.name,
                    "kind": "partner",
                    "company_id": merchant.company_id.id,
                    "merchant_id": merchant.id,
                }
            )
        return merchants

    def write(self, vals):
        result = super().write(vals)
        if vals.keys() & API_CACHED_FIELDS:
            self.env.registry.clear_cache()  # the API's cached keys (fidelite.partner.merchant.key)
        if "name" in vals or "active" in vals:
            for merchant in self:
                outlet = merchant.with_context(active_test=False).outlet_id
                outlet.write({"name": merchant.name, "active": merchant.active})
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()  # the API's cached keys of these merchants
        return result

    def _compute_settlement_count(self):
        counts = dict(
            self.env["fidelite.settlement"]._read_group([("merchant_id", "in", self.ids)], ["merchant_id"], ["__count"])
        )
        for merchant in self:
            merchant.settlement_count = counts.get(merchant, 0)

    def action_new_key(self):
        """Create an API key with every scope and show it once."""
        self.ensure_one()
        # manager's button: keys are created by the server only (a manager reads and archives them)
        secret, key = partner_api.new_key(self.sudo(), self.env._("Key %s", len(self.key_ids) + 1), partner_api.SCOPES)
        wizard = self.env["fidelite.partner.merchant.key.wizard"].create({"key_id": key.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New API key"),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            # the secret goes to this dialog only, never to the database (see the wizard)
            "context": {partner_api.NEW_KEY_CONTEXT: f"{key.id}:{secret}"},
        }

    def action_view_settlements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("fidelite_loyalty.action_fidelite_settlement")
        action["domain"] = [("merchant_id", "=", self.id)]
        action["context"] = {"default_merchant_id": self.id}
        return action

    def action_view_outlet(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "fidelite.outlet",
            "res_id": self.outlet_id.id,
            "view_mode": "form",
        }
