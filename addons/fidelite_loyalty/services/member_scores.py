"""Scores that compare members with each other, computed in PostgreSQL for all members at once.

- **RFM**: recency, frequency and amount scored 1 to 5 by quintile within the company
  (``PERCENT_RANK``, so equal values always get the same score; 5 is the most recent, the
  most frequent, the largest), named by the first matching ``fidelite.rfm.segment``. With the
  preferred category (``preferred_category_id``, the T of FRAT) it makes the FRAT reading.
- **ABC**: members sorted by revenue; A until the company's A share of revenue is reached
  (65 % by default), B until the B share (90 %), C after; members with the same revenue share
  a class; no revenue is C.
- **Lifecycle**: new (first visit within N days), active, at risk (away for longer than their
  own rhythm times a factor), lapsed, lost (away for more than N days), won back (active again
  after lapsed or lost, for N days); thresholds on the company.
- **Lifetime value**: historical = margin to date (revenue when margins are unknown).
  Predicted over the next 12 months with the MBG/NBD model (Batislam, Denizel & Filiztekin,
  2007) for the number of purchases and the probability that the member is still a customer
  (``p_alive``); its purchase-rate prior Gamma(r, alpha) is fitted to the company's members by
  the method of moments, its dropout prior Beta(a, b) has fixed documented values
  (``DROPOUT_A``/``DROPOUT_B``: a one-in-four chance to leave after a purchase). The spend
  per visit is the member's average basket shrunk toward the company's (``SPEND_SHRINK``
  visits' weight, the Gamma-Gamma idea without its fit), times the member's margin rate.
- **Profitability quadrant**: current value (revenue of the last 365 days) and potential
  (predicted value) against the company's medians: desirable (both high: loyalty),
  under-developed (potential above current: develop), mature (current above potential:
  rationalise), undesirable (both low: abandon).
"""

from odoo.tools import SQL

from .member_orders import orders_sql

DROPOUT_A = 1.0
DROPOUT_B = 3.0
SPEND_SHRINK = 2.0
HORIZON_DAYS = 365


