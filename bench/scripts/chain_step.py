"""Run by ``odoo shell`` for bench_chain_step.py; ``env``, ``result`` and PARTICIPANTS are given."""

# ruff: noqa: F821
import os
import time
from datetime import datetime, timedelta

from odoo.addons.fidelite_campaigns.services import scheduler

now = datetime(2026, 3, 2, 10, 0)
company = env.company
company.write({"fidelite_quiet_start": 0.0, "fidelite_quiet_end": 0.0, "fidelite_quiet_sunday": False})
chain = env["fidelite.chain"].create(
    {"name": "Bench chain", "trigger_ids": [(0, 0, {"kind": "segment"})], "state": "running"}
)
step = env["fidelite.chain.step"].create(
    {"chain_id": chain.id, "name": "Offer", "action": "sms", "sms_body": "Hello {{ object.name }}, -10% this week"}
)
env["fidelite.chain.step"].create(
    {"chain_id": chain.id, "name": "Follow-up", "parent_id": step.id, "action": "wait", "delay": 7}
)
env.flush_all()
cr = env.cr
cr.execute(
    """
    INSERT INTO res_partner (name, complete_name, active, type, company_id, fidelite_is_member,
                             fidelite_consent_sms, phone, phone_sanitized, autopost_bills, create_date, write_date)
    SELECT 'Member ' || i, 'Member ' || i, TRUE, 'contact', %(company)s, TRUE, i %% 10 != 1,
           '+336' || lpad(i::text, 8, '0'), '+336' || lpad(i::text, 8, '0'), 'ask', NOW(), NOW()
      FROM generate_series(1, %(n)s) i
    """,
    {"company": company.id, "n": PARTICIPANTS},
)
cr.execute("SELECT min(id) FROM res_partner WHERE name LIKE 'Member %%'")
first = cr.fetchone()[0]
cr.execute(
    "INSERT INTO phone_blacklist (number, active, create_date, write_date) "
    "SELECT phone_sanitized, TRUE, NOW(), NOW() FROM res_partner WHERE id >= %s AND (id - %s) %% 10 = 2",
    [first, first],
)
cr.execute(
    """
    INSERT INTO fidelite_chain_participant (chain_id, partner_id, entry_key, entered_at, state, is_control, bucket,
                                            participant_count, create_date, write_date)
    SELECT %(chain)s, id, 'member', %(now)s, 'running', FALSE, (id::bigint * 7919) %% 10000, 1, NOW(), NOW()
      FROM res_partner WHERE id >= %(first)s
    """,
    {"chain": chain.id, "now": now, "first": first},
)
cr.execute(
    """
    INSERT INTO fidelite_chain_trace (participant_id, chain_id, partner_id, step_id, step_name, scheduled_at, state,
                                      action, marketing, company_id, create_date, write_date)
    SELECT id, chain_id, partner_id, %(step)s, 'Offer', %(now)s, 'scheduled', 'sms', TRUE, %(company)s, NOW(), NOW()
      FROM fidelite_chain_participant WHERE chain_id = %(chain)s
    """,
    {"chain": chain.id, "now": now, "step": step.id, "company": company.id},
)
# Earlier messages from another chain: every fifth member already had 2 this week
other = env["fidelite.chain"].create({"name": "Earlier chain", "trigger_ids": [(0, 0, {"kind": "segment"})]})
cr.execute(
    """
    INSERT INTO fidelite_chain_participant (chain_id, partner_id, entry_key, entered_at, state, is_control, bucket,
                                            participant_count, create_date, write_date)
    SELECT %(chain)s, id, 'member', %(at)s, 'done', FALSE, 0, 1, NOW(), NOW()
      FROM res_partner WHERE id >= %(first)s AND (id - %(first)s) %% 5 = 0
    """,
    {"chain": other.id, "at": now - timedelta(days=3), "first": first},
)
cr.execute(
    """
    INSERT INTO fidelite_chain_trace (participant_id, chain_id, partner_id, step_name, scheduled_at, done_at, state,
                                      action, channel, marketing, company_id, create_date, write_date)
    SELECT p.id, p.chain_id, p.partner_id, 'Earlier', %(at)s, %(at)s, 'sent', 'email', 'email', TRUE, %(company)s,
           NOW(), NOW()
      FROM fidelite_chain_participant p, generate_series(1, 2) g WHERE p.chain_id = %(chain)s
    """,
    {"chain": other.id, "at": now - timedelta(days=3), "company": company.id},
)
cr.execute("ANALYZE")
env.invalidate_all()
env.cr.commit()

cr.execute("SELECT pg_backend_pid()")
backend_stat = f"/proc/{cr.fetchone()[0]}/stat"


def backend_cpu():
    """CPU seconds used so far by this cursor's PostgreSQL backend (None on a remote server)."""
    try:
        with open(backend_stat) as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


pg_start, cpu_start = backend_cpu(), time.process_time()
start = time.perf_counter()
handled = scheduler.process_due(env, chain, now)
step_s = time.perf_counter() - start
pg_end, python_cpu_s = backend_cpu(), time.process_time() - cpu_start
pg_cpu_s = pg_end - pg_start if pg_start is not None else None
env.flush_all()
cr.execute(
    "SELECT state, COUNT(*) FROM fidelite_chain_trace WHERE chain_id = %s AND step_id = %s GROUP BY state",
    [chain.id, step.id],
)
states = dict(cr.fetchall())
assert handled == PARTICIPANTS, handled
cr.execute("SELECT COUNT(*) FROM sms_sms")
queued = cr.fetchone()[0]
assert queued == states.get("sent"), (queued, states)
env.cr.rollback()

start = time.perf_counter()
cr.execute(
    """INSERT INTO sms_sms (uuid, number, body, partner_id, state, to_delete, create_date, write_date)
       SELECT md5(id::text), phone_sanitized, 'Hello ' || name, id, 'outgoing', FALSE, NOW(), NOW()
         FROM res_partner WHERE id >= %s""",
    [first],
)
baseline_s = time.perf_counter() - start
env.cr.rollback()
result(
    {
        "step_s": step_s,
        "baseline_s": baseline_s,
        "sent": states.get("sent", 0),
        "states": states,
        "python_cpu_s": python_cpu_s,
        "pg_cpu_s": pg_cpu_s,
    }
)
