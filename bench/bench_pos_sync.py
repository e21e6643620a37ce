"""Cost of syncing POS orders with Fidélité's server-side points over stock ``pos_loyalty``.

Two fresh databases, one with Odoo's loyalty apps only (the baseline), one with
``fidelite_loyalty`` too, run the same script: a shop, a loyalty program (1 point per euro),
200 members with a card, then 1,000 paid orders of 3 lines each, synced as the till does it
(``sync_from_ui`` then ``confirm_coupon_programs`` with the till's points), one transaction
per order. The first 50 orders warm the caches and are not timed.

Figures:
- ``pos_sync_baseline_ms``: mean time per order, stock ``pos_loyalty``;
- ``pos_sync_fidelite_ms``: the same with Fidélité;
- ``pos_sync_overhead_pct``: what Fidélité adds, in percent of the baseline (target: 15 % at most);
- ``pos_sync_baseline_cpu_ms``, ``pos_sync_fidelite_cpu_ms`` and ``pos_sync_overhead_cpu_pct``: the
  same with the Odoo process's CPU time per order (PostgreSQL's not counted), which other work on
  the machine changes far less than the elapsed time: the figure to read on a busy machine.
"""

from pathlib import Path

BASE_APPS = ("loyalty", "pos_loyalty", "sale_loyalty")
ORDERS = 1000
WARMUP = 50

SCRIPTS = Path(__file__).parent / "scripts"


def run(ctx):
    script = "\n".join(
        [
            f"ORDERS, WARMUP = {ORDERS}, {WARMUP}",
            (SCRIPTS / "shop.py").read_text(),
            (SCRIPTS / "pos_sync.py").read_text(),
        ]
    )
    base_db, _ = ctx.create_db("baseline", BASE_APPS)
    fid_db, _ = ctx.create_db("fidelite", (*BASE_APPS, "fidelite_loyalty"))
    baseline = ctx.odoo_script(base_db, script)
    fidelite = ctx.odoo_script(fid_db, script)
    ctx.figure("pos_sync_baseline_ms", baseline["ms_per_order"], "ms/order")
    ctx.figure("pos_sync_fidelite_ms", fidelite["ms_per_order"], "ms/order")
    ctx.figure(
        "pos_sync_overhead_pct",
        100.0 * (fidelite["ms_per_order"] - baseline["ms_per_order"]) / baseline["ms_per_order"],
        "%",
    )
    ctx.figure("pos_sync_baseline_cpu_ms", baseline["cpu_ms_per_order"], "ms/order")
    ctx.figure("pos_sync_fidelite_cpu_ms", fidelite["cpu_ms_per_order"], "ms/order")
    ctx.figure(
        "pos_sync_overhead_cpu_pct",
        100.0 * (fidelite["cpu_ms_per_order"] - baseline["cpu_ms_per_order"]) / baseline["cpu_ms_per_order"],
        "%",
    )
    # same orders, same program: both must have credited the same points
    ctx.figure("pos_sync_points_difference", fidelite["points"] - baseline["points"], "points")
