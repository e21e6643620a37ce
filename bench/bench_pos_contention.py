"""Tills of a busy Saturday over JSON-RPC, against Odoo's multi-process server.

One database with ``fidelite_loyalty``; a shop of its own company with an open POS session, a
loyalty program (1 point per euro) with 8 rewards of 30 points without a stock limit, 8
members' cards, and a cashier. An Odoo server is started on it with ``--workers 4`` (no cron
worker) on a free loopback port. Each till is a thread that logs in as the cashier and sends
what the POS sends for each paid order: ``sync_from_ui``, then ``confirm_coupon_programs``
(``addons/fidelite_loyalty/tests/till_client.py``, the client of the multi-worker test).

Scenarios, each for a fixed number of orders:
- one card: 8 tills, 3 credits for 1 reward debit (the reward flow), all on the same card;
- the same reward: 8 tills each redeeming reward 1 on its own card, every order;
- different rewards: 8 tills, till n redeeming reward n on its own card, every order.

Figures:
- ``pos_same_card_orders_per_s``: orders per second on one card (target: 20 at least);
- ``pos_same_card_deadlocks``: deadlocks PostgreSQL reported during it (target: 0);
- ``reward_same_orders_per_s`` and ``reward_different_orders_per_s``;
- ``reward_parallel_ratio``: the same reward's throughput over different rewards' (target: 0.8 at least).
"""

import importlib.util
import threading
import time
from collections import Counter
from pathlib import Path

from tools.fidelite_dev.errors import ToolError

TILLS = 8
SAME_CARD_ORDERS = 40  # per till
REWARD_ORDERS = 25  # per till and scenario
WORKERS = 4
CLIENT = Path(__file__).parents[1] / "addons" / "fidelite_loyalty" / "tests" / "till_client.py"
SETUP = f"""
from odoo.addons.fidelite_loyalty.tests import pos_tills
shop = pos_tills.build_shop(env, "Bench Saturday", cards={TILLS + 1}, rewards={TILLS})
pos_tills.add_cashier(env, shop, "bench_cashier", "bench-cashier-pw")
for card in env["loyalty.card"].browse(shop["cards"][1:]):
    card.points = 100000
env.cr.commit()
result(shop)
"""


def _client():
    spec = importlib.util.spec_from_file_location("fidelite_till_client", CLIENT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _deadlocks(ctx, db):
    from tools.fidelite_dev.bench import _admin

    time.sleep(1.5)  # PostgreSQL publishes its statistics once a second at most
    rows = _admin(ctx.settings, ("SELECT deadlocks FROM pg_stat_database WHERE datname = %s", db))
    return rows[0][0]


def _tills(client, url, db, shop, orders, choose):
    """8 tills, ``orders`` each; ``choose(till, n)`` gives (card index, quantity, reward index or None)."""
    stats, errors = Counter(), []

    def till(number):
        try:
            rng = client.new_rng(number)
            cookie = client.login(url, db, "bench_cashier", "bench-cashier-pw")
            for n in range(orders):
                client.http_sell(url, cookie, shop, number, rng, stats, *choose(number, n))
        except Exception as error:  # noqa: BLE001 - reported as the benchmark's failure
            errors.append(f"till {number}: {error}")

    threads = [threading.Thread(target=till, args=(number,)) for number in range(TILLS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise ToolError(f"{len(errors)} till(s) failed, e.g. {errors[:2]}")
    return TILLS * orders / elapsed, stats


def run(ctx):
    client = _client()
    db, _ = ctx.create_db("fidelite", ("fidelite_loyalty",))
    shop = ctx.odoo_script(db, SETUP)
    command = ctx.inst.server_cmd()
    log = ctx.workdir / f"{db}.server.log"
    with client.multi_worker_server(
        command, ctx.conf(db), db, workers=WORKERS, log_path=log, env=ctx.inst.env()
    ) as url:
        before = _deadlocks(ctx, db)
        per_s, stats = _tills(
            client, url, db, shop, SAME_CARD_ORDERS, lambda _till, n: (0, 1 + n % 2, 0 if n % 4 == 3 else None)
        )
        ctx.figure("pos_same_card_orders_per_s", per_s, "orders/s")
        ctx.figure("pos_same_card_deadlocks", _deadlocks(ctx, db) - before, "deadlocks")
        ctx.figure("pos_same_card_gave_up_retries", stats["gave_up_retries"], "calls")
        same, _stats = _tills(client, url, db, shop, REWARD_ORDERS, lambda till, _n: (1 + till, 1, 0))
        different, _stats = _tills(client, url, db, shop, REWARD_ORDERS, lambda till, _n: (1 + till, 1, till))
    ctx.figure("reward_same_orders_per_s", same, "orders/s")
    ctx.figure("reward_different_orders_per_s", different, "orders/s")
    ctx.figure("reward_parallel_ratio", same / different, "ratio")
