"""Run by ``odoo shell`` for bench_member_kpis.py on a database filled by member_data.py.

``env`` and ``result`` are given; ``SAMPLE``, ``INCREMENTAL_RUNS`` and ``SEED`` are set before
this text. Measures, in this order and in one transaction (rolled back by the shell at the end):

1. the deep rebuild, ``env["fidelite.member.kpi"]._fidelite_rebuild(deep=True)``, flushed,
   then the scheduled refresh a day later (``as_of`` tomorrow, from the facts), then once more
   today (the figures compared with the ORM are today's);
2. the same figures the naive way with the ORM for ``SAMPLE`` random members (the baseline),
   then compared with what the refresh stored for them;
3. ``member_kpis.record_order(order)`` for ``INCREMENTAL_RUNS`` existing orders of random
   members, the ORM cache emptied before each.

What is missing in the addon is reported (``missing``) instead of measured.
"""

# ruff: noqa: F821
import random
import statistics
import time
from collections import Counter
from datetime import timedelta

from odoo import fields

env = env(user=env.ref("base.user_admin").id, su=True)
cr = env.cr
rng = random.Random(SEED)  # noqa: S311 - which members, not a secret
today = fields.Date.today()
WINDOWS = (30, 90, 365)
DONE_STATES = ("paid", "done")
figures = {"missing": []}


def naive_member_figures(partner):
    """A member's figures computed the obvious way: search their orders, sum in Python."""
    orders = env["pos.order"].search([("partner_id", "=", partner.id), ("state", "in", DONE_STATES)])
    visits = orders.filtered(lambda o: o.amount_total > 0)
    days = [o.date_order.date() for o in visits]
    revenue = sum(o.amount_total - o.amount_tax for o in orders)
    margin = sum(line.price_subtotal - line.total_cost for o in orders for line in o.lines)
    stores = Counter(o.config_id.id for o in visits)
    store_revenue = Counter()
    for o in orders:
        store_revenue[o.config_id.id] += o.amount_total - o.amount_tax
    windows = {
        n: sum(o.amount_total - o.amount_tax for o in orders if o.date_order.date() > today - timedelta(days=n))
        for n in WINDOWS
    }
    first, last = (min(days), max(days)) if days else (None, None)
    return {
        "first_visit": first,
        "last_visit": last,
        "visit_count": len(visits),
        "revenue": revenue,
        "margin": margin,
        "average_basket": revenue / len(visits) if visits else 0.0,
        "mean_days_between": (last - first).days / (len(visits) - 1) if len(visits) > 1 else None,
        "preferred_store_id": min(stores, key=lambda s: (-stores[s], -store_revenue[s], s)) if stores else None,
        "revenue_30": windows[30],
        "revenue_90": windows[90],
        "revenue_365": windows[365],
    }


cr.execute("SELECT count(*) FROM res_partner WHERE fidelite_is_member")
members = cr.fetchone()[0]
cr.execute("SELECT id FROM res_partner WHERE fidelite_is_member ORDER BY id")
member_ids = [row[0] for row in cr.fetchall()]
sample_ids = rng.sample(member_ids, min(SAMPLE, len(member_ids)))
figures["members"] = members
figures["sample"] = len(sample_ids)

# 1. the full refresh
Kpi = env.get("fidelite.member.kpi")
if Kpi is None or not hasattr(Kpi, "_fidelite_rebuild"):
    figures["missing"].append('env["fidelite.member.kpi"]._fidelite_rebuild()')
