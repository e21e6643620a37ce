"""Scenario 3: a town-centre chip card shared by independent shops.

*Cœur de Ville*, the association of Albi's town-centre shops, runs the *Carte Cœur de Ville*,
a chip card its members show in any shop of the association (1 point per euro, a 5 € voucher
for 100 points). The program belongs to the association's company and is valid in the
companies of the two shops whose tills run on this Odoo (*Chaussures Fabre*, *Boulangerie
Soulié*): their tills are outlets of the network. Four merchants keep their own till and call
the partner API with their key (a bookshop, a cheese shop, a florist, a café); each has an
earning rate and the values of a point the association settles with it every month.

Two calendar months before today's: the tills' paid tickets (their points posted at the
ticket's time, under the key of the server's settlement), the partner merchants' earnings and vouchers posted as the
API posts them, the statements of both months computed, the older one confirmed.
"""

import math
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields

from ...services import ledger, partner_api, pos_points, pos_settlement, settlement
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

ASSOCIATION = (
    "Association Cœur de Ville d'Albi", "Albi", "81000", "2 place du Vigan", "contact@coeurdeville-albi.example",
    "+33 5 63 00 21 40",
)  # fmt: skip
# the shops with their till on this Odoo: (company, street, till, code, catalogue, hours, share of visits)
SHOPS = [
    (
        "Chaussures Fabre", "14 rue Mariès", "Chaussures Fabre — rue Mariès", "FAB",
        [
            ("Chaussures", [
                ("Mocassins cuir homme", 119.0, 52.0, 20), ("Bottines cuir femme", 129.0, 56.0, 20),
                ("Baskets de ville", 89.0, 38.0, 20), ("Sandales", 69.0, 29.0, 20), ("Chaussons", 35.0, 14.0, 20),
            ]),
            ("Entretien", [("Crème de cirage", 8.5, 3.0, 20), ("Semelles confort", 12.0, 4.0, 20)]),
        ],
        [(10.0, 12.5, 2), (14.0, 19.0, 4)], 8,
    ),
    (
        "Boulangerie Soulié", "5 rue Timbal", "Boulangerie Soulié — rue Timbal", "SOU",
        [
            ("Pains", [("Baguette tradition", 1.30, 0.35, 5.5), ("Pain de campagne", 3.80, 1.10, 5.5)]),
            ("Viennoiseries", [("Croissant", 1.20, 0.35, 5.5), ("Pain au chocolat", 1.35, 0.40, 5.5)]),
            ("Pâtisseries", [
                ("Gimblettes d'Albi (les 6)", 5.90, 1.80, 5.5), ("Navettes albigeoises", 6.50, 2.00, 5.5),
                ("Tarte aux fraises", 4.20, 1.30, 5.5),
            ]),
        ],
        [(7.0, 9.5, 3), (11.5, 13.5, 3), (16.0, 19.5, 3)], 30,
    ),
]  # fmt: skip
# the partner merchants: (name, company name, street, points per euro, value of a point issued / redeemed,
# mean basket, share of visits, share of visits paid partly with a voucher)
MERCHANTS = [
    ("Librairie des Cordeliers", "SARL Librairie des Cordeliers", "9 rue des Cordeliers", 1.0, 0.04, 0.05, 24, 14, 0.4),
    ("Fromagerie du Marché couvert", "Fromagerie Cabrol", "Marché couvert, place Lapérouse", 1.0, 0.04, 0.05, 19, 16,
     0.5),
    ("Fleurs Sainte-Cécile", "EURL Fleurs Sainte-Cécile", "3 rue de la Croix-Blanche", 1.0, 0.05, 0.05, 28, 8, 0.6),
    ("Café des Arcades", "SAS Les Arcades", "12 place du Vigan", 2.0, 0.03, 0.05, 6, 24, 0.2),
]  # fmt: skip
VOUCHER_POINTS = 100


