from odoo import api, fields, models
from odoo.exceptions import ValidationError


class FideliteTier(models.Model):
    """A status level of a loyalty program (Membre, Privilège, Prestige...)."""

    _name = "fidelite.tier"
    _description = "Loyalty tier"
    _order = "program_id, threshold, id"

    name = fields.Char(required=True, translate=True)
    program_id = fields.Many2one("loyalty.program", string="Program", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    threshold = fields.Float(
        string="Qualifies from",
        help="What the member must reach over the program's qualification window (points earned, "
        "amount spent or visits, as set on the program). The first tier starts at 0.",
    )
    multiplier = fields.Float(string="Points multiplier", default=1.0, help="Points earned are multiplied by this.")
    entry_points = fields.Float(string="Welcome points", help="Points given once when a member reaches this tier.")
    color = fields.Integer()
    active = fields.Boolean(default=True)
    card_count = fields.Integer(compute="_compute_card_count", string="Members")

    _threshold_unique = models.Constraint(
        "UNIQUE(program_id, threshold)",
        "Two tiers of a program cannot start at the same level.",
    )

    @api.constrains("threshold", "multiplier", "entry_points")
    def _check_amounts(self):
        for tier in self:
            if tier.threshold < 0 or tier.multiplier < 0 or tier.entry_points < 0:
                raise ValidationError(
                    self.env._(
                        "Tier %s: the level, the multiplier and the welcome points cannot be negative.", tier.name
                    )
                )

    @api.constrains("threshold", "program_id", "active")
    def _check_base_tier(self):
        for program in self.program_id:
            tiers = program.fidelite_tier_ids
            if tiers and min(tiers.mapped("threshold")) != 0:
                raise ValidationError(
                    self.env._("The first tier of %s must start at 0: every member has a tier.", program.name)
                )

    def _compute_card_count(self):
        counts = dict(
            self.env["loyalty.card"]._read_group(
                [("fidelite_tier_id", "in", self.ids)], ["fidelite_tier_id"], ["__count"]
            )
        )
        for tier in self:
            tier.card_count = counts.get(tier, 0)
