from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..services import gift_cards, reward_catalogue

CATEGORIES = [
    ("discount", "Discount"),
    ("product", "Free product"),
    ("gift", "Gift"),
    ("donation", "Donation"),
    ("partner", "Partner reward"),
]


class LoyaltyReward(models.Model):
    """A reward of the catalogue: kept for some tiers, of a kind, with a beneficiary and a stock."""

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
    fidelite_category = fields.Selection(
        CATEGORIES,
        string="Kind of reward",
        compute="_compute_fidelite_category",
        store=True,
        readonly=False,
        help="How the catalogue presents it. A gift, a donation or a partner reward chosen in the portal or "
        "the back office gets a code; gifts and partner rewards are then handed over.",
    )
    fidelite_beneficiary_id = fields.Many2one(
        "res.partner",
        string="Beneficiary",
        help="The charity that receives a donation, or the partner merchant that gives a partner reward.",
    )
    fidelite_stock_limited = fields.Boolean(string="Limited stock")
    fidelite_stock_total = fields.Integer(string="Stock", help="How many can be given in all.")
    fidelite_stock_left = fields.Integer(
        string="Left in stock", compute="_compute_fidelite_stock_left", help="The stock less the rewards taken."
    )
    fidelite_redemption_ids = fields.One2many("fidelite.reward.redemption", "reward_id", string="Taken by members")

    @api.depends("fidelite_tier_ids")
    def _compute_fidelite_tier_list(self):
        for reward in self:
            reward.fidelite_tier_list = ",".join(str(tier_id) for tier_id in reward.fidelite_tier_ids.ids)

    @api.depends("reward_type")
    def _compute_fidelite_category(self):
        for reward in self:
            if not reward.fidelite_category or reward.fidelite_category in ("discount", "product"):
                reward.fidelite_category = "product" if reward.reward_type == "product" else "discount"

    @api.depends("fidelite_stock_limited", "fidelite_stock_total", "fidelite_redemption_ids.state")
    def _compute_fidelite_stock_left(self):
        taken = reward_catalogue.stock_taken(self.filtered("fidelite_stock_limited").filtered("id"))
        for reward in self:
            reward.fidelite_stock_left = (
                reward.fidelite_stock_total - taken.get(reward.id, 0) if reward.fidelite_stock_limited else 0
            )

    @api.constrains("fidelite_stock_limited", "fidelite_stock_total")
    def _check_fidelite_stock(self):
        for reward in self:
            if reward.fidelite_stock_limited and reward.fidelite_stock_total < 0:
                raise ValidationError(self.env._("The stock of %s cannot be negative.", reward.description))

    @api.constrains("fidelite_category", "fidelite_beneficiary_id")
    def _check_fidelite_beneficiary(self):
        for reward in self:
            if reward.fidelite_category in ("donation", "partner") and not reward.fidelite_beneficiary_id:
                raise ValidationError(
                    self.env._(
                        "%s: say who receives the donation or gives the partner reward (Beneficiary).",
                        reward.description,
                    )
                )

    def _fidelite_allowed_for(self, card):
        """Whether ``card``'s member may claim the reward (its tier is one the reward is kept for)."""
        self.ensure_one()
        return not self.fidelite_tier_ids or card.fidelite_tier_id in self.fidelite_tier_ids

    @api.model
    def fidelite_check_stock(self, quantities):
        """For the till, before payment: whether the stock can give ``{reward id: claims}``.

        Returns ``{"ok": True}`` or ``{"ok": False, "message": ...}`` for the cashier.
        """
        wanted = {int(reward_id): int(count) for reward_id, count in quantities.items()}
        rewards = self.browse(list(wanted)).exists()  # the cashier reads the rewards
        try:
            reward_catalogue.check_stock(self.env, {reward: wanted[reward.id] for reward in rewards})
        except UserError as error:
            return {"ok": False, "message": str(error)}
        return {"ok": True}

    @api.model
    def _load_pos_data_fields(self, config):
        return [
            *super()._load_pos_data_fields(config),
            "fidelite_tier_list",
            "fidelite_stock_limited",
            "fidelite_stock_left",
        ]

    def _get_discount_product_values(self):
        """The product paying with a multi-purpose gift card is a means of payment: no taxes."""
        values = super()._get_discount_product_values()
        for reward, vals in zip(self, values, strict=True):
            program = reward.program_id
            if program.program_type == "gift_card" and program.fidelite_voucher_kind == gift_cards.MULTI_PURPOSE:
                vals["taxes_id"] = [Command.clear()]
        return values
