import json
import random
import threading
import time

import psycopg2.errors

from odoo import api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger

from ..services import partner_api

THREADS = 4
CALLS_PER_THREAD = 40


@tagged("post_install", "-at_install")
class TestPartnerApiConcurrency(BaseCase):
    """Four merchant tills call earn and burn on one card at once, each call in its own
    transaction, and every call is sent twice at the same time (a client retrying too early):
    each operation is applied once, none is lost, the balance never goes below zero.
    """

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        suffix = random.randrange(10**9)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            program = env["loyalty.program"].create({"name": "Concurrent town centre", "program_type": "loyalty"})
            merchant = env["fidelite.partner.merchant"].create(
                {
                    "name": f"Concurrent merchant {suffix}",
                    "partner_id": env["res.partner"].create({"name": "Concurrent merchant"}).id,
                    "program_id": program.id,
                }
            )
            card = env["loyalty.card"].create({"program_id": program.id, "code": f"APICONC{suffix}"})
            other = env["loyalty.card"].create({"program_id": program.id, "code": f"APICONC{suffix}B"})
            self.program_id, self.merchant_id, self.card_id, self.code = program.id, merchant.id, card.id, card.code
            self.other_id, self.other_code = other.id, other.code
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute("ALTER TABLE fidelite_points_move DISABLE TRIGGER fidelite_points_move_append_only")
            cr.execute("DELETE FROM fidelite_api_request WHERE merchant_id = %s", [self.merchant_id])
            cards = (self.card_id, self.other_id)
            cr.execute("DELETE FROM loyalty_history WHERE card_id IN %s", [cards])
            cr.execute("DELETE FROM fidelite_points_move WHERE card_id IN %s", [cards])
            cr.execute("ALTER TABLE fidelite_points_move ENABLE TRIGGER fidelite_points_move_append_only")
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["loyalty.card"].browse(cards).unlink()
            merchant = env["fidelite.partner.merchant"].browse(self.merchant_id)
            outlet = merchant.outlet_id
            merchant.unlink()
            outlet.unlink()
            program = env["loyalty.program"].browse(self.program_id)
            program.active = False
            program.unlink()

    def _send(self, rng, operation, key, payload):
        """One HTTP call as Odoo serves it: a transaction, retried on a concurrency error."""
        for _attempt in range(2000):
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, api.SUPERUSER_ID, {})
                    merchant = env["fidelite.partner.merchant"].browse(self.merchant_id)
                    try:
                        status, text = partner_api.call(merchant, operation, key, payload)
                        return status, json.loads(text)
                    except partner_api.ApiError as error:  # as the controller answers it
                        return error.status, error.body()
            except (psycopg2.errors.SerializationFailure, psycopg2.errors.DeadlockDetected):
                time.sleep(rng.uniform(0, 0.01))
        raise AssertionError(f"{key} never went through")

    def _twin(self, rng, operation, key, payload, answers):
        answers.append((key, self._send(rng, operation, key, payload)))

    def _till(self, number, answers, errors):
        rng = random.Random(number)
        try:
            for call in range(CALLS_PER_THREAD):
                if rng.random() < 0.6:
                    operation, payload = "earn", {"card": self.code, "amount": rng.choice([5, 10, 20])}
                else:
                    operation, payload = "burn", {"card": self.code, "points": rng.choice([5, 10, 20])}
                key = f"till{number}-{call}"
                twins = [
                    threading.Thread(target=self._twin, args=(random.Random(), operation, key, payload, answers))
                    for _twin in range(2)
                ]
                for twin in twins:
                    twin.start()
                for twin in twins:
                    twin.join()
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    def test_four_tills_with_early_retries(self):
        answers, errors = [], []
        threads = [threading.Thread(target=self._till, args=(n, answers, errors)) for n in range(THREADS)]
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        self.assertFalse(errors)
        by_key = {}
        for key, answer in answers:
            by_key.setdefault(key, []).append(answer)
        self.assertEqual(len(by_key), THREADS * CALLS_PER_THREAD)
        applied = 0.0
        for key, (first, second) in by_key.items():
            self.assertEqual(first, second, key)  # the twin got the same answer
            status, body = first
            self.assertIn(status, (201, 409), key)
            if status == 201:
                applied += body["points"]
            else:
                self.assertEqual(body["error"]["code"], "insufficient_points")
        with self.registry.cursor() as cr:
            cr.execute("SELECT points FROM loyalty_card WHERE id = %s", [self.card_id])
            balance = cr.fetchone()[0]
            cr.execute(
                "SELECT COALESCE(SUM(points), 0), COALESCE(MIN(balance_after), 0), COUNT(*)"
                " FROM fidelite_points_move WHERE card_id = %s",
                [self.card_id],
            )
            total, lowest, count = cr.fetchone()
        self.assertAlmostEqual(balance, applied, places=2)
        self.assertAlmostEqual(total, applied, places=2)
        self.assertGreaterEqual(lowest, 0)
        self.assertEqual(count, sum(1 for (status, _body), _twin in by_key.values() if status == 201))

    def test_one_key_sent_for_two_cards_at_once(self):
        """A till's bug sends one key for two different purchases at the same time, 20 times:
        each time one earns and the other is told the key was used for another request (no
        movement, no error page), whichever commits first."""
        answers = []
        with mute_logger("odoo.sql_db"):
            for round_ in range(20):
                key = f"twice-{round_}"
                twins = [
                    threading.Thread(
                        target=self._twin,
                        args=(random.Random(), "earn", key, {"card": code, "amount": 10}, answers),
                    )
                    for code in (self.code, self.other_code)
                ]
                for twin in twins:
                    twin.start()
                for twin in twins:
                    twin.join()
        self.assertEqual(len(answers), 40)
        by_key = {}
        for key, (status, body) in answers:
            by_key.setdefault(key, []).append((status, body.get("error", {}).get("code")))
        for key, outcomes in by_key.items():
            self.assertEqual(sorted(outcomes), [(201, None), (409, "idempotency_conflict")], key)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT COUNT(*), COALESCE(SUM(points), 0) FROM fidelite_points_move WHERE card_id IN %s",
                [(self.card_id, self.other_id)],
            )
            self.assertEqual(cr.fetchone(), (20, 200.0))
            cr.execute(
                "SELECT COALESCE(SUM(points), 0) FROM loyalty_card WHERE id IN %s", [(self.card_id, self.other_id)]
            )
            self.assertEqual(cr.fetchone()[0], 200.0)
