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
from .member_orders import POS_DONE, orders_sql

_logger = logging.getLogger(__name__)

WINDOWS = (30, 90, 365)


def _sale_margin_sql(env):
    columns = env["sale.order.line"]._fields
    if "purchase_price" in columns and columns["purchase_price"].store:
        return SQL("sl.price_subtotal - sl.purchase_price * sl.product_uom_qty")
    return SQL("0.0")  # without sale_margin, sales orders bring no margin


def step_categories(env, as_of):
    env.cr.execute("DELETE FROM fidelite_member_category_kpi")
    env.cr.execute(
        SQL(
            """
            INSERT INTO fidelite_member_category_kpi (partner_id, company_id, category_id, revenue, margin, line_count)
            SELECT partner_id, company_id, category_id, SUM(revenue), SUM(margin), SUM(lines)
              FROM (
                SELECT p.commercial_partner_id AS partner_id, o.company_id, t.categ_id AS category_id,
                       SUM(l.price_subtotal) AS revenue,
                       SUM(CASE WHEN l.is_total_cost_computed THEN l.price_subtotal - l.total_cost ELSE 0 END)
                           AS margin,
                       COUNT(*) AS lines
                  FROM pos_order_line l
                  JOIN pos_order o ON o.id = l.order_id
                  JOIN res_partner p ON p.id = o.partner_id
                  JOIN product_product pp ON pp.id = l.product_id
                  JOIN product_template t ON t.id = pp.product_tmpl_id
                 WHERE o.state IN %(pos_done)s
                 GROUP BY 1, 2, 3
                UNION ALL
                SELECT p.commercial_partner_id, so.company_id, t.categ_id, SUM(sl.price_subtotal),
                       SUM(%(sale_margin)s), COUNT(*)
                  FROM sale_order_line sl
                  JOIN sale_order so ON so.id = sl.order_id
                  JOIN res_partner p ON p.id = so.partner_id
                  JOIN product_product pp ON pp.id = sl.product_id
                  JOIN product_template t ON t.id = pp.product_tmpl_id
                 WHERE so.state = 'sale' AND sl.display_type IS NULL
                 GROUP BY 1, 2, 3
              ) lines
             GROUP BY 1, 2, 3
            """,
            pos_done=POS_DONE,
            sale_margin=_sale_margin_sql(env),
        )
    )


def step_stores(env, as_of):
    env.cr.execute("DELETE FROM fidelite_member_store_kpi")
    env.cr.execute(
        SQL(
            """
            INSERT INTO fidelite_member_store_kpi
                   (partner_id, company_id, store_id, first_visit, last_visit, visit_count, revenue)
            SELECT partner_id, company_id, store_id, MIN(day) FILTER (WHERE visit = 1),
                   MAX(day) FILTER (WHERE visit = 1), SUM(visit), SUM(revenue)
              FROM (%s) orders
             GROUP BY 1, 2, 3
            """,
            orders_sql(env),
        )
    )


