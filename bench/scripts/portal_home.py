"""Run by ``odoo shell`` for bench_portal_home.py; LINES, BASELINE_LINES and REQUESTS are prepended.

``env`` and ``result`` are given by the shell and the harness.
"""

# ruff: noqa: F821
import statistics
import time

from werkzeug.test import Client

from odoo import Command, http
from odoo.service import security

program = env["loyalty.program"].create(
    {
        "name": "Bench club",
        "program_type": "loyalty",
        "portal_point_name": "points",
        "fidelite_expiry_policy": "months",
        "fidelite_expiry_months": 12,
        "fidelite_tier_ids": [
            Command.create({"name": "Membre", "threshold": 0}),
            Command.create({"name": "Privilège", "threshold": 50_000}),
        ],
        "reward_ids": [
            Command.create(
                {"reward_type": "discount", "discount_mode": "per_order", "discount": 5, "required_points": 100}
            )
        ],
    }
)
portal = env.ref("base.group_portal")


def member(login, lines):
    user = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create({"name": login, "login": login, "password": login, "group_ids": [Command.set([portal.id])]})
    )
    card = env["loyalty.card"].create({"program_id": program.id, "partner_id": user.partner_id.id})
    env.flush_all()
    # three earnings (expiring after 12 months) for one redemption, over the last three years
    env.cr.execute(
        """
        INSERT INTO fidelite_points_move (card_id, program_id, partner_id, company_id, points, balance_after,
                                          move_type, date, origin, reason, expiry_date,
                                          create_uid, create_date, write_uid, write_date)
        SELECT %(card)s, %(program)s, %(partner)s, %(company)s,
               CASE WHEN g %% 4 = 0 THEN -5 ELSE 10 END, 0,
               CASE WHEN g %% 4 = 0 THEN 'redeem' ELSE 'earn' END,
               now() - make_interval(mins => ((%(lines)s - g)::bigint * 1577000 / %(lines)s)::int),
               'pos', 'Purchase',
               CASE WHEN g %% 4 = 0 THEN NULL
                    ELSE (now() - make_interval(mins => ((%(lines)s - g)::bigint * 1577000 / %(lines)s)::int)
                          + interval '12 months')::date END,
               1, now(), 1, now()
          FROM generate_series(1, %(lines)s) g
        """,
        {
            "card": card.id,
            "program": program.id,
            "partner": user.partner_id.id,
            "company": env.company.id,
            "lines": lines,
        },
    )
    env.cr.execute(
        "UPDATE loyalty_card SET points = (SELECT SUM(points) FROM fidelite_points_move WHERE card_id = %s)"
        " WHERE id = %s",
        [card.id, card.id],
    )
    return user, card


big_user, big_card = member("bench_10k", LINES)
small_user, small_card = member("bench_10", BASELINE_LINES)
env.cr.execute("ANALYZE fidelite_points_move")
env.cr.commit()


def session_for(user):
    session = http.root.session_store.new()
    session.update(http.get_default_session(), db=env.cr.dbname, _trace_disable=True)
    user_env = env(user=user)
    session.uid = user.id
    session.login = user.login
    session.session_token = security.compute_session_token(session, user_env)
    session.context = dict(user_env["res.users"].context_get())
    http.root.session_store.save(session)
    return session.sid


def timed(user, url, marker):
    client = Client(http.root, use_cookies=False)
    headers = {"Cookie": f"session_id={session_for(user)}"}
    durations = []
    for number in range(REQUESTS + 3):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        elapsed = 1000 * (time.perf_counter() - started)
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and marker in body, (url, response.status_code, body[:500])
        if number >= 3:
            durations.append(elapsed)
    return statistics.median(durations)


home = timed(big_user, "/my/fidelite", big_card.code)
baseline = timed(small_user, "/my/fidelite", small_card.code)
history = timed(big_user, f"/my/fidelite/card/{big_card.id}", big_card.code)
result({"home_ms": home, "baseline_ms": baseline, "history_ms": history})
