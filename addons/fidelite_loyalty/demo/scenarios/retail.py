"""Scenario 1: a regional delicatessen chain with three shops and an online shop.

Builds on the base demo (``demo/fidelite_demo.xml``: *Les Comptoirs Armand*, its three stores
and the *Carte Club Comptoirs* program): a catalogue, members around Montpellier, Nîmes and
Sète with their households, cards on printed barcodes, contactless tags and in the portal, a
year of paid orders at the tills and online, a gift card sold with a free amount and spent in
two visits, and the saved segments marketing uses (newsletter, SMS operation).
"""

from datetime import timedelta

from odoo import Command, fields

from ...services import card_codes, member_kpis, pos_settlement
from .common import Fake, make_members, make_products, open_session, pos_orders, quiet

CATALOGUE = [
    ("Épicerie salée", [
        ("Huile d'olive vierge extra Lucques 50 cl", 14.90, 7.10, 5.5),
        ("Tapenade noire de Nyons 180 g", 6.80, 2.60, 5.5),
        ("Brandade de Nîmes 300 g", 9.50, 4.20, 5.5),
        ("Tielle sétoise", 7.20, 3.10, 5.5),
        ("Anchois de Collioure 100 g", 8.40, 3.90, 5.5),
        ("Fleur de sel de Camargue 250 g", 5.60, 1.80, 5.5),
        ("Pâtes artisanales aux cèpes 500 g", 6.20, 2.40, 5.5),
    ]),
    ("Épicerie sucrée", [
        ("Miel de garrigue 500 g", 11.50, 5.20, 5.5),
        ("Croquants Villaret 200 g", 5.90, 2.30, 5.5),
        ("Calissons d'Aix 250 g", 13.90, 6.40, 5.5),
        ("Confiture de figues 350 g", 6.40, 2.50, 5.5),
        ("Chocolat noir 70 % Montpellier 100 g", 4.90, 1.90, 5.5),
        ("Oreillettes montpelliéraines", 7.80, 2.90, 5.5),
    ]),
    ("Cave", [
        ("Picpoul de Pinet 75 cl", 9.90, 4.60, 20),
        ("Pic Saint-Loup rouge 75 cl", 16.50, 7.80, 20),
        ("Costières de Nîmes rosé 75 cl", 8.90, 3.90, 20),
        ("Muscat de Frontignan 50 cl", 12.80, 5.90, 20),
        ("Noilly Prat 75 cl", 17.90, 8.50, 20),
    ]),
    ("Fromagerie", [
        ("Pélardon AOP", 3.90, 1.70, 5.5),
        ("Roquefort AOP 200 g", 7.60, 3.50, 5.5),
        ("Tomme des Cévennes 250 g", 8.20, 3.90, 5.5),
    ]),
    ("Coffrets", [
        ("Coffret apéritif du Sud", 34.90, 16.00, 5.5),
        ("Coffret terroir Occitanie", 59.00, 27.50, 5.5),
    ]),
]  # fmt: skip

# (from, to, weight) local hours of the shops' trade
SHOP_HOURS = [(9.5, 12.0, 3), (12.0, 14.0, 2), (14.0, 16.0, 2), (16.0, 19.5, 5)]
MEDIA_DRAW = [("barcode_ean13", 55), ("contactless", 25), ("virtual", 20)]


