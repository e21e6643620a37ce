"""Members' figures: rebuilt for everyone with set-based SQL, kept current order by order.

``record_order`` adds one paid order to its member's figures (a few single-row upserts), so
dashboards and rules see today's purchases before the night. It also adds the order to two
compact facts: the member's purchases per store and day (``fidelite.member.store.day``) and
per product category (``fidelite.member.category.kpi``).

``rebuild`` is the nightly job, a few set-based statements each recorded as a step of a
``fidelite.kpi.refresh`` run (progress in the back office and in the logs); a run cut short
resumes at the step where it stopped. It derives the per-store figures, the members' figures
(with the windows that move every day), the cohorts and the Pareto curve from the facts
(millions of narrow rows, not every order line), then ``member_scores`` scores every member
against the others, a snapshot of the scores is kept per month and ``segments`` refreshes
the saved segments. A deep rebuild (``deep=True``: weekly, and the first run) regenerates the
facts from the orders first. Tables are written only where a row changed (``table_sync``).
Incremental and rebuilt figures are the same.
"""

import logging
import time
from functools import partial

from odoo import fields
from odoo.tools import SQL

from . import member_changes, member_scores, prepared, segments
from .member_orders import lines_sql, orders_sql
from .table_sync import sync

_logger = logging.getLogger(__name__)

WINDOWS = (30, 90, 365)


CATEGORY_KEYS = ("partner_id", "company_id", "category_id")
STORE_KEYS = ("partner_id", "company_id", "store_id")
DAY_KEYS = ("partner_id", "company_id", "store_id", "day")
MEMBER_KEYS = ("partner_id", "company_id")
NULLABLE = ("category_id", "store_id")
MEMBER_FIGURES = (
    "partner_id",
    "company_id",
    "first_visit",
    "last_visit",
    "visit_count",
    "revenue",
    "revenue_incl",
    "average_basket",
    "mean_days_between",
    "revenue_30",
    "revenue_90",
    "revenue_365",
    "margin",
    "preferred_store_id",
    "preferred_category_id",
    "points_earned",
    "points_spent",
    "points_expired",
    "rewards_used",
    "refresh_pending",
    "visit_months",
)


def step_days(env, as_of):
    """Deep rebuild: the members' purchases per store and day, from every order."""
    sync(
        env,
        "fidelite_member_store_day",
        DAY_KEYS,
        ("partner_id", "company_id", "store_id", "day", "revenue", "revenue_incl", "visits"),
        SQL(
            """
            SELECT partner_id, company_id, store_id, day, SUM(revenue) AS revenue,
                   SUM(revenue_incl) AS revenue_incl, SUM(visit)::int AS visits
              FROM (%s) orders
             GROUP BY 1, 2, 3, 4
            """,
            orders_sql(env),
        ),
        nullable=NULLABLE,
    )


def step_categories(env, as_of):
    """Deep rebuild: what each member bought per product category, from every order line."""
    sync(
        env,
        "fidelite_member_category_kpi",
        CATEGORY_KEYS,
        ("partner_id", "company_id", "category_id", "revenue", "margin", "line_count"),
        SQL(
            "SELECT partner_id, company_id, category_id, revenue, margin, lines::int AS line_count FROM (%s) lines",
            lines_sql(env),
        ),
        nullable=NULLABLE,
    )


def step_stores(env, as_of, scoped=False):
    """The members' figures per store; ``scoped``: only those of the members flagged (``member_changes``)."""
    if scoped:
        member_changes.collect(env)
    sync(
        env,
        "fidelite_member_store_kpi",
        STORE_KEYS,
        ("partner_id", "company_id", "store_id", "first_visit", "last_visit", "visit_count", "revenue"),
        SQL(
            """
            SELECT partner_id, company_id, store_id, MIN(day) FILTER (WHERE visits > 0) AS first_visit,
                   MAX(day) FILTER (WHERE visits > 0) AS last_visit, SUM(visits)::int AS visit_count,
                   SUM(revenue) AS revenue
              FROM fidelite_member_store_day d
             WHERE %s
             GROUP BY 1, 2, 3
            """,
            _only(scoped, "d"),
        ),
        nullable=NULLABLE,
        scope=_only(scoped, "t"),
    )


def _only(scoped, alias):
    return member_changes.pending(alias) if scoped else SQL("TRUE")


