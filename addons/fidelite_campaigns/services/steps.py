"""Run one step of a chain for a batch of its due traces, set-based.

For a batch (up to ``scheduler.BATCH`` traces of the same step): the branch condition is
decided in one query; the quiet hours may postpone the batch; consent, blacklists and the
pressure budget are read for the whole batch (``pressure``) and each trace gets its channel
or its skip reason; the channel queues its messages in bulk (``channels``); then the traces'
outcome is written in one UPDATE, the next steps' traces are inserted in one INSERT ... SELECT
per child step, and the participants' current step (and end, when nothing is left to run) in
one UPDATE. No query per participant, except the ledger's for points (one lock per card).
"""

import logging
from collections import defaultdict
from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from . import channels, pressure, reports
from .purchases import purchases_sql

_logger = logging.getLogger(__name__)

CALL_WAIT_DAYS = 30
# Columns a channel may fill on the traces it sent, with their SQL type
LINK_COLUMNS = {
    "mail_mail_id": "int4",
    "mailing_trace_id": "int4",
    "sms_uuid": "varchar",
    "activity_id": "int4",
    "postal_batch_id": "int4",
    "survey_answer_id": "int4",
    "points_move_id": "int4",
    "coupon_id": "int4",
}


def _condition_sql(step, now):
    """Per condition: (taken, waiting) boolean expressions on the trace ``t`` and its parent ``p``."""
    never = SQL("FALSE")
    match step.condition:
        case "opened":
            return SQL("COALESCE(p.opened OR p.clicked, FALSE)"), never
        case "not_opened":
            return SQL("NOT COALESCE(p.opened OR p.clicked, FALSE)"), never
        case "clicked" | "bounced" | "replied":
            return SQL("COALESCE(%s, FALSE)", SQL.identifier("p", step.condition)), never
        case "purchased" | "not_purchased":
            bought = SQL(
                """EXISTS (SELECT 1 FROM (%(purchases)s) b WHERE b.partner_id = t.partner_id AND b.at >= p.done_at
                              AND b.at <= p.done_at + make_interval(days => %(days)s))""",
                purchases=purchases_sql(),
                days=step.condition_days,
            )
            return (bought, never) if step.condition == "purchased" else (SQL("NOT %s", bought), never)
        case "call_outcome":
            waiting = SQL(
                """(p.call_outcome IS NULL AND p.state = 'sent' AND p.done_at IS NOT NULL
                    AND %(now)s < p.done_at + make_interval(days => %(days)s))""",
                now=now,
                days=CALL_WAIT_DAYS,
            )
            return SQL("COALESCE(p.call_outcome = %s, FALSE)", step.call_outcome or ""), waiting
    return SQL("TRUE"), never


def branch(step, trace_ids, now):
    """Split the traces into (taken, not taken, waiting) ids on the parent's outcome."""
    if step.condition == "always" or not step.parent_id:
        return list(trace_ids), [], []
    env = step.env
    if step.condition in ("opened", "not_opened", "clicked", "bounced", "replied"):
        env.flush_all()
        parent_ids = env.execute_query(
            SQL(
                "SELECT DISTINCT parent_trace_id FROM fidelite_chain_trace WHERE id = ANY(%s) AND parent_trace_id > 0",
                list(trace_ids),
            )
        )
        reports.sync_mail_outcomes(env, env["fidelite.chain.trace"].browse([row[0] for row in parent_ids]))
    env.flush_all()
    taken_sql, waiting_sql = _condition_sql(step, now)
    taken, not_taken, waiting = [], [], []
    for trace_id, is_waiting, is_taken in env.execute_query(
        SQL(
            """SELECT t.id, %(waiting)s, %(taken)s FROM fidelite_chain_trace t
                 LEFT JOIN fidelite_chain_trace p ON p.id = t.parent_trace_id
                WHERE t.id = ANY(%(ids)s) ORDER BY t.id""",
            waiting=waiting_sql,
            taken=taken_sql,
            ids=list(trace_ids),
        )
    ):
        (waiting if is_waiting else taken if is_taken else not_taken).append(trace_id)
    return taken, not_taken, waiting


