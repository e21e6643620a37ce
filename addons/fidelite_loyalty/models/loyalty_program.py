import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, ValidationError

from ..services import gift_cards, network, rules

# What the partner API caches of a merchant's program with the merchant's keys
API_CACHED_FIELDS = {"name", "active", "program_type", "fidelite_expiry_policy", "fidelite_expiry_months"}


class LoyaltyProgram(models.Model):
    _inherit = "loyalty.program"

    fidelite_expiry_policy = fields.Selection(
        [
            ("never", "Never"),
            ("months", "Months after earning"),
            ("end_of_next_year", "End of the following year"),
        ],
        string="Points expire",
        default="never",
        required=True,
        help="When the points earned on this program's cards expire. Each earning expires on its "
        "own date; spending uses the points that expire first.",
    )
    fidelite_expiry_months = fields.Integer(string="Validity (months)", default=12)
    fidelite_tier_ids = fields.One2many("fidelite.tier", "program_id", string="Tiers")
    fidelite_rule_ids = fields.One2many("fidelite.rule", "program_id", string="Bonus rules")
    fidelite_has_rules = fields.Boolean(
        string="Has bonus rules",
        compute="_compute_fidelite_has_rules",
        help="Whether the till asks the server for a preview of the bonus rules.",
    )
    fidelite_point_value = fields.Float(
        string="Value of a point",
        digits=(16, 4),
        help="What a point costs the business when it is spent (e.g. 0.05 when 100 points give 5 €): "
        "values the points liability.",
    )
    fidelite_points_outstanding = fields.Float(
        string="Points outstanding",
        compute="_compute_fidelite_liability",
        groups="fidelite_loyalty.group_fidelite_user",
    )
    fidelite_liability = fields.Float(
        string="Liability", compute="_compute_fidelite_liability", groups="fidelite_loyalty.group_fidelite_user"
    )
    fidelite_points_issued = fields.Float(
        string="Points issued", compute="_compute_fidelite_liability", groups="fidelite_loyalty.group_fidelite_user"
    )
    fidelite_points_redeemed = fields.Float(
        string="Points redeemed", compute="_compute_fidelite_liability", groups="fidelite_loyalty.group_fidelite_user"
    )
    fidelite_points_expired = fields.Float(
        string="Points expired", compute="_compute_fidelite_liability", groups="fidelite_loyalty.group_fidelite_user"
    )
    fidelite_breakage = fields.Float(
        string="Breakage (%)",
        compute="_compute_fidelite_liability",
        help="Points expired, out of the points issued.",
        groups="fidelite_loyalty.group_fidelite_user",
    )
    fidelite_voucher_kind = fields.Selection(
        [
            (gift_cards.MULTI_PURPOSE, "Multi-purpose voucher (no VAT when sold)"),
            (gift_cards.SINGLE_PURPOSE, "Single-purpose voucher (VAT when sold)"),
        ],
        string="Voucher type (EU VAT)",
        default=gift_cards.MULTI_PURPOSE,
        required=True,
        help="Multi-purpose: the gift card can pay goods of any VAT rate; it is sold without VAT and "
        "is a means of payment when spent, the goods keeping their VAT. Its products must carry no "
        "taxes. Single-purpose: the VAT of what it pays is known when it is sold, and charged then.",
    )
    fidelite_referral_enabled = fields.Boolean(string="Referral")
    fidelite_referral_referrer_points = fields.Float(string="Points for the referrer")
    fidelite_referral_referee_points = fields.Float(string="Points for the new member")
    fidelite_referral_minimum_amount = fields.Float(
        string="First purchase from", help="The referee's first purchase must reach this amount (tax incl.)."
    )
    fidelite_birthday_reward = fields.Selection(
        [("none", "None"), ("points", "Points"), ("coupon", "A coupon")],
        string="Birthday reward",
        default="none",
        required=True,
    )
    fidelite_birthday_points = fields.Float(string="Birthday points")
    fidelite_birthday_coupon_program_id = fields.Many2one(
        "loyalty.program",
        string="Birthday coupon",
        domain="[('program_type', 'in', ('coupons', 'next_order_coupons'))]",
        help="The coupon program whose coupon the member receives (a discount, a free product...).",
    )
    fidelite_birthday_validity_days = fields.Integer(string="Coupon valid for (days)", default=30)
    fidelite_birthday_days_before = fields.Integer(
        string="Given days before", help="0: on the day; 7: a week before, to leave time to come."
    )
    fidelite_birthday_household = fields.Boolean(
        string="Household birthdays too", help="Also celebrate the spouse's and the children's birthdays."
    )
    fidelite_tier_basis = fields.Selection(
        [("points", "Points earned"), ("spend", "Amount spent"), ("visits", "Visits")],
        string="Tiers qualify on",
        default="points",
        required=True,
    )
    fidelite_tier_window_months = fields.Integer(
        string="Qualification window (months)",
        default=12,
        help="Tiers are reached on what the member did over this many months, and reviewed after as long.",
    )
    fidelite_tier_grace_months = fields.Integer(
        string="Grace period (months)",
        help="At review, a member below their tier keeps it this much longer before going down.",
    )

    fidelite_company_ids = fields.Many2many(
        "res.company",
        "fidelite_program_company_rel",
        "program_id",
        "company_id",
        string="Valid in companies",
        help="Franchisees, branches or shops of an association whose outlets accept this program's cards, "
        "besides the company owning it. Their users see its members, cards and balances.",
    )
    fidelite_outlet_ids = fields.Many2many(
        "fidelite.outlet", string="Outlets", compute="_compute_fidelite_outlet_ids", help="Outlets open today."
    )
    fidelite_cost_rule = fields.Selection(
        network.COST_RULES,
        string="Cost of rewards borne by",
        default="redeemed",
        required=True,
        help="Which outlet pays for the points its members spend.",
    )
    fidelite_cost_redeemed_share = fields.Float(
        string="Share of the spending outlet (%)",
        default=50.0,
        help="With a split cost: the share the spending outlet bears, the earning outlets the rest.",
    )

    def _compute_fidelite_outlet_ids(self):
        outlets = self.env["fidelite.outlet"].search([("state", "=", "open")])
        accepted = {outlet: network.programs_at(outlet) for outlet in outlets}
        for program in self:
            program.fidelite_outlet_ids = outlets.filtered(lambda outlet, program=program: program in accepted[outlet])

    @api.constrains("fidelite_cost_redeemed_share")
    def _check_fidelite_cost_share(self):
        for program in self:
            if not 0 <= program.fidelite_cost_redeemed_share <= 100:
                raise ValidationError(self.env._("%s: the share is a percentage, 0 to 100.", program.display_name))

    def _compute_fidelite_liability(self):
        Move = self.env["fidelite.points.move"]  # the fields are the Fidélité users', who read the ledger
        moved = {
            (program.id, move_type): points
            for program, move_type, points in Move._read_group(
                [("program_id", "in", self.ids)], ["program_id", "move_type"], ["points:sum"]
            )
        }
        outstanding = dict(
            self.env["loyalty.card"]._read_group([("program_id", "in", self.ids)], ["program_id"], ["points:sum"])
        )
        for program in self:
            issued = moved.get((program.id, "earn"), 0.0)
            expired = -moved.get((program.id, "expire"), 0.0)
            program.fidelite_points_outstanding = outstanding.get(program, 0.0)
            program.fidelite_liability = program.fidelite_points_outstanding * program.fidelite_point_value
            program.fidelite_points_issued = issued
            program.fidelite_points_redeemed = -moved.get((program.id, "redeem"), 0.0)
            program.fidelite_points_expired = expired
            program.fidelite_breakage = 100.0 * expired / issued if issued else 0.0

    @api.depends("fidelite_rule_ids.active")
    def _compute_fidelite_has_rules(self):
        for program in self:
            program.fidelite_has_rules = bool(program.fidelite_rule_ids.filtered("active"))

    def _fidelite_gift_card_ids(self):
        return self.filtered(lambda program: program.program_type == "gift_card").ids

    @api.constrains("fidelite_voucher_kind", "program_type", "rule_ids", "reward_ids")
    def _check_fidelite_voucher_taxes(self):
        gift_cards.check_voucher_taxes(self)

    @api.constrains("fidelite_expiry_policy", "fidelite_expiry_months")
    def _check_fidelite_expiry_months(self):
        for program in self:
            if program.fidelite_expiry_policy == "months" and program.fidelite_expiry_months <= 0:
                raise ValidationError(
                    self.env._("Points of %s must stay valid at least one month.", program.display_name)
                )

    @api.constrains("fidelite_tier_window_months", "fidelite_tier_grace_months")
    def _check_fidelite_tier_periods(self):
        for program in self:
            if program.fidelite_tier_window_months <= 0 or program.fidelite_tier_grace_months < 0:
                raise ValidationError(
                    self.env._(
                        "%s: the qualification window is one month or more, the grace period cannot be negative.",
                        program.display_name,
                    )
                )

    @api.constrains(
        "fidelite_birthday_reward",
        "fidelite_birthday_points",
        "fidelite_birthday_coupon_program_id",
        "fidelite_birthday_validity_days",
        "fidelite_birthday_days_before",
    )
    def _check_fidelite_birthday(self):
        for program in self:
            reward = program.fidelite_birthday_reward
            if reward == "points" and program.fidelite_birthday_points <= 0:
                raise ValidationError(
                    self.env._("%s: give a positive number of birthday points.", program.display_name)
                )
            if reward == "coupon" and not program.fidelite_birthday_coupon_program_id:
                raise ValidationError(
                    self.env._("%s: choose the coupon program of the birthday coupon.", program.display_name)
                )
            if program.fidelite_birthday_validity_days < 0 or program.fidelite_birthday_days_before < 0:
                raise ValidationError(self.env._("%s: birthday days cannot be negative.", program.display_name))

    @api.constrains(
        "fidelite_referral_referrer_points", "fidelite_referral_referee_points", "fidelite_referral_minimum_amount"
    )
    def _check_fidelite_referral(self):
        for program in self:
            if (
                min(
                    program.fidelite_referral_referrer_points,
                    program.fidelite_referral_referee_points,
                    program.fidelite_referral_minimum_amount,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._("%s: referral points and amounts cannot be negative.", program.display_name)
                )

    def write(self, vals):
        result = super().write(vals)
        if vals.keys() & API_CACHED_FIELDS:
            self.env.registry.clear_cache()  # the API's cached keys (fidelite.partner.merchant.key)
        return result

    def _update_field_translations(self, field_name, translations, digest=None, source_lang=""):
        result = super()._update_field_translations(field_name, translations, digest, source_lang)
        if field_name in API_CACHED_FIELDS:
            self.env.registry.clear_cache()  # the program's name in every language, cached by the API
        return result

    def action_fidelite_simulate(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Simulate the bonus rules"),
            "res_model": "fidelite.rule.simulation",
            "view_mode": "form",
            "target": "new",
            "context": {"default_program_id": self.id},
        }

    def _fidelite_expiry_date(self, earned_on):
        """The date points earned on ``earned_on`` expire (False: never): usable until the day before."""
        self.ensure_one()
        if self.fidelite_expiry_policy == "months":
            return earned_on + relativedelta(months=self.fidelite_expiry_months)
        if self.fidelite_expiry_policy == "end_of_next_year":
            return earned_on.replace(year=earned_on.year + 2, month=1, day=1)
        return False

    @api.model
    @tools.ormcache("program_id")
    def _fidelite_has_points_reach_mail(self, program_id):
        """Whether the program sends one of Odoo's "when reaching N points" mails.

        The ledger asks on every credit: cached, and cleared when a program's mails change
        (``loyalty.mail``).
        """
        program = self.sudo().with_context(active_test=True).browse(program_id)
        return any(mail.trigger == "points_reach" for mail in program.communication_plan_ids)

    @api.model
    def fidelite_pos_bonus_preview(self, session_id, program_ids, partner_id, product_ids, amount_incl, amount_excl):
        """What the bonus rules would give the till's current basket now (a preview).

        Only for the POS user who opened ``session_id``, while it is open, with the user's own
        rights, for the programs that session's till loads; the answer is what the till shows:
        per program, the multiplier, the points added and the names of the rules that fire. The
        server evaluates the rules again when the order is synced.
        """
        session = self._fidelite_preview_session(session_id)
        partner = self.env["res.partner"].browse(partner_id).exists()
        till_programs = session.config_id._get_program_ids()
        programs = till_programs.filtered(lambda p: p.id in set(program_ids or ()) and p.fidelite_has_rules)
        if not partner or not programs:
            return {}
        partner.check_access("read")
        tz = pytz.timezone(self.env.user.tz or self.env.company.partner_id.tz or "UTC")
        moment = pytz.utc.localize(fields.Datetime.now()).astimezone(tz)
        products = self.env["product.product"].browse(product_ids).exists()
        return rules.preview(programs, partner, products, amount_incl, amount_excl, moment)

    @api.model
    def _fidelite_preview_session(self, session_id):
        """The open POS session of the current user ``session_id`` is, else an AccessError."""
        user = self.env.user
        session = self.env["pos.session"].browse(session_id if isinstance(session_id, int) else 0).exists()
        if (
            not user.has_group("point_of_sale.group_pos_user")
            or not session
            or session.state != "opened"
            or session.user_id != user
        ):
            raise AccessError(self.env._("The bonus preview is for the cashier of an open session only."))
        session.check_access("read")
        return session

    @api.model
    def _load_pos_data_fields(self, config):
        return [*super()._load_pos_data_fields(config), "fidelite_has_rules"]