def step_members(env, as_of, scoped=False):
    """One row per member and company (their scores are kept until the scoring step).

    ``scoped``: only the members flagged (``member_changes``), whose flag is cleared.
    """
    if scoped:
        member_changes.collect(env)
    rows = SQL(
        """
        WITH figures AS (
            SELECT partner_id, company_id, MIN(day) FILTER (WHERE visits > 0) AS first_visit,
                   MAX(day) FILTER (WHERE visits > 0) AS last_visit, SUM(visits) AS visits,
                   SUM(revenue) AS revenue, SUM(revenue_incl) AS revenue_incl, %(windows)s,
                   ARRAY_AGG(DISTINCT (DATE_PART('year', day) * 12 + DATE_PART('month', day) - 1)::int)
                       FILTER (WHERE visits > 0) AS visit_months
              FROM fidelite_member_store_day d WHERE %(d)s
             GROUP BY 1, 2
        ), members AS (%(members)s
        ), stores AS (
            SELECT DISTINCT ON (partner_id, company_id) partner_id, company_id, store_id
              FROM fidelite_member_store_kpi s WHERE store_id IS NOT NULL AND visit_count > 0 AND %(s)s
             ORDER BY partner_id, company_id, visit_count DESC, revenue DESC, store_id
        ), margins AS (
            SELECT partner_id, company_id, SUM(margin) AS margin FROM fidelite_member_category_kpi g
             WHERE %(g)s GROUP BY 1, 2
        ), categories AS (
            SELECT DISTINCT ON (partner_id, company_id) partner_id, company_id, category_id
              FROM fidelite_member_category_kpi g WHERE category_id IS NOT NULL AND revenue > 0 AND %(g)s
             ORDER BY partner_id, company_id, revenue DESC, category_id
        ), points AS (
            SELECT p.commercial_partner_id AS partner_id, m.company_id,
                   COALESCE(SUM(m.points) FILTER (WHERE m.move_type = 'earn'), 0) AS earned,
                   COALESCE(-SUM(m.points) FILTER (WHERE m.move_type = 'redeem'), 0) AS spent,
                   COALESCE(-SUM(m.points) FILTER (WHERE m.move_type = 'expire'), 0) AS expired
              FROM fidelite_points_move m JOIN res_partner p ON p.id = m.partner_id
             WHERE %(points)s
             GROUP BY 1, 2
        ), rewards AS (
            SELECT p.commercial_partner_id AS partner_id, r.company_id, COUNT(*) AS used
              FROM fidelite_reward_redemption r JOIN res_partner p ON p.id = r.partner_id
             WHERE r.state != 'cancelled' AND %(rewards)s
             GROUP BY 1, 2
        )
        SELECT partner_id, company_id, f.first_visit, f.last_visit,
               COALESCE(f.visits, 0)::int AS visit_count,
               COALESCE(f.revenue, 0) AS revenue, COALESCE(f.revenue_incl, 0) AS revenue_incl,
               CASE WHEN f.visits > 0 THEN f.revenue / f.visits ELSE 0 END AS average_basket,
               CASE WHEN f.visits > 1 THEN (f.last_visit - f.first_visit)::float / (f.visits - 1) END
                   AS mean_days_between,
               COALESCE(f.w30, 0) AS revenue_30, COALESCE(f.w90, 0) AS revenue_90,
               COALESCE(f.w365, 0) AS revenue_365, COALESCE(mg.margin, 0) AS margin,
               s.store_id AS preferred_store_id, c.category_id AS preferred_category_id,
               COALESCE(pt.earned, 0) AS points_earned, COALESCE(pt.spent, 0) AS points_spent,
               COALESCE(pt.expired, 0) AS points_expired, COALESCE(rw.used, 0)::int AS rewards_used,
               FALSE AS refresh_pending, f.visit_months
          FROM figures f
          FULL JOIN members k USING (partner_id, company_id)
          LEFT JOIN margins mg USING (partner_id, company_id)
          LEFT JOIN stores s USING (partner_id, company_id)
          LEFT JOIN categories c USING (partner_id, company_id)
          LEFT JOIN points pt USING (partner_id, company_id)
          LEFT JOIN rewards rw USING (partner_id, company_id)
        """,
        windows=SQL(
            "COALESCE(SUM(revenue) FILTER (WHERE day > %s), 0) AS w30, "
            "COALESCE(SUM(revenue) FILTER (WHERE day > %s), 0) AS w90, "
            "COALESCE(SUM(revenue) FILTER (WHERE day > %s), 0) AS w365",
            *(fields.Date.subtract(as_of, days=days) for days in WINDOWS),
        ),
        members=member_changes.members(scoped),
        d=_only(scoped, "d"),
        s=_only(scoped, "s"),
        g=_only(scoped, "g"),
        points=_member_of(scoped, "m"),
        rewards=_member_of(scoped, "r"),
    )
    sync(env, "fidelite_member_kpi", MEMBER_KEYS, MEMBER_FIGURES, rows, scope=_only(scoped, "t"))


