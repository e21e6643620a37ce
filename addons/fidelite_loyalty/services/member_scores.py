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

DROPOUT_A = 1.0
DROPOUT_B = 3.0
SPEND_SHRINK = 2.0
HORIZON_DAYS = 365


def score_all(env, as_of):
    """Score every member at once: one UPDATE for the buyers, one for the prospects; rows whose
    scores did not change are not written."""
    env.flush_all()
    env.cr.execute(
        SQL(
            """
            WITH buyers AS (
                SELECT k.id, k.company_id, k.visit_count, k.first_visit, k.last_visit, k.revenue,
                       COALESCE(k.revenue_365, 0) AS revenue_365, k.margin, k.average_basket,
                       k.mean_days_between, k.lifecycle AS previous, k.lifecycle_since,
                       (k.visit_count - 1)::float AS x,
                       (k.last_visit - k.first_visit)::float AS t_x,
                       GREATEST(%(as_of)s - k.first_visit, 0)::float AS big_t
                  FROM fidelite_member_kpi k
                 WHERE k.visit_count > 0 AND k.last_visit IS NOT NULL
            ), priors AS (
                SELECT company_id, AVG(average_basket) AS basket,
                       COALESCE(NULLIF(SUM(margin) / NULLIF(SUM(revenue), 0), 0), 1) AS margin_rate,
                       AVG(x / GREATEST(big_t, 1)) AS mean, VAR_SAMP(x / GREATEST(big_t, 1)) AS var
                  FROM buyers GROUP BY company_id
            ), fitted AS (
                SELECT company_id, basket, margin_rate,
                       CASE WHEN var > 0 AND mean > 0 THEN mean * mean / var ELSE 1 END AS r,
                       CASE WHEN var > 0 AND mean > 0 THEN mean / var
                            WHEN mean > 0 THEN 1 / mean ELSE 365 END AS alpha
                  FROM priors
            ), scored AS (
                SELECT b.*,
                       LEAST(5, 1 + FLOOR(5 * PERCENT_RANK() OVER (by_company ORDER BY b.last_visit)))::int AS r_score,
                       LEAST(5, 1 + FLOOR(5 * PERCENT_RANK() OVER (by_company ORDER BY b.visit_count)))::int AS f_score,
                       LEAST(5, 1 + FLOOR(5 * PERCENT_RANK() OVER (by_company ORDER BY b.revenue)))::int AS m_score,
                       SUM(b.revenue) OVER (by_company ORDER BY b.revenue DESC)
                         - SUM(b.revenue) OVER (PARTITION BY b.company_id, b.revenue) AS revenue_before,
                       SUM(GREATEST(b.revenue, 0)) OVER by_company AS revenue_total,
                       1.0 / (1.0 + (%(a)s / (%(b)s + b.x))
                              * EXP(LEAST(50, (f.r + b.x) * LN((f.alpha + b.big_t) / (f.alpha + b.t_x)))))
                           AS p_alive,
                       (f.r + b.x) / (f.alpha + b.big_t) AS rate,
                       (%(shrink)s * COALESCE(f.basket, 0) + b.visit_count * b.average_basket)
                           / (%(shrink)s + b.visit_count)
                         * CASE WHEN b.margin != 0 AND b.revenue > 0 THEN b.margin / b.revenue ELSE f.margin_rate END
                           AS value_per_visit
                  FROM buyers b JOIN fitted f USING (company_id)
                WINDOW by_company AS (PARTITION BY b.company_id)
            ), valued AS (
                -- kept to the precision they are read with: a percent, a tenth of a visit, a
                -- currency unit (most members' predictions then stay the same from day to day)
                SELECT s.*, ROUND(s.p_alive::numeric, 2) AS p_alive_kept,
                       ROUND((s.p_alive * s.rate * %(horizon)s)::numeric, 1) AS expected_visits,
                       ROUND((s.p_alive * s.rate * %(horizon)s * s.value_per_visit)::numeric)::float8 AS clv_predicted
                  FROM scored s
            ), cells AS (
                -- the named cell of each of the 125 scores, looked up once instead of per member
                SELECT r, f, m, (
                        SELECT s.id FROM fidelite_rfm_segment s
                         WHERE s.active AND r BETWEEN s.r_min AND s.r_max
                           AND ROUND((f + m) / 2.0) BETWEEN s.fm_min AND s.fm_max
                         ORDER BY s.sequence, s.id LIMIT 1) AS id
                  FROM generate_series(1, 5) r, generate_series(1, 5) f, generate_series(1, 5) m
            ), medians AS (
                SELECT company_id,
                       PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY revenue_365) AS current,
                       PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY clv_predicted) AS potential
                  FROM valued GROUP BY company_id
            ), final AS (
                SELECT v.id,
                       v.r_score, v.f_score, v.m_score,
                       v.r_score::text || v.f_score::text || v.m_score::text AS rfm_code,
                       cell.id AS rfm_segment_id,
                       CASE WHEN v.revenue <= 0 THEN 'c'
                            WHEN v.revenue_before < c.fidelite_abc_a_share / 100.0 * v.revenue_total THEN 'a'
                            WHEN v.revenue_before < c.fidelite_abc_b_share / 100.0 * v.revenue_total THEN 'b'
                            ELSE 'c' END AS abc_class,
                       CASE WHEN v.margin != 0 THEN v.margin ELSE v.revenue END AS clv_historical,
                       v.p_alive_kept AS p_alive, v.expected_visits, v.clv_predicted,
                       CASE WHEN v.revenue_365 > m.current AND v.clv_predicted > m.potential THEN 'desirable'
                            WHEN v.clv_predicted > m.potential THEN 'underdeveloped'
                            WHEN v.revenue_365 > m.current THEN 'mature'
                            ELSE 'undesirable' END AS quadrant,
                       v.previous, v.lifecycle_since,
                       CASE WHEN %(as_of)s - v.last_visit > c.fidelite_lost_days THEN 'lost'
                            WHEN %(as_of)s - v.last_visit > c.fidelite_lapsed_days THEN 'lapsed'
                            WHEN %(as_of)s - v.last_visit
                                 > c.fidelite_at_risk_factor * COALESCE(NULLIF(v.mean_days_between, 0),
                                                                         c.fidelite_rhythm_days) THEN 'at_risk'
                            WHEN %(as_of)s - v.first_visit < c.fidelite_new_days THEN 'new'
                            ELSE 'active' END AS stage,
                       c.fidelite_new_days AS won_back_days
                  FROM valued v
                  JOIN res_company c ON c.id = v.company_id
                  JOIN medians m ON m.company_id = v.company_id
                  LEFT JOIN cells cell
                         ON cell.r = v.r_score AND cell.f = v.f_score AND cell.m = v.m_score
            ), decided AS (
                SELECT f.*,
                       CASE WHEN f.stage IN ('active', 'new') AND f.previous IN ('lapsed', 'lost') THEN 'won_back'
                            WHEN f.stage IN ('active', 'new') AND f.previous = 'won_back'
                                 AND %(as_of)s - f.lifecycle_since < f.won_back_days THEN 'won_back'
                            ELSE f.stage END AS lifecycle
                  FROM final f
            )
            UPDATE fidelite_member_kpi k SET
                   r_score = d.r_score, f_score = d.f_score, m_score = d.m_score, rfm_code = d.rfm_code,
                   rfm_segment_id = d.rfm_segment_id, abc_class = d.abc_class,
                   clv_historical = d.clv_historical, p_alive = d.p_alive, expected_visits = d.expected_visits,
                   clv_predicted = d.clv_predicted, quadrant = d.quadrant, lifecycle = d.lifecycle,
                   lifecycle_since = CASE WHEN d.previous IS DISTINCT FROM d.lifecycle OR d.lifecycle_since IS NULL
                                          THEN %(as_of)s ELSE d.lifecycle_since END
              FROM decided d
             WHERE k.id = d.id
               AND (k.r_score, k.f_score, k.m_score, k.rfm_code, k.rfm_segment_id, k.abc_class,
                    k.clv_historical, k.p_alive, k.expected_visits, k.clv_predicted, k.quadrant, k.lifecycle)
                   IS DISTINCT FROM
                   (d.r_score, d.f_score, d.m_score, d.rfm_code, d.rfm_segment_id, d.abc_class,
                    d.clv_historical, d.p_alive, d.expected_visits, d.clv_predicted, d.quadrant, d.lifecycle)
            """,
            as_of=as_of,
            a=DROPOUT_A,
            b=DROPOUT_B,
            shrink=SPEND_SHRINK,
            horizon=HORIZON_DAYS,
        )
    )
    # members who never came: prospects, without scores
    env.cr.execute(
        SQL(
            """
            UPDATE fidelite_member_kpi k SET
                   r_score = NULL, f_score = NULL, m_score = NULL, rfm_code = NULL,
                   rfm_segment_id = NULL, abc_class = NULL, clv_historical = 0, p_alive = NULL,
                   expected_visits = 0, clv_predicted = 0, quadrant = NULL, lifecycle = 'prospect',
                   lifecycle_since = CASE WHEN k.lifecycle IS DISTINCT FROM 'prospect' OR k.lifecycle_since IS NULL
                                          THEN %(as_of)s ELSE k.lifecycle_since END
             WHERE NOT (k.visit_count > 0 AND k.last_visit IS NOT NULL)
               AND (k.r_score, k.f_score, k.m_score, k.rfm_code, k.rfm_segment_id, k.abc_class,
                    k.clv_historical, k.p_alive, k.expected_visits, k.clv_predicted, k.quadrant, k.lifecycle)
                   IS DISTINCT FROM
                   (NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, 0, NULL, 'prospect')
            """,
            as_of=as_of,
        )
    )
    env.invalidate_all()


