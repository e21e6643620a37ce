"""The chain engine, run by a cron: enter new participants, then run the due steps in batches.

A trace is one step for one participant. Entering creates the traces of the first steps;
running a trace creates the traces of its step's children (one INSERT ... SELECT per batch),
each due a delay after its parent. Traces point to their step by id, so editing a chain never
moves a participant: a changed delay applies to traces created afterwards, a removed step
ends the participants waiting on it (see ``fidelite.chain.step`` unlink).

A batch of due traces is selected in SQL, in chain priority order, locked ``SKIP LOCKED`` so
two workers never run the same trace; it is handled step by step: the branch condition, the
quiet hours, then consent, blacklists and the pressure budget in bulk (``pressure``), then the
channel (``channels``), then the traces' states in a few UPDATEs.
"""

import hashlib
import logging
from collections import defaultdict
from datetime import timedelta

from odoo import fields
from odoo.tools import SQL

from . import channels, pressure, reports
from .purchases import purchases_sql

_logger = logging.getLogger(__name__)
BATCH = 5000
CALL_WAIT_DAYS = 30
MESSAGE_ACTIONS = ("email", "sms", "postal", "phone", "survey")


def stable_bucket(salt, chain_id, partner_id):
    """0..9999, the same for a member and a chain on every run and every server."""
    digest = hashlib.sha256(f"{salt}:{chain_id}:{partner_id}".encode()).hexdigest()
    return int(digest[:8], 16) % 10000


def run(env, chains=None, commit=False, now=None):
    now = now or fields.Datetime.now()
    Chain = env["fidelite.chain"].sudo()
    chains = (chains.sudo() if chains else Chain.search([])).filtered(lambda c: c.state == "running")
    for chain in chains:
        enter(chain, now)
        if commit:
            env["ir.cron"]._commit_progress(1)
    reports.update_outcomes(env, chains)
    process_due(env, chains, now, commit=commit)


def enter(chain, now):
    """Create the participants the chain's trigger brings in at ``now``."""
    env = chain.env
    rows = chain._entrants(now)
    chain.last_entry_run = now
    if not rows:
        return env["fidelite.chain.participant"]
    vals_list = []
    for partner_id, key in rows:
        control = stable_bucket("control", chain.id, partner_id) < chain.control_share * 100
        vals_list.append(
            {
                "chain_id": chain.id,
                "partner_id": partner_id,
                "entry_key": key,
                "entered_at": now,
                "is_control": control,
                "state": "control" if control else "running",
                "bucket": stable_bucket("variant", chain.id, partner_id),
            }
        )
    participants = env["fidelite.chain.participant"].sudo().create(vals_list)
    running = participants.filtered(lambda p: not p.is_control)
    if running:
        env.flush_all()
        _schedule_children(env, chain, running.ids, parents=None, now=now)
    _logger.info(
        "Chain %s: %s entered (%s in the control group)", chain.id, len(participants), len(participants) - len(running)
    )
    return participants


def _variant_ranges(steps):
    """{step: (low, high)} on the 0..9999 bucket; a step outside any split gets the whole range."""
    ranges = {}
    groups = defaultdict(list)
    for step in steps:
        if step.variant_share > 0:
            groups[(step.parent_id.id, step.condition, step.call_outcome)].append(step)
        else:
            ranges[step] = (0, 10000)
    for group in groups.values():
        low = 0
        for step in sorted(group, key=lambda s: (s.sequence, s.id)):
            high = min(10000, low + round(step.variant_share * 100))
            ranges[step] = (low, high)
            low = high
    return ranges


