"""Members' figures: rebuilt for everyone with set-based SQL, kept current order by order.

``rebuild`` is the nightly job: a few statements over the orders (POS orders paid, sales
orders confirmed), each a step recorded on a ``fidelite.kpi.refresh`` run (progress in the
back office and in the logs); a run cut short resumes at the step where it stopped. Then
``member_scores`` scores every member against the others, ``segments`` refreshes the saved
segments, and a snapshot of the scores is kept per month.

``record_order`` adds one paid order to its member's figures (a few single-row upserts), so
dashboards and rules see today's purchases before the night. Both give the same figures.
"""

import logging
import time

from odoo import fields
from odoo.tools import SQL

from . import member_scores, segments
from .member_orders import lines_sql, orders_sql

_logger = logging.getLogger(__name__)

WINDOWS = (30, 90, 365)


def _sync(env, table, keys, columns, rows):
    """Make ``table`` hold exactly ``rows``: rows gone are deleted, changed ones updated, new ones added.

    Rows that did not change are not written (a nightly refresh rewrites only what moved), and
    the table stays readable meanwhile. ``keys`` are the SQL expressions of its unique index.
    """
    env.cr.execute(SQL("CREATE TEMP TABLE fidelite_sync_rows ON COMMIT DROP AS %s", rows))
    matches = SQL(" AND ").join(SQL("%s = %s", SQL(key % "r"), SQL(key % "t")) for key in keys)
    env.cr.execute(
        SQL(
            "DELETE FROM %s t WHERE NOT EXISTS (SELECT 1 FROM fidelite_sync_rows r WHERE %s)",
            SQL.identifier(table),
            matches,
        )
    )
    names = SQL(", ").join(SQL.identifier(column) for column in columns)
    updated = [column for column in columns if column not in ("partner_id", "company_id")]
    env.cr.execute(
        SQL(
            """
            INSERT INTO %(table)s AS t (%(names)s) SELECT %(names)s FROM fidelite_sync_rows
            ON CONFLICT (%(conflict)s) DO UPDATE SET %(sets)s
             WHERE (%(old)s) IS DISTINCT FROM (%(new)s)
            """,
            table=SQL.identifier(table),
            names=names,
            conflict=SQL(", ").join(SQL(key.replace("%s.", "")) for key in keys),
            sets=SQL(", ").join(SQL("%s = EXCLUDED.%s", SQL.identifier(c), SQL.identifier(c)) for c in updated),
            old=SQL(", ").join(SQL("t.%s", SQL.identifier(c)) for c in updated),
            new=SQL(", ").join(SQL("EXCLUDED.%s", SQL.identifier(c)) for c in updated),
        )
    )
    env.cr.execute("DROP TABLE fidelite_sync_rows")


CATEGORY_KEYS = ("%s.partner_id", "%s.company_id", "COALESCE(%s.category_id, 0)")
STORE_KEYS = ("%s.partner_id", "%s.company_id", "COALESCE(%s.store_id, 0)")
MEMBER_KEYS = ("%s.partner_id", "%s.company_id")
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
)


def step_categories(env, as_of):
    _sync(
        env,
        "fidelite_member_category_kpi",
        CATEGORY_KEYS,
        ("partner_id", "company_id", "category_id", "revenue", "margin", "line_count"),
        SQL(
            "SELECT partner_id, company_id, category_id, revenue, margin, lines::int AS line_count FROM (%s) lines",
            lines_sql(env),
        ),
    )


def step_stores(env, as_of):
    _sync(
        env,
        "fidelite_member_store_kpi",
        STORE_KEYS,
        ("partner_id", "company_id", "store_id", "first_visit", "last_visit", "visit_count", "revenue"),
        SQL(
            """
            SELECT partner_id, company_id, store_id, MIN(day) FILTER (WHERE visit = 1) AS first_visit,
                   MAX(day) FILTER (WHERE visit = 1) AS last_visit, SUM(visit)::int AS visit_count,
                   SUM(revenue) AS revenue
              FROM (%s) orders
             GROUP BY 1, 2, 3
            """,
            orders_sql(env),
        ),
    )