def generate(env, members=300, orders=2000, seed=2024, today=None):
    """Populate scenario 1 on top of the base demo; returns a summary (counts and records)."""
    env = quiet(env)
    fake = Fake(seed)
    today = today or fields.Date.today()
    company = env.ref("base.main_company")
    program = env.ref("fidelite_loyalty.program_carte_club")
    stores = (
        env.ref("fidelite_loyalty.pos_config_montpellier")
        | env.ref("fidelite_loyalty.pos_config_nimes")
        | env.ref("fidelite_loyalty.pos_config_sete")
    )
    products = make_products(env, company, CATALOGUE)
    people = make_members(env, fake, company, "herault_gard", members, home_stores=list(stores))
    _households(env, fake, people)
    cards = _cards(env, fake, program, people)
    sessions = {store.id: open_session(env, store) for store in stores}
    history = _draw_orders(fake, people, stores, products, orders, today)
    created = env["pos.order"]
    for store in stores:
        batch = [(partner, moment, lines) for store_id, partner, moment, lines in history if store_id == store.id]
        created |= pos_orders(env, sessions[store.id], batch)
    for order in created.filtered("partner_id").sorted("date_order"):
        pos_settlement.settle(order)
    online = _online_orders(env, fake, company, people, products, today, max(orders // 25, 4))
    segments = _segments(env)
    member_kpis.rebuild(env, as_of=today)
    return {
        "company": company,
        "program": program,
        "stores": stores,
        "members": people,
        "cards": cards,
        "orders": created,
        "online_orders": online,
        "segments": segments,
        "products": products,
    }


def _households(env, fake, people):
    """About a third of the members tell their household's birthdays (spouse, children)."""
    vals = []
    for partner in people:
        if fake.rng.random() > 0.35:
            continue
        if fake.rng.random() < 0.8:
            vals.append(
                {
                    "partner_id": partner.id,
                    "first_name": fake.person("herault_gard")["name"].split()[0],
                    "relation": "spouse",
                    "birthdate": fake.birthdate(25, 70),
                }
            )
        for _child in range(fake.rng.choice([0, 1, 1, 2, 2, 3])):
            vals.append(
                {
                    "partner_id": partner.id,
                    "first_name": fake.person("herault_gard")["name"].split()[0],
                    "relation": "child",
                    "birthdate": fake.birthdate(1, 17),
                }
            )
    return env["fidelite.dependant"].create(vals)


def _cards(env, fake, program, people):
    """Nine members in ten carry a card: a printed barcode, a contactless tag or the portal's."""
    vals = []
    # printed numbers follow those already given under the demo's prefix
    env["loyalty.card"].flush_model(["code"])
    env.cr.execute("SELECT MAX(SUBSTRING(code, 5, 8)::int) FROM loyalty_card WHERE code ~ '^2991[0-9]{9}$'")
    first = max(env.cr.fetchone()[0] or 0, 9999) + 1
    for index, partner in enumerate(people, start=first):
        if fake.rng.random() > 0.9:
            continue
        medium = fake.rng.choices([m for m, _w in MEDIA_DRAW], weights=[w for _m, w in MEDIA_DRAW])[0]
        card = {"program_id": program.id, "partner_id": partner.id, "fidelite_medium": medium}
        if medium == "barcode_ean13":
            card["code"] = card_codes.make_ean13("2991", index)
        elif medium == "contactless":
            card["fidelite_uid"] = "04" + "".join(f"{fake.rng.randint(0, 255):02X}" for _ in range(6))
        vals.append(card)
    return env["loyalty.card"].create(vals)


def _draw_orders(fake, people, stores, products, count, today):
    """``count`` orders over the last year: heavy-tailed members, mostly at their home store, a third anonymous."""
    rng = fake.rng
    days, weights = fake.day_weights(today - timedelta(days=364), today - timedelta(days=1))
    rates = [rng.lognormvariate(0, 1.0) for _ in people]
    best = products[:5]
    orders = []
    for _ in range(count):
        day = rng.choices(days, weights=weights)[0]
        partner = rng.choices(people, weights=rates)[0] if rng.random() < 0.68 else None
        if partner and partner.fidelite_home_store_id and rng.random() < 0.75:
            store = partner.fidelite_home_store_id
        else:
            store = rng.choice(stores)
        lines = []
        for _line in range(min(1 + int(rng.expovariate(0.45)), 9)):
            product, price, rate = rng.choice(best if rng.random() < 0.3 else products)
            qty = 1 if rng.random() < 0.8 else rng.randint(2, 4)
            if day.month == 12 and product.categ_id.name == "Coffrets":
                qty += 1
            lines.append((product, price, rate, qty))
        orders.append((store.id, partner, fake.moment(day, SHOP_HOURS), lines))
    return orders


def _online_orders(env, fake, company, people, products, today, count):
    """Orders of the online shop: confirmed sales orders of the *Boutique en ligne* team."""
    team = env["crm.team"].search([("name", "=", "Boutique en ligne"), ("company_id", "=", company.id)], limit=1)
    team = team or env["crm.team"].create({"name": "Boutique en ligne", "company_id": company.id})
    orders = env["sale.order"]
    for _ in range(count):
        partner = fake.rng.choice(people)
        lines = [fake.rng.choice(products) for _line in range(fake.rng.randint(2, 5))]
        order = (
            env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "team_id": team.id,
                    "company_id": company.id,
                    "date_order": fake.moment(today - timedelta(days=fake.rng.randint(1, 360)), [(8, 23, 1)]),
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": fake.rng.randint(1, 3)})
                        for product, _price, _rate in lines
                    ],
                }
            )
        )
        orders |= order
    for order in orders:
        date_order = order.date_order
        order.action_confirm()
        order.date_order = date_order
    return orders


def _segments(env):
    """The saved extracts marketing works with: newsletter readers, SMS operation targets, a family theme."""
    Segment = env["fidelite.segment"]
    values = [
        (
            "Lettre d'information mensuelle",
            [("fidelite_consent_email", "=", True)],
            "Adhérents ayant accepté les e-mails : la lettre du mois (nouveautés, produits de saison).",
        ),
        (
            "Opération SMS — clients fidèles des Comptoirs",
            [("fidelite_consent_sms", "=", True), ("fidelite_kpi_ids.visit_count", ">=", 3)],
            "Adhérents joignables par SMS venus au moins trois fois : invitation aux soirées dégustation.",
        ),
        (
            "Familles avec enfants",
            [("fidelite_dependant_ids.relation", "=", "child")],
            "Adhérents ayant déclaré un enfant : anniversaires et goûters.",
        ),
    ]
    segments = Segment
    for name, domain, description in values:
        segments |= Segment.search([("name", "=", name)], limit=1) or Segment.create(
            {"name": name, "kind": "rule", "domain": str(domain), "description": description}
        )
    return segments