def _schedule_children(env, chain, participant_ids, parents, now):
    """Insert the traces of the next steps: the first steps (``parents`` None) or the children of ``parents``.

    ``parents``: {trace_id: step} of traces just finished, whose participants are ``participant_ids``.
    """
    if parents is None:
        steps = chain.step_ids.filtered(lambda s: not s.parent_id)
        pairs = [(step, None) for step in steps]
    else:
        pairs = []
        by_step = defaultdict(list)
        for trace_id, step in parents.items():
            by_step[step].append(trace_id)
        for step, trace_ids in by_step.items():
            pairs += [(child, trace_ids) for child in step.child_ids]
    if not pairs:
        return
    ranges = _variant_ranges({step for step, _ in pairs})
    for step, parent_ids in pairs:
        low, high = ranges[step]
        # Purchase conditions are decided once their window has passed
        hours = step._delay_hours()
        if step.condition in ("purchased", "not_purchased"):
            hours = max(hours, step.condition_days * 24)
        marketing = not chain.transactional and step.action in MESSAGE_ACTIONS
        source = (
            SQL(
                "SELECT p.id AS participant_id, p.partner_id, p.bucket, NULL::int AS parent_id, %s::timestamp AS base "
                "FROM fidelite_chain_participant p WHERE p.id = ANY(%s)",
                now,
                participant_ids,
            )
            if parent_ids is None
            else SQL(
                "SELECT t.participant_id, t.partner_id, p.bucket, t.id AS parent_id, COALESCE(t.done_at, %s) AS base "
                "FROM fidelite_chain_trace t JOIN fidelite_chain_participant p ON p.id = t.participant_id "
                "WHERE t.id = ANY(%s)",
                now,
                parent_ids,
            )
        )
        env.cr.execute(
            SQL(
                """
                INSERT INTO fidelite_chain_trace
                       (participant_id, chain_id, partner_id, step_id, step_name, variant, parent_trace_id,
                        scheduled_at, state, action, marketing, company_id,
                        create_uid, write_uid, create_date, write_date)
                SELECT s.participant_id, %(chain)s, s.partner_id, %(step)s, %(name)s, %(variant)s, s.parent_id,
                       s.base + make_interval(hours => %(hours)s), 'scheduled', %(action)s, %(marketing)s, %(company)s,
                       %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
                  FROM (%(source)s) s
                 WHERE s.bucket >= %(low)s AND s.bucket < %(high)s
                """,
                chain=chain.id,
                step=step.id,
                name=step.name,
                variant=step.variant_name or None,
                hours=hours,
                action=step.action,
                marketing=marketing,
                company=chain.company_id.id,
                uid=env.uid,
                source=source,
                low=low,
                high=high,
            )
        )
    env["fidelite.chain.trace"].invalidate_model()


def _due_batch(env, chain_ids, now, limit):
    return [
        row[0]
        for row in env.execute_query(
            SQL(
                """
                SELECT t.id FROM fidelite_chain_trace t
                  JOIN fidelite_chain c ON c.id = t.chain_id
                 WHERE t.state = 'scheduled' AND t.scheduled_at <= %(now)s
                   AND c.state = 'running' AND c.active AND c.id = ANY(%(chains)s)
                 ORDER BY c.priority DESC, t.scheduled_at, t.id
                 LIMIT %(limit)s
                   FOR UPDATE OF t SKIP LOCKED
                """,
                now=now,
                chains=chain_ids,
                limit=limit,
            )
        )
    ]


def process_due(env, chains, now, commit=False, batch_size=BATCH):
    """Run every due trace of the running ``chains``; return how many were handled."""
    Trace = env["fidelite.chain.trace"].sudo()
    done = 0
    seen = set()
    while True:
        env.flush_all()
        ids = [i for i in _due_batch(env, chains.ids, now, batch_size) if i not in seen]
        if not ids:
            break
        seen.update(ids)
        traces = Trace.browse(ids)
        orphans = traces.filtered(lambda t: not t.step_id)
        if orphans:
            orphans.write({"state": "cancelled", "skip_reason": "step_removed"})
        for step, step_traces in (traces - orphans).grouped("step_id").items():
            run_step(step, step_traces, now)
        done += len(ids)
        if commit:
            env["ir.cron"]._commit_progress(len(ids))
    return done


def _purchasers(env, traces, days):
    """Partner ids of the traces' members who bought within ``days`` after the trace was done."""
    if not traces:
        return set()
    env.flush_all()
    rows = env.execute_query(
        SQL(
            """SELECT DISTINCT t.id FROM fidelite_chain_trace t JOIN (%(purchases)s) b ON b.partner_id = t.partner_id
                WHERE t.id = ANY(%(ids)s) AND b.at >= t.done_at
                  AND b.at <= t.done_at + make_interval(days => %(days)s)""",
            purchases=purchases_sql(),
            ids=traces.ids,
            days=days,
        )
    )
    return {row[0] for row in rows}


def _branch(step, traces, now):  # noqa: PLR0912 (one case per condition)
    """Split the traces into (taken, not taken, waiting) on the parent's outcome."""
    condition = step.condition
    if condition == "always" or not step.parent_id:
        return traces, traces.browse(), traces.browse()
    parents = traces.parent_trace_id
    if condition in ("opened", "not_opened", "clicked", "bounced", "replied"):
        reports.sync_mail_outcomes(step.env, parents)
    if condition in ("purchased", "not_purchased"):
        bought = _purchasers(step.env, parents, step.condition_days)
    waiting = traces.browse()
    taken = traces.browse()
    for trace in traces:
        parent = trace.parent_trace_id
        match condition:
            case "opened":
                ok = parent.opened or parent.clicked
            case "not_opened":
                ok = not (parent.opened or parent.clicked)
            case "clicked":
                ok = parent.clicked
            case "bounced":
                ok = parent.bounced
            case "replied":
                ok = parent.replied
            case "purchased":
                ok = parent.id in bought
            case "not_purchased":
                ok = parent.id not in bought
            case "call_outcome":
                if (
                    not parent.call_outcome
                    and parent.state == "sent"
                    and parent.done_at
                    and (now < parent.done_at + timedelta(days=CALL_WAIT_DAYS))
                ):
                    waiting |= trace
                    continue
                ok = parent.call_outcome == step.call_outcome
            case _:
                ok = True
        if ok:
            taken |= trace
    return taken, traces - taken - waiting, waiting