def _member_of(scoped, alias):
    """Points and rewards (of a contact of the member) of the members flagged only, if ``scoped``."""
    if not scoped:
        return SQL("TRUE")
    return SQL(
        "(p.commercial_partner_id, %s) IN (SELECT partner_id, company_id FROM fidelite_pending)",
        SQL.identifier(alias, "company_id"),
    )


# a deep rebuild regenerates the facts kept current order by order, from the orders themselves,
# then computes every member; the nightly refresh computes the members flagged only
DEEP_STEPS = [
    ("days", step_days),
    ("categories", step_categories),
    ("stores", step_stores),
    ("members", step_members),
]
NIGHTLY_STEPS = [
    ("changes", member_changes.mark),
    ("stores", partial(step_stores, scoped=True)),
    ("members", partial(step_members, scoped=True)),
]
STEPS = [
    ("scores", member_scores.score_all),
    ("history", member_scores.snapshot),
    ("cohorts", member_scores.cohorts),
    ("pareto", member_scores.pareto),
    ("segments", lambda env, as_of: segments.refresh_all(env)),
]


def rebuild(env, as_of=None, commit=False, deep=False):
    """Rebuild every member's figures and scores as of ``as_of`` (today); returns the run.

    The nightly rebuild derives everything from the facts kept current order by order
    (purchases per member, store and day; per member and category). With ``deep`` (and always
    while no deep rebuild was ever done) these facts are first regenerated from the orders.
    With ``commit`` (the cron) each step is committed, so a run stopped half-way resumes at
    its next step when started again on the same day.
    """
    env = env(su=True)
    as_of = fields.Date.to_date(as_of) if as_of else fields.Date.today()
    Run = env["fidelite.kpi.refresh"]
    run = Run.search([("state", "=", "running"), ("as_of", "=", as_of)], limit=1) if commit else Run
    if not run:
        deep = deep or not Run.search_count([("deep", "=", True), ("state", "=", "done")], limit=1)
        run = Run.create({"as_of": as_of, "state": "running", "deep": deep, "started_at": fields.Datetime.now()})
    steps = (DEEP_STEPS if run.deep else NIGHTLY_STEPS) + STEPS
    done = (run.done_steps or "").split(",")
    for index, (name, step) in enumerate(steps):
        if name in done:
            continue
        run.write({"step": name, "progress": 100.0 * index / len(steps)})
        if commit:
            env.cr.commit()
        started = time.perf_counter()
        env.flush_all()
        _tune(env)
        step(env, as_of)
        env.invalidate_all()
        seconds = time.perf_counter() - started
        _logger.info("Fidélité KPI refresh %s: step %s done in %.1f s", run.id, name, seconds)
        done.append(name)
        run.write({"done_steps": ",".join(filter(None, done)), "log": f"{run.log or ''}{name}: {seconds:.1f} s\n"})
        if commit:
            env.cr.commit()
    env.cr.execute("SELECT COUNT(*) FROM fidelite_member_kpi")
    run.write(
        {
            "state": "done",
            "progress": 100.0,
            "step": False,
            "ended_at": fields.Datetime.now(),
            "member_count": env.cr.fetchone()[0],
        }
    )
    return run


def _tune(env):
    """Settings of the current transaction for statements over every member.

    Aggregates over millions of rows fit in memory instead of spilling to disk, large scans
    may use parallel workers, and no time is spent compiling (JIT) plans that run once.
    """
    work_mem = env["ir.config_parameter"].get_param("fidelite_loyalty.refresh_work_mem", "512MB")
    env.cr.execute(
        "SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true),"
        " set_config('max_parallel_workers_per_gather', '2', true)",
        [work_mem],
    )