def snapshot(env, as_of):
    """Keep every member's scores as the first refresh of the month found them (one row a month).

    A company whose month is already kept is skipped at once (one index lookup), so only the
    first refresh of a month writes its members' rows.
    """
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
               AND company_id NOT IN (SELECT company_id FROM fidelite_member_score_history
                                       WHERE period = date_trunc('month', %(as_of)s::date)::date)
            ON CONFLICT (partner_id, company_id, period) DO NOTHING
            """,
            as_of=as_of,
        )
    )


def cohorts(env, as_of):
    """Retention by acquisition cohort: of the members first seen in a month, how many came k months later.

    Read from the months with a visit of each member (``visit_months``, sorted, kept by the
    members' step from the purchases per member, store and day): a member's cohort is the
    first of them.
    """
    env.cr.execute("DELETE FROM fidelite_cohort_cell")
    env.cr.execute(
        """
        WITH visits AS (
            SELECT company_id, visit_months[1] AS cohort, UNNEST(visit_months) AS month
              FROM fidelite_member_kpi WHERE CARDINALITY(visit_months) > 0
        ), cells AS (
            SELECT company_id, cohort, month - cohort AS months_after, COUNT(*) AS members
              FROM visits GROUP BY 1, 2, 3
        )
        INSERT INTO fidelite_cohort_cell (company_id, cohort, months_after, members, cohort_size, retention)
        SELECT c.company_id, MAKE_DATE(c.cohort / 12, MOD(c.cohort, 12) + 1, 1), c.months_after, c.members,
               s.members, 100.0 * c.members / s.members
          FROM cells c
          JOIN cells s ON s.company_id = c.company_id AND s.cohort = c.cohort AND s.months_after = 0
        """
    )


def pareto(env, as_of):
    """The Pareto curve per company: members sorted by revenue, in 100 slices of equal size.

    For each slice: its share of the members (1 to 100 %), the cumulative share of revenue of
    the members up to it, its revenue and its ABC class (that of its first member).
    """
    env.cr.execute("DELETE FROM fidelite_pareto_point")
    env.cr.execute(
        """
        WITH ranked AS (
            SELECT company_id, revenue, abc_class,
                   CEIL(100.0 * ROW_NUMBER() OVER (PARTITION BY company_id ORDER BY revenue DESC, id)
                        / COUNT(*) OVER (PARTITION BY company_id))::int AS slice,
                   SUM(revenue) OVER (PARTITION BY company_id ORDER BY revenue DESC, id) AS running,
                   SUM(revenue) OVER (PARTITION BY company_id) AS total
              FROM fidelite_member_kpi
             WHERE revenue > 0
        )
        INSERT INTO fidelite_pareto_point (company_id, member_share, revenue_share, revenue, members, abc_class)
        SELECT company_id, slice, 100.0 * MAX(running) / MAX(total), SUM(revenue), COUNT(*), MIN(abc_class)
          FROM ranked
         GROUP BY company_id, slice
        """
    )
