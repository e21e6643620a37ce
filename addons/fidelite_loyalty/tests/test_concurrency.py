import random
import threading
import time

import psycopg2.errors

from odoo import api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger

from ..services import ledger

THREADS = 8
OPERATIONS_PER_THREAD = 130


@tagged("post_install", "-at_install")
class TestConcurrentTills(BaseCase):
    """Several tills credit and redeem the same card at once, each in its own transaction."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            program = env["loyalty.program"].create({"name": "Concurrency club", "program_type": "loyalty"})
            card = env["loyalty.card"].create({"program_id": program.id, "code": f"FIDCONC{random.randrange(10**9)}"})
            self.program_id, self.card_id = program.id, card.id
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            # the ledger refuses deletions: only a test may drop its own rows, trigger disabled
            cr.execute("ALTER TABLE fidelite_points_move DISABLE TRIGGER fidelite_points_move_append_only")
            cr.execute("DELETE FROM loyalty_history WHERE card_id = %s", [self.card_id])
            cr.execute("DELETE FROM fidelite_points_move WHERE card_id = %s", [self.card_id])
            cr.execute("ALTER TABLE fidelite_points_move ENABLE TRIGGER fidelite_points_move_append_only")
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["loyalty.card"].browse(self.card_id).unlink()
            program = env["loyalty.program"].browse(self.program_id)
            program.active = False
            program.unlink()

    def _till(self, number, outcome):
        rng = random.Random(number)
        applied = refused = 0
        for operation in range(OPERATIONS_PER_THREAD):
            points = rng.choice([5, 10, 20]) * rng.choice([1, -1])
            # like Odoo's RPC layer: a transaction that met a concurrent update is retried
            for _attempt in range(2000):
                try:
                    with self.registry.cursor() as cr:
                        env = api.Environment(cr, api.SUPERUSER_ID, {})
                        card = env["loyalty.card"].browse(self.card_id)
                        ledger.post(card, points, "earn" if points > 0 else "redeem", key=f"till{number}:{operation}")
                    applied += points
                    break
                except UserError:
                    refused += 1
                    break
                except (psycopg2.errors.SerializationFailure, psycopg2.errors.DeadlockDetected):
                    time.sleep(rng.uniform(0, 0.01))
            else:
                outcome["errors"].append(f"till {number}: operation {operation} never went through")
        outcome["applied"].append(applied)
        outcome["refused"].append(refused)

    def test_eight_tills_never_lose_an_update_nor_go_negative(self):
        outcome = {"applied": [], "refused": [], "errors": []}
        threads = [threading.Thread(target=self._till, args=(n, outcome)) for n in range(THREADS)]
        with mute_logger("odoo.sql_db"):  # the retried serialization failures are logged by Odoo
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        self.assertFalse(outcome["errors"])
        with self.registry.cursor() as cr:
            cr.execute("SELECT points FROM loyalty_card WHERE id = %s", [self.card_id])
            balance = cr.fetchone()[0]
            cr.execute(
                "SELECT COALESCE(SUM(points), 0), COUNT(*), MIN(balance_after)"
                " FROM fidelite_points_move WHERE card_id = %s",
                [self.card_id],
            )
            total, count, lowest = cr.fetchone()
        self.assertEqual(count + sum(outcome["refused"]), THREADS * OPERATIONS_PER_THREAD)
        self.assertAlmostEqual(balance, sum(outcome["applied"]), places=2)
        self.assertAlmostEqual(balance, total, places=2)
        self.assertGreaterEqual(lowest, 0, "a redemption never takes the balance below zero")
        self.assertGreater(sum(outcome["refused"]), 0, "some redemptions met an empty card and were refused")
