"""The entry points that raise privilege (``sudo()``), each tried by a user who has not the right.

Services run with the rights of their caller; only these entry points raise, once, after their
own check. Each test calls one of them as someone who must be refused and checks that nothing
changed: balances, cards, partners, requests.
"""

from datetime import timedelta

from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user

from odoo.addons.fidelite_campaigns.tests.common import CampaignCase
from odoo.addons.fidelite_loyalty.services import ledger
from odoo.addons.fidelite_loyalty.tests.ledger_common import LedgerAssertions, make_loyalty_program
from odoo.addons.fidelite_loyalty.tests.pos_common import PosOrderCase
from odoo.addons.fidelite_portal.tests.common import PREFIX_DEFAULT, PortalMembersCase


class BoundaryTags:
    # outside an addon Odoo cannot infer these
    test_tags = {"standard", "post_install"}
    test_module = "fidelite_loyalty"


class TestAttackBoundariesTill(BoundaryTags, PosOrderCase):
    """The till's RPC methods, called by a portal user (a customer's account, not a cashier)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(cls.env, login="fid_boundary_portal", groups="base.group_portal")

    def _moves(self):
        return self.env["fidelite.points.move"].sudo().search_count([("card_id", "=", self.card.id)])

    def test_attack_boundary_sync_from_ui(self):
        data = self.order_data([(self.beans, 3)])
        with self.assertRaises(AccessError):
            self.env["pos.order"].with_user(self.portal).sync_from_ui([data])
        self.assertFalse(self.env["pos.order"].search([("uuid", "=", data["uuid"])]))
        self.assert_balance(self.card, 0, history=False)

    def test_attack_boundary_confirm_coupon_programs(self):
        order = self.sync(self.order_data([(self.beans, 1)]))
        self.assert_balance(self.card, 10)
        moves = self._moves()
        with self.assertRaises(AccessError):
            order.with_user(self.portal).confirm_coupon_programs(self.client_data(10))
        self.assert_balance(self.card, 10)
        self.assertEqual(self._moves(), moves)

    def test_attack_boundary_apply_referral_code(self):
        """A customer's account names another partner: refused before the entry point raises."""
        referrer = self.env["res.partner"].create({"name": "Parrain Lefort"})
        referrer._fidelite_enrol()
        with self.assertRaises(AccessError):
            self.member.with_user(self.portal).fidelite_apply_referral_code(referrer.fidelite_referral_code)
        self.assertFalse(self.member.fidelite_referred_by_id)

    def test_attack_boundary_member_panel(self):
        ledger.post(self.card, 25, "earn", reason="Earlier purchases")
        config = self.config.with_user(self.portal)
        with self.assertRaises(AccessError):
            config.fidelite_member_panel(self.card.code, "barcode")
        self.assert_balance(self.card, 25)

    def test_attack_boundary_enrol_card(self):
        partners = self.env["res.partner"].search_count([])
        cards = self.env["loyalty.card"].search_count([])
        with self.assertRaises(AccessError):
            self.config.with_user(self.portal).fidelite_enrol_card("04A1B2C3D4E5F6", "contactless", name="Intrus")
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        self.assertEqual(self.env["loyalty.card"].search_count([]), cards)


class TestAttackBoundariesBackOffice(BoundaryTags, HttpCase, LedgerAssertions):
    """The crons and the managers' actions, asked for by users who may not run them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = make_loyalty_program(cls.env)
        cls.member = cls.env["res.partner"].create({"name": "Nina Rossi"})
        cls.card = cls.env["loyalty.card"].create(
            {"program_id": cls.program.id, "partner_id": cls.member.id, "code": "FIDBOUND01"}
        )
        yesterday = fields.Date.context_today(cls.card) - timedelta(days=1)
        ledger.post(cls.card, 30, "earn", reason="Old purchases", expiry_date=yesterday)
        cls.clerk = new_test_user(
            cls.env, login="fid_boundary_clerk", groups="base.group_user,fidelite_loyalty.group_fidelite_user"
        )
        cls.cashier = new_test_user(
            cls.env, login="fid_boundary_cashier", groups="base.group_user,point_of_sale.group_pos_user"
        )
        cls.portal = new_test_user(cls.env, login="fid_boundary_portal", groups="base.group_portal")

    def _call(self, login, model, method, args):
        """The JSON-RPC error data of a ``call_kw`` as ``login`` (password = login), or None."""
        self.authenticate(login, login)
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {"model": model, "method": method, "args": args, "kwargs": {}},
            },
        )
        self.assertEqual(response.status_code, 200)
        return response.json().get("error", {}).get("data")

    def test_attack_boundary_cron_expire_points(self):
        """The cron raises for every company's cards: over RPC nobody may start it."""
        for login in (self.clerk.login, self.cashier.login):
            with self.subTest(login=login):
                error = self._call(login, "loyalty.card", "_cron_fidelite_expire_points", [])
                self.assertTrue(error, "a private cron method answered over RPC")
                self.assertIn("cannot be called remotely", error["message"])
        self.assert_balance(self.card, 30, history=False)

    def test_attack_boundary_cron_review_tiers(self):
        review = self.card.fidelite_tier_review_date
        error = self._call(self.clerk.login, "loyalty.card", "_cron_fidelite_review_tiers", [])
        self.assertIn("cannot be called remotely", error["message"])
        self.assertEqual(self.card.fidelite_tier_review_date, review)
        self.assertFalse(self.env["fidelite.tier.history"].search([("card_id", "=", self.card.id)]))

    def test_attack_boundary_coupon_rule_simulation(self):
        """A manager's wizard (it reads any till's order): a cashier or a Fidélité user may not open it."""
        for user in (self.cashier, self.clerk):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["fidelite.coupon.rule.simulation"].with_user(user).create({})

    def test_attack_boundary_enrol_from_a_customer_account(self):
        """Enrolment raises (sequence, unique code): a customer's account may not enrol itself over RPC."""
        partner = self.portal.partner_id
        error = self._call(self.portal.login, "res.partner", "action_fidelite_enrol", [[partner.id]])
        self.assertTrue(error, "a customer's account enrolled itself")
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertFalse(partner.fidelite_is_member)
        self.assertFalse(partner.fidelite_member_number)