ORDER_IDS = {"pos.order": "pos_ids", "sale.order": "sale_ids", "account.move": "invoice_ids"}
# what the statements of ``record_order`` read, per kind of order: written first
FLUSHED = {
    "pos.order": ("pos.order", "pos.order.line"),
    "sale.order": ("sale.order", "sale.order.line"),
    "account.move": ("account.move", "account.move.line", "pos.order", "sale.order.line"),
}
# the text of the statement of ``record_order``, per registry and kind of order
_RECORD_TEXTS = {}


def record_order(order, today=None):
    """Add a paid POS order, a confirmed sales order or a posted invoice to its member's figures.

    An invoice counts only where its company counts invoices and when it comes from no POS or
    sales order (the query gives no row otherwise).

    The order's rows come from the same queries as the rebuild's, read once: one statement
    adds them to the member's categories, store and figures (and flags the member for the
    nightly refresh), a second one derives the rest. Both are prepared once per connection.
    """
    env = order.env
    today = today or fields.Date.today()
    # the SQL below reads these tables: a customer or product created in the same transaction
    # (a new customer's first order) must be written first
    for model in ("res.partner", "product.product", "product.template", *FLUSHED[order._name]):
        env[model].flush_model()
    if order._name == "account.move":
        env["res.company"].flush_model(["fidelite_kpi_invoices"])
    key = (id(env.registry), order._name)
    if key not in _RECORD_TEXTS:
        _RECORD_TEXTS[key] = prepared.text(env.cr, _record_sql(env, order._name))
    windows = [fields.Date.subtract(today, days=days) for days in WINDOWS]
    members = prepared.execute(env.cr, _RECORD_TEXTS[key], ("int[]", "date", "date", "date"), [order.ids, *windows])
    if members:
        env["fidelite.points.move"].flush_model()
        env["fidelite.reward.redemption"].flush_model()
    for partner_id, company_id in members:
        prepared.execute(env.cr, DERIVED_SQL, ("int", "int"), [partner_id, company_id])
    for model in (
        "fidelite.member.kpi",
        "fidelite.member.store.kpi",
        "fidelite.member.category.kpi",
        "fidelite.member.store.day",
    ):
        env[model].invalidate_model()


