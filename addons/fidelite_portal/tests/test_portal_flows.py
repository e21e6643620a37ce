from datetime import date, timedelta

from odoo.tests import tagged

from .common import PREFIX_DEFAULT, PortalMembersCase


@tagged("post_install", "-at_install")
class TestPortalFlows(PortalMembersCase):
    """What member A does in their space persists, and what is wrong is refused with a message."""

    def setUp(self):
        super().setUp()
        self.login(self.user_a)
        self.partner_a = self.user_a.partner_id

    def test_home_shows_tier_progress_expiry_and_recent_moves(self):
        page = self.url_open(PREFIX_DEFAULT).text
        self.assertIn("Membre", page)
        self.assertIn("358", page, "500 - 142 points left to reach Privilège")
        self.assertIn("Privilège", page)
        self.assertIn("o_fidelite_expiring", page)
        self.assertIn("142 points expire within 90 days", " ".join(page.split()))
        self.assertIn("Purchases", page)

    def test_history_is_paginated_and_filtered(self):
        for number in range(25):
            self._ledger(self.card_a, 1, "earn", f"Small purchase {number}")
        self._ledger(self.card_a, -5, "adjust", "Correction")
        page = self.url_open(f"{PREFIX_DEFAULT}/card/{self.card_a.id}").text
        self.assertEqual(page.count('class="o_fidelite_move"'), 20)
        self.assertIn(f"/my/fidelite/card/{self.card_a.id}/page/2", page)
        second = self.url_open(f"{PREFIX_DEFAULT}/card/{self.card_a.id}/page/2").text
        self.assertEqual(second.count('class="o_fidelite_move"'), 7)
        adjust = self.url_open(f"{PREFIX_DEFAULT}/card/{self.card_a.id}?move_type=adjust").text
        self.assertEqual(adjust.count('class="o_fidelite_move"'), 1)
        self.assertIn("Correction", adjust)
        tomorrow = (date.today() + timedelta(days=1)).isoformat()
        future = self.url_open(f"{PREFIX_DEFAULT}/card/{self.card_a.id}?date_from={tomorrow}").text
        self.assertIn("o_fidelite_no_move", future)
        bad = self.url_open(f"{PREFIX_DEFAULT}/card/{self.card_a.id}?date_from=31/02/2020&move_type=nope")
        self.assertEqual(bad.status_code, 200, "a bad filter is ignored")

    def _ledger(self, card, points, move_type, reason):
        from odoo.addons.fidelite_loyalty.services import ledger

        return ledger.post(card, points, move_type, reason=reason)

    def test_reward_debits_once_on_double_submit(self):
        page = self.url_open(f"{PREFIX_DEFAULT}/card/{self.card_a.id}/rewards").text
        self.assertIn("Tote bag Comptoirs", page)
        url = f"{PREFIX_DEFAULT}/card/{self.card_a.id}/rewards/{self.reward.id}/claim"
        first = self.post_form(url, claim_key="tab-1")
        second = self.post_form(url, claim_key="tab-1")
        redemptions = self.env["fidelite.reward.redemption"].search([("card_id", "=", self.card_a.id)])
        self.assertEqual(len(redemptions), 1)
        self.assertEqual(self.card_a.points, 112)
        self.assertIn(redemptions.code, first.text)
        self.assertIn(redemptions.code, second.text)
        self.assertEqual(redemptions.channel, "portal")
        moves = self.env["fidelite.points.move"].search(
            [("card_id", "=", self.card_a.id), ("move_type", "=", "redeem")]
        )
        self.assertEqual(moves.mapped("points"), [-30.0])

    def test_reward_beyond_balance_is_refused(self):
        self.reward.required_points = 1000
        response = self.post_form(
            f"{PREFIX_DEFAULT}/card/{self.card_a.id}/rewards/{self.reward.id}/claim", claim_key="too-dear"
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("not available", response.text)
        self.assertEqual(self.card_a.points, 142)

    def test_profile_saved_and_validated(self):
        url = f"{PREFIX_DEFAULT}/profile/save"
        ok = self.post_form(
            url,
            name="Claire Dubois-Martin",
            email="claire@example.com",
            phone="+33 6 12 34 56 78",
            birthdate="1985-04-12",
        )
        self.assertEqual(ok.status_code, 200)
        self.assertEqual(self.partner_a.name, "Claire Dubois-Martin")
        self.assertEqual(self.partner_a.birthdate, date(1985, 4, 12))
        future = (date.today() + timedelta(days=3)).isoformat()
        for values, message in (
            ({"birthdate": future}, "cannot be in the future"),
            ({"birthdate": "1985-13-45"}, "YYYY-MM-DD"),
            ({"birthdate": "1850-01-01"}, "too far in the past"),
            ({"name": "x" * 500}, "Too long"),
            ({"name": "  "}, "required"),
            ({"email": "not-an-email"}, "not valid"),
            ({"phone": "<b>06</b>"}, "digits"),
            ({"store_id": "999999"}, "Choose one of our stores"),
        ):
            with self.subTest(values=values):
                data = {"name": "Claire", "email": "", "phone": "", "birthdate": "", **values}
                response = self.post_form(url, **data)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
                self.assertEqual(self.partner_a.name, "Claire Dubois-Martin")
                self.assertEqual(self.partner_a.birthdate, date(1985, 4, 12))

    def test_household_add_edit_remove(self):
        add = f"{PREFIX_DEFAULT}/household/add"
        self.post_form(add, first_name="Léa", relation="child", birthdate="2018-06-02")
        dependant = self.env["fidelite.dependant"].search([("partner_id", "=", self.partner_a.id)])
        self.assertEqual((dependant.first_name, dependant.birthdate), ("Léa", date(2018, 6, 2)))
        response = self.post_form(
            f"{PREFIX_DEFAULT}/household/{dependant.id}/save",
            first_name="Léa Marie",
            relation="child",
            birthdate="2018-06-02",
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual((dependant.first_name, dependant.birthdate), ("Léa Marie", date(2018, 6, 2)))
        # a birth date once set is locked: only the store corrects it
        response = self.post_form(
            f"{PREFIX_DEFAULT}/household/{dependant.id}/save",
            first_name="Léa",
            relation="child",
            birthdate="2018-06-03",
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("cannot be changed once set", response.text)
        self.assertEqual(dependant.birthdate, date(2018, 6, 2))
        future = (date.today() + timedelta(days=1)).isoformat()
        for values, message in (
            ({"birthdate": future}, "cannot be in the future"),
            ({"first_name": "L" * 65}, "Too long"),
            ({"relation": "cousin"}, "related to you"),
            ({"birthdate": "02/06/2018"}, "YYYY-MM-DD"),
        ):
            with self.subTest(values=values):
                response = self.post_form(add, **{"first_name": "Tom", "relation": "child", **values})
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
        self.assertEqual(len(self.env["fidelite.dependant"].search([("partner_id", "=", self.partner_a.id)])), 1)
        self.post_form(f"{PREFIX_DEFAULT}/household/{dependant.id}/remove")
        self.assertFalse(dependant.exists())

    def test_consents_recorded_as_new_portal_records(self):
        self.partner_a._fidelite_set_consent("sms", True, "pos")
        self.partner_a._fidelite_set_consent("email", True, "pos")
        self.post_form(f"{PREFIX_DEFAULT}/consents", consent_email="1")
        self.assertFalse(self.partner_a.fidelite_consent_sms)
        self.assertTrue(self.partner_a.fidelite_consent_email)
        latest_sms = self.partner_a.fidelite_consent_ids.filtered(lambda c: c.channel == "sms")[:1]
        self.assertEqual((latest_sms.granted, latest_sms.source, latest_sms.user_id), (False, "portal", self.user_a))
        self.assertEqual(
            len(self.partner_a.fidelite_consent_ids.filtered(lambda c: c.channel == "email")),
            1,
            "an unchanged choice records nothing",
        )
        page = self.url_open(f"{PREFIX_DEFAULT}/profile").text
        self.assertIn("o_fidelite_consent_history", page)

    def test_gift_card_balance_is_throttled(self):
        url = f"{PREFIX_DEFAULT}/gift-cards/balance"
        good = self.post_form(url, code="GIFT-B-7788")
        self.assertEqual(good.status_code, 200)
        self.assertIn("40.00", good.text)
        for attempt in range(2):
            self.assertEqual(self.post_form(url, code=f"GUESS-{attempt}").status_code, 404)
        blocked = self.post_form(url, code="GIFT-B-7788")
        self.assertEqual(blocked.status_code, 429)
        self.assertNotIn("40.00", blocked.text)
        attempts = self.env["fidelite.portal.attempt"].search([("user_id", "=", self.user_a.id)])
        self.assertEqual(attempts.mapped("blocked").count(True), 1)
        self.assertEqual(len(attempts), 4)

    def test_referral_code_is_throttled_per_ip(self):
        url = f"{PREFIX_DEFAULT}/referral/apply"
        for attempt in range(3):
            self.assertEqual(self.post_form(url, code=f"NOPE{attempt}").status_code, 400)
        # another account from the same address is stopped too
        self.login(self.user_b)
        blocked = self.post_form(url, code=self.partner_a.sudo().fidelite_referral_code)
        self.assertEqual(blocked.status_code, 429)
        self.assertFalse(self.user_b.partner_id.fidelite_referred_by_id)

    def test_referral_code_applies(self):
        code_b = self.user_b.partner_id.fidelite_referral_code
        self.assertTrue(code_b)
        self.post_form(f"{PREFIX_DEFAULT}/referral/apply", code=code_b)
        self.assertEqual(self.partner_a.fidelite_referred_by_id, self.user_b.partner_id)

    def test_erasure_request_then_anonymised_with_ledger_totals_kept(self):
        self.post_form(f"{PREFIX_DEFAULT}/privacy/erase", reason="Moving abroad", confirm="1")
        request = self.env["fidelite.erasure.request"].search([("partner_id", "=", self.partner_a.id)])
        self.assertEqual(request.state, "requested")
        self.assertTrue(request.activity_ids, "a task waits in the back office")
        self.env["fidelite.dependant"].create({"partner_id": self.partner_a.id, "first_name": "Léa"})
        total = sum(self.env["fidelite.points.move"].search([("card_id", "=", self.card_a.id)]).mapped("points"))
        request.action_approve()
        self.assertEqual(request.state, "done")
        self.assertNotIn("Claire", self.partner_a.name)
        self.assertFalse(self.partner_a.email)
        self.assertFalse(self.partner_a.fidelite_dependant_ids)
        self.assertFalse(self.user_a.active)
        moves = self.env["fidelite.points.move"].search([("card_id", "=", self.card_a.id)])
        self.assertEqual(sum(moves.mapped("points")), total)
        self.assertEqual(self.card_a.points, total)
        self.assertEqual(self.card_a.partner_id, self.partner_a)

    def test_export_csv(self):
        response = self.url_open(f"{PREFIX_DEFAULT}/privacy/export.csv")
        self.assertEqual(response.status_code, 200)
        self.assertIn("text/csv", response.headers["Content-Type"])
        self.assertIn("cards,1,code,2990000000019", response.text)

    def test_own_card_summary_json_and_birthday_gift(self):
        summary = self.make_jsonrpc_request(f"{PREFIX_DEFAULT}/card/{self.card_a.id}/summary")
        self.assertEqual((summary["code"], summary["points"], summary["tier"]), ("2990000000019", 142, "Membre"))
        self.assertEqual(summary["next_tier"], "Privilège")
        self.assertEqual(summary["remaining"], 358)
        coupons = self.env["loyalty.program"].create({"name": "Anniversaire", "program_type": "coupons"})
        coupon = self.env["loyalty.card"].create(
            {"program_id": coupons.id, "partner_id": self.partner_a.id, "code": "BDAY-A-1", "points": 1}
        )
        self.env["fidelite.birthday"].create(
            {
                "card_id": self.card_a.id,
                "partner_id": self.partner_a.id,
                "person_key": f"partner:{self.partner_a.id}",
                "year": date.today().year,
                "birthday": date.today(),
                "coupon_id": coupon.id,
            }
        )
        page = self.url_open(PREFIX_DEFAULT).text
        self.assertIn("o_fidelite_birthday", page)
        self.assertIn("BDAY-A-1", page)
