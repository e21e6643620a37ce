"""Run by ``odoo shell`` for bench_rule_eval.py; ``env`` and ``result`` are given."""

# ruff: noqa: F821
import random
import statistics
import time
import uuid
from datetime import date

from odoo import Command, fields

from odoo.addons.fidelite_loyalty.services import pos_points, rules

MEMBERS, DAYS, RUNS = 2000, 365, 500
category = env["product.category"].create({"name": "Bench category"})
products = env["product.product"].create(
    [
        {
            "name": f"P{i}",
            "available_in_pos": True,
            "lst_price": 4.0 + i,
            "taxes_id": [Command.clear()],
            "categ_id": category.id,
        }
        for i in range(5)
    ]
)
program = env["loyalty.program"].create(
    {
        "name": "Bench club",
        "program_type": "loyalty",
        "rule_ids": [Command.create({"reward_point_mode": "money", "reward_point_amount": 1})],
        "fidelite_tier_ids": [
            Command.create({"name": "Base", "threshold": 0}),
            Command.create({"name": "Gold", "threshold": 500, "multiplier": 2}),
        ],
    }
)
weekdays = env["fidelite.weekday"].search([])
specials = ["birthday_day", "birthday_week", "birthday_month", "household_birthday_week", "anniversary_month"]
kpis = ["revenue", "visits", "average_basket"]
rule_values = []
for i in range(20):
    values = {
        "name": f"Rule {i}",
        "program_id": program.id,
        "value": 1.5 if i % 2 else 10,
        "effect": "multiply" if i % 2 else "add",
    }
    values["kpi"] = kpis[i % 3]
    values["kpi_window_days"] = [7, 30, 90, 180, 365][i % 5]
    values["kpi_value"] = 10
    if i % 4 == 0:
        values["weekday_ids"] = [Command.set(weekdays[: 1 + i % 7].ids)]
    if i % 4 == 1:
        values.update(hour_from=8, hour_to=20)
    if i % 4 == 2:
        values["special_date"] = specials[i % 5]
    if i % 4 == 3:
        values["product_category_ids"] = [Command.set(category.ids)]
        values["tier_ids"] = [Command.set(program.fidelite_tier_ids[:1].ids)]
    rule_values.append(values)
env["fidelite.rule"].create(rule_values)
partners = env["res.partner"].create(
    [{"name": f"Member {i}", "birthdate": date(1980 + i % 30, 1 + i % 12, 1 + i % 28)} for i in range(MEMBERS)]
)
cards = env["loyalty.card"].create(
    [{"program_id": program.id, "partner_id": p.id, "code": f"RB{p.id:08d}"} for p in partners]
)
env.flush_all()
today = fields.Date.today()
env.cr.execute(
    """
    INSERT INTO fidelite_member_day (partner_id, company_id, day, revenue, revenue_untaxed, visits)
    SELECT p.id, %s, %s::date - d, (p.id %% 50) + d %% 7, (p.id %% 50) + d %% 7, 1
      FROM unnest(%s) AS p(id), generate_series(0, %s - 1) AS d
    """,
    [env.company.id, today, partners.ids, DAYS],
)
env.cr.execute("ANALYZE fidelite_member_day")
config.open_ui()
session = config.current_session_id
env.cr.commit()
rng = random.Random(3)  # noqa: S311 - which members, not a secret
order = env["pos.order"].create(
    {
        "session_id": session.id,
        "partner_id": partners[0].id,
        "lines": [
            Command.create(
                {
                    "product_id": p.id,
                    "qty": 2,
                    "price_unit": p.lst_price,
                    "price_subtotal": 2 * p.lst_price,
                    "price_subtotal_incl": 2 * p.lst_price,
                }
            )
            for p in products
        ],
        "amount_total": sum(2 * p.lst_price for p in products),
        "amount_tax": 0,
        "amount_paid": 0,
        "amount_return": 0,
        "uuid": str(uuid.uuid4()),
    }
)
env.cr.commit()
rules_ms, points_ms = [], []
for _ in range(RUNS):
    card = cards[rng.randrange(MEMBERS)]
    env.invalidate_all()
    started = time.perf_counter()
    basket = rules.basket_from_order(order)._replace(partner=card.partner_id, card=card)
    multiplier, extra, outcomes = rules.bonus(program, basket)
    rules_ms.append(1000 * (time.perf_counter() - started))
    env.invalidate_all()
    started = time.perf_counter()
    pos_points.order_points(order, program)
    points_ms.append(1000 * (time.perf_counter() - started))
assert len(outcomes) == 20
result({"rules_ms": statistics.median(rules_ms), "points_ms": statistics.median(points_ms)})
