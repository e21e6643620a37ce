"""Run by ``odoo shell`` for bench_card_lookup.py; CARDS and LOOKUPS are prepended.

``env`` and ``result`` are given by the shell and the harness.
"""

# ruff: noqa: F821
import random
import statistics
import time

program = env["loyalty.program"].create({"name": "Lookup club", "program_type": "loyalty"})
env.cr.execute(
    """
    INSERT INTO loyalty_card (program_id, company_id, code, points, active, fidelite_medium, fidelite_state,
                              fidelite_uid, create_uid, create_date, write_uid, write_date)
    SELECT %s, %s, '299' || lpad(g::text, 10, '0'), 0, true, 'barcode_ean13', 'active',
           upper(lpad(to_hex(g), 8, '0')) || 'A1B2C3', 1, now(), 1, now()
      FROM generate_series(1, %s) g
    """,
    [program.id, program.company_id.id or None, CARDS],
)
env.cr.execute("ANALYZE loyalty_card")
env.cr.commit()
rng = random.Random(7)  # noqa: S311 - which cards to look up, not a secret
picks = [rng.randint(1, CARDS) for _ in range(LOOKUPS)]
Card = env["loyalty.card"]


def timed(call):
    durations = []
    for number in picks:
        env.invalidate_all()
        started = time.perf_counter()
        call(number)
        durations.append(1000 * (time.perf_counter() - started))
    return durations


def by_code(number):
    assert Card.fidelite_lookup(f"299{number:010d}")["code"] == f"299{number:010d}"


def by_uid(number):
    uid = f"{number:08x}a1b2c3"
    Card.fidelite_lookup(":".join(uid[i : i + 2] for i in range(0, len(uid), 2)))


def baseline(number):
    assert Card.search([("code", "=", f"299{number:010d}")], limit=1)


base = timed(baseline)
code = timed(by_code)
uid = timed(by_uid)
result(
    {
        "baseline_ms": statistics.median(base),
        "code_ms": statistics.median(code),
        "code_p95_ms": statistics.quantiles(code, n=20)[-1],
        "uid_ms": statistics.median(uid),
    }
)