def step_members(env, as_of):
    """One row per member and company; the lifecycle stage (and since when) is carried over."""
    env.cr.execute(
        """
        CREATE TEMP TABLE fidelite_previous_stage ON COMMIT DROP AS
        SELECT partner_id, company_id, lifecycle, lifecycle_since FROM fidelite_member_kpi
        """
    )
    env.cr.execute("DELETE FROM fidelite_member_kpi")
    env.cr.execute(
        SQL(
            """
            INSERT INTO fidelite_member_kpi
                   (partner_id, company_id, first_visit, last_visit, visit_count, revenue, revenue_incl,
                    average_basket, mean_days_between, revenue_30, revenue_90, revenue_365, margin,
                    preferred_store_id, preferred_category_id, points_earned, points_spent, points_expired,
                    rewards_used, lifecycle, lifecycle_since, create_uid, create_date, write_uid, write_date)
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
            SELECT k.partner_id, k.company_id, f.first_visit, f.last_visit, COALESCE(f.visits, 0),
                   COALESCE(f.revenue, 0), COALESCE(f.revenue_incl, 0),
                   CASE WHEN f.visits > 0 THEN f.revenue / f.visits ELSE 0 END,
                   CASE WHEN f.visits > 1 THEN (f.last_visit - f.first_visit)::float / (f.visits - 1) END,
                   COALESCE(f.w30, 0), COALESCE(f.w90, 0), COALESCE(f.w365, 0), COALESCE(mg.margin, 0),
                   s.store_id, c.category_id, COALESCE(pt.earned, 0), COALESCE(pt.spent, 0),
                   COALESCE(pt.expired, 0), COALESCE(rw.used, 0), prev.lifecycle, prev.lifecycle_since,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM keys k
              LEFT JOIN figures f USING (partner_id, company_id)
              LEFT JOIN margins mg USING (partner_id, company_id)
              LEFT JOIN stores s USING (partner_id, company_id)
              LEFT JOIN categories c USING (partner_id, company_id)
              LEFT JOIN points pt USING (partner_id, company_id)
              LEFT JOIN rewards rw USING (partner_id, company_id)
              LEFT JOIN fidelite_previous_stage prev USING (partner_id, company_id)
            """,
            windows=SQL(
                "COALESCE(SUM(revenue) FILTER (WHERE day > %s), 0) AS w30, "
                "COALESCE(SUM(revenue) FILTER (WHERE day > %s), 0) AS w90, "
                "COALESCE(SUM(revenue) FILTER (WHERE day > %s), 0) AS w365",
                *(fields.Date.subtract(as_of, days=days) for days in WINDOWS),
            ),
            orders=orders_sql(env),
            uid=env.uid,
        )
    )
    env.cr.execute("DROP TABLE fidelite_previous_stage")


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


def _upsert_member(env, partner, company, day, revenue, revenue_incl, margin, visit, today):
    window_values = [revenue if day > fields.Date.subtract(today, days=days) else 0.0 for days in WINDOWS]
    env.cr.execute(
        SQL(
            """
            INSERT INTO fidelite_member_kpi AS k
                   (partner_id, company_id, first_visit, last_visit, visit_count, revenue, revenue_incl, margin,
                    revenue_30, revenue_90, revenue_365, average_basket, points_earned, points_spent,
                    points_expired, rewards_used, create_uid, create_date, write_uid, write_date)
            VALUES (%(partner)s, %(company)s, %(visit_day)s, %(visit_day)s, %(visit)s, %(revenue)s, %(incl)s,
                    %(margin)s, %(w30)s, %(w90)s, %(w365)s, CASE WHEN %(visit)s > 0 THEN %(revenue)s ELSE 0 END,
                    0, 0, 0, 0, %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC')
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
                   write_date = EXCLUDED.write_date
            """,
            partner=partner.id,
            company=company.id,
            visit_day=day if visit else None,
            visit=visit,
            revenue=revenue,
            incl=revenue_incl,
            margin=margin,
            w30=window_values[0],
            w90=window_values[1],
            w365=window_values[2],
            uid=env.uid,
        )
    )


