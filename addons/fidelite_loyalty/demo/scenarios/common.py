"""What the demo scenarios share: a seeded source of French names and places, and shop helpers.

Everything is drawn from one ``random.Random(seed)``, so a seed always gives the same data.
Orders are real ``pos.order`` and ``sale.order`` records made with the ORM in batches, so
Odoo's own reports and the Fidélité figures read them as they read the till's.
"""

import random
from datetime import datetime, time, timedelta

from odoo import Command, fields

from ...services import gift_cards

FIRST_NAMES_F = [
    "Camille", "Léa", "Manon", "Chloé", "Emma", "Inès", "Sarah", "Jade", "Louise", "Alice", "Lucie",
    "Juliette", "Anne", "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Sandrine", "Céline",
    "Aurélie", "Julie", "Élodie", "Pauline", "Margaux", "Hélène", "Valérie", "Claire", "Agnès", "Mathilde",
]  # fmt: skip
FIRST_NAMES_M = [
    "Hugo", "Lucas", "Louis", "Gabriel", "Arthur", "Jules", "Adam", "Raphaël", "Léo", "Nathan", "Paul",
    "Thomas", "Nicolas", "Julien", "Philippe", "Michel", "Alain", "Patrick", "Olivier", "Christophe",
    "Sébastien", "Laurent", "Frédéric", "Antoine", "Mathieu", "Vincent", "Pierre", "Jérôme", "Bruno", "Éric",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand",
    "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin",
    "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson",
    "Sanchez", "Vidal", "Barbier", "Arnaud", "Marchand", "Cabrol", "Estève", "Teissier", "Roumieu", "Jourdan",
]  # fmt: skip
STREETS = [
    "rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Gambetta", "rue Pasteur",
    "place de la Mairie", "rue des Écoles", "chemin des Oliviers", "rue du Moulin", "avenue de la Gare",
    "rue Nationale", "impasse des Lilas", "rue Saint-Guilhem", "allée des Platanes", "rue du Marché",
    "quai de Bosc", "rue de l'Aiguillerie", "avenue de Lodève", "rue Foch", "rue des Tanneurs",
]  # fmt: skip
# (city, zip, weight) around each scenario's shops
CITIES = {
    "herault_gard": [
        ("Montpellier", "34000", 30), ("Nîmes", "30000", 22), ("Sète", "34200", 14), ("Lattes", "34970", 6),
        ("Castelnau-le-Lez", "34170", 6), ("Frontignan", "34110", 5), ("Lunel", "34400", 5),
        ("Balaruc-les-Bains", "34540", 3), ("Uzès", "30700", 3), ("Mèze", "34140", 3),
    ],
    "lyon": [
        ("Lyon", "69003", 30), ("Villeurbanne", "69100", 15), ("Vénissieux", "69200", 8), ("Bron", "69500", 6),
        ("Vaulx-en-Velin", "69120", 6), ("Caluire-et-Cuire", "69300", 5), ("Saint-Priest", "69800", 5),
        ("Meyzieu", "69330", 4), ("Décines-Charpieu", "69150", 4), ("Rillieux-la-Pape", "69140", 3),
    ],
    "toulouse": [
        ("Toulouse", "31000", 40), ("Blagnac", "31700", 8), ("Colomiers", "31770", 8), ("Tournefeuille", "31170", 6),
        ("Balma", "31130", 5), ("L'Union", "31240", 4), ("Muret", "31600", 4), ("Castanet-Tolosan", "31320", 3),
    ],
    "albi": [
        ("Albi", "81000", 45), ("Saint-Juéry", "81160", 8), ("Lescure-d'Albigeois", "81380", 6),
        ("Marssac-sur-Tarn", "81150", 4), ("Le Séquestre", "81990", 4), ("Puygouzon", "81990", 4),
        ("Gaillac", "81600", 5), ("Carmaux", "81400", 4), ("Arthès", "81160", 3),
    ],
    "bordeaux": [
        ("Bordeaux", "33000", 35), ("Mérignac", "33700", 12), ("Pessac", "33600", 10), ("Talence", "33400", 8),
        ("Bègles", "33130", 5), ("Le Bouscat", "33110", 5), ("Lormont", "33310", 4), ("Cenon", "33150", 4),
    ],
}  # fmt: skip

