"""Member KPIs and segmentation at a million members: full refresh, ORM baseline, incremental cost.

One database with ``fidelite_loyalty``, filled by ``scripts/member_data.py`` (the generator of
``make bench-data``): 1,000,000 members and 10,000,000 POS order lines over 3 years in 4 stores
by default; ``FIDELITE_BENCH_MEMBERS`` and ``FIDELITE_BENCH_LINES`` make it smaller. Then, on
that same data (``scripts/member_kpis.py``):

- ``bench_data_generate_s``: time to generate the data set;
- ``segment_refresh_s_1m``: the full KPI refresh, ``fidelite.member.kpi._fidelite_rebuild()``
  (target: 60 s at most for the top size on 2 cores);
- ``segment_orm_s_10k``: the same figures computed the naive way with the ORM (search each
  member's orders, sum in Python) for 10,000 random members;
- ``segment_speedup_vs_orm``: that ORM time extrapolated linearly to every member, against the
  refresh (target: 50 at least);
- ``segment_mismatches``: figures of the sample on which the refresh and the ORM disagree (0);
- ``kpi_incremental_ms``: median time of ``services.member_kpis.record_order(order)`` for one
  paid order, over 200 existing orders of random members (target: 5 ms at most).

The figure names keep the top size's (``_1m``, ``_10k``) whatever the size; the size is printed.
"""

import os
from pathlib import Path

from tools.fidelite_dev.errors import ToolError

SCRIPTS = Path(__file__).parent / "scripts"
MEMBERS = int(os.environ.get("FIDELITE_BENCH_MEMBERS", "1000000"))
LINES = int(os.environ.get("FIDELITE_BENCH_LINES", "10000000"))
SAMPLE = 10_000
INCREMENTAL_RUNS = 200
SEED = 42


def run(ctx):
    db, _ = ctx.create_db("data", ("fidelite_loyalty",))
    print(f"bench: generating {MEMBERS:,} members and {LINES:,} order lines ...", flush=True)
    generator = (SCRIPTS / "member_data.py").read_text()
    data = ctx.odoo_script(
        db,
        f"{generator}\nresult(generate(env, members={MEMBERS}, lines={LINES}, seed={SEED}))\n",
        timeout=3 * 3600,
        echo=True,
    )
    ctx.figure("bench_data_generate_s", data["seconds"], "s")
    script = (
        f"SAMPLE, INCREMENTAL_RUNS, SEED = {SAMPLE}, {INCREMENTAL_RUNS}, {SEED}\n"
        + (SCRIPTS / "member_kpis.py").read_text()
    )
    figures = ctx.odoo_script(db, script, echo=True)
    members, sample = figures["members"], figures["sample"]
    ctx.figure("segment_orm_s_10k", figures["orm_s"], "s")
    orm_extrapolated = figures["orm_s"] * members / sample
    print(f"bench: the ORM baseline would take {orm_extrapolated:,.0f} s for all {members:,} members", flush=True)
    if "refresh_s" in figures:
        ctx.figure("segment_refresh_s_1m", figures["refresh_s"], "s")
        ctx.figure("segment_refresh_again_s_1m", figures["refresh_again_s"], "s")
        ctx.figure("segment_speedup_vs_orm", orm_extrapolated / figures["refresh_s"], "x")
        ctx.figure("segment_mismatches", sum(figures["mismatches"].values()), "figures")
        if figures["mismatches"]:
            print(f"bench: refresh and ORM disagree on {figures['mismatches']}", flush=True)
    if "incremental_ms" in figures:
        ctx.figure("kpi_incremental_ms", figures["incremental_ms"], "ms")
    if figures["missing"]:
        raise ToolError("member_kpis: not in fidelite_loyalty yet, not measured: " + "; ".join(figures["missing"]))
