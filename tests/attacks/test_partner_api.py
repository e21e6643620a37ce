"""Attacks on the partner API: hammering card numbers, flooding calls, reading a key's secret."""

import json
import random
import threading
import time

from odoo import Command, api
from odoo.exceptions import AccessError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, new_test_user

from odoo.addons.fidelite_loyalty.services import partner_api
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
        shown = Wizard.with_user(own).with_context(**action.get("context", {})).browse(action["res_id"]).secret
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


class TestAttackPartnerApiConcurrentCounting(AttackTags, BaseCase):
    """Two workers flood one key at once, each call in its own transaction: no call is lost to
    the count, none waits on or conflicts with the other (no serialization error), and no more
    calls than the limit (plus the one the other worker has in flight) get through."""

    CALLS = 60

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        suffix = random.randrange(10**9)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            program = env["loyalty.program"].create({"name": "Flooded town centre", "program_type": "loyalty"})
            merchant = env["fidelite.partner.merchant"].create(
                {
                    "name": f"Flooding merchant {suffix}",
                    "partner_id": env["res.partner"].create({"name": "Flooding merchant"}).id,
                    "program_id": program.id,
                }
            )
            _secret, key = partner_api.new_key(merchant, "flood", partner_api.SCOPES)
            key.rate_limit_per_minute = self.CALLS + 20  # of 2 x CALLS calls
            self.program_id, self.merchant_id, self.key_id = program.id, merchant.id, key.id
            cr.execute("SELECT extract(second FROM now())")
            second = cr.fetchone()[0]
        if second > 45:  # all the calls in one minute
            time.sleep(61 - float(second))
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            merchant = env["fidelite.partner.merchant"].browse(self.merchant_id)
            outlet = merchant.outlet_id
            merchant.unlink()  # its keys, their counters and failures
            outlet.unlink()
            program = env["loyalty.program"].browse(self.program_id)
            program.active = False
            program.unlink()

    def _worker(self, answers, errors, barrier):
        try:
            barrier.wait()
            for _call in range(self.CALLS):
                with self.registry.cursor() as cr:
                    try:
                        partner_api.throttle(api.Environment(cr, api.SUPERUSER_ID, {}), self.key_id)
                        answers.append(200)
                    except partner_api.ApiError as error:
                        answers.append(error.status)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    def test_attack_partner_api_flood_from_two_workers(self):
        answers, errors, barrier = [], [], threading.Barrier(2)
        workers = [threading.Thread(target=self._worker, args=(answers, errors, barrier)) for _worker in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        self.assertFalse(errors, "a worker waited on or conflicted with the other")
        with self.registry.cursor() as cr:
            cr.execute("SELECT sum(calls), count(*) FROM fidelite_api_counter WHERE key_id = %s", [self.key_id])
            counted, rows = cr.fetchone()
        self.assertEqual(counted, 2 * self.CALLS, "a call was not counted")
        self.assertEqual(rows, 2, "one row per worker")
        limit = self.CALLS + 20
        self.assertEqual(set(answers), {200, 429})
        self.assertTrue(limit <= answers.count(200) <= limit + 1, answers.count(200))