def gift_card_story(env, store, buyer, spender, products, amount=60.0, spends=(35.0, 25.0), code="CADEAU-2024-0001"):
    """A gift card sold at ``store`` with a free amount, then spent in two visits, as the till syncs them.

    Returns ``(card, sale order, [spending orders])``.
    """
    env = env(context=dict(env.context, loyalty_no_mail=True))
    Program = env["loyalty.program"].with_company(store.company_id)
    program = Program.search([("program_type", "=", "gift_card"), ("name", "=", "Carte cadeau Comptoirs")], limit=1)
    if not program:
        program = Program.browse(Program.create_from_template("gift_card")["res_id"])
        program.write({"name": "Carte cadeau Comptoirs", "pos_config_ids": [Command.set(store.ids)]})
    gift_product = program.rule_ids.product_ids[:1] or env.ref("loyalty.gift_card_product_50")
    gift_product.available_in_pos = True
    session = open_session(env, store)
    expiry = fields.Date.to_string(fields.Date.add(fields.Date.today(), years=1))
    sale = _sync(env, session, buyer, [(gift_product, amount, [], {})])
    sale.confirm_coupon_programs(
        {
            -1: {
                "program_id": program.id,
                "points": amount,
                "manual": True,
                "product_id": gift_product.id,
                "coupon_id": -1,
                "code": code,
                "partner_id": False,
                "expiration_date": expiry,
            }
        }
    )
    card = env["loyalty.card"].search([("code", "=", code)])
    reward = program.reward_ids[:1]
    spent_orders = []
    for index, spend in enumerate(spends):
        product, price, rate = products[index % len(products)]
        goods_qty = max(1, int(spend / (price * (1 + rate / 100.0))) + 1)
        claim = f"gift-{card.id}-{index}"
        order = _sync(
            env,
            session,
            spender,
            [
                (product, price, product.taxes_id.ids, {"qty": goods_qty}),
                (
                    reward.discount_line_product_id,
                    -spend,
                    [],
                    {
                        "reward_id": reward.id,
                        "is_reward_line": True,
                        "points_cost": spend,
                        "coupon_id": card.id,
                        "reward_identifier_code": claim,
                    },
                ),
            ],
        )
        order.confirm_coupon_programs(
            {
                card.id: {
                    "points": -spend,
                    "program_id": program.id,
                    "coupon_id": card.id,
                    "barcode": False,
                    "expiration_date": False,
                    "line_codes": [claim],
                }
            }
        )
        spent_orders.append(order)
    return card, sale, spent_orders


def _sync(env, session, partner, lines):
    """Send an order as the till does (``sync_from_ui``): ``lines`` = [(product, unit price, taxes, extra)]."""
    import uuid

    order_lines, untaxed, total = [], 0.0, 0.0
    for product, price, tax_ids, extra in lines:
        qty = extra.pop("qty", 1)
        taxes = env["account.tax"].browse(tax_ids)
        amounts = taxes.compute_all(price, session.currency_id, qty) if taxes else None
        excluded = amounts["total_excluded"] if amounts else price * qty
        included = amounts["total_included"] if amounts else price * qty
        untaxed += excluded
        total += included
        order_lines.append(
            Command.create(
                {
                    "product_id": product.id,
                    "qty": qty,
                    "price_unit": price,
                    "price_subtotal": excluded,
                    "price_subtotal_incl": included,
                    "tax_ids": [Command.set(tax_ids)],
                    **extra,
                }
            )
        )
    total = round(total, 2)
    method = (
        session.config_id.payment_method_ids.filtered("is_cash_count")[:1] or session.config_id.payment_method_ids[:1]
    )
    key = str(uuid.UUID(int=env["pos.order"].search_count([]) + 10**12))
    env["pos.order"].sync_from_ui(
        [
            {
                "amount_paid": total,
                "amount_return": 0,
                "amount_tax": round(total - untaxed, 2),
                "amount_total": total,
                "date_order": fields.Datetime.to_string(fields.Datetime.now()),
                "pricelist_id": session.config_id.pricelist_id.id,
                "name": f"Order {key}",
                "last_order_preparation_change": "{}",
                "lines": order_lines,
                "partner_id": partner.id if partner else False,
                "session_id": session.id,
                "payment_ids": [
                    Command.create({"amount": total, "name": fields.Datetime.now(), "payment_method_id": method.id})
                ],
                "uuid": key,
                "user_id": env.uid,
                "to_invoice": False,
            }
        ]
    )
    return env["pos.order"].search([("uuid", "=", key)])