def generate(env, members=150, visits=4, seed=3, today=None):
    """Populate scenario 3 (``visits`` per member and month, on average); returns a summary."""
    env = quiet(env)
    fake = Fake(seed)
    today = today or fields.Date.today()
    association = make_company(env, *ASSOCIATION)
    shops = []
    for name, street, till, code, catalogue, hours, weight in SHOPS:
        company = make_company(
            env, name, "Albi", "81000", street, f"bonjour@{code.lower()}-albi.example", fake.mobile()
        )
        shop_env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        ensure_chart(shop_env, company)
        store = make_store(shop_env, company, till)
        outlet = env["fidelite.outlet"].create(
            {"name": till, "code": code, "kind": "store", "company_id": company.id, "pos_config_id": store.id}
        )
        products = make_products(shop_env, company, catalogue)
        shops.append({"company": company, "store": store, "outlet": outlet, "products": products, "hours": hours,
                      "weight": weight, "env": shop_env})  # fmt: skip
    env = env(context=dict(env.context, allowed_company_ids=[association.id]))
    program = _program(env, association, [shop["company"] for shop in shops])
    merchants, keys = _merchants(env, association, program)
    people = make_members(env, fake, association, "albi", members)
    cards = env["loyalty.card"].create(
        [
            {
                "program_id": program.id,
                "partner_id": partner.id,
                "code": f"CDV{index:06d}",
                "fidelite_medium": "chip",
                "fidelite_uid": "04" + "".join(f"{fake.rng.randrange(256):02X}" for _byte in range(6)),
            }
            for index, partner in enumerate(people, start=1)
        ]
    )
    this_month = today.replace(day=1)
    months = [this_month - relativedelta(months=2), this_month - relativedelta(months=1)]
    visits_drawn = _draw_visits(fake, cards, shops, merchants, months[0], this_month - timedelta(days=1), visits)
    orders, store_points = _store_tickets(env, shops, visits_drawn, program)
    _merchant_movements(fake, visits_drawn, store_points)
    statements = env["fidelite.settlement"]
    for month in months:
        for merchant in merchants:
            statements |= settlement.create_statement(merchant, month)
    statements.filtered(lambda statement: statement.date_from == months[0]).action_confirm()
    return {
        "company": association,
        "shops": shops,
        "stores": env["pos.config"].browse([shop["store"].id for shop in shops]),
        "program": program,
        "merchants": merchants,
        "keys": keys,
        "members": people,
        "cards": cards,
        "orders": orders,
        "statements": statements,
        "months": months,
    }


def _program(env, association, shop_companies):
    return points_program(
        env,
        "Carte Cœur de Ville",
        association,
        voucher=(VOUCHER_POINTS, 5, "Bon d'achat Cœur de Ville de 5 €"),
        fidelite_company_ids=[Command.set([company.id for company in shop_companies])],
        pos_ok=True,
        fidelite_point_value=0.05,
        fidelite_cost_rule="split",
        fidelite_cost_redeemed_share=50,
    )


def _merchants(env, association, program):
    """The partner merchants, each with a key for its till; returns them and {merchant: secret}."""
    Merchant = env["fidelite.partner.merchant"].with_company(association)
    merchants, keys = Merchant, {}
    for name, legal_name, street, per_euro, issued, redeemed, _basket, _weight, _voucher in MERCHANTS:
        partner = env["res.partner"].create(
            {"name": legal_name, "is_company": True, "street": street, "zip": "81000", "city": "Albi",
             "country_id": env.ref("base.fr").id, "company_id": association.id}
        )  # fmt: skip
        merchant = Merchant.create(
            {
                "name": name,
                "partner_id": partner.id,
                "company_id": association.id,
                "program_id": program.id,
                "points_per_unit": per_euro,
                "issue_point_value": issued,
                "redeem_point_value": redeemed,
            }
        )
        keys[merchant], _key = partner_api.new_key(merchant, "Caisse", partner_api.SCOPES)
        merchants |= merchant
    return merchants, keys