# Relative trade per month (January = index 0): sales, quiet August, Christmas
MONTH_WEIGHT = [1.0, 0.85, 0.9, 0.95, 0.95, 1.0, 1.1, 0.75, 0.9, 0.95, 1.1, 1.45]
# Monday = 0 ... Sunday = 6
WEEKDAY_WEIGHT = [0.75, 0.85, 1.0, 0.95, 1.2, 1.6, 0.3]
CLOSED_DAYS = ("12-25", "01-01", "05-01")


class Fake:
    """Plausible French people, companies and places, drawn from a seeded generator."""

    def __init__(self, seed):
        self.rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
        self._used = set()

    def person(self, region):
        rng = self.rng
        female = rng.random() < 0.55
        first = rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
        last = rng.choice(LAST_NAMES)
        city, zip_code = self.city(region)
        slug = self._unique(f"{_ascii(first)}.{_ascii(last)}")
        return {
            "name": f"{first} {last}",
            "email": f"{slug}@example.fr",
            "phone": self.mobile(),
            "street": self.street(),
            "zip": zip_code,
            "city": city,
            "birthdate": self.birthdate(18, 80),
            "female": female,
        }

    def city(self, region):
        cities = CITIES[region]
        city, zip_code, _weight = self.rng.choices(cities, weights=[c[2] for c in cities])[0]
        return city, zip_code

    def street(self):
        return f"{self.rng.randint(1, 120)} {self.rng.choice(STREETS)}"

    def mobile(self):
        digits = [self.rng.randint(0, 99) for _ in range(4)]
        return "+33 {} {:02d} {:02d} {:02d} {:02d}".format(self.rng.choice("67"), *digits)

    def birthdate(self, min_age, max_age, today=None):
        today = today or fields.Date.today()
        return today - timedelta(days=self.rng.randint(min_age * 365, max_age * 365))

    def _unique(self, slug):
        candidate, n = slug, 1
        while candidate in self._used:
            n += 1
            candidate = f"{slug}{n}"
        self._used.add(candidate)
        return candidate

    def day_weights(self, start, end):
        """Each day from ``start`` to ``end`` with its trade weight (season, weekday, closed days)."""
        days, weights = [], []
        day = start
        while day <= end:
            closed = day.strftime("%m-%d") in CLOSED_DAYS
            days.append(day)
            weights.append(0.0 if closed else MONTH_WEIGHT[day.month - 1] * WEEKDAY_WEIGHT[day.weekday()])
            day += timedelta(days=1)
        return days, weights

    def moment(self, day, hours):
        """A time on ``day`` (naive UTC from Paris local time) among ``hours`` = [(from, to, weight)]."""
        start, end, _weight = self.rng.choices(hours, weights=[h[2] for h in hours])[0]
        local = datetime.combine(day, time()) + timedelta(minutes=self.rng.randint(int(start * 60), int(end * 60) - 1))
        offset = 2 if 4 <= day.month <= 10 else 1  # Paris summer/winter time, near enough for demo data
        return local - timedelta(hours=offset)


def _ascii(text):
    table = str.maketrans("àâäéèêëîïôöùûüçÉÈ' ", "aaaeeeeiioouuucEE--")
    return text.lower().translate(table)


def quiet(env):
    """``env`` for generating data: no tracking, chatter or loyalty e-mails."""
    return env(
        context=dict(
            env.context, tracking_disable=True, mail_create_nolog=True, mail_notrack=True, loyalty_no_mail=True
        )
    )


def make_company(env, name, city, zip_code, street, email, phone):
    """A company of the demo (one per scenario business), in euros, the admin allowed in it."""
    company = env["res.company"].search([("name", "=", name)], limit=1) or env["res.company"].create(
        {
            "name": name,
            "street": street,
            "zip": zip_code,
            "city": city,
            "country_id": env.ref("base.fr").id,
            "currency_id": env.ref("base.EUR").id,
            "email": email,
            "phone": phone,
        }
    )
    # a gift card program without company would see the new company's taxes on its products
    gift_programs = env["loyalty.program"].with_context(active_test=False)
    gift_programs.search([("program_type", "=", "gift_card"), ("company_id", "=", False)]).company_id = env.ref(
        "base.main_company"
    )
    if not env["stock.warehouse"].search_count([("company_id", "=", company.id)]):
        # outside tests Odoo leaves a new company's warehouse to the user: sales and tills need one
        code = "".join(char for char in _ascii(name).upper() if char.isalnum())[:5]
        env["stock.warehouse"].create({"company_id": company.id, "name": name, "code": code})
    admin = env.ref("base.user_admin", raise_if_not_found=False)
    if admin:
        admin.company_ids = [Command.link(company.id)]
    env.user.company_ids = [Command.link(company.id)]
    return company