def score_all(env, as_of):
    env.flush_all()
    env.cr.execute(
        SQL(
            """
            WITH rates AS (
                SELECT company_id, AVG(rate) AS mean, VAR_SAMP(rate) AS var,
                       AVG(average_basket) AS basket,
                       SUM(margin) / NULLIF(SUM(revenue), 0) AS margin_rate
                  FROM (SELECT company_id, average_basket, margin, revenue,
                               (visit_count - 1)::float / GREATEST(%(as_of)s - first_visit, 1) AS rate
                          FROM fidelite_member_kpi WHERE visit_count > 0) r
                 GROUP BY company_id
            ), priors AS (
                SELECT company_id, basket, COALESCE(NULLIF(margin_rate, 0), 1) AS margin_rate,
                       CASE WHEN var > 0 AND mean > 0 THEN mean * mean / var ELSE 1 END AS r,
                       CASE WHEN var > 0 AND mean > 0 THEN mean / var
                            WHEN mean > 0 THEN 1 / mean ELSE 365 END AS alpha
                  FROM rates
            ), ranked AS (
                SELECT k.id, k.company_id,
                       LEAST(5, 1 + FLOOR(5 * PERCENT_RANK() OVER (by_company ORDER BY k.last_visit)))::int AS r,
                       LEAST(5, 1 + FLOOR(5 * PERCENT_RANK() OVER (by_company ORDER BY k.visit_count)))::int AS f,
                       LEAST(5, 1 + FLOOR(5 * PERCENT_RANK() OVER (by_company ORDER BY k.revenue)))::int AS m,
                       SUM(k.revenue) OVER (PARTITION BY k.company_id ORDER BY k.revenue DESC)
                         - SUM(k.revenue) OVER (PARTITION BY k.company_id, k.revenue) AS revenue_before,
                       SUM(GREATEST(k.revenue, 0)) OVER (PARTITION BY k.company_id) AS revenue_total,
                       (k.visit_count - 1)::float AS x,
                       (k.last_visit - k.first_visit)::float AS t_x,
                       GREATEST(%(as_of)s - k.first_visit, 0)::float AS big_t
                  FROM fidelite_member_kpi k
                 WHERE k.visit_count > 0 AND k.last_visit IS NOT NULL
                WINDOW by_company AS (PARTITION BY k.company_id)
            ), predicted AS (
                SELECT ranked.*, p.margin_rate, p.basket,
                       1.0 / (1.0 + (%(a)s / (%(b)s + x))
                              * EXP(LEAST(50, (p.r + x) * LN((p.alpha + big_t) / (p.alpha + t_x))))) AS p_alive,
                       (p.r + x) / (p.alpha + big_t) AS rate
                  FROM ranked JOIN priors p USING (company_id)
            )
            UPDATE fidelite_member_kpi k SET
                   scored_on = %(as_of)s,
                   recency_days = %(as_of)s - k.last_visit,
                   r_score = s.r, f_score = s.f, m_score = s.m,
                   rfm_code = s.r::text || s.f::text || s.m::text,
                   abc_class = CASE WHEN k.revenue <= 0 THEN 'c'
                                    WHEN s.revenue_before < c.fidelite_abc_a_share / 100.0 * s.revenue_total THEN 'a'
                                    WHEN s.revenue_before < c.fidelite_abc_b_share / 100.0 * s.revenue_total THEN 'b'
                                    ELSE 'c' END,
                   clv_historical = CASE WHEN k.margin != 0 THEN k.margin ELSE k.revenue END,
                   p_alive = s.p_alive,
                   expected_visits = s.p_alive * s.rate * %(horizon)s,
                   clv_predicted = s.p_alive * s.rate * %(horizon)s
                        * (%(shrink)s * COALESCE(s.basket, 0) + k.visit_count * k.average_basket)
                        / (%(shrink)s + k.visit_count)
                        * CASE WHEN k.margin != 0 AND k.revenue > 0 THEN k.margin / k.revenue ELSE s.margin_rate END
              FROM predicted s, res_company c
             WHERE k.id = s.id AND c.id = k.company_id
            """,
            as_of=as_of,
            a=DROPOUT_A,
            b=DROPOUT_B,
            shrink=SPEND_SHRINK,
            horizon=HORIZON_DAYS,
        )
    )
    # members without purchases keep no scores
    env.cr.execute(
        """
        UPDATE fidelite_member_kpi SET r_score = NULL, f_score = NULL, m_score = NULL, rfm_code = NULL,
               abc_class = NULL, recency_days = NULL, p_alive = NULL, expected_visits = 0, clv_predicted = 0,
               clv_historical = 0, quadrant = NULL, rfm_segment_id = NULL
         WHERE visit_count = 0 OR last_visit IS NULL
        """
    )
    _name_rfm_cells(env)
    _lifecycle(env, as_of)
    _quadrants(env)
    env.invalidate_all()


def _name_rfm_cells(env):
    env.cr.execute(
        """
        UPDATE fidelite_member_kpi k SET rfm_segment_id = (
               SELECT s.id FROM fidelite_rfm_segment s
                WHERE s.active AND k.r_score BETWEEN s.r_min AND s.r_max
                  AND ROUND((k.f_score + k.m_score) / 2.0) BETWEEN s.fm_min AND s.fm_max
                ORDER BY s.sequence, s.id LIMIT 1)
         WHERE k.r_score IS NOT NULL
        """
    )


def _lifecycle(env, as_of):
    env.cr.execute(
        SQL(
            """
            WITH staged AS (
                SELECT k.id, k.lifecycle AS previous, k.lifecycle_since,
                       CASE WHEN k.visit_count = 0 OR k.last_visit IS NULL THEN 'prospect'
                            WHEN %(as_of)s - k.last_visit > c.fidelite_lost_days THEN 'lost'
                            WHEN %(as_of)s - k.last_visit > c.fidelite_lapsed_days THEN 'lapsed'
                            WHEN %(as_of)s - k.last_visit
                                 > c.fidelite_at_risk_factor * COALESCE(NULLIF(k.mean_days_between, 0),
                                                                         c.fidelite_rhythm_days) THEN 'at_risk'
                            WHEN %(as_of)s - k.first_visit < c.fidelite_new_days THEN 'new'
                            ELSE 'active' END AS stage,
                       c.fidelite_new_days AS won_back_days
                  FROM fidelite_member_kpi k JOIN res_company c ON c.id = k.company_id
            ), decided AS (
                SELECT id, previous, lifecycle_since,
                       CASE WHEN stage IN ('active', 'new') AND previous IN ('lapsed', 'lost') THEN 'won_back'
                            WHEN stage IN ('active', 'new') AND previous = 'won_back'
                                 AND %(as_of)s - lifecycle_since < won_back_days THEN 'won_back'
                            ELSE stage END AS stage
                  FROM staged
            )
            UPDATE fidelite_member_kpi k SET
                   lifecycle = d.stage,
                   lifecycle_since = CASE WHEN d.previous IS DISTINCT FROM d.stage OR d.lifecycle_since IS NULL
                                          THEN %(as_of)s ELSE d.lifecycle_since END
              FROM decided d
             WHERE k.id = d.id
            """,
            as_of=as_of,
        )
    )