def _draw_visits(fake, cards, shops, merchants, start, end, visits):
    """[(moment, card, place, basket)]: place is a shop's dict or a merchant, in time order."""
    rng = fake.rng
    days, weights = fake.day_weights(start, end)
    places = [(shop, shop["weight"]) for shop in shops] + [
        (merchant, row[7]) for merchant, row in zip(merchants, MERCHANTS, strict=True)
    ]
    # a few members come often, most now and then
    habits = [rng.paretovariate(1.6) for _card in cards]
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    drawn = []
    for _visit in range(len(cards) * visits * months):
        card = rng.choices(cards, weights=habits)[0]
        place = rng.choices([p for p, _w in places], weights=[w for _p, w in places])[0]
        day = rng.choices(days, weights=weights)[0]
        if isinstance(place, dict):
            moment = fake.moment(day, place["hours"])
            basket = [(*rng.choice(place["products"]), rng.choice([1, 1, 2])) for _line in range(rng.choice([1, 2, 3]))]
        else:
            moment = fake.moment(day, [(9.0, 12.5, 3), (14.0, 19.0, 4)])
            mean = next(row[6] for row in MERCHANTS if row[0] == place.name)
            basket = round(max(2.5, rng.gauss(mean, mean * 0.45)), 2)
        drawn.append((moment, card, place, basket))
    drawn.sort(key=lambda visit: visit[0])
    return drawn


def _store_tickets(env, shops, drawn, program):
    """The shops' paid tickets, their points on the ledger at the ticket's time.

    The points are posted at the ticket's date under the key the server's settlement uses, then
    the order is settled: it finds them there and only records the member's figures. Returns the
    orders and {card id: [(moment, points)]} of what the tickets earned.
    """
    orders = env["pos.order"]
    earned = {}
    for shop in shops:
        batch = [(card.partner_id, moment, basket) for moment, card, place, basket in drawn if place is shop]
        cards = {card.partner_id.id: card for _moment, card, place, _basket in drawn if place is shop}
        session = open_session(shop["env"], shop["store"])
        created = pos_orders(shop["env"], session, batch)
        for order in created.sorted("date_order"):
            card = cards[order.partner_id.id]
            points = pos_points.order_points(order, program)
            ledger.post(
                card,
                points,
                "earn",
                key=f"pos.order:{order.id}:{card.id}:earn",
                origin="pos",
                pos_order_id=order.id,
                store_id=order.config_id.id,
                date=order.date_order,
            )
            earned.setdefault(card.id, []).append((order.date_order, points))
            pos_settlement.settle(order)
        orders |= created
    return orders, earned


def _merchant_movements(fake, drawn, store_points):
    """The partner merchants' calls, posted as the API posts them, at their time.

    A member pays part of the bill with vouchers of 100 points when the card held them then.
    """
    rng = fake.rng
    voucher_share = {row[0]: row[8] for row in MERCHANTS}
    balances = {}
    for card_id, earned in store_points.items():
        balances[card_id] = sorted(earned)
    spent = {}
    for number, (moment, card, place, basket) in enumerate(drawn, start=1):
        if isinstance(place, dict):
            continue
        held = sum(points for when, points in balances.get(card.id, []) if when <= moment) - spent.get(card.id, 0)
        key = f"{moment:%Y%m%d}-{number:05d}"
        values = {"reference": f"Ticket {number:05d}"}
        paid = basket
        if held >= VOUCHER_POINTS and rng.random() < voucher_share[place.name]:
            vouchers = min(int(held // VOUCHER_POINTS), 2 if basket > 20 else 1)
            points = vouchers * VOUCHER_POINTS
            ledger.post(card, -points, "redeem", date=moment, **partner_api._move_values(place, key, values, "burn"))
            spent[card.id] = spent.get(card.id, 0) + points
            paid = max(0.0, round(basket - 5 * vouchers, 2))
        points = math.floor(paid * place.points_per_unit + 1e-9)
        if points:
            ledger.post(
                card,
                points,
                "earn",
                date=moment,
                purchase_amount=paid,
                **partner_api._move_values(place, key, values, "earn"),
            )
            balances.setdefault(card.id, []).append((moment, points))
