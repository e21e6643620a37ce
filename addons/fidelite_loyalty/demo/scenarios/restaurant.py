"""Scenario 4: a bistro filling its weekday lunches with a bonus rule.

*Le Bistrot des Halles* in Lyon: one till, a loyalty card (1 point per euro), and from
``rule_days`` days ago the rule *Déjeuner en semaine : points triplés* (Monday to Friday,
12 to 14 h). Six months of paid tickets: before the rule, weekday lunches are half full;
once it runs, more members come at lunch and take a dessert or a glass more. The services
analysis shows the fill rate and the average ticket before and after.
"""

from datetime import timedelta

from odoo import Command, fields

from ...services import member_kpis, pos_settlement
from .common import (
    Fake,
    ensure_chart,
    make_company,
    make_members,
    make_products,
    make_store,
    open_session,
    points_program,
    pos_orders,
    quiet,
)

MENU = [
    ("Plats", [
        ("Formule déjeuner entrée + plat", 17.50, 6.10, 10),
        ("Plat du jour", 13.90, 4.80, 10),
        ("Quenelle de brochet sauce Nantua", 18.50, 6.40, 10),
        ("Tablier de sapeur", 17.00, 5.90, 10),
        ("Salade lyonnaise", 14.50, 4.30, 10),
        ("Andouillette AAAAA, gratin dauphinois", 19.50, 7.20, 10),
    ]),
    ("Desserts", [
        ("Tarte aux pralines", 7.50, 1.90, 10),
        ("Cervelle de canut", 6.50, 1.40, 10),
        ("Café gourmand", 8.50, 2.40, 10),
    ]),
    ("Boissons", [
        ("Pot lyonnais de Côtes-du-Rhône 46 cl", 14.00, 4.50, 20),
        ("Verre de Beaujolais", 5.50, 1.60, 20),
        ("Eau minérale 50 cl", 4.00, 0.70, 10),
        ("Café", 2.40, 0.30, 10),
    ]),
]  # fmt: skip

WEEKDAY_LUNCH = [(12.0, 14.0, 1)]
DINNER = [(19.0, 22.5, 1)]


def generate(env, members=150, days=90, rule_days=45, capacity=24, seed=4, today=None):
    """Populate scenario 4 in its own company; returns a summary (records and the rule's start)."""
    env = quiet(env)
    fake = Fake(seed)
    rng = fake.rng
    today = today or fields.Date.today()
    company = make_company(
        env, "Le Bistrot des Halles", "Lyon", "69003", "102 cours Lafayette", "bonjour@bistrot-halles.example",
        "+33 4 78 00 45 67",
    )  # fmt: skip
    company.partner_id.tz = "Europe/Paris"
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    ensure_chart(env, company)
    store = make_store(env, company, "Bistrot des Halles — Salle")
    store.fidelite_service_capacity = capacity
    products = make_products(env, company, MENU)
    mains = [p for p in products if p[0].categ_id.name == "Plats"]
    extras = [p for p in products if p[0].categ_id.name != "Plats"]
    rule_start = today - timedelta(days=rule_days)
    program = points_program(
        env,
        "Club du Bistrot",
        company,
        voucher=(150, 10, "10 € sur l'addition"),
        pos_ok=True,
        pos_config_ids=[Command.set(store.ids)],
    )
    rule = env["fidelite.rule"].create(
        {
            "program_id": program.id,
            "name": "Déjeuner en semaine : points triplés",
            "effect": "multiply",
            "value": 3,
            "weekday_ids": [Command.set([env.ref(f"fidelite_loyalty.weekday_{day}").id for day in range(5)])],
            "hour_from": 12,
            "hour_to": 14,
            "date_from": rule_start,
        }
    )
    people = make_members(env, fake, company, "lyon", members)
    env["loyalty.card"].create(
        [{"program_id": program.id, "partner_id": partner.id, "fidelite_medium": "virtual"} for partner in people]
    )
    regulars = people[: members // 3]
    history = []
    for offset in range(days, 0, -1):
        day = today - timedelta(days=offset)
        if day.weekday() == 6 or day.strftime("%m-%d") in ("12-25", "01-01", "05-01"):
            continue  # closed on Sundays
        after = day >= rule_start
        weekday = day.weekday() < 5
        lunch = capacity * (0.72 if after else 0.48) if weekday else capacity * 0.8
        member_share = (0.55 if after else 0.3) if weekday else 0.3
        dinner = capacity * 0.6 if day.weekday() >= 1 else 0  # no dinner service on Mondays
        for service, hours, mean in (("lunch", WEEKDAY_LUNCH, lunch), ("dinner", DINNER, dinner)):
            for _ticket in range(max(0, round(rng.gauss(mean, mean * 0.12)))):
                member = rng.random() < member_share
                partner = (rng.choice(regulars) if rng.random() < 0.6 else rng.choice(people)) if member else None
                lines = [(*rng.choice(mains)[:3], rng.choice([1, 1, 2, 2, 2, 3]))]
                extra_chance = 0.75 if (service == "lunch" and after and weekday) else 0.45
                for _extra in range(3):
                    if rng.random() < extra_chance:
                        lines.append((*rng.choice(extras)[:3], 1))
                history.append((partner, fake.moment(day, hours), lines))
    session = open_session(env, store)
    orders = pos_orders(env, session, history)
    for order in orders.filtered("partner_id").sorted("date_order"):
        pos_settlement.settle(order)
    member_kpis.rebuild(env, as_of=today)
    return {
        "company": company,
        "store": store,
        "program": program,
        "rule": rule,
        "rule_start": rule_start,
        "members": people,
        "orders": orders,
    }