def run_step(step, partners, now):
    """Run ``step`` for its due traces (``partners``: {trace id: partner id}); return (finished, not taken) ids.

    The caller schedules the next steps of the finished traces and moves the participants on.
    """
    env = step.env
    chain = step.chain_id
    taken, not_taken, waiting = branch(step, list(partners), now)
    if not_taken:
        cancel(env, not_taken, "branch", now)
    if waiting:
        _update(env, waiting, SQL("scheduled_at = %s", now + timedelta(days=1)))
    if not taken:
        return [], not_taken
    if step.action == "wait":
        results, links = {("done", None, None, False): taken}, {}
    elif step.action in ("points", "coupon"):
        results, links = _grant(step, taken)
    else:
        later = pressure.quiet_until(chain.company_id, step._channel, now) if not chain.transactional else None
        if later:
            _update(env, taken, SQL("scheduled_at = %s, note = %s", later, env._("Quiet hours")))
            return [], not_taken
        results, links = _deliver(step, {trace_id: partners[trace_id] for trace_id in taken}, now)
    record(step, results, links, now)
    return [trace_id for ids in results.values() for trace_id in ids], not_taken


def _grant(step, trace_ids):
    traces = step.env["fidelite.chain.trace"].browse(trace_ids)
    if step.action == "points":
        missing, links = channels.grant_points(step, traces)
    else:
        missing, links = traces.browse(), channels.grant_coupons(step, traces)
    results = {("done", None, None, False): (traces - missing).ids, ("skipped", "no_card", None, False): missing.ids}
    return results, links


def _deliver(step, partners, now):
    """Check and send a message step: (results, links)."""
    channel = step._channel
    results = check_and_route(step, partners, channel, now, not step.chain_id.transactional)
    sending = defaultdict(list)
    for (state, _reason, used_channel, _fallback), ids in results.items():
        if state == "sent":
            sending[used_channel] += ids
    links = {}
    refused = set()
    Trace = step.env["fidelite.chain.trace"]
    for used_channel, ids in sending.items():
        action = step.action if used_channel == channel else used_channel
        try:
            with step.env.cr.savepoint():
                queued = send(step, Trace.browse(ids), action)
        except (AccessError, UserError) as error:
            # the text's author may not render it (code in a placeholder, a contact they cannot read): nothing is sent
            _logger.warning("Chain step %s: %s text refused, nothing sent: %s", step.id, used_channel, error)
            refused.add(used_channel)
            continue
        for column, values in queued.items():
            links.setdefault(column, {}).update(values)
    if refused:
        for key in [key for key in results if key[0] == "sent" and key[2] in refused]:
            results[("skipped", "refused", key[2], key[3])] += results.pop(key)
    return results, links


def check_and_route(step, partners, channel, now, marketing):
    """Consent, blacklist and budget for each trace (``partners``: {trace id: partner id}), with the
    fallback channel; the trace ids grouped by (state, skip reason, channel, fallback)."""
    env = step.env
    company = step.chain_id.company_id
    rows = sorted(partners.items())
    partner_ids = set(partners.values())
    reach = pressure.reachability(env, partner_ids, channel, marketing)
    fallback = step.fallback_channel if step.fallback_channel != channel else False
    reach_fallback = pressure.reachability(env, partner_ids, fallback, marketing) if fallback else {}
    budget = pressure.Budget(env, company, now, partner_ids) if marketing else None
    results = defaultdict(list)
    for trace_id, partner_id in rows:
        reason = reach.get(partner_id)
        if not reason and budget and not budget.allows(partner_id, channel):
            reason = "pressure"
        if not reason:
            if budget:
                budget.consume(partner_id, channel)
            results[("sent", None, channel, False)].append(trace_id)
            continue
        if (
            fallback
            and reason in ("pressure", "no_consent", "no_address", "blacklisted", "invalid_address")
            and not reach_fallback.get(partner_id)
            and (not budget or budget.allows(partner_id, fallback))
        ):
            if budget:
                budget.consume(partner_id, fallback)
            results[("sent", None, fallback, True)].append(trace_id)
            continue
        results[("skipped", reason, channel, False)].append(trace_id)
    return results


def send(step, traces, action):
    """Queue ``action``'s messages for ``traces``; return the links to write on them ({column: {id: value}})."""
    match action:
        case "email":
            return channels.send_email(step, traces)
        case "sms":
            return channels.send_sms(step, traces)
        case "postal":
            return channels.send_postal(step, traces)
        case "phone":
            return channels.create_calls(step, traces)
        case "survey":
            return channels.send_survey(step, traces)
    return {}


