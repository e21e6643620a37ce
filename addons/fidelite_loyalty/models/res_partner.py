from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..services import birthdays, referral
from .fidelite_consent import CHANNELS


class ResPartner(models.Model):
    _inherit = "res.partner"

    birthdate = fields.Date(string="Birth date")
    fidelite_birthday_key = fields.Integer(compute="_compute_fidelite_birthday_key", store=True, index="btree_not_null")
    fidelite_dependant_ids = fields.One2many("fidelite.dependant", "partner_id", string="Household")
    fidelite_member_number = fields.Char(string="Member number", copy=False, readonly=True, index="btree_not_null")
    fidelite_member_since = fields.Date(string="Member since", copy=False, readonly=True)
    fidelite_is_member = fields.Boolean(string="Member", copy=False, readonly=True, index=True)
    fidelite_home_store_id = fields.Many2one("pos.config", string="Home store", copy=False)
    fidelite_enrolled_outlet_id = fields.Many2one(
        "fidelite.outlet",
        string="Enrolled at",
        copy=False,
        index="btree_not_null",
        help="The outlet that recruited the member (by default the outlet of the home store).",
    )
    fidelite_referral_code = fields.Char(string="Referral code", copy=False, readonly=True, index="btree_not_null")
    fidelite_referred_by_id = fields.Many2one(
        "res.partner", string="Referred by", copy=False, readonly=True, index="btree_not_null"
    )
    fidelite_referee_ids = fields.One2many("res.partner", "fidelite_referred_by_id", string="Referred customers")
    fidelite_referral_rewarded = fields.Boolean(string="Referral rewarded", copy=False, readonly=True)
    fidelite_consent_ids = fields.One2many("fidelite.consent", "partner_id", string="Consent history")
    fidelite_consent_email = fields.Boolean(string="E-mail consent", compute="_compute_fidelite_consents", store=True)
    fidelite_consent_sms = fields.Boolean(string="SMS consent", compute="_compute_fidelite_consents", store=True)
    fidelite_consent_postal = fields.Boolean(string="Postal consent", compute="_compute_fidelite_consents", store=True)
    fidelite_consent_phone = fields.Boolean(string="Phone consent", compute="_compute_fidelite_consents", store=True)
    fidelite_card_ids = fields.One2many("loyalty.card", "partner_id", string="Loyalty cards")
    fidelite_points = fields.Float(string="Points balance", compute="_compute_fidelite_points")
    fidelite_kpi_ids = fields.One2many("fidelite.member.kpi", "partner_id", string="Member figures")
    fidelite_segment_ids = fields.Many2many(
        "fidelite.segment", "fidelite_segment_member_rel", "partner_id", "segment_id", string="Segments"
    )

    _fidelite_referral_code_unique = models.UniqueIndex(
        "(fidelite_referral_code) WHERE fidelite_referral_code IS NOT NULL",
        "This referral code is already used.",
    )
    _fidelite_member_number_unique = models.UniqueIndex(
        "(COALESCE(company_id, 0), fidelite_member_number) WHERE fidelite_member_number IS NOT NULL",
        "This member number is already used.",
    )

    @api.depends("birthdate")
    def _compute_fidelite_birthday_key(self):
        for partner in self:
            partner.fidelite_birthday_key = birthdays.birthday_key(partner.birthdate)

    @api.depends("fidelite_consent_ids.granted", "fidelite_consent_ids.date")
    def _compute_fidelite_consents(self):
        for partner in self:
            history = partner.fidelite_consent_ids.sorted(lambda c: (c.date, c.id), reverse=True)
            for channel, _label in CHANNELS:
                latest = history.filtered(lambda c, channel=channel: c.channel == channel)[:1]
                partner[f"fidelite_consent_{channel}"] = latest.granted

    def _compute_fidelite_points(self):
        cards = self.env["loyalty.card"]._read_group(
            [("partner_id", "in", self.ids), ("program_type", "=", "loyalty")], ["partner_id"], ["points:sum"]
        )
        balances = {partner.id: points for partner, points in cards}
        for partner in self:
            partner.fidelite_points = balances.get(partner.id, 0.0)

    def _fidelite_has_consent(self, channel):
        self.ensure_one()
        return bool(self[f"fidelite_consent_{channel}"])

    def _fidelite_set_consent(self, channel, granted, source, note=None):
        """Record the member's choice on ``channel`` (a new line only when it changes it)."""
        if channel not in dict(CHANNELS):
            raise UserError(self.env._("Unknown consent channel: %s", channel))
        Consent = self.env["fidelite.consent"]
        for partner in self:
            if partner.fidelite_consent_ids.filtered(lambda c: c.channel == channel)[:1] and (
                partner._fidelite_has_consent(channel) == bool(granted)
            ):
                continue
            Consent |= Consent.create(
                {"partner_id": partner.id, "channel": channel, "granted": granted, "source": source, "note": note}
            )
        return Consent

    def _fidelite_enrol(self):
        """Make the partners members: a member number from the sequence, and the date, once."""
        today = fields.Date.context_today(self)
        # enrolment (a card given at the till, the back office, the portal): the member number comes
        # from a sequence and the referral code must be unique among partners the caller may not read
        for partner in self.sudo().filtered(lambda p: not p.fidelite_is_member):
            partner.write(
                {
                    "fidelite_is_member": True,
                    "fidelite_member_number": partner.fidelite_member_number
                    or partner.env["ir.sequence"].next_by_code("fidelite.member"),
                    "fidelite_member_since": partner.fidelite_member_since or today,
                    "fidelite_referral_code": partner.fidelite_referral_code or referral.new_code(partner.env),
                }
            )

    def fidelite_apply_referral_code(self, code):
        """The customer joins on a member's recommendation (till, portal, sign-up form).

        Callable over JSON-RPC: each call counts as a look-up of the calling user, limited to
        ``fidelite_loyalty.referral_lookups_per_hour`` (10 by default), refused ones included.
        Server code calling it as superuser (the portal, which throttles its visitors itself)
        is not counted.
        """
        self.ensure_one()
        self.check_access("read")  # the caller's own contact or customer: never another's by its id
        # POS RPC (and the referral wizard): the code names a member and the first purchase is
        # looked for in POS and Sales, which the cashier or the back office may not read; the
        # look-up limit is a system setting
        referee = self.sudo()
        if not self.env.su:
            params = referee.env["ir.config_parameter"]
            limit = int(params.get_param(referral.LOOKUPS_PARAM, referral.DEFAULT_LOOKUPS_PER_HOUR) or 0)
            referral.check_lookup_rate(self.env, limit)
        return referral.apply_code(referee, code).name

    def action_fidelite_enrol(self):
        """The back office's button (a card given at the till enrols through ``loyalty.card``)."""
        if not self.env.su and not self.env.user.has_group("fidelite_loyalty.group_fidelite_user"):
            raise AccessError(self.env._("Only a Fidélité user can enrol a member."))
        self._fidelite_enrol()
        return True

    def action_fidelite_consent(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record a consent"),
            "res_model": "fidelite.consent.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }
