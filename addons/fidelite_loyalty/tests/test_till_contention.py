import os
import sys
import tempfile
import threading
import time
from collections import Counter

import psycopg2.errors

from odoo import Command, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import config, mute_logger

from ..services import reward_catalogue
from . import pos_tills, till_client

TILLS = 8
ORDERS_PER_TILL = 100
HTTP_ORDERS_PER_TILL = 25


@tagged("post_install", "-at_install")
class TestTillContention(BaseCase):
    """Tills of a busy Saturday: each order its own transactions, committed, as the RPCs are."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())

    def _shop(self, name, **options):
        with self.registry.cursor() as cr:
            return pos_tills.build_shop(api.Environment(cr, api.SUPERUSER_ID, {}), name, **options)

    def _run_tills(self, target, count):
        errors = []

        def guarded(number):
            try:
                target(number)
            except Exception as error:  # noqa: BLE001 (reported by the test, not swallowed)
                errors.append(f"till {number}: {error!r}")

        threads = [threading.Thread(target=guarded, args=(number,)) for number in range(count)]
        with mute_logger("odoo.sql_db", "odoo.addons.fidelite_loyalty.services.pos_settlement"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        self.assertFalse(errors)

    def test_eight_tills_earn_and_redeem_on_one_card(self):
        """3 credits for 1 reward debit, 8 tills at once on one card: all finish, nothing lost."""
        shop = self._shop("Samedi")
        stats = Counter()
        uuids = []

        def till(number):
            rng = till_client.new_rng(number)
            for operation in range(ORDERS_PER_TILL):
                reward = 0 if operation % 4 == 3 else None
                uuids.append(pos_tills.sell(self.registry, shop, number, rng, stats, 0, rng.choice([1, 2]), reward))

        self._run_tills(till, TILLS)
        self.assertEqual(stats["deadlocks"], 0, "a lock order that deadlocks")
        with self.registry.cursor() as cr:
            card_id = shop["cards"][0]
            cr.execute("SELECT COUNT(*) FROM pos_order WHERE uuid IN %s", [tuple(uuids)])
            self.assertEqual(cr.fetchone()[0], TILLS * ORDERS_PER_TILL, "each order exists once")
            cr.execute("SELECT points FROM loyalty_card WHERE id = %s", [card_id])
            balance = cr.fetchone()[0]
            cr.execute(
                "SELECT COALESCE(SUM(points) FILTER (WHERE points > 0), 0),"
                "       COALESCE(SUM(points) FILTER (WHERE points < 0), 0),"
                "       COUNT(*) FILTER (WHERE move_type = 'redeem'), MIN(balance_after)"
                "  FROM fidelite_points_move WHERE card_id = %s",
                [card_id],
            )
            credits, debits, redeemed, lowest = cr.fetchone()
            cr.execute(
                "SELECT COALESCE(SUM(l.qty * l.price_unit), 0) FROM pos_order_line l"
                "  JOIN pos_order o ON o.id = l.order_id WHERE o.uuid IN %s AND l.is_reward_line IS NOT TRUE",
                [tuple(uuids)],
            )
            paid = cr.fetchone()[0]
        self.assertAlmostEqual(credits, paid, places=2, msg="1 point per euro of every order, once")
        self.assertAlmostEqual(debits, -till_client.REWARD_COST * redeemed, places=2)
        self.assertAlmostEqual(balance, credits + debits, places=2, msg="balance = ledger")
        self.assertGreater(redeemed, 0)
        self.assertGreaterEqual(lowest, 0, "never below zero")

    def test_same_unlimited_reward_on_other_cards_does_not_wait(self):
        """A redemption in progress on one card never makes another card's redemption wait."""
        shop = self._shop("Sans stock", cards=2, tills=1)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            for card in env["loyalty.card"].browse(shop["cards"]):
                card.points = 100
        with self.registry.cursor() as first, self.registry.cursor() as second:
            env_first = api.Environment(first, api.SUPERUSER_ID, {})
            env_second = api.Environment(second, api.SUPERUSER_ID, {})
            reward_first = env_first["loyalty.reward"].browse(shop["rewards"][0])
            card_first, card_second = env_first["loyalty.card"].browse(shop["cards"])
            reward_catalogue.claim(card_first, reward_first, "portal", key="nowait:first")
            env_first.flush_all()  # the first redemption holds its rows, not committed
            second.execute("SET LOCAL lock_timeout = '2s'")
            try:
                redemption = reward_catalogue.claim(
                    card_second.with_env(env_second),
                    reward_first.with_env(env_second),
                    "portal",
                    key="nowait:second",
                )
                env_second.flush_all()
            except psycopg2.errors.LockNotAvailable:
                self.fail("the second card waited for the first card's redemption of the same reward")
            self.assertEqual(redemption.card_id.id, shop["cards"][1])
            first.rollback()
            second.rollback()

    def test_last_five_in_stock_go_to_five_of_eight_cards(self):
        shop = self._shop("Stock", cards=TILLS, stock=5, tills=1)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            for card in env["loyalty.card"].browse(shop["cards"]):
                card.points = 100
        outcome = Counter()
        barrier = threading.Barrier(TILLS)

        def member(number):
            rng = till_client.new_rng(number)
            barrier.wait()

            def choose(env):
                card = env["loyalty.card"].browse(shop["cards"][number])
                reward = env["loyalty.reward"].browse(shop["rewards"][0])
                try:
                    reward_catalogue.claim(card, reward, "portal", key=f"stock:{number}")
                except UserError:
                    return "out of stock"
                return "given"

            answer = pos_tills.retried(self.registry, rng, choose, outcome)
            outcome[answer] += 1

        self._run_tills(member, TILLS)
        self.assertEqual((outcome["given"], outcome["out of stock"]), (5, 3))
        self.assertEqual(outcome["deadlocks"], 0)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT COUNT(*), COALESCE(SUM(c.points), 0) FROM fidelite_reward_redemption r"
                " JOIN loyalty_card c ON c.id = r.card_id WHERE r.reward_id = %s",
                [shop["rewards"][0]],
            )
            given, left = cr.fetchone()
        self.assertEqual(given, 5)
        self.assertEqual(left, 5 * (100 - till_client.REWARD_COST), "the five who got it paid for it once")

    def _deadlocks(self):
        with self.registry.cursor() as cr:
            cr.execute("SELECT pg_stat_clear_snapshot()")
            cr.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
            return cr.fetchone()[0]

    def test_tills_over_json_rpc_on_a_multi_worker_server(self):
        """The same Saturday against Odoo's multi-process server, the till's own JSON-RPC calls."""
        shop = self._shop("Multi")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            pos_tills.add_cashier(env, shop, "fid_multi_cashier", "fid-multi-cashier-pw")
            promotion = env["loyalty.program"].create(
                {
                    "name": "Multi promo",
                    "program_type": "promotion",
                    "company_id": shop["company"],
                    "rule_ids": [Command.create({"reward_point_mode": "order", "reward_point_amount": 1})],
                    "reward_ids": [Command.create({"reward_type": "discount", "discount": 10, "required_points": 1})],
                }
            )
            promotion_id = promotion.id
        dbname = get_db_name()
        folder = tempfile.mkdtemp(prefix="fidelite-multi-worker-")
        log = os.path.join(folder, "server.log")
        # a script file: a multi-process server starts its gevent process again as ``python argv[0]``
        launcher = os.path.join(folder, "odoo_server.py")
        with open(launcher, "w") as script:
            script.write("from odoo.cli.command import main\nmain()\n")
        command = [sys.executable, launcher, "server"]
        stats = Counter()
        uuids = []
        with till_client.multi_worker_server(command, config["config"], dbname, workers=2, log_path=log) as url:
            deadlocks_before = self._deadlocks()

            def till(number):
                rng = till_client.new_rng(100 + number)
                cookie = till_client.login(url, dbname, "fid_multi_cashier", "fid-multi-cashier-pw")
                for operation in range(HTTP_ORDERS_PER_TILL):
                    reward = 0 if operation % 4 == 3 else None
                    uuids.append(
                        till_client.http_sell(url, cookie, shop, number, rng, stats, 0, rng.choice([1, 2]), reward)
                    )

            self._run_tills(till, TILLS)
            # a modified till over the same JSON-RPC: the loyalty card under a promotion's id
            cookie = till_client.login(url, dbname, "fid_multi_cashier", "fid-multi-cashier-pw")
            data, coupons = till_client.order_data(shop, 0, 0, 1)
            result, error = till_client.jsonrpc_call(url, cookie, "pos.order", "sync_from_ui", [[data]])
            self.assertFalse(error)
            order_id = result["pos.order"][0]["id"]
            tampered = {key: dict(value, program_id=promotion_id, points=5000) for key, value in coupons.items()}
            with self.registry.cursor() as cr:
                cr.execute("SELECT points FROM loyalty_card WHERE id = %s", [shop["cards"][0]])
                before = cr.fetchone()[0]
            _result, error = till_client.jsonrpc_call(
                url, cookie, "pos.order", "confirm_coupon_programs", [order_id, tampered]
            )
            self.assertIn("Loyalty data refused", str(error))
            time.sleep(1.5)  # PostgreSQL publishes its statistics once a second at most
            deadlocks = self._deadlocks() - deadlocks_before
        self.assertEqual(deadlocks, 0, "PostgreSQL reported deadlocks")
        with self.registry.cursor() as cr:
            cr.execute("SELECT points FROM loyalty_card WHERE id = %s", [shop["cards"][0]])
            after = cr.fetchone()[0]
            cr.execute("SELECT COUNT(*) FROM pos_order WHERE uuid IN %s", [(*uuids, data["uuid"])])
            orders = cr.fetchone()[0]
            cr.execute(
                "SELECT COALESCE(SUM(points), 0), MIN(balance_after) FROM fidelite_points_move WHERE card_id = %s",
                [shop["cards"][0]],
            )
            ledger_total, lowest = cr.fetchone()
        self.assertEqual(orders, TILLS * HTTP_ORDERS_PER_TILL + 1)
        self.assertAlmostEqual(after, before, places=2, msg="the refused confirmation changed nothing")
        self.assertAlmostEqual(after, ledger_total, places=2)
        self.assertGreaterEqual(lowest, 0)