def record(step, results, links, now):
    """Write every trace's outcome (state, reason, channel, cost and what was queued) in one UPDATE."""
    env = step.env
    company = step.chain_id.company_id
    ids, states, reasons, used_channels, fallbacks, costs = [], [], [], [], [], []
    for (state, reason, channel, fallback), trace_ids in results.items():
        cost = company._fidelite_unit_cost(channel) if state == "sent" else 0.0
        for trace_id in trace_ids:
            ids.append(trace_id)
            states.append(state)
            reasons.append(reason)
            used_channels.append(channel)
            fallbacks.append(fallback)
            costs.append(cost)
    if not ids:
        return
    columns = [column for column in LINK_COLUMNS if links.get(column)]
    env.flush_all()
    env.cr.execute(
        SQL(
            """
            UPDATE fidelite_chain_trace t
               SET state = v.state, skip_reason = v.reason, channel = v.channel, fallback = v.fallback,
                   cost = v.cost, done_at = %(now)s, write_uid = %(uid)s, write_date = NOW() AT TIME ZONE 'UTC'
                   %(links)s
              FROM unnest(%(ids)s::int4[], %(states)s::varchar[], %(reasons)s::varchar[], %(channels)s::varchar[],
                          %(fallbacks)s::bool[], %(costs)s::float8[] %(link_arrays)s)
                   AS v(id, state, reason, channel, fallback, cost %(link_names)s)
             WHERE t.id = v.id AND t.id = ANY(%(ids)s)
            """,
            now=now,
            uid=env.uid,
            ids=ids,
            states=states,
            reasons=reasons,
            channels=used_channels,
            fallbacks=fallbacks,
            costs=costs,
            links=SQL("").join(SQL(", %s = COALESCE(v.%s, t.%s)", *[SQL.identifier(column)] * 3) for column in columns),
            link_arrays=SQL("").join(
                SQL(", %s::%s[]", [links[column].get(i) for i in ids], SQL(LINK_COLUMNS[column])) for column in columns
            ),
            link_names=SQL("").join(SQL(", %s", SQL.identifier(column)) for column in columns),
        )
    )
    env["fidelite.chain.trace"].invalidate_model()


def cancel(env, trace_ids, reason, now):
    """Cancel these traces with ``reason`` (a skip reason)."""
    _update(env, trace_ids, SQL("state = 'cancelled', skip_reason = %s, done_at = %s", reason, now))


def _update(env, trace_ids, assignments):
    env.flush_all()
    env.cr.execute(
        SQL(
            "UPDATE fidelite_chain_trace SET %s, write_date = NOW() AT TIME ZONE 'UTC' WHERE id = ANY(%s)",
            assignments,
            list(trace_ids),
        )
    )
    env["fidelite.chain.trace"].invalidate_model()


def move_participants(step, finished, not_taken, now):
    """After ``step``: its variant on the participants of the ``finished`` traces (when it has one),
    and the end of the participants left with nothing to run. The participants' current step is
    read from their traces, so moving on writes nothing when a chain goes on."""
    env = step.env
    if step.variant_name and finished:
        env.flush_all()
        env.cr.execute(
            SQL(
                """UPDATE fidelite_chain_participant p SET variant = %s
                    WHERE p.id IN (SELECT participant_id FROM fidelite_chain_trace WHERE id = ANY(%s))""",
                step.variant_name,
                list(finished),
            )
        )
        env["fidelite.chain.participant"].invalidate_model(["variant"])
    # Every participant of a finished trace got the next steps, unless the step has none or
    # splits its members between variants
    candidates = list(not_taken)
    if not step.child_ids or any(child.variant_share > 0 for child in step.child_ids):
        candidates += list(finished)
    finish_idle(env, candidates, now)


def finish_idle(env, trace_ids, now, reason=None):
    """End the running participants of these traces that have no step left to run."""
    if not trace_ids:
        return
    env.flush_all()
    env.cr.execute(
        SQL(
            """
            UPDATE fidelite_chain_participant p
               SET state = 'done', finished_at = %(now)s, end_reason = %(reason)s,
                   write_date = NOW() AT TIME ZONE 'UTC'
             WHERE p.id IN (SELECT participant_id FROM fidelite_chain_trace WHERE id = ANY(%(ids)s))
               AND p.state = 'running'
               AND NOT EXISTS (SELECT 1 FROM fidelite_chain_trace t
                                WHERE t.participant_id = p.id AND t.state = 'scheduled')
            """,
            now=now,
            reason=reason,
            ids=list(trace_ids),
        )
    )
    env["fidelite.chain.participant"].invalidate_model(["state", "finished_at", "end_reason"])