class TestAttackBoundariesPortal(PortalMembersCase):
    """The portal routes that raise, asked for by a visitor who is not signed in."""

    test_tags = {"standard", "post_install"}
    test_module = "fidelite_portal"

    def _post(self, path, **data):
        self.authenticate(None, None)
        return self.url_open(
            f"{PREFIX_DEFAULT}{path}", data={"csrf_token": http.Request.csrf_token(self), **data}, allow_redirects=False
        )

    def assert_refused(self, response):
        self.assertIn(response.status_code, (303, 302, 400, 403), response.text[:200])
        if response.status_code in (302, 303):
            self.assertIn("/web/login", response.headers["Location"])

    def test_attack_boundary_portal_gift_card_balance(self):
        attempts = self.env["fidelite.portal.attempt"].search_count([])
        response = self._post("/gift-cards/balance", code="GIFT-B-7788")
        self.assert_refused(response)
        self.assertEqual(self.env["fidelite.portal.attempt"].search_count([]), attempts)

    def test_attack_boundary_portal_profile_save(self):
        response = self._post("/profile/save", name="Hacked", email="x@example.com")
        self.assert_refused(response)
        self.assertEqual(self.user_b.partner_id.name, "Bruno Secretname")
        self.assertEqual(self.user_a.partner_id.name, "Claire Dubois")

    def test_attack_boundary_portal_referral_apply(self):
        code = self.user_b.partner_id.fidelite_referral_code
        response = self._post("/referral/apply", code=code or "ABCDEFGH")
        self.assert_refused(response)
        self.assertFalse(self.env["res.partner"].search_count([("fidelite_referred_by_id", "!=", False)]))

    def test_attack_boundary_portal_reward_claim(self):
        response = self._post(f"/card/{self.card_b.id}/rewards/{self.reward.id}/claim", claim_key="visitor")
        self.assert_refused(response)
        self.assertEqual(self.card_b.points, 220)
        self.assertEqual(self.env["fidelite.reward.redemption"].search_count([("card_id", "=", self.card_b.id)]), 1)

    def test_attack_boundary_portal_erasure_request(self):
        requests = self.env["fidelite.erasure.request"].search_count([])
        response = self._post("/privacy/erase", reason="visitor", confirm="1")
        self.assert_refused(response)
        self.assertEqual(self.env["fidelite.erasure.request"].search_count([]), requests)

    def test_attack_boundary_erasure_approve_by_a_user(self):
        """The manager's approval raises to anonymise: a Fidélité user (not manager) is refused."""
        clerk = new_test_user(
            self.env, login="fid_boundary_erasure_clerk", groups="base.group_user,fidelite_loyalty.group_fidelite_user"
        )
        with self.assertRaises(UserError):
            self.erasure_b.with_user(clerk).action_approve()
        self.assertEqual(self.erasure_b.state, "requested")
        self.assertEqual(self.user_b.partner_id.name, "Bruno Secretname")


class TestAttackBoundariesCampaigns(CampaignCase):
    """The campaigns' entry points that raise: a manager's buttons, asked for by a Fidélité user."""

    test_tags = {"standard", "post_install"}
    test_module = "fidelite_campaigns"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice = cls._member("Alice Martin")
        cls.clerk = new_test_user(
            cls.env, login="fid_boundary_chain_clerk", groups="base.group_user,fidelite_loyalty.group_fidelite_user"
        )
        cls.manager = new_test_user(
            cls.env,
            login="fid_boundary_chain_manager",
            groups="base.group_user,fidelite_loyalty.group_fidelite_manager",
        )

    def test_attack_boundary_chain_run_now(self):
        segment = self._segment(self.alice)
        chain, _steps = self._chain([{"delay": 0}], segment_id=segment.id)
        chain.action_start()
        with self.assertRaises(AccessError):
            chain.with_user(self.clerk).action_run_now()
        self.assertFalse(chain.participant_ids)
        self.assertFalse(self._traces(chain))
        chain.with_user(self.manager).action_run_now()  # the manager's button raises for the engine
        self.assertEqual(chain.participant_ids.partner_id, self.alice)

    def test_attack_boundary_sync_mailing_list(self):
        mailing_list = self.env["mailing.list"].create({"name": "Club newsletter"})
        segment = self._segment(self.alice)
        segment.mailing_list_id = mailing_list
        with self.assertRaises(AccessError):
            segment.with_user(self.clerk).action_sync_mailing_list()
        self.assertFalse(mailing_list.subscription_ids)
        segment.with_user(self.manager).action_sync_mailing_list()
        self.assertEqual(mailing_list.subscription_ids.contact_id.email_normalized, self.alice.email_normalized)