def _refresh_member_derived(env, partner, company):
    """The figures of one member that are derived from the others, as ``step_members`` derives them."""
    env.cr.execute(
        SQL(
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
                   points_earned = COALESCE(pt.earned, 0), points_spent = COALESCE(pt.spent, 0),
                   points_expired = COALESCE(pt.expired, 0),
                   rewards_used = (
                        SELECT COUNT(*) FROM fidelite_reward_redemption r
                          JOIN res_partner rp ON rp.id = r.partner_id
                         WHERE rp.commercial_partner_id = k.partner_id AND r.company_id = k.company_id
                           AND r.state != 'cancelled')
              FROM (SELECT COALESCE(SUM(m.points) FILTER (WHERE m.move_type = 'earn'), 0) AS earned,
                           COALESCE(-SUM(m.points) FILTER (WHERE m.move_type = 'redeem'), 0) AS spent,
                           COALESCE(-SUM(m.points) FILTER (WHERE m.move_type = 'expire'), 0) AS expired
                      FROM fidelite_points_move m
                     WHERE m.company_id = %(company)s
                       AND m.partner_id IN (SELECT id FROM res_partner WHERE commercial_partner_id = %(partner)s)
                   ) pt
             WHERE k.partner_id = %(partner)s AND k.company_id = %(company)s
            """,
            partner=partner.id,
            company=company.id,
        )
    )


def record_order(order, today=None):
    """Add a paid POS order or a confirmed sales order to its member's figures."""
    partner = order.partner_id.commercial_partner_id
    if not partner:
        return
    env = order.env
    today = today or fields.Date.today()
    day = order.date_order.date()
    if order._name == "pos.order":
        revenue, incl, store = order.amount_total - order.amount_tax, order.amount_total, order.config_id.id
        lines = [
            (
                line.product_id.categ_id.id or None,
                line.price_subtotal,
                line.price_subtotal - line.total_cost if line.is_total_cost_computed else 0.0,
            )
            for line in order.lines
        ]
    else:
        revenue, incl, store = order.amount_untaxed, order.amount_total, None
        has_cost = "purchase_price" in order.order_line._fields
        lines = [
            (
                line.product_id.categ_id.id or None,
                line.price_subtotal,
                line.price_subtotal - line.purchase_price * line.product_uom_qty if has_cost else 0.0,
            )
            for line in order.order_line.filtered(lambda line: not line.display_type)
        ]
    visit = int(incl > 0)
    env.flush_all()
    for category, amount, margin, count in _group_lines(lines):
        env.cr.execute(
            SQL(
                """
                INSERT INTO fidelite_member_category_kpi AS c
                       (partner_id, company_id, category_id, revenue, margin, line_count)
                VALUES (%s, %s, %s, %s, %s, %s)
                ON CONFLICT (partner_id, company_id, COALESCE(category_id, 0)) DO UPDATE SET
                       revenue = c.revenue + EXCLUDED.revenue, margin = c.margin + EXCLUDED.margin,
                       line_count = c.line_count + EXCLUDED.line_count
                """,
                partner.id,
                order.company_id.id,
                category,
                amount,
                margin,
                count,
            )
        )
    env.cr.execute(
        SQL(
            """
            INSERT INTO fidelite_member_store_kpi AS s
                   (partner_id, company_id, store_id, first_visit, last_visit, visit_count, revenue)
            VALUES (%(partner)s, %(company)s, %(store)s, %(day)s, %(day)s, %(visit)s, %(revenue)s)
            ON CONFLICT (partner_id, company_id, COALESCE(store_id, 0)) DO UPDATE SET
                   first_visit = LEAST(s.first_visit, EXCLUDED.first_visit),
                   last_visit = GREATEST(s.last_visit, EXCLUDED.last_visit),
                   visit_count = s.visit_count + EXCLUDED.visit_count, revenue = s.revenue + EXCLUDED.revenue
            """,
            partner=partner.id,
            company=order.company_id.id,
            store=store,
            day=day if visit else None,
            visit=visit,
            revenue=revenue,
        )
    )
    margin = sum(line[2] for line in lines)
    _upsert_member(env, partner, order.company_id, day, revenue, incl, margin, visit, today)
    _refresh_member_derived(env, partner, order.company_id)
    env.invalidate_all()


def _group_lines(lines):
    """(category, revenue, margin, line count) per category of ``lines`` of (category, revenue, margin)."""
    grouped = {}
    for category, amount, margin in lines:
        revenue, total_margin, count = grouped.get(category, (0.0, 0.0, 0))
        grouped[category] = (revenue + amount, total_margin + margin, count + 1)
    return [(category, *figures) for category, figures in grouped.items()]