def step_members(env, as_of):
    """One row per member and company (their scores are kept until the scoring step)."""
    rows = SQL(
        """
        WITH figures AS (
            SELECT partner_id, company_id, MIN(day) FILTER (WHERE visit = 1) AS first_visit,
                   MAX(day) FILTER (WHERE visit = 1) AS last_visit, SUM(visit) AS visits,
                   SUM(revenue) AS revenue, SUM(revenue_incl) AS revenue_incl, %(windows)s
              FROM (%(orders)s) orders
             GROUP BY 1, 2
        ), members AS (
            SELECT DISTINCT p.commercial_partner_id AS partner_id,
                   COALESCE(c.company_id, pr.company_id) AS company_id
              FROM loyalty_card c
              JOIN loyalty_program pr ON pr.id = c.program_id AND pr.program_type = 'loyalty'
              JOIN res_partner p ON p.id = c.partner_id
             WHERE COALESCE(c.company_id, pr.company_id) IS NOT NULL
        ), keys AS (
            SELECT partner_id, company_id FROM figures UNION SELECT partner_id, company_id FROM members
        ), margins AS (
            SELECT partner_id, company_id, SUM(margin) AS margin FROM fidelite_member_category_kpi GROUP BY 1, 2
        ), stores AS (
            SELECT DISTINCT ON (partner_id, company_id) partner_id, company_id, store_id
              FROM fidelite_member_store_kpi WHERE store_id IS NOT NULL AND visit_count > 0
             ORDER BY partner_id, company_id, visit_count DESC, revenue DESC, store_id
        ), categories AS (
            SELECT DISTINCT ON (partner_id, company_id) partner_id, company_id, category_id
              FROM fidelite_member_category_kpi WHERE category_id IS NOT NULL AND revenue > 0
             ORDER BY partner_id, company_id, revenue DESC, category_id
        ), points AS (
            SELECT p.commercial_partner_id AS partner_id, m.company_id,
                   COALESCE(SUM(m.points) FILTER (WHERE m.move_type = 'earn'), 0) AS earned,
                   COALESCE(-SUM(m.points) FILTER (WHERE m.move_type = 'redeem'), 0) AS spent,
                   COALESCE(-SUM(m.points) FILTER (WHERE m.move_type = 'expire'), 0) AS expired
              FROM fidelite_points_move m JOIN res_partner p ON p.id = m.partner_id
             GROUP BY 1, 2
        ), rewards AS (
            SELECT p.commercial_partner_id AS partner_id, r.company_id, COUNT(*) AS used
              FROM fidelite_reward_redemption r JOIN res_partner p ON p.id = r.partner_id
             WHERE r.state != 'cancelled'
             GROUP BY 1, 2
        )
        SELECT k.partner_id, k.company_id, f.first_visit, f.last_visit,
               COALESCE(f.visits, 0)::int AS visit_count,
               COALESCE(f.revenue, 0) AS revenue, COALESCE(f.revenue_incl, 0) AS revenue_incl,
               CASE WHEN f.visits > 0 THEN f.revenue / f.visits ELSE 0 END AS average_basket,
               CASE WHEN f.visits > 1 THEN (f.last_visit - f.first_visit)::float / (f.visits - 1) END
                   AS mean_days_between,
               COALESCE(f.w30, 0) AS revenue_30, COALESCE(f.w90, 0) AS revenue_90,
               COALESCE(f.w365, 0) AS revenue_365, COALESCE(mg.margin, 0) AS margin,
               s.store_id AS preferred_store_id, c.category_id AS preferred_category_id,
               COALESCE(pt.earned, 0) AS points_earned, COALESCE(pt.spent, 0) AS points_spent,
               COALESCE(pt.expired, 0) AS points_expired, COALESCE(rw.used, 0)::int AS rewards_used
          FROM keys k
          LEFT JOIN figures f USING (partner_id, company_id)
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
        orders=orders_sql(env),
    )
    _sync(env, "fidelite_member_kpi", MEMBER_KEYS, MEMBER_FIGURES, rows)


STEPS = [
    ("categories", step_categories),
    ("stores", step_stores),
    ("members", step_members),
    ("scores", member_scores.score_all),
    ("history", member_scores.snapshot),
    ("cohorts", member_scores.cohorts),
    ("segments", lambda env, as_of: segments.refresh_all(env)),
]


def rebuild(env, as_of=None, commit=False):
    """Rebuild every member's figures and scores as of ``as_of`` (today); returns the run.

    With ``commit`` (the cron) each step is committed, so a run stopped half-way resumes at
    its next step when started again on the same day.
    """
    env = env(su=True)
    as_of = fields.Date.to_date(as_of) if as_of else fields.Date.today()
    Run = env["fidelite.kpi.refresh"]
    run = Run.search([("state", "=", "running"), ("as_of", "=", as_of)], limit=1) if commit else Run
    if not run:
        run = Run.create({"as_of": as_of, "state": "running", "started_at": fields.Datetime.now()})
    done = (run.done_steps or "").split(",")
    for index, (name, step) in enumerate(STEPS):
        if name in done:
            continue
        run.write({"step": name, "progress": 100.0 * index / len(STEPS)})
        if commit:
            env.cr.commit()
        started = time.perf_counter()
        env.flush_all()
        # aggregates over every order fit in memory instead of spilling to disk
        work_mem = env["ir.config_parameter"].get_param("fidelite_loyalty.refresh_work_mem", "512MB")
        env.cr.execute("SELECT set_config('work_mem', %s, true)", [work_mem])
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


def record_order(order, today=None):
    """Add a paid POS order or a confirmed sales order to its member's figures.

    The order's rows come from the same queries as the rebuild's, read once: one statement
    adds them to the member's categories, store and figures, a second one derives the rest.
    """
    env = order.env
    today = today or fields.Date.today()
    ids = {"pos_ids": [], "sale_ids": []}
    ids["pos_ids" if order._name == "pos.order" else "sale_ids"] = order.ids
    for model in ("pos.order", "pos.order.line", "sale.order", "sale.order.line"):
        env[model].flush_model()
    windows = {f"d{days}": fields.Date.subtract(today, days=days) for days in WINDOWS}
    env.cr.execute(
        SQL(
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
            )
            INSERT INTO fidelite_member_kpi AS k
                   (partner_id, company_id, first_visit, last_visit, visit_count, revenue, revenue_incl, margin,
                    revenue_30, revenue_90, revenue_365, average_basket, points_earned, points_spent,
                    points_expired, rewards_used)
            SELECT o.partner_id, o.company_id, CASE WHEN o.visit = 1 THEN o.day END,
                   CASE WHEN o.visit = 1 THEN o.day END, o.visit, o.revenue, o.revenue_incl,
                   COALESCE((SELECT SUM(margin) FROM l), 0),
                   CASE WHEN o.day > %(d30)s THEN o.revenue ELSE 0 END,
                   CASE WHEN o.day > %(d90)s THEN o.revenue ELSE 0 END,
                   CASE WHEN o.day > %(d365)s THEN o.revenue ELSE 0 END,
                   0, 0, 0, 0, 0
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
                   revenue_365 = k.revenue_365 + EXCLUDED.revenue_365
            RETURNING k.partner_id, k.company_id
            """,
            lines=lines_sql(env, **ids),
            orders=orders_sql(env, **ids),
            **windows,
        )
    )
    for partner_id, company_id in env.cr.fetchall():
        env["fidelite.points.move"].flush_model()
        env["fidelite.reward.redemption"].flush_model()
        env.cr.execute(_derived_sql(partner_id, company_id))
    for model in ("fidelite.member.kpi", "fidelite.member.store.kpi", "fidelite.member.category.kpi"):
        env[model].invalidate_model()


def _derived_sql(partner_id, company_id):
    """The figures of one member that derive from the others, as ``step_members`` derives them."""
    return SQL(
        """
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
                 WHERE mp.commercial_partner_id = %(partner)s AND m.company_id = %(company)s) pt
         WHERE k.partner_id = %(partner)s AND k.company_id = %(company)s
        """,
        partner=partner_id,
        company=company_id,
    )
