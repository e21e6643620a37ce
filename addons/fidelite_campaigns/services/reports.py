"""What the chains achieved: e-mail outcomes read back from Odoo's mailing traces, conversions
and attributed revenue (last message before the purchase, within the chain's window), the
control group's conversions, and the figures shown on a chain."""

from odoo.tools import SQL

from .purchases import purchases_sql

CHAIN_FIGURES = (
    "participant_count",
    "control_count",
    "sent_count",
    "skipped_count",
    "cost",
    "revenue",
    "roi",
    "conversion_rate",
    "control_conversion_rate",
    "unsubscribe_rate",
    "complaint_rate",
    "bounce_rate",
)


def sync_mail_outcomes(env, traces):
    """Copy opens, clicks, bounces and replies recorded by ``mailing.trace`` onto chain traces."""
    if not traces:
        return
    env.flush_all()
    env.cr.execute(
        SQL(
            """
            UPDATE fidelite_chain_trace t
               SET opened = m.open_datetime IS NOT NULL OR m.trace_status IN ('open', 'reply'),
                   clicked = m.links_click_datetime IS NOT NULL,
                   bounced = m.trace_status = 'bounce',
                   replied = m.trace_status = 'reply' OR t.replied,
                   outcome = CASE WHEN m.trace_status = 'bounce' THEN 'bounced'
                                  WHEN m.trace_status = 'reply' THEN 'replied'
                                  WHEN m.links_click_datetime IS NOT NULL THEN 'clicked'
                                  WHEN m.open_datetime IS NOT NULL OR m.trace_status = 'open' THEN 'opened'
                                  ELSE t.outcome END
              FROM mailing_trace m
             WHERE m.id = t.mailing_trace_id AND t.id = ANY(%s)
            """,
            traces.ids,
        )
    )
    # A survey invitation is answered when its answer is completed
    env.cr.execute(
        SQL(
            """
            UPDATE fidelite_chain_trace t SET replied = TRUE, outcome = 'replied'
              FROM survey_user_input a
             WHERE a.id = t.survey_answer_id AND a.state = 'done' AND t.id = ANY(%s)
            """,
            traces.ids,
        )
    )
    traces.invalidate_recordset(["opened", "clicked", "bounced", "replied", "outcome"])


def update_outcomes(env, chains):
    """Refresh outcomes, conversions and attributed revenue of the chains' traces and participants."""
    if not chains:
        return
    env.flush_all()
    traces = env["fidelite.chain.trace"].search([("chain_id", "in", chains.ids), ("mailing_trace_id", "!=", False)])
    sync_mail_outcomes(env, traces)
    # Last-touch attribution: each purchase goes to the latest message sent before it within the window
    env.cr.execute(
        SQL(
            """
            WITH touch AS (
                SELECT DISTINCT ON (b.kind, b.order_id, t.chain_id) t.id AS trace_id, b.amount
                  FROM (%(purchases)s) b
                  JOIN fidelite_chain_trace t ON t.partner_id = b.partner_id AND t.state = 'sent'
                  JOIN fidelite_chain c ON c.id = t.chain_id
                 WHERE t.chain_id = ANY(%(chains)s)
                   AND b.at >= t.done_at AND b.at <= t.done_at + make_interval(days => c.conversion_days)
                 ORDER BY b.kind, b.order_id, t.chain_id, t.done_at DESC, t.id DESC
            ), per_trace AS (SELECT trace_id, SUM(amount) AS amount FROM touch GROUP BY trace_id)
            UPDATE fidelite_chain_trace t
               SET attributed_revenue = COALESCE(pt.amount, 0), converted = pt.amount IS NOT NULL
              FROM fidelite_chain_trace t2 LEFT JOIN per_trace pt ON pt.trace_id = t2.id
             WHERE t.id = t2.id AND t2.chain_id = ANY(%(chains)s) AND t2.state = 'sent'
            """,
            purchases=purchases_sql(),
            chains=chains.ids,
        )
    )
    # Participants, control group included: purchases within the window after entering
    env.cr.execute(
        SQL(
            """
            UPDATE fidelite_chain_participant p
               SET revenue = COALESCE(x.amount, 0), converted = x.amount IS NOT NULL
              FROM fidelite_chain_participant p2
              JOIN fidelite_chain c ON c.id = p2.chain_id
              LEFT JOIN LATERAL (
                   SELECT SUM(b.amount) AS amount FROM (%(purchases)s) b
                    WHERE b.partner_id = p2.partner_id AND b.at >= p2.entered_at
                      AND b.at <= COALESCE(p2.finished_at, p2.entered_at) + make_interval(days => c.conversion_days)
              ) x ON TRUE
             WHERE p.id = p2.id AND p2.chain_id = ANY(%(chains)s)
            """,
            purchases=purchases_sql(),
            chains=chains.ids,
        )
    )
    env["fidelite.chain.trace"].invalidate_model()
    env["fidelite.chain.participant"].invalidate_model()


