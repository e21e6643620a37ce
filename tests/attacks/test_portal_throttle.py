"""Attacks on the portal's throttle of code tries: parallel requests at the limit.

Each "request" is a transaction of its own (``Registry(get_db_name())`` cursors, committed), as
two portal requests served at once are; a serialization failure is retried as Odoo's HTTP
layer retries it.
"""

import random
import threading
import time

import psycopg2.errors

from odoo import api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name
from odoo.tools import mute_logger

KIND = "gift_card"


class TestAttackPortalThrottle(BaseCase):
    # outside an addon Odoo cannot infer these
    test_tags = {"standard", "post_install"}
    test_module = "fidelite_portal"

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        tag = random.randrange(10**9)
        self.ips = [f"198.51.{tag % 250}.{n}" for n in range(1, 4)]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            portal = env.ref("base.group_portal")
            users = env["res.users"].create(
                [
                    {"name": f"Throttle {n}", "login": f"fid_throttle_{tag}_{n}", "group_ids": [(6, 0, portal.ids)]}
                    for n in range(2)
                ]
            )
            self.user_ids = users.ids
            self.limit = env["fidelite.portal.attempt"]._fidelite_limits()[0]
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM fidelite_portal_attempt WHERE user_id = ANY(%s) OR ip_address = ANY(%s)",
                [self.user_ids, self.ips],
            )
            keys = [f"portal_{KIND}:user:{uid}" for uid in self.user_ids] + [
                f"portal_{KIND}:ip:{ip}" for ip in self.ips
            ]
            cr.execute("DELETE FROM fidelite_rate_counter WHERE key = ANY(%s)", [keys])
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            users = env["res.users"].browse(self.user_ids)
            partners = users.partner_id
            users.unlink()
            partners.unlink()

    def _env(self, cr):
        return api.Environment(cr, api.SUPERUSER_ID, {})

    def _earlier_tries(self, user_id, ip, count):
        with self.registry.cursor() as cr:
            Attempt = self._env(cr)["fidelite.portal.attempt"]
            user = self._env(cr)["res.users"].browse(user_id)
            for n in range(count):
                Attempt._fidelite_record(KIND, ip, user, f"GUESS{n}", False)

    def _try(self, user_id, ip, barrier=None, hold=0.0):
        """One request: check, then record the try (as the controller does); whether it passed."""
        for _attempt in range(20):
            try:
                with self.registry.cursor() as cr:
                    env = self._env(cr)
                    cr.execute("SELECT 1")  # the request's snapshot is taken before it checks
                    if barrier:
                        barrier.wait(10)
                        barrier = None
                    Attempt, user = env["fidelite.portal.attempt"], env["res.users"].browse(user_id)
                    allowed = Attempt._fidelite_allowed(KIND, ip, user)
                    Attempt._fidelite_record(KIND, ip, user, "PARALLEL", False, blocked=not allowed)
                    time.sleep(hold)  # the code lookup of the request
                return allowed
            except psycopg2.errors.SerializationFailure:
                time.sleep(random.uniform(0, 0.05))
        raise AssertionError("the request never went through")

    def _parallel(self, requests):
        barrier = threading.Barrier(len(requests))
        outcomes = []

        def run(user_id, ip):
            outcomes.append(self._try(user_id, ip, barrier, hold=0.5))

        threads = [threading.Thread(target=run, args=request) for request in requests]
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
        return outcomes

    def _passed_tries(self, **where):
        with self.registry.cursor() as cr:
            domain = [("kind", "=", KIND), ("blocked", "=", False)] + [(k, "=", v) for k, v in where.items()]
            return self._env(cr)["fidelite.portal.attempt"].search_count(domain)

    def test_attack_throttle_parallel_tries_of_one_account_from_two_addresses(self):
        user_id = self.user_ids[0]
        self._earlier_tries(user_id, self.ips[0], self.limit - 1)
        outcomes = self._parallel([(user_id, self.ips[1]), (user_id, self.ips[2])])
        self.assertEqual(sorted(outcomes), [False, True], "exactly one of the two parallel tries passes")
        self.assertEqual(self._passed_tries(user_id=user_id), self.limit)
        # a further address of the same account is still limited by the account's count
        self.assertFalse(self._try(user_id, f"{self.ips[2]}9"))
        self.assertEqual(self._passed_tries(user_id=user_id), self.limit)

    def test_attack_throttle_parallel_tries_of_two_accounts_from_one_address(self):
        ip = self.ips[0]
        self._earlier_tries(self.user_ids[0], ip, self.limit - 1)
        outcomes = self._parallel([(self.user_ids[0], ip), (self.user_ids[1], ip)])
        self.assertEqual(sorted(outcomes), [False, True], "exactly one of the two parallel tries passes")
        self.assertEqual(self._passed_tries(ip_address=ip), self.limit)
