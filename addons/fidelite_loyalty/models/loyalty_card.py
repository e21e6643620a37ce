from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..services import birthdays, card_codes, card_lookup, gift_cards, ledger, tiers

MEDIA = [
    ("barcode_ean13", "Printed barcode (EAN-13)"),
    ("barcode_code128", "Printed barcode (Code 128)"),
    ("qr", "QR code"),
    ("contactless", "Contactless (UID)"),
    ("chip", "Contact chip"),
    ("virtual", "Virtual (portal/wallet)"),
]
STATES = [
    ("active", "Active"),
    ("lost", "Lost"),
    ("blocked", "Blocked"),
    ("replaced", "Replaced"),
    ("closed", "Closed"),
]
# Context key under which server flows (a sales order's confirmation, the till's confirmation of
# its checked coupons) let Odoo's own code write ``points``; its value must be ``ledger.TRUSTED``
POINTS_WRITER = "fidelite_points_writer"
# Who may still change a balance directly (Odoo's balance wizard, imports): as a movement of the difference
POINTS_MANAGER_GROUPS = (
    "fidelite_loyalty.group_fidelite_manager",
    "sales_team.group_sale_manager",
    "point_of_sale.group_pos_manager",
)


class LoyaltyCard(models.Model):
    """A card on any medium, whose balance is the sum of its ledger movements.

    Its printed code is Odoo's ``code``, a reader's UID ``fidelite_uid``. Odoo's own flows (sales
    orders, the update-balance wizard, gift card creation...) still write ``points``: such a
    write becomes a movement of the difference with the value the caller read, applied under
    the card's row lock, so ``points += x`` from two transactions adds both.
    """

    _inherit = "loyalty.card"

    fidelite_medium = fields.Selection(MEDIA, string="Medium", default="virtual", required=True)
    fidelite_state = fields.Selection(
        STATES, string="Card status", default="active", required=True, index=True, tracking=True, copy=False
    )
    fidelite_uid = fields.Char(
        string="Chip UID",
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="The identifier a contactless or chip reader gives, in hexadecimal.",
    )
    fidelite_state_reason = fields.Char(string="Status reason", copy=False)
    fidelite_state_date = fields.Datetime(string="Status changed on", copy=False, readonly=True)
    fidelite_state_user_id = fields.Many2one("res.users", string="Status changed by", copy=False, readonly=True)
    fidelite_replaced_by_id = fields.Many2one("loyalty.card", string="Replaced by", copy=False, readonly=True)
    fidelite_replacement_of_id = fields.Many2one("loyalty.card", string="Replaces", copy=False, readonly=True)
    fidelite_move_ids = fields.One2many(
        "fidelite.points.move", "card_id", string="Points movements", groups="fidelite_loyalty.group_fidelite_user"
    )
    fidelite_move_count = fields.Integer(
        compute="_compute_fidelite_move_count", string="Movements", groups="fidelite_loyalty.group_fidelite_user"
    )
    fidelite_tier_id = fields.Many2one(
        "fidelite.tier", string="Tier", index="btree_not_null", readonly=True, tracking=True
    )
    fidelite_tier_name = fields.Char(related="fidelite_tier_id.name", string="Tier name")
    fidelite_tier_key = fields.Integer(related="fidelite_tier_id.id", string="Tier id")
    fidelite_tier_multiplier = fields.Float(related="fidelite_tier_id.multiplier", string="Tier multiplier")
    fidelite_tier_since = fields.Date(string="Tier since", readonly=True)
    fidelite_tier_review_date = fields.Date(string="Tier review", index="btree_not_null", readonly=True)
    fidelite_tier_grace_until = fields.Date(string="Tier kept until", readonly=True)
    fidelite_tier_history_ids = fields.One2many("fidelite.tier.history", "card_id", string="Tier history")
    fidelite_next_expiry = fields.Date(
        string="Next points expiry",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The earliest date on which some of the card's points may expire.",
    )
    fidelite_coupon_rule_id = fields.Many2one(
        "fidelite.coupon.rule",
        string="Issued by coupon rule",
        index="btree_not_null",
        copy=False,
        readonly=True,
        ondelete="restrict",
    )

    _fidelite_uid_unique = models.UniqueIndex(
        "(COALESCE(company_id, 0), fidelite_uid) WHERE fidelite_uid IS NOT NULL",
        "Another card of this company already has this UID.",
    )
    _fidelite_coupon_once_per_order = models.UniqueIndex(
        "(source_pos_order_id, fidelite_coupon_rule_id) WHERE fidelite_coupon_rule_id IS NOT NULL",
        "This rule already issued a coupon for this order.",
    )

    def _compute_fidelite_move_count(self):
        counts = dict(
            self.env["fidelite.points.move"]._read_group([("card_id", "in", self.ids)], ["card_id"], ["__count"])
        )
        for card in self:
            card.fidelite_move_count = counts.get(card, 0)

    @api.constrains("fidelite_uid", "company_id")
    def _check_fidelite_uid_unique(self):
        for card in self.filtered("fidelite_uid"):
            card._fidelite_check_uid_free(card.fidelite_uid, card.company_id, exclude=card)

    @api.model
    def _fidelite_check_uid_free(self, uid, company, exclude=None):
        """A clear error, before the database's unique index refuses it, for a UID already used."""
        domain = [("fidelite_uid", "=", uid), ("company_id", "=", company.id)]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        duplicate = self.with_context(active_test=False).search(domain, limit=1)
        if duplicate:
            raise ValidationError(
                self.env._("The UID %(uid)s is already the one of card %(card)s.", uid=uid, card=duplicate.code)
            )

    @api.constrains("code", "fidelite_medium")
    def _check_fidelite_ean13(self):
        for card in self.filtered(lambda card: card.fidelite_medium == "barcode_ean13"):
            card_codes.check_ean13(self.env, card.code)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("fidelite_uid"):
                vals["fidelite_uid"] = card_codes.normalize_uid(self.env, vals["fidelite_uid"])
                vals.setdefault("fidelite_medium", "contactless")
                program = self.env["loyalty.program"].browse(vals.get("program_id"))
                self._fidelite_check_uid_free(vals["fidelite_uid"], program.company_id)
        if self.env.context.get(ledger.LEDGER_CONTEXT) is ledger.TRUSTED:
            return super().create(vals_list)
        opening = [vals.pop("points", 0.0) for vals in vals_list]
        if any(opening):
            self._fidelite_check_points_writer()
        cards = super().create(vals_list)
        for card, points in zip(cards, opening, strict=True):
            if points:
                ledger.post(
                    card,
                    points,
                    "earn" if points > 0 else "adjust",
                    origin=self.env.context.get("fidelite_origin", "system"),
                    reason=self.env.context.get("fidelite_reason") or self.env._("Initial balance"),
                    history=self.env.context.get("fidelite_history", False),
                )
        cards._fidelite_enrol_holders()
        return cards

    def write(self, vals):
        if vals.get("fidelite_uid"):
            vals = dict(vals, fidelite_uid=card_codes.normalize_uid(self.env, vals["fidelite_uid"]))
        if "points" in vals and self.env.context.get(ledger.LEDGER_CONTEXT) is not ledger.TRUSTED:
            self._fidelite_check_points_writer()
            res = self._fidelite_write_points_as_movements(vals)
        else:
            res = super().write(vals)
        if vals.get("partner_id"):
            self._fidelite_enrol_holders()
        return res

    def _fidelite_check_points_writer(self):
        """Only the server's own flows and loyalty managers change a balance outside the ledger.

        A cashier, a salesperson or a portal user may write other fields of a card their
        rights allow, never its points: the till's, the sales order's and the portal's points
        are posted by the server's flows (``fidelite_points_writer`` set by server code, or
        superuser rights at an entry point).
        """
        if self.env.su or self.env.context.get(POINTS_WRITER) is ledger.TRUSTED:
            return
        if not any(self.env.user.has_group(group) for group in POINTS_MANAGER_GROUPS):
            raise AccessError(
                self.env._(
                    "A card's points change only through its movements: ask a loyalty manager for an adjustment."
                )
            )

    def _fidelite_write_points_as_movements(self, vals):
        """Odoo's own code writes ``points``: record the difference with what it read as a movement."""
        vals = dict(vals)
        target = vals.pop("points")
        seen = {card.id: card.points for card in self}
        res = super().write(vals) if vals else True
        context = self.env.context
        for card in self:
            delta = target - seen[card.id]
            if not delta:
                continue
            move_type = context.get("fidelite_move_type") or ("earn" if delta > 0 else "redeem")
            pos_order_id = context.get("fidelite_pos_order_id")
            pos_values = {}
            if pos_order_id:  # a POS order's confirmation: once per order and card, however often replayed
                pos_values = {
                    "key": f"pos.order:{pos_order_id}:{card.id}:coupon",
                    "pos_order_id": pos_order_id,
                    "store_id": context.get("fidelite_store_id", False),
                }
            ledger.post(
                card,
                delta,
                move_type,
                origin=context.get("fidelite_origin", "system"),
                reason=context.get("fidelite_reason"),
                history=context.get("fidelite_history", False),
                sale_order_id=context.get("fidelite_sale_order_id", False),
                **pos_values,
            )
        return res

    def _fidelite_enrol_holders(self):
        """A partner who receives a card of a loyalty program becomes a member."""
        self.filtered(lambda card: card.program_id.program_type == "loyalty").partner_id._fidelite_enrol()

    @api.model
    def _fidelite_next_ean13(self, company=None):
        """A new card number: the company's in-store prefix, random digits, a check digit."""
        return self._fidelite_new_ean13_codes(1, company)[0]

    @api.model
    def _fidelite_new_ean13_codes(self, count, company=None):
        """``count`` new unique card numbers, unpredictable (not a sequence one could enumerate)."""
        self.flush_model(["code"])
        prefix = (company or self.env.company).fidelite_card_prefix or "299"
        return card_codes.new_ean13_codes(self.env, prefix, count)

    @api.model
    def fidelite_lookup(self, identifier):
        """Find a usable card by any identifier (POS, portal, API); raises a clear error otherwise."""
        card, found_by = card_lookup.find_card(self.env, identifier, self.env.company)
        return card_lookup.describe(card, found_by)

    @api.model
    def fidelite_gift_card_balance(self, code):
        """Balance, currency, expiry and state of the gift card printed with ``code`` (till, portal).

        Unknown, blocked and expired codes raise a ``UserError`` saying so; limiting how often a
        visitor may ask is the caller's job (the portal's).
        """
        return gift_cards.balance(self.env, code)

    @api.model
    def fidelite_activate(self, identifier, partner_id):
        """Hand a pre-printed card of the stock to a member at the till."""
        partner = self.env["res.partner"].browse(partner_id).exists()
        if not partner:
            raise UserError(self.env._("Choose the member who receives the card."))
        card, _found_by = card_lookup.find_card(self.env, identifier, self.env.company)
        if card.partner_id and card.partner_id != partner:
            raise UserError(
                self.env._("Card %(card)s already belongs to %(owner)s.", card=card.code, owner=card.partner_id.name)
            )
        other = self.search(
            [("partner_id", "=", partner.id), ("program_id", "=", card.program_id.id), ("id", "!=", card.id)],
            limit=1,
        )
        if other:
            raise UserError(
                self.env._(
                    "%(member)s already has card %(card)s in %(program)s: replace it instead.",
                    member=partner.name,
                    card=other.code,
                    program=card.program_id.name,
                )
            )
        card.partner_id = partner
        return card_lookup.describe(card, "code")

    def _fidelite_set_state(self, state, reason):
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason of the status change."))
        labels = dict(self._fields["fidelite_state"]._description_selection(self.env))
        for card in self:
            card.write(
                {
                    "fidelite_state": state,
                    "fidelite_state_reason": reason,
                    "fidelite_state_date": fields.Datetime.now(),
                    "fidelite_state_user_id": self.env.uid,
                }
            )
            card.message_post(body=self.env._("Card %(state)s: %(reason)s", state=labels[state].lower(), reason=reason))

    def action_fidelite_change_state(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change card status"),
            "res_model": "fidelite.card.state.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_card_id": self.id, "default_new_state": self.env.context.get("fidelite_state")},
        }

    def action_fidelite_reactivate(self):
        if not self.env.user.has_group("fidelite_loyalty.group_fidelite_manager"):
            raise UserError(self.env._("Only a Fidélité manager can reactivate a card."))
        for card in self:
            if card.fidelite_state == "replaced":
                raise ValidationError(self.env._("A replaced card stays replaced: its points moved to the new card."))
        self._fidelite_set_state("active", self.env._("Reactivated"))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_movements(self):
        if self.env["fidelite.points.move"].search_count([("card_id", "in", self.ids)], limit=1):
            raise UserError(self.env._("A card with points movements cannot be deleted: close or archive it instead."))

    def action_fidelite_view_moves(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("fidelite_loyalty.action_fidelite_points_move")
        action["domain"] = [("card_id", "=", self.id)]
        action["context"] = {"default_card_id": self.id}
        return action

    def action_fidelite_adjust(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Adjust points"),
            "res_model": "fidelite.points.adjust.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_card_id": self.id},
        }

    def _fidelite_points_expiring(self, days):
        """Points of each card that expire within ``days`` days: {card: points}."""
        limit = fields.Date.add(fields.Date.context_today(self), days=days)
        result = {}
        for card in self:
            result[card] = sum(
                lot.remaining
                for lot in ledger.lots(card)
                if lot.remaining > 0 and lot.move.expiry_date and lot.move.expiry_date <= limit
            )
        return result

    @api.model
    def _fidelite_cards_expiring_domain(self, days):
        """Domain of the cards that may have points expiring within ``days`` days (for reminders)."""
        limit = fields.Date.add(fields.Date.context_today(self), days=days)
        return [("fidelite_next_expiry", "<=", limit), ("points", ">", 0)]

    @api.model
    def _cron_fidelite_birthdays(self):
        """Give today's birthday rewards (see the programs' Birthday settings)."""
        # the daily job rewards every company's members: all programs, cards and households
        birthdays.run(self.sudo().env)

    @api.model
    def _cron_fidelite_review_tiers(self, batch_size=500):
        """Review the tiers due today, in batches; safe to stop and run again."""
        today = fields.Date.context_today(self)
        # cron: the cards of every company, whose tiers and ledger no caller's rights cover
        self.sudo()._fidelite_in_batches(
            [("fidelite_tier_review_date", "<=", today), ("program_id.fidelite_tier_ids", "!=", False)],
            lambda card: tiers.review(card, today),
            batch_size,
        )

    @api.model
    def _cron_fidelite_expire_points(self, batch_size=500):
        """Expire the points due today, in batches; safe to stop and run again."""
        today = fields.Date.context_today(self)

        def expire(card):
            ledger.expire_card(card, today)
            card.with_context(**{ledger.LEDGER_CONTEXT: ledger.TRUSTED}).fidelite_next_expiry = ledger.next_expiry(card)

        # cron: the cards of every company, whose ledger no caller's rights cover
        self.sudo()._fidelite_in_batches([("fidelite_next_expiry", "<=", today)], expire, batch_size)

    @api.model
    def _fidelite_in_batches(self, domain, process, batch_size):
        """Run ``process`` on the cards of ``domain`` by id, a batch per commit when run by the cron.

        A card processed no longer matches ``domain``; a run cut short by the cron's time limit
        goes on from where it stopped the next time.
        """
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        cards = self.search(domain, order="id", limit=batch_size)
        while cards:
            for card in cards:
                process(card)
            if in_cron and self.env["ir.cron"]._commit_progress(len(cards)) <= 0:
                return
            cards = self.search([*domain, ("id", ">", cards[-1].id)], order="id", limit=batch_size)

    @api.model
    def _load_pos_data_fields(self, config):
        return [
            *super()._load_pos_data_fields(config),
            "fidelite_tier_name",
            "fidelite_tier_multiplier",
            "fidelite_tier_key",
        ]

    @api.model
    def get_loyalty_card_partner_by_code(self, code):
        try:
            card, _found_by = card_lookup.find_card(self.env, code, self.env.company, active_only=False)
        except UserError:
            return super().get_loyalty_card_partner_by_code(code)
        if card.program_id.program_type != "loyalty":
            return super().get_loyalty_card_partner_by_code(code)
        card_lookup.check_usable(card)
        return card.partner_id or False
