"""The chain engine, run by a cron: enter new participants, then run the due steps in batches.

A trace is one step for one participant. Entering creates the traces of the first steps;
running a trace creates the traces of its step's children (one INSERT ... SELECT per batch),
each due a delay after its parent. Traces point to their step by id, so editing a chain never
moves a participant: a changed delay applies to traces created afterwards, a removed step
ends the participants waiting on it (see ``fidelite.chain.step`` unlink).

A batch of due traces is selected in SQL, in chain priority order, locked ``SKIP LOCKED`` so
two workers never run the same trace; it is handled step by step (``steps``: the branch
condition, the quiet hours, consent, blacklists and the pressure budget in bulk, the channel,
the traces' outcome in one UPDATE), then the next steps' traces are inserted and the
participants moved on, each in one statement for the batch.
"""

import hashlib
import logging
from collections import defaultdict
from datetime import timedelta

from odoo import fields
from odoo.tools import SQL

from . import reports, steps

_logger = logging.getLogger(__name__)
BATCH = 5000
MESSAGE_ACTIONS = ("email", "sms", "postal", "phone", "survey")


def stable_bucket(salt, chain_id, partner_id):
    """0..9999, the same for a member and a chain on every run and every server."""
    digest = hashlib.sha256(f"{salt}:{chain_id}:{partner_id}".encode()).hexdigest()
    return int(digest[:8], 16) % 10000


def run(env, chains=None, commit=False, now=None):
    now = now or fields.Datetime.now()
    Chain = env["fidelite.chain"]  # ``env`` is the one the cron or the manager's button raised
    chains = (chains.with_env(env) if chains else Chain.search([])).filtered(lambda c: c.state == "running")
    for chain in chains:
        enter(chain, now)
        if commit:
            env["ir.cron"]._commit_progress(1)
    reports.update_outcomes(env, chains)
    process_due(env, chains, now, commit=commit)
    # traces and participants were written in SQL: what the chains and members show is read again
    env.invalidate_all()


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
    participants = env["fidelite.chain.participant"].create(vals_list)
    members = [
        (participant.id, vals["partner_id"], vals["bucket"], None)
        for participant, vals in zip(participants, vals_list, strict=True)
        if not vals["is_control"]
    ]
    if members:
        env.flush_all()
        schedule_children(env, chain, None, members, now)
    _logger.info(
        "Chain %s: %s entered (%s in the control group)", chain.id, len(participants), len(participants) - len(members)
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


def schedule_children(env, chain, parent_step, members, now):
    """Insert the traces of the next steps, due a delay after ``now``: the first steps of ``chain``
    (``parent_step`` None) or the children of ``parent_step``.

    ``members``: [(participant id, partner id, bucket, parent trace id or None)], one per
    participant entering or trace just finished; each child step gets those in its variant range.
    """
    steps = parent_step.child_ids if parent_step else chain.step_ids.filtered(lambda s: not s.parent_id)
    if not steps or not members:
        return
    ranges = _variant_ranges(steps)
    for step in steps:
        low, high = ranges[step]
        rows = [row for row in members if low <= row[2] < high]
        if not rows:
            continue
        # Purchase conditions are decided once their window has passed
        hours = step._delay_hours()
        if step.condition in ("purchased", "not_purchased"):
            hours = max(hours, step.condition_days * 24)
        env.cr.execute(
            SQL(
                """
                INSERT INTO fidelite_chain_trace
                       (participant_id, chain_id, partner_id, step_id, step_name, variant, parent_trace_id,
                        scheduled_at, state, action, marketing, company_id,
                        create_uid, write_uid, create_date, write_date)
                SELECT s.participant_id, %(chain)s, s.partner_id, %(step)s, %(name)s, %(variant)s, s.parent_id,
                       %(due)s, 'scheduled', %(action)s, %(marketing)s, %(company)s,
                       %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
                  FROM unnest(%(participants)s::int4[], %(partners)s::int4[], %(parents)s::int4[])
                       AS s(participant_id, partner_id, parent_id)
                """,
                chain=chain.id,
                step=step.id,
                name=step.name,
                variant=step.variant_name or None,
                due=now + timedelta(hours=hours),
                action=step.action,
                marketing=not chain.transactional and step.action in MESSAGE_ACTIONS,
                company=chain.company_id.id,
                uid=env.uid,
                participants=[row[0] for row in rows],
                partners=[row[1] for row in rows],
                parents=[row[3] for row in rows],
            )
        )
    env["fidelite.chain.trace"].invalidate_model()


def _due_batch(env, chain, now, limit):
    """[(trace id, step id, partner id, participant id, bucket)] of ``chain``'s due traces, oldest
    first, locked for this run."""
    return env.execute_query(
        SQL(
            """
            SELECT t.id, t.step_id, t.partner_id, t.participant_id, p.bucket
              FROM fidelite_chain_trace t JOIN fidelite_chain_participant p ON p.id = t.participant_id
             WHERE t.chain_id = %(chain)s AND t.state = 'scheduled' AND t.scheduled_at <= %(now)s
             ORDER BY t.scheduled_at, t.id
             LIMIT %(limit)s
               FOR UPDATE OF t SKIP LOCKED
            """,
            chain=chain.id,
            now=now,
            limit=limit,
        )
    )


def process_due(env, chains, now, commit=False, batch_size=BATCH):
    """Run every due trace of the running ``chains``, chain by chain in priority order; return how many."""
    done = 0
    for chain in chains.sorted(lambda c: (-c.priority, c.id)):
        seen = set()
        while chain.state == "running" and chain.active:
            env.flush_all()
            rows = [row for row in _due_batch(env, chain, now, batch_size) if row[0] not in seen]
            if not rows:
                break
            seen.update(row[0] for row in rows)
            by_step = defaultdict(dict)
            for trace_id, step_id, partner_id, participant_id, bucket in rows:
                by_step[step_id][trace_id] = (partner_id, participant_id, bucket)
            for step_id, traces in by_step.items():
                run_due(env["fidelite.chain.step"].browse(step_id or []), traces, now)
            done += len(rows)
            if commit:
                env["ir.cron"]._commit_progress(len(rows))
    return done


def run_due(step, traces, now):
    """Run ``step`` for its due traces (``traces``: {trace id: (partner id, participant id, bucket)}),
    then schedule the next steps of those that finished."""
    env = step.env
    if not step:  # its step was removed
        steps.cancel(env, list(traces), "step_removed", now)
        return
    finished, not_taken = steps.run_step(step, {trace_id: row[0] for trace_id, row in traces.items()}, now)
    if finished:
        members = [(traces[trace_id][1], traces[trace_id][0], traces[trace_id][2], trace_id) for trace_id in finished]
        schedule_children(env, step.chain_id, step, members, now)
    steps.move_participants(step, finished, not_taken, now)