def ensure_euro(env, company):
    """French shops count in euros: ``company`` is switched to the euro while nothing is booked in it.

    Returns whether the company is in euros (a company with journal items keeps its currency).
    """
    euro = env.ref("base.EUR")
    euro.active = True
    if company.currency_id != euro and not env["account.move.line"].sudo().search_count(
        [("company_id", "=", company.id)], limit=1
    ):
        company.currency_id = euro
    return company.currency_id == euro


def ensure_chart(env, company):
    """A chart of accounts, which the tills' sessions and the sales need, when the company has none."""
    ensure_euro(env, company)
    if not env["account.account"].search_count([("company_ids", "in", company.ids)], limit=1):
        # a product taxed in a company gets the new company's default tax: gift card programs whose
        # product already carries one sell single-purpose vouchers (the rule of the install hook)
        Program = env["loyalty.program"].with_context(active_test=False)
        for program in Program.search([("program_type", "=", "gift_card")]):
            if program.fidelite_voucher_kind != gift_cards.SINGLE_PURPOSE and any(
                product.sudo().taxes_id for product in gift_cards.voucher_products(program)
            ):
                program.fidelite_voucher_kind = gift_cards.SINGLE_PURPOSE
        env["account.chart.template"].with_company(company).try_loading("generic_coa", company, install_demo=False)
        # the generic chart sets the company in dollars: nothing is booked yet, back to euros
        ensure_euro(env, company)


def sale_tax(env, company, rate):
    """The company's sales tax of ``rate`` %, created when it has none (a demo company may have no chart)."""
    Tax = env["account.tax"].with_company(company)
    tax = Tax.search(
        [
            ("company_id", "=", company.id),
            ("type_tax_use", "=", "sale"),
            ("amount", "=", rate),
            ("price_include", "=", False),
        ],
        limit=1,
    )
    return tax or Tax.create(
        {
            "name": f"TVA {rate:g} %",
            "amount": rate,
            "amount_type": "percent",
            "type_tax_use": "sale",
            "company_id": company.id,
        }
    )


def make_products(env, company, catalogue):
    """``catalogue`` = [(category, [(name, price incl. VAT, cost, VAT rate)])] -> [(product, price, rate)]."""
    products = []
    for category_name, items in catalogue:
        category = env["product.category"].search([("name", "=", category_name)], limit=1) or env[
            "product.category"
        ].create({"name": category_name})
        pos_category = env["pos.category"].search([("name", "=", category_name)], limit=1) or env[
            "pos.category"
        ].create({"name": category_name})
        for name, price, cost, rate in items:
            tax = sale_tax(env, company, rate)
            untaxed = round(price / (1 + rate / 100.0), 2)
            product = (
                env["product.product"]
                .with_company(company)
                .create(
                    {
                        "name": name,
                        "type": "consu",
                        "available_in_pos": True,
                        "sale_ok": True,
                        "lst_price": untaxed,
                        "standard_price": cost,
                        "categ_id": category.id,
                        "pos_categ_ids": [Command.set(pos_category.ids)],
                        "taxes_id": [Command.set(tax.ids)],
                        "company_id": company.id,
                    }
                )
            )
            products.append((product, untaxed, rate))
    return products


def points_program(env, name, company, voucher=None, **values):
    """A loyalty program of ``company``: 1 point per euro, shown in the portal, and with
    ``voucher = (points, euros, description)`` a discount on the order for that many points."""
    if voucher:
        points, euros, description = voucher
        values["reward_ids"] = [
            Command.create(
                {
                    "reward_type": "discount",
                    "discount_mode": "per_order",
                    "discount": euros,
                    "discount_applicability": "order",
                    "required_points": points,
                    "description": description,
                }
            )
        ]
    return env["loyalty.program"].create(
        {
            "name": name,
            "company_id": company.id,
            "program_type": "loyalty",
            "trigger": "auto",
            "applies_on": "both",
            "portal_visible": True,
            "portal_point_name": "points",
            "rule_ids": [Command.create({"reward_point_mode": "money", "reward_point_amount": 1})],
            **values,
        }
    )


