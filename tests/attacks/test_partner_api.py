"""Attacks on the partner API: hammering card numbers, flooding calls, reading a key's secret."""

import json

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from odoo.addons.fidelite_loyalty.tests.partner_api_common import API, PartnerApiCase


class AttackTags:
    # outside an addon Odoo cannot infer these
    test_tags = {"standard", "post_install"}
    test_module = "fidelite_loyalty"


class TestAttackPartnerApi(AttackTags, PartnerApiCase):
    def send(self, method, path, body=None, key=None, idempotency_key=None):
        """A call, answered as (status, JSON body, Retry-After header)."""
        self.env.flush_all()
        headers = {"Authorization": f"Bearer {key or self.key}"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body), "application/json"
        response = self.url_open(f"{API}{path}", data=data, headers=headers, method=method, allow_redirects=False)
        return response.status_code, response.json(), response.headers.get("Retry-After")

    def key_record(self, name="till"):
        return self.merchant.key_ids.filtered(lambda key: key.name == name)

    def recorded(self, idempotency_key):
        return self.env["fidelite.api.request"].search([("idempotency_key", "=", idempotency_key)])

    def assert_retry_after(self, retry_after, at_most):
        self.assertTrue(retry_after and retry_after.isdigit(), f"no Retry-After header: {retry_after!r}")
        self.assertTrue(1 <= int(retry_after) <= at_most, retry_after)

    def test_attack_partner_api_hammering_unknown_codes(self):
        """A key trying card numbers is locked out, for valid numbers too; its tries are recorded."""
        self.assertEqual(self.earn(10, "before")[0], 201)
        for number in range(30):
            status, body, _retry = self.send("GET", f"/cards/CV9{number:06d}")
            self.assertEqual((status, body["error"]["code"]), (404, "card_not_found"))
        status, body, retry_after = self.send("GET", "/cards/CV9999999")
        self.assertEqual((status, body["error"]["code"]), (429, "locked_out"))
        self.assert_retry_after(retry_after, 3600)
        # the lock-out holds for the key's valid cards and every operation
        status, body, retry_after = self.send("GET", "/cards/CV0000001")
        self.assertEqual(status, 429)
        self.assert_retry_after(retry_after, 3600)
        self.assertNotIn("balance", body)
        status, body, _retry = self.send("POST", "/earn", {"card": "CV0000001", "amount": 40}, idempotency_key="after")
        self.assertEqual((status, body["error"]["code"]), (429, "locked_out"))
        self.assertFalse(self.recorded("after"), "a refused call is not recorded: its key may be used again")
        self.assert_balance(self.card, 10)
        self.assertEqual(len(self.moves(self.card)), 1)
        failures = self.env["fidelite.api.failure"].search([("key_id", "=", self.key_record().id)])
        self.assertEqual(len(failures), 30, "each failed look-up is recorded")
        self.assertIn("CV9000007", failures.mapped("card"))
        self.assertEqual(set(failures.mapped("error_code")), {"card_not_found"})
        self.assertTrue(self.key_record().locked_until)
        # another key of the merchant is not locked out
        self.assertEqual(self.earn(10, "other-key", key=self.earn_only_key)[0], 201)
        self.assert_balance(self.card, 20)

    def test_attack_partner_api_over_the_minute_limit(self):
        """Past its calls per minute a key is answered 429 with Retry-After, and nothing is posted."""
        self.key_record().rate_limit_per_minute = 3
        self.assertEqual(self.send("GET", "/cards/CV0000001")[0], 200)
        self.assertEqual(self.earn(10, "flood-1")[0], 201)
        self.assertEqual(self.earn(10, "flood-2")[0], 201)
        status, body, retry_after = self.send(
            "POST", "/earn", {"card": "CV0000001", "amount": 500}, idempotency_key="flood-3"
        )
        self.assertEqual((status, body["error"]["code"]), (429, "rate_limited"))
        self.assert_retry_after(retry_after, 60)
        status, body, _retry = self.send("POST", "/burn", {"card": "CV0000001", "points": 5}, idempotency_key="flood-4")
        self.assertEqual(status, 429)
        self.assert_balance(self.card, 20)
        self.assertEqual(len(self.moves(self.card)), 2, "no movement posted past the limit")
        self.assertFalse(self.recorded("flood-3") | self.recorded("flood-4"))
        self.assertFalse(self.env["fidelite.api.failure"].search([]), "a throttled call is no failed look-up")
        # the limit is the key's: another key of the merchant still earns
        self.assertEqual(self.earn(10, "flood-other", key=self.earn_only_key)[0], 201)

    def test_attack_partner_api_secret_read_again(self):
        """The new key's secret shows in its dialog once; nobody reads it afterwards."""
        other_company = self.env["res.company"].create({"name": "Autre ville"})
        own, other = (
            new_test_user(
                self.env,
                login=login,
                groups="fidelite_loyalty.group_fidelite_manager",
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )
            for login, company in (("attack_api_own", self.env.company), ("attack_api_other", other_company))
        )
        action = self.merchant.with_user(own).action_new_key()
        Wizard = self.env[action["res_model"]]
        shown = Wizard.with_user(own).with_context(action.get("context", {})).browse(action["res_id"]).secret
        self.assertTrue(shown and shown.startswith("fid_"), "the dialog shows the new key once")
        self.assertEqual(self.send("GET", "/cards/CV0000001", key=shown)[0], 200, "the key shown works")
        key = self.merchant.key_ids.sorted("id")[-1]
        # re-opened by its manager: the dialog and the key show no secret
        for values in (
            Wizard.with_user(own).browse(action["res_id"]).read(),
            key.with_user(own).read(),
            self.merchant.with_user(own).read(),
        ):
            self.assertNotIn(shown, repr(values))
        self.assertNotIn(shown, repr(Wizard.with_user(own).search_read([])))
        # a manager of another company reads neither
        for records in (Wizard.browse(action["res_id"]), key):
            with self.assertRaises(AccessError):
                records.with_user(other).with_context(allowed_company_ids=other_company.ids).read()
        self.assertNotIn(shown, repr(Wizard.with_user(other).search_read([])))
        self.assertEqual(self.send("GET", "/cards/CV0000001", key=shown)[0], 200, "the key still works")