def _record_sql(env, model):
    """The statement of ``record_order`` for an order of ``model``: $1 the order ids, $2 to $4
    the first days out of the 30, 90 and 365-day windows."""
    ids = {"pos_ids": [], "sale_ids": [], "invoice_ids": []}
    ids[ORDER_IDS[model]] = SQL("$1::int[]")
    return SQL(
        """
            WITH o AS MATERIALIZED (%(orders)s), l AS MATERIALIZED (%(lines)s),
            categories AS (
                INSERT INTO fidelite_member_category_kpi AS c
                       (partner_id, company_id, category_id, revenue, margin, line_count)
                SELECT partner_id, company_id, category_id, revenue, margin, lines FROM l
                ON CONFLICT (partner_id, company_id, COALESCE(category_id, 0)) DO UPDATE SET
                       revenue = c.revenue + EXCLUDED.revenue, margin = c.margin + EXCLUDED.margin,
                       line_count = c.line_count + EXCLUDED.line_count
            ), stores AS (
                INSERT INTO fidelite_member_store_kpi AS s
                       (partner_id, company_id, store_id, first_visit, last_visit, visit_count, revenue)
                SELECT partner_id, company_id, store_id, CASE WHEN visit = 1 THEN day END,
                       CASE WHEN visit = 1 THEN day END, visit, revenue
                  FROM o
                ON CONFLICT (partner_id, company_id, COALESCE(store_id, 0)) DO UPDATE SET
                       first_visit = LEAST(s.first_visit, EXCLUDED.first_visit),
                       last_visit = GREATEST(s.last_visit, EXCLUDED.last_visit),
                       visit_count = s.visit_count + EXCLUDED.visit_count, revenue = s.revenue + EXCLUDED.revenue
            ), days AS (
                INSERT INTO fidelite_member_store_day AS d
                       (partner_id, company_id, store_id, day, revenue, revenue_incl, visits)
                SELECT partner_id, company_id, store_id, day, revenue, revenue_incl, visit FROM o
                ON CONFLICT (partner_id, company_id, COALESCE(store_id, 0), day) DO UPDATE SET
                       revenue = d.revenue + EXCLUDED.revenue, revenue_incl = d.revenue_incl + EXCLUDED.revenue_incl,
                       visits = d.visits + EXCLUDED.visits
            )
            INSERT INTO fidelite_member_kpi AS k
                   (partner_id, company_id, first_visit, last_visit, visit_count, revenue, revenue_incl, margin,
                    revenue_30, revenue_90, revenue_365, average_basket, points_earned, points_spent,
                    points_expired, rewards_used, refresh_pending)
            SELECT o.partner_id, o.company_id, CASE WHEN o.visit = 1 THEN o.day END,
                   CASE WHEN o.visit = 1 THEN o.day END, o.visit, o.revenue, o.revenue_incl,
                   COALESCE((SELECT SUM(margin) FROM l), 0),
                   CASE WHEN o.day > $2::date THEN o.revenue ELSE 0 END,
                   CASE WHEN o.day > $3::date THEN o.revenue ELSE 0 END,
                   CASE WHEN o.day > $4::date THEN o.revenue ELSE 0 END,
                   0, 0, 0, 0, 0, TRUE
              FROM o
            ON CONFLICT (partner_id, company_id) DO UPDATE SET
                   first_visit = LEAST(k.first_visit, EXCLUDED.first_visit),
                   last_visit = GREATEST(k.last_visit, EXCLUDED.last_visit),
                   visit_count = k.visit_count + EXCLUDED.visit_count,
                   revenue = k.revenue + EXCLUDED.revenue,
                   revenue_incl = k.revenue_incl + EXCLUDED.revenue_incl,
                   margin = k.margin + EXCLUDED.margin,
                   revenue_30 = k.revenue_30 + EXCLUDED.revenue_30,
                   revenue_90 = k.revenue_90 + EXCLUDED.revenue_90,
                   revenue_365 = k.revenue_365 + EXCLUDED.revenue_365,
                   refresh_pending = TRUE
            RETURNING k.partner_id, k.company_id
            """,
        lines=lines_sql(env, **ids),
        orders=orders_sql(env, **ids),
    )


# the figures of one member ($1) in one company ($2) that derive from the others, as
# ``step_members`` derives them
DERIVED_SQL = """
        UPDATE fidelite_member_kpi k SET
               average_basket = CASE WHEN k.visit_count > 0 THEN k.revenue / k.visit_count ELSE 0 END,
               mean_days_between = CASE WHEN k.visit_count > 1
                    THEN (k.last_visit - k.first_visit)::float / (k.visit_count - 1) END,
               preferred_store_id = (
                    SELECT store_id FROM fidelite_member_store_kpi s
                     WHERE s.partner_id = k.partner_id AND s.company_id = k.company_id
                       AND s.store_id IS NOT NULL AND s.visit_count > 0
                     ORDER BY s.visit_count DESC, s.revenue DESC, s.store_id LIMIT 1),
               preferred_category_id = (
                    SELECT category_id FROM fidelite_member_category_kpi c
                     WHERE c.partner_id = k.partner_id AND c.company_id = k.company_id
                       AND c.category_id IS NOT NULL AND c.revenue > 0
                     ORDER BY c.revenue DESC, c.category_id LIMIT 1),
               points_earned = pt.earned, points_spent = pt.spent, points_expired = pt.expired,
               rewards_used = (
                    SELECT COUNT(*) FROM fidelite_reward_redemption r
                      JOIN res_partner rp ON rp.id = r.partner_id
                     WHERE rp.commercial_partner_id = k.partner_id AND r.company_id = k.company_id
                       AND r.state != 'cancelled')
          FROM (SELECT COALESCE(SUM(m.points) FILTER (WHERE m.move_type = 'earn'), 0) AS earned,
                       COALESCE(-SUM(m.points) FILTER (WHERE m.move_type = 'redeem'), 0) AS spent,
                       COALESCE(-SUM(m.points) FILTER (WHERE m.move_type = 'expire'), 0) AS expired
                  FROM fidelite_points_move m
                  JOIN res_partner mp ON mp.id = m.partner_id
                 WHERE mp.commercial_partner_id = $1 AND m.company_id = $2) pt
         WHERE k.partner_id = $1 AND k.company_id = $2
"""