def make_store(env, company, name):
    """A point of sale with its cash journal and payment methods, and an opened session."""
    PosConfig = env["pos.config"].with_company(company)
    journal, payment_method_ids = PosConfig._create_journal_and_payment_methods(
        cash_journal_vals={"name": env._("Cash %s", name), "show_on_dashboard": False}
    )
    config = PosConfig.create(
        {
            "name": name,
            "company_id": company.id,
            "journal_id": journal.id,
            "payment_method_ids": payment_method_ids,
        }
    )
    return config


def open_session(env, config):
    """The store's opened session (opened now when it has none), the store able to invoice."""
    if not config.invoice_journal_id:
        config.invoice_journal_id = env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", config.company_id.id)], limit=1
        )
    session = config.current_session_id
    if not session:
        session = (
            env["pos.session"].with_company(config.company_id).create({"config_id": config.id, "user_id": env.uid})
        )
        if session.state == "opening_control":
            session.state = "opened"
    return session


def french(env):
    """``{"lang": "fr_FR"}`` when French is installed (the demo), else nothing (the test database)."""
    return {"lang": "fr_FR"} if env["res.lang"].search_count([("code", "=", "fr_FR")]) else {}


def make_members(env, fake, company, region, count, home_stores=None):
    """``count`` enrolled members of ``company`` living around ``region``, most with e-mail/SMS consent."""
    people = [fake.person(region) for _ in range(count)]
    lang = french(env)
    vals = []
    for drawn in people:
        person = {key: value for key, value in drawn.items() if key != "female"}
        if home_stores:
            person["fidelite_home_store_id"] = fake.rng.choice(home_stores).id
        vals.append({**person, "company_id": company.id, "country_id": env.ref("base.fr").id, **lang})
    members = env["res.partner"].with_company(company).create(vals)
    members._fidelite_enrol()
    for member in members:
        draw = fake.rng.random()
        if draw < 0.7:
            member._fidelite_set_consent("email", True, "form")
        if draw < 0.45:
            member._fidelite_set_consent("sms", True, "form")
    env.flush_all()  # the members' figures are read in SQL (their commercial partner) as orders come
    return members


def pos_orders(env, session, orders, batch=1000):
    """Create paid POS orders.

    ``orders`` = [(partner or None, naive UTC datetime, [(product, untaxed unit price, VAT rate, quantity)])].
    """
    config = session.config_id
    method = config.payment_method_ids.filtered(lambda m: not m.is_cash_count)[:1] or config.payment_method_ids[:1]
    created = env["pos.order"]
    # references numbered here (as the till's sequences would), so the batch costs no query per order
    number = env["pos.order"].search_count([("config_id", "=", config.id)])
    for start in range(0, len(orders), batch):
        vals_list = []
        for partner, moment, lines in orders[start : start + batch]:
            number += 1
            line_vals, untaxed_total, tax_total = [], 0.0, 0.0
            for index, (product, price, rate, qty) in enumerate(lines, start=1):
                subtotal = round(price * qty, 2)
                tax = round(subtotal * rate / 100.0, 2)
                untaxed_total += subtotal
                tax_total += tax
                line_vals.append(
                    Command.create(
                        {
                            "name": f"{config.name}/{number:06d}/{index}",
                            "product_id": product.id,
                            "full_product_name": product.display_name,
                            "qty": qty,
                            "price_unit": price,
                            "price_subtotal": subtotal,
                            "price_subtotal_incl": subtotal + tax,
                            "tax_ids": [Command.set(product.taxes_id.ids)],
                        }
                    )
                )
            total = round(untaxed_total + tax_total, 2)
            vals_list.append(
                {
                    "name": f"{config.name}/{number:06d}",
                    "pos_reference": f"{moment:%y}0-{config.id:03d}-{number:06d}",
                    "tracking_number": str(number % 1000),
                    "sequence_number": number,
                    "session_id": session.id,
                    "config_id": config.id,
                    "company_id": config.company_id.id,
                    "partner_id": partner.id if partner else False,
                    "date_order": moment,
                    "lines": line_vals,
                    "payment_ids": [
                        Command.create({"payment_method_id": method.id, "amount": total, "payment_date": moment})
                    ],
                    "amount_tax": round(tax_total, 2),
                    "amount_total": total,
                    "amount_paid": total,
                    "amount_return": 0.0,
                    "state": "paid",
                }
            )
        created |= env["pos.order"].with_company(config.company_id).create(vals_list)
    return created
