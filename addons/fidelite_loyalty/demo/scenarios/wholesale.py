"""Scenario 2: an electrical wholesaler's club for its business customers.

*Élec Pro Distribution* (Toulouse) sells to electricians and builders through quotations and
sales orders, not at a till. Its *Club Pro* earns a point per euro excluding tax on confirmed
orders; tiers (Bronze, Argent, Or) are reached on the points of the last twelve months, which
is the year's spend; each tier unlocks perks offered on quotations (a discount kept for Argent
and Or, a bigger one for Or only).
"""

from datetime import timedelta

from odoo import Command, fields

from ...services import member_kpis, tiers
from .common import Fake, ensure_chart, french, make_company, make_products, points_program, quiet

CATALOGUE = [
    ("Câblage", [
        ("Câble R2V 3G2,5 mm² — couronne 100 m", 129.00, 78.00, 20),
        ("Gaine ICTA Ø20 — couronne 100 m", 42.00, 21.00, 20),
        ("Câble RJ45 Cat. 6A — touret 305 m", 289.00, 170.00, 20),
    ]),
    ("Appareillage", [
        ("Prise 2P+T blanche (lot de 10)", 38.00, 19.00, 20),
        ("Interrupteur va-et-vient (lot de 10)", 32.00, 15.50, 20),
        ("Tableau électrique 3 rangées équipé", 245.00, 148.00, 20),
        ("Disjoncteur différentiel 30 mA 40 A", 86.00, 47.00, 20),
    ]),
    ("Éclairage", [
        ("Spot LED encastrable 7 W (lot de 6)", 54.00, 26.00, 20),
        ("Réglette LED étanche 1,50 m", 36.00, 17.50, 20),
        ("Projecteur LED 50 W détecteur", 49.00, 24.00, 20),
    ]),
    ("Chauffage & VMC", [
        ("Radiateur à inertie 1500 W", 399.00, 238.00, 20),
        ("VMC hygroréglable type B", 289.00, 171.00, 20),
    ]),
]  # fmt: skip

TRADES = ["Électricité", "Élec", "Énergies", "Bâtiment", "Installations", "Courant Fort", "Domotique"]
FORMS = ["SARL", "SAS", "EURL", "SASU"]


def generate(env, customers=40, orders=320, seed=2, today=None):
    """Populate scenario 2 in its own company; returns a summary (records)."""
    env = quiet(env)
    fake = Fake(seed)
    rng = fake.rng
    today = today or fields.Date.today()
    company = make_company(
        env, "Élec Pro Distribution", "Toulouse", "31200", "14 chemin de Lapujade", "club@elecpro.example",
        "+33 5 61 00 23 45",
    )  # fmt: skip
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    ensure_chart(env, company)
    products = make_products(env, company, CATALOGUE)
    program = points_program(
        env,
        "Club Pro Élec",
        company,
        pos_ok=False,
        sale_ok=True,
        fidelite_tier_basis="points",
        fidelite_tier_window_months=12,
        fidelite_tier_grace_months=0,
    )
    bronze, argent, gold = env["fidelite.tier"].create(
        [
            {"program_id": program.id, "name": "Bronze", "threshold": 0, "sequence": 1},
            {"program_id": program.id, "name": "Argent", "threshold": 5000, "sequence": 2, "multiplier": 1.2},
            {"program_id": program.id, "name": "Or", "threshold": 15000, "sequence": 3, "multiplier": 1.5},
        ]
    )
    perks = env["loyalty.reward"].create(
        [
            {
                "program_id": program.id,
                "reward_type": "discount",
                "discount_mode": "percent",
                "discount": 3,
                "discount_applicability": "order",
                "required_points": 500,
                "description": "Remise Club Argent : 3 % sur le devis",
                "fidelite_tier_ids": [Command.set((argent | gold).ids)],
            },
            {
                "program_id": program.id,
                "reward_type": "discount",
                "discount_mode": "percent",
                "discount": 6,
                "discount_applicability": "order",
                "required_points": 1000,
                "description": "Remise Club Or : 6 % sur le devis",
                "fidelite_tier_ids": [Command.set(gold.ids)],
            },
        ]
    )
    customers_ = _customers(env, fake, company, customers)
    env["loyalty.card"].create(
        [{"program_id": program.id, "partner_id": partner.id, "fidelite_medium": "virtual"} for partner in customers_]
    )
    # a few big accounts buy most: heavy-tailed rates
    rates = [rng.paretovariate(1.3) for _ in customers_]
    sales = env["sale.order"]
    for _index in range(orders):
        partner = rng.choices(customers_, weights=rates)[0]
        day = today - timedelta(days=rng.randint(1, 360))
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "date_order": fake.moment(day, [(7.5, 18.0, 1)]),
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": rng.choice([1, 2, 3, 5, 10])})
                    for product, _price, _rate in rng.sample(products, rng.randint(1, 4))
                ],
            }
        )
        sales |= order
    for order in sales.sorted("date_order"):
        date_order = order.date_order
        order._update_programs_and_rewards()
        order.action_confirm()
        order.date_order = date_order
    cards = env["loyalty.card"].search([("program_id", "=", program.id)])
    for card in cards:
        tiers.review(card, today)
    # confirmed today, then dated back: the figures are rebuilt from the orders (deep), not from
    # the day-by-day facts their confirmation recorded today
    member_kpis.rebuild(env, as_of=today, deep=True)
    return {
        "company": company,
        "program": program,
        "tiers": bronze | argent | gold,
        "perks": perks,
        "customers": customers_,
        "cards": cards,
        "orders": sales,
        "products": products,
    }


def _customers(env, fake, company, count):
    """Business customers around Toulouse, each with a buyer contact, members of the club."""
    rng = fake.rng
    companies = env["res.partner"]
    for _ in range(count):
        boss = fake.person("toulouse")
        last_name = boss["name"].split()[-1]
        name = f"{last_name} {rng.choice(TRADES)} {rng.choice(FORMS)}"
        partner = env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "company_id": company.id,
                "street": fake.street(),
                "zip": boss["zip"],
                "city": boss["city"],
                "country_id": env.ref("base.fr").id,
                "email": f"contact@{last_name.lower().replace(' ', '')}-{rng.randint(10, 99)}.example",
                "phone": fake.mobile(),
                **french(env),
                "child_ids": [
                    Command.create(
                        {"name": boss["name"], "email": boss["email"], "phone": boss["phone"], "function": "Gérant"}
                    )
                ],
            }
        )
        companies |= partner
    companies._fidelite_enrol()
    for partner in companies:
        partner._fidelite_set_consent("email", True, "form")
    return companies