def _quadrants(env):
    env.cr.execute(
        """
        WITH medians AS (
            SELECT company_id,
                   PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY COALESCE(revenue_365, 0)) AS current,
                   PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY COALESCE(clv_predicted, 0)) AS potential
              FROM fidelite_member_kpi WHERE visit_count > 0 GROUP BY company_id
        )
        UPDATE fidelite_member_kpi k SET quadrant = CASE
                   WHEN COALESCE(k.revenue_365, 0) > m.current AND k.clv_predicted > m.potential THEN 'desirable'
                   WHEN k.clv_predicted > m.potential THEN 'underdeveloped'
                   WHEN COALESCE(k.revenue_365, 0) > m.current THEN 'mature'
                   ELSE 'undesirable' END
          FROM medians m
         WHERE k.company_id = m.company_id AND k.visit_count > 0
        """
    )


def snapshot(env, as_of):
    """Keep this month's scores of every member (the last refresh of the month wins)."""
    env.flush_all()
    env.cr.execute(
        SQL(
            """
            INSERT INTO fidelite_member_score_history AS h
                   (partner_id, company_id, period, rfm_segment_id, rfm_code, lifecycle, abc_class, quadrant,
                    revenue_365, clv_predicted)
            SELECT partner_id, company_id, date_trunc('month', %(as_of)s::date)::date, rfm_segment_id, rfm_code,
                   lifecycle, abc_class, quadrant, revenue_365, clv_predicted
              FROM fidelite_member_kpi
             WHERE lifecycle != 'prospect'
            ON CONFLICT (partner_id, company_id, period) DO UPDATE SET
                   rfm_segment_id = EXCLUDED.rfm_segment_id, rfm_code = EXCLUDED.rfm_code,
                   lifecycle = EXCLUDED.lifecycle, abc_class = EXCLUDED.abc_class, quadrant = EXCLUDED.quadrant,
                   revenue_365 = EXCLUDED.revenue_365, clv_predicted = EXCLUDED.clv_predicted
            """,
            as_of=as_of,
        )
    )


def cohorts(env, as_of):
    """Retention by acquisition cohort: of the members first seen in a month, how many came k months later."""
    env.cr.execute("DELETE FROM fidelite_cohort_cell")
    env.cr.execute(
        SQL(
            """
            WITH months AS (
                SELECT DISTINCT partner_id, company_id, date_trunc('month', day)::date AS month
                  FROM (%(orders)s) orders WHERE visit = 1
            ), firsts AS (
                SELECT partner_id, company_id, MIN(month) AS cohort FROM months GROUP BY 1, 2
            ), sizes AS (
                SELECT company_id, cohort, COUNT(*) AS size FROM firsts GROUP BY 1, 2
            ), cells AS (
                SELECT f.company_id, f.cohort,
                       ((EXTRACT(YEAR FROM m.month) - EXTRACT(YEAR FROM f.cohort)) * 12
                        + EXTRACT(MONTH FROM m.month) - EXTRACT(MONTH FROM f.cohort))::int AS months_after,
                       COUNT(*) AS members
                  FROM months m JOIN firsts f USING (partner_id, company_id)
                 GROUP BY 1, 2, 3
            )
            INSERT INTO fidelite_cohort_cell (company_id, cohort, months_after, members, cohort_size, retention)
            SELECT c.company_id, c.cohort, c.months_after, c.members, s.size, 100.0 * c.members / s.size
              FROM cells c JOIN sizes s USING (company_id, cohort)
            """,
            orders=orders_sql(env),
        )
    )
