from odoo import Command, api, fields, models

from ..services import gift_cards


class LoyaltyReward(models.Model):
    """Rewards may be kept for some tiers (e.g. a gift for Prestige members only)."""

    _inherit = "loyalty.reward"

    fidelite_tier_ids = fields.Many2many(
        "fidelite.tier",
        string="Only for tiers",
        domain="[('program_id', '=', program_id)]",
        help="Leave empty for every member.",
    )
    fidelite_tier_list = fields.Char(
        compute="_compute_fidelite_tier_list", help="The ids of the tiers, for the Point of Sale."
    )

    @api.depends("fidelite_tier_ids")
    def _compute_fidelite_tier_list(self):
        for reward in self:
            reward.fidelite_tier_list = ",".join(str(tier_id) for tier_id in reward.fidelite_tier_ids.ids)

    def _fidelite_allowed_for(self, card):
        """Whether ``card``'s member may claim the reward (its tier is one the reward is kept for)."""
        self.ensure_one()
        return not self.fidelite_tier_ids or card.sudo().fidelite_tier_id in self.fidelite_tier_ids

    @api.model
    def _load_pos_data_fields(self, config):
        return [*super()._load_pos_data_fields(config), "fidelite_tier_list"]

    def _get_discount_product_values(self):
        """The product paying with a multi-purpose gift card is a means of payment: no taxes."""
        values = super()._get_discount_product_values()
        for reward, vals in zip(self, values, strict=True):
            program = reward.program_id
            if program.program_type == "gift_card" and program.fidelite_voucher_kind == gift_cards.MULTI_PURPOSE:
                vals["taxes_id"] = [Command.clear()]
        return values
