import json
import threading
from pathlib import Path

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.tests import new_test_user, tagged

from ..services import ledger, partner_api
from .partner_api_common import PartnerApiCase


@tagged("post_install", "-at_install")
class TestPartnerApi(PartnerApiCase):
    def test_authentication_and_scopes(self):
        revoked, key = partner_api.new_key(self.merchant, "old", partner_api.SCOPES)
        key.active = False
        for label, headers, key_arg in (
            ("no header", {}, False),
            ("basic scheme", {"Authorization": f"Basic {self.key}"}, False),
            ("unknown key", {}, "fid_000000000000_nope"),
            ("not a key", {}, "hello"),
            ("wrong secret", {}, self.key[:-2] + "xx"),
            ("revoked key", {}, revoked),
        ):
            with self.subTest(label):
                status, body = self.call("GET", "/cards/CV0000001", key=key_arg, headers=headers)
                self.assertEqual((status, body["error"]["code"]), (401, "unauthenticated"))
        status, body = self.call("GET", "/cards/CV0000001", key=self.earn_only_key)
        self.assertEqual((status, body["error"]["code"]), (403, "forbidden"))
        status, body = self.burn(1, "scope-1", key=self.earn_only_key)
        self.assertEqual((status, body["error"]["code"]), (403, "forbidden"))
        status, _body = self.earn(10, "scope-2", key=self.earn_only_key)
        self.assertEqual(status, 201)
        # a key made from the merchant's form is shown once and works; only its hash is kept
        action = self.merchant.action_new_key()
        wizard = self.env[action["res_model"]].with_context(**action["context"]).browse(action["res_id"])
        status, _body = self.call("GET", "/cards/CV0000001", key=wizard.secret)
        self.assertEqual(status, 200)
        self.assertNotIn(wizard.secret, str(wizard.key_id.sudo().read()))
        self.assertFalse(
            wizard.with_context(fidelite_new_key=False).read(["secret"])[0]["secret"], "the secret is never stored"
        )
        self.merchant.active = False
        status, _body = self.earn(10, "scope-3")
        self.assertEqual(status, 401)
        self.assert_balance(self.card, 10)

    def test_changes_apply_to_the_next_call(self):
        """The API keeps keys between calls: a new rate, a program renamed or given an expiry
        policy, a scope taken away, a revoked key or an archived merchant still apply to the
        very next call."""
        secret, key = partner_api.new_key(self.merchant, "counter", partner_api.SCOPES)
        status, body = self.earn(10, "next-1", key=secret)
        self.assertEqual((status, body["points"], body["program"]), (201, 10.0, "Cœur de ville"))
        self.merchant.points_per_unit = 2.0
        status, body = self.earn(10, "next-2", key=secret)
        self.assertEqual((status, body["points"]), (201, 20.0))
        self.program.update_field_translations("name", {"en_US": "Centre-ville"})
        status, body = self.call("GET", "/cards/CV0000001", key=secret)
        self.assertEqual((status, body["program"]), (200, "Centre-ville"))
        self.program.write({"fidelite_expiry_policy": "months", "fidelite_expiry_months": 6})
        status, body = self.earn(5, "next-expiring", key=secret)
        self.assertEqual(status, 201)
        move = self.env["fidelite.points.move"].browse(body["transaction_id"])
        self.assertEqual(move.expiry_date, move.date.date() + relativedelta(months=6))
        key.scope_earn = False
        status, body = self.earn(10, "next-3", key=secret)
        self.assertEqual((status, body["error"]["code"]), (403, "forbidden"))
        status, _body = self.call("GET", "/cards/CV0000001", key=secret)
        self.assertEqual(status, 200)
        key.action_revoke()
        status, body = self.call("GET", "/cards/CV0000001", key=secret)
        self.assertEqual((status, body["error"]["code"]), (401, "unauthenticated"))
        status, _body = self.call("GET", "/cards/CV0000001")
        self.assertEqual(status, 200)
        self.merchant.active = False
        status, body = self.call("GET", "/cards/CV0000001")
        self.assertEqual((status, body["error"]["code"]), (401, "unauthenticated"))
        self.assert_balance(self.card, 40)

    def test_managers_of_another_company_see_neither_keys_nor_calls(self):
        self.assertEqual(self.earn(10, "company-1")[0], 201)
        other = self.env["res.company"].create({"name": "Autre ville"})
        seen = {}
        for login, company in (("api_own", self.env.company), ("api_other", other)):
            manager = new_test_user(
                self.env,
                login=login,
                groups="fidelite_loyalty.group_fidelite_manager",
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )
            env = self.env(user=manager, context=dict(self.env.context, allowed_company_ids=company.ids))
            seen[login] = (
                env["fidelite.api.request"].search([("idempotency_key", "=", "company-1")]),
                env["fidelite.partner.merchant.key"].search([("merchant_id", "=", self.merchant.id)]),
            )
        self.assertEqual([len(records) for records in seen["api_own"]], [1, 2])
        self.assertEqual([len(records) for records in seen["api_other"]], [0, 0])

    def test_lookup(self):
        ledger.post(self.card, 25, "earn", key="lookup:seed")
        status, body = self.call("GET", "/cards/CV0000001")
        self.assertEqual(status, 200)
        self.assertEqual(
            body, {"card": "CV0000001", "status": "active", "balance": 25.0, "program": "Cœur de ville", "tier": None}
        )
        self.assertNotIn("Maëlle", json.dumps(body))  # no personal data for a partner
        other_program = self.env["loyalty.program"].create({"name": "Other", "program_type": "loyalty"})
        self.env["loyalty.card"].create({"program_id": other_program.id, "code": "OTHER0001"})
        for identifier, expected in (("NOPE0001", 404), ("OTHER0001", 404), ("bad%20id", 422)):
            with self.subTest(identifier):
                status, body = self.call("GET", f"/cards/{identifier}")
                self.assertEqual(status, expected)
                self.assertIn("message", body["error"])

    def test_earn_replay_and_conflict(self):
        status, first = self.earn(42.7, "receipt-1001")
        self.assertEqual(status, 201)
        self.assertEqual((first["points"], first["balance"], first["operation"]), (42.0, 42.0, "earn"))
        # a retry (lost answer) gets the same answer and changes nothing
        status, again = self.earn(42.7, "receipt-1001")
        self.assertEqual((status, again), (201, first))
        status, body = self.earn(50, "receipt-1001")
        self.assertEqual((status, body["error"]["code"]), (409, "idempotency_conflict"))
        self.assert_balance(self.card, 42)
        move = self.moves(self.card)
        self.assertEqual(len(move), 1)
        self.assertEqual(
            (move.merchant_id, move.outlet_id, move.purchase_amount, move.origin),
            (self.merchant, self.merchant.outlet_id, 42.7, "api"),
        )
        self.assertEqual(move.id, first["transaction_id"])
        # the back office's list of calls: when, for which company, and what was posted
        calls = self.env["fidelite.api.request"].search([("merchant_id", "=", self.merchant.id)])
        self.assertEqual(len(calls), 1)
        self.assertEqual((calls.move_id, calls.company_id, calls.status_code), (move, self.merchant.company_id, 201))
        self.assertTrue(calls.received_at)
        # the same key used by another merchant is another operation
        other = self.merchant.copy({"name": "Fromagerie"})
        other_key, _record = partner_api.new_key(other, "till", partner_api.SCOPES)
        status, body = self.earn(10, "receipt-1001", key=other_key)
        self.assertEqual((status, body["balance"]), (201, 52.0))

    def test_burn(self):
        self.earn(30, "seed-1")
        status, body = self.burn(50, "burn-1")
        self.assertEqual((status, body["error"]["code"]), (409, "insufficient_points"))
        status, replay = self.burn(50, "burn-1")  # the refusal is the answer to this key
        self.assertEqual((status, replay), (409, body))
        refused = self.env["fidelite.api.request"].search([("idempotency_key", "=", "burn-1")])
        self.assertEqual((refused.status_code, refused.move_id), (409, self.env["fidelite.points.move"]))
        status, body = self.burn(20, "burn-2")
        self.assertEqual((status, body["points"], body["balance"]), (201, -20.0, 10.0))
        self.card.fidelite_state = "blocked"
        status, body = self.burn(5, "burn-3")
        self.assertEqual((status, body["error"]["code"]), (409, "card_not_usable"))
        status, body = self.earn(5, "earn-blocked")
        self.assertEqual((status, body["error"]["code"]), (409, "card_not_usable"))
        self.assert_balance(self.card, 10)
        self.assertEqual(self.moves(self.card).filtered(lambda m: m.move_type == "redeem").merchant_id, self.merchant)

    def test_malformed_requests(self):
        cases = [
            ("no idempotency key", "/earn", {"card": "CV0000001", "amount": 5}, None, None),
            ("bad idempotency key", "/earn", {"card": "CV0000001", "amount": 5}, "with space", None),
            ("not json", "/earn", None, "m-1", "{card:"),
            ("a list", "/earn", None, "m-2", "[1, 2]"),
            ("empty body", "/burn", None, "m-3", ""),
            ("unknown field", "/earn", {"card": "CV0000001", "amount": 5, "points": 1000}, "m-4", None),
            ("negative amount", "/earn", {"card": "CV0000001", "amount": -5}, "m-5", None),
            ("text amount", "/earn", {"card": "CV0000001", "amount": "5"}, "m-6", None),
            ("boolean amount", "/earn", {"card": "CV0000001", "amount": True}, "m-7", None),
            ("huge amount", "/earn", {"card": "CV0000001", "amount": 1e300}, "m-8", None),
            ("no card", "/earn", {"amount": 5}, "m-9", None),
            ("blank card", "/burn", {"card": "  ", "points": 5}, "m-10", None),
            ("zero points", "/burn", {"card": "CV0000001", "points": 0}, "m-11", None),
            ("not utf-8", "/earn", None, "m-12", b"\xff\xfe"),
        ]
        for label, path, body, key, raw in cases:
            with self.subTest(label):
                status, answer = self.call("POST", path, body, idempotency_key=key, raw=raw)
                self.assertEqual(status, 422, answer)
                self.assertIn(answer["error"]["code"], ("invalid_request", "idempotency_key_required"))
        self.assertFalse(self.moves(self.card))
        # a malformed call does not use up its key
        status, _body = self.earn(5, "m-5")
        self.assertEqual(status, 201)

    def test_concurrent_calls_on_one_card(self):
        """Four tills credit one card at once, each also retrying its calls: each counted once."""
        answers, errors = [], []

        def till(number):
            session = self.new_session()
            try:
                for operation in range(5):
                    for _attempt in range(2):
                        answers.append(self.earn(10 + number, f"till{number}-{operation}", session=session))
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=till, args=(n,)) for n in range(4)]
        self.env.flush_all()
        with self.allow_requests(all_requests=True):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        self.assertFalse(errors)
        self.assertEqual({status for status, _body in answers}, {201})
        self.assertEqual(len({body["transaction_id"] for _status, body in answers}), 20)
        self.assert_balance(self.card, 5 * (10 + 11 + 12 + 13))

    def test_openapi_document(self):
        response = self.url_open(f"{partner_api_path()}/openapi.json")
        self.assertEqual(response.status_code, 200)
        served = response.json()
        kept = json.loads((Path(__file__).resolve().parents[1] / "api" / "openapi.json").read_text())
        self.assertEqual(served, kept)
        self.assertEqual(set(served["paths"]), {"/cards/{identifier}", "/earn", "/burn"})


def partner_api_path():
    return "/fidelite/api/v1"