else:

    def timed_rebuild(label, **kwargs):
        env.invalidate_all()
        started = time.perf_counter()
        Kpi._fidelite_rebuild(**kwargs)
        env.flush_all()
        seconds = time.perf_counter() - started
        run = env["fidelite.kpi.refresh"].search([], order="id desc", limit=1)
        steps = " | ".join(filter(None, (run.log or "").split("\n")))
        print(f"member_kpis: {label} {seconds:.1f} s: {steps}", flush=True)
        return seconds

    # a reused database may hold the figures of an earlier run (committed by hand): start empty
    cr.execute(
        "TRUNCATE fidelite_member_kpi, fidelite_member_store_kpi, fidelite_member_category_kpi,"
        " fidelite_member_store_day, fidelite_member_score_history, fidelite_cohort_cell, fidelite_pareto_point,"
        " fidelite_kpi_refresh"
    )
    figures["deep_s"] = timed_rebuild("deep rebuild", deep=True)
    cr.execute("SELECT count(*) FROM fidelite_member_kpi")
    figures["kpi_rows"] = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM fidelite_member_store_day")
    figures["fact_rows"] = cr.fetchone()[0]
    print(f"member_kpis: {figures['kpi_rows']:,} member rows, {figures['fact_rows']:,} member-store-day facts")
    # the nightly case: the facts are current, a day later the figures, windows and scores move
    figures["refresh_s"] = timed_rebuild("scheduled refresh a day later", as_of=today + timedelta(days=1))
    figures["refresh_again_s"] = timed_rebuild("scheduled refresh today")

# 2. the naive ORM baseline on the sample
env.invalidate_all()
started = time.perf_counter()
naive = {}
for partner in env["res.partner"].browse(sample_ids):
    naive[partner.id] = naive_member_figures(partner)
figures["orm_s"] = time.perf_counter() - started
print(f"member_kpis: ORM baseline {figures['orm_s']:.1f} s for {len(sample_ids):,} members", flush=True)

if "refresh_s" in figures:
    # the refresh and the baseline must agree on the sample
    company = env.company
    stored = {
        k.partner_id.id: k for k in Kpi.search([("partner_id", "in", sample_ids), ("company_id", "=", company.id)])
    }
    mismatches = Counter()
    for partner_id, expected in naive.items():
        kpi = stored.get(partner_id)
        for name, value in expected.items():
            got = kpi[name] if kpi else None
            if name == "preferred_store_id":
                got = got.id if got else None
            elif name.endswith("_visit"):
                got = got or None
            if isinstance(value, float) or isinstance(got, float):
                if abs((value or 0.0) - (got or 0.0)) > 0.01 + 1e-6 * abs(value or 0.0):
                    mismatches[name] += 1
            elif kpi is None and not value:
                continue
            elif value != got:
                mismatches[name] += 1
    figures["mismatches"] = dict(mismatches)
    print(f"member_kpis: refresh vs ORM on the sample, mismatches: {dict(mismatches) or 'none'}", flush=True)

# 3. the incremental update, one paid order of a random member at a time
try:
    from odoo.addons.fidelite_loyalty.services import member_kpis
except ImportError:
    member_kpis = None
if member_kpis is None or not hasattr(member_kpis, "record_order"):
    figures["missing"].append("fidelite_loyalty.services.member_kpis.record_order(order)")
else:
    cr.execute(
        """
        SELECT DISTINCT ON (partner_id) id FROM pos_order
         WHERE partner_id = ANY(%s) AND state IN %s AND amount_total > 0
         ORDER BY partner_id, md5(id::text)
        """,
        [rng.sample(member_ids, min(len(member_ids), 20 * INCREMENTAL_RUNS)), DONE_STATES],
    )
    order_ids = [row[0] for row in cr.fetchall()]
    order_ids = rng.sample(order_ids, min(INCREMENTAL_RUNS, len(order_ids)))
    timings = []
    for order_id in order_ids:
        env.invalidate_all()
        order = env["pos.order"].browse(order_id)
        started = time.perf_counter()
        member_kpis.record_order(order)
        env.flush_all()
        timings.append(1000 * (time.perf_counter() - started))
    figures["incremental_ms"] = statistics.median(timings)
    figures["incremental_runs"] = len(timings)
    print(f"member_kpis: record_order median {figures['incremental_ms']:.2f} ms over {len(timings)} orders", flush=True)

result(figures)