def run_step(step, traces, now):  # noqa: PLR0912
    env = step.env
    chain = step.chain_id
    company = chain.company_id
    taken, not_taken, waiting = _branch(step, traces, now)
    if not_taken:
        not_taken.write({"state": "cancelled", "skip_reason": "branch", "done_at": now})
    if waiting:
        waiting.write({"scheduled_at": now + timedelta(days=1)})
    if not taken:
        not_taken.participant_id._finish_if_idle()
        return
    marketing = not chain.transactional
    results = defaultdict(list)  # (state, reason, channel, fallback) -> trace ids
    channel = step._channel
    if step.action == "wait":
        results[("done", None, None, False)] = taken.ids
    elif step.action in ("points", "coupon"):
        if step.action == "points":
            missing = channels.grant_points(step, taken)
        else:
            channels.grant_coupons(step, taken)
            missing = taken.browse()
        results[("done", None, None, False)] = (taken - missing).ids
        results[("skipped", "no_card", None, False)] = missing.ids
    else:
        later = pressure.quiet_until(company, channel, now) if marketing else None
        if later:
            taken.write({"scheduled_at": later, "note": env._("Quiet hours")})
            return
        results = _check_and_route(step, taken, channel, now, marketing)
        sending = defaultdict(list)
        for (state, _reason, used_channel, _fallback), ids in results.items():
            if state == "sent":
                sending[used_channel] += ids
        Trace = env["fidelite.chain.trace"]
        for used_channel, ids in sending.items():
            batch = Trace.browse(ids)
            if used_channel == channel:
                _send(step, batch, step.action)
            else:
                _send(step, batch, used_channel)
    _record(step, results, now)
    finished = taken.filtered(lambda t: t.state != "scheduled")
    _schedule_children(env, chain, finished.participant_id.ids, {t.id: step for t in finished}, now)
    (taken | not_taken).participant_id._finish_if_idle()


def _check_and_route(step, traces, channel, now, marketing):
    """Consent, blacklist and budget for each trace, with the fallback channel; grouped results."""
    env = step.env
    company = step.chain_id.company_id
    partner_ids = set(traces.partner_id.ids)
    reach = pressure.reachability(env, partner_ids, channel, marketing)
    fallback = step.fallback_channel if step.fallback_channel != channel else False
    reach_fallback = pressure.reachability(env, partner_ids, fallback, marketing) if fallback else {}
    budget = pressure.Budget(env, company, now, partner_ids) if marketing else None
    results = defaultdict(list)
    env.flush_all()
    for trace_id, partner_id in env.execute_query(
        SQL("SELECT id, partner_id FROM fidelite_chain_trace WHERE id = ANY(%s) ORDER BY id", traces.ids)
    ):
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


def _send(step, traces, action):
    match action:
        case "email":
            channels.send_email(step, traces)
        case "sms":
            channels.send_sms(step, traces)
        case "postal":
            channels.send_postal(step, traces)
        case "phone":
            channels.create_calls(step, traces)
        case "survey":
            channels.send_survey(step, traces)


def _record(step, results, now):
    env = step.env
    company = step.chain_id.company_id
    Trace = env["fidelite.chain.trace"].sudo()
    for (state, reason, channel, fallback), ids in results.items():
        if not ids:
            continue
        Trace.browse(ids).write(
            {
                "state": state,
                "skip_reason": reason or False,
                "channel": channel or False,
                "fallback": fallback,
                "done_at": now,
                "cost": company._fidelite_unit_cost(channel) if state == "sent" else 0.0,
            }
        )
    all_ids = [i for ids in results.values() for i in ids]
    if all_ids:
        env.cr.execute(
            SQL(
                """UPDATE fidelite_chain_participant p SET current_step_id = %s, variant = COALESCE(%s, p.variant)
                    WHERE p.id IN (SELECT participant_id FROM fidelite_chain_trace WHERE id = ANY(%s))""",
                step.id,
                step.variant_name or None,
                all_ids,
            )
        )
        env["fidelite.chain.participant"].invalidate_model(["current_step_id", "variant"])