def chain_figures(chains):
    """{chain id: {figure: value}} for the chain form, in a few grouped queries."""
    env = chains.env
    ids = [cid for cid in chains.ids if isinstance(cid, int)]
    if not ids:
        return {}
    env.flush_all()
    figures = {cid: dict.fromkeys(CHAIN_FIGURES, 0) for cid in ids}
    for cid, participants, control, converted, control_converted in env.execute_query(
        SQL(
            """SELECT chain_id, COUNT(*) FILTER (WHERE NOT is_control), COUNT(*) FILTER (WHERE is_control),
                      COUNT(*) FILTER (WHERE NOT is_control AND converted),
                      COUNT(*) FILTER (WHERE is_control AND converted)
                 FROM fidelite_chain_participant WHERE chain_id = ANY(%s) GROUP BY chain_id""",
            ids,
        )
    ):
        values = figures[cid]
        values.update(participant_count=participants, control_count=control)
        values["conversion_rate"] = 100.0 * converted / participants if participants else 0
        values["control_conversion_rate"] = 100.0 * control_converted / control if control else 0
    for cid, sent, skipped, cost, revenue, bounced in env.execute_query(
        SQL(
            """SELECT chain_id, COUNT(*) FILTER (WHERE state = 'sent'), COUNT(*) FILTER (WHERE state = 'skipped'),
                      COALESCE(SUM(cost), 0), COALESCE(SUM(attributed_revenue), 0),
                      COUNT(*) FILTER (WHERE bounced)
                 FROM fidelite_chain_trace WHERE chain_id = ANY(%s) GROUP BY chain_id""",
            ids,
        )
    ):
        values = figures[cid]
        values.update(sent_count=sent, skipped_count=skipped, cost=cost, revenue=revenue)
        values["roi"] = 100.0 * (revenue - cost) / cost if cost else 0
        values["bounce_rate"] = 100.0 * bounced / sent if sent else 0
    # Unsubscribes: members reached by the chain who withdrew a consent or were blacklisted afterwards
    for cid, reached, left in env.execute_query(
        SQL(
            """
            WITH reached AS (
                SELECT chain_id, partner_id, MIN(done_at) AS first_at FROM fidelite_chain_trace
                 WHERE chain_id = ANY(%s) AND state = 'sent' GROUP BY chain_id, partner_id
            )
            SELECT r.chain_id, COUNT(*), COUNT(*) FILTER (WHERE EXISTS (
                       SELECT 1 FROM fidelite_consent f WHERE f.partner_id = r.partner_id AND NOT f.granted
                          AND f.date >= r.first_at)
                    OR EXISTS (SELECT 1 FROM res_partner p JOIN mail_blacklist b ON b.email = p.email_normalized
                                WHERE p.id = r.partner_id AND b.active AND b.create_date >= r.first_at)
                    OR EXISTS (SELECT 1 FROM res_partner p JOIN phone_blacklist b ON b.number = p.phone_sanitized
                                WHERE p.id = r.partner_id AND b.active AND b.create_date >= r.first_at))
              FROM reached r GROUP BY r.chain_id
            """,
            ids,
        )
    ):
        figures[cid]["unsubscribe_rate"] = 100.0 * left / reached if reached else 0
    # Complaints: members reached whose call result the agent recorded as a complaint
    for cid, reached, complained in env.execute_query(
        SQL(
            """SELECT chain_id, COUNT(DISTINCT partner_id) FILTER (WHERE state = 'sent'),
                      COUNT(DISTINCT partner_id) FILTER (WHERE call_outcome = 'complained')
                 FROM fidelite_chain_trace WHERE chain_id = ANY(%s) GROUP BY chain_id""",
            ids,
        )
    ):
        figures[cid]["complaint_rate"] = 100.0 * complained / reached if reached else 0
    return figures
