"""A realistic loyalty data set of configurable size, for the benchmarks at scale.

Run by ``odoo shell`` (``env`` is given): ``generate(env, members=..., lines=...)``. Used by
``make bench-data`` (the database ``fidelite_bench_data``) and ``bench/bench_member_kpis.py``.

The set-up that a shop needs is made with the ORM: a chart of accounts, ``stores`` POS
configurations with their journals and an opened session each, taxes, product categories and a
few dozen products, a loyalty program. The volume is made with set-based SQL straight into
Odoo's own tables, deterministic for a given ``seed`` (``setseed``, no parallel plans):

- ``members`` partners (names, e-mail, city, a birth date for most, member number, referral
  code, member since, home store) and a card in the program for most of them;
- paid POS orders over ``years`` years up to yesterday, with seasonality (Christmas weeks,
  winter and summer sales, a quiet August), a weekly rhythm (busy Saturdays, few Sunday
  sales, closed on 25 December, 1 January and 1 May) and hours around midday and the evening;
  each member buys at a rate drawn from a log-normal (heavy-tailed) distribution, about a third
  were members before the period, the others join at a growing pace, about 30 % churn (stop
  buying at a random date) and some never buy; most orders are at the member's home store;
- exactly ``lines`` order lines, ~4 per order (geometric), products skewed towards best sellers,
  some discounts, taxes of 20 % and 5.5 % excluded from the unit price, costs for the margin;
  each order's amounts (untaxed, tax, total, paid) are the sums of its lines;
- ~2 % of the orders are partly refunded later: a refund order (``is_refund``) with one
  negative line pointing to the refunded line (``refunded_orderline_id``);
- the members' daily figures (``fidelite.member.day``) that settled orders feed.

Not generated: payments (``pos.payment``), the taxes of each line (``tax_ids``), stock moves and
accounting entries; the stored amounts are what the ORM and reports read.
"""

import math
import time
from datetime import datetime, timedelta

from odoo import Command

FIRST_NAMES = [
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Emma",
    "Inès",
    "Sarah",
    "Jade",
    "Louise",
    "Alice",
    "Lina",
    "Zoé",
    "Lucie",
    "Juliette",
    "Anna",
    "Rose",
    "Hugo",
    "Lucas",
    "Louis",
    "Gabriel",
    "Arthur",
    "Jules",
    "Adam",
    "Raphaël",
    "Léo",
    "Nathan",
    "Paul",
    "Tom",
    "Théo",
    "Noah",
    "Ethan",
    "Victor",
    "Marie",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Françoise",
    "Martine",
    "Christine",
    "Philippe",
    "Michel",
    "Alain",
    "Patrick",
    "Nicolas",
    "Christophe",
    "Pierre",
    "Laurent",
    "Éric",
    "Stéphane",
    "Olivier",
    "Julien",
    "Thomas",
    "Antoine",
    "Maxime",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefèvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Dumont",
    "Marie",
    "Lemaire",
    "Noël",
    "Meyer",
    "Dufour",
    "Meunier",
    "Brun",
    "Blanchard",
    "Giraud",
    "Joly",
    "Rivière",
    "Lucas",
]
CITIES = [
    ("Lyon", "69002"),
    ("Villeurbanne", "69100"),
    ("Vénissieux", "69200"),
    ("Caluire-et-Cuire", "69300"),
    ("Bron", "69500"),
    ("Vaulx-en-Velin", "69120"),
    ("Écully", "69130"),
    ("Oullins", "69600"),
    ("Saint-Priest", "69800"),
    ("Villefranche-sur-Saône", "69400"),
]
# (category, [(product, unit price tax excluded, cost, tax rate)])
CATALOGUE = [
    ("Épicerie fine", [("Confiture abricot", 5.2, 2.1, 5.5), ("Miel de lavande", 9.5, 4.8, 5.5),
                       ("Huile d'olive 50 cl", 12.9, 6.5, 5.5), ("Biscuits sablés", 3.9, 1.4, 5.5),
                       ("Chocolat noir 70 %", 4.5, 1.9, 5.5), ("Thé vert jasmin", 7.8, 3.0, 5.5)]),
    ("Cave", [("Côtes-du-Rhône rouge", 8.9, 4.2, 20.0), ("Beaujolais villages", 10.5, 5.1, 20.0),
              ("Champagne brut", 29.0, 15.5, 20.0), ("Bière blonde artisanale", 3.2, 1.2, 20.0),
              ("Jus de pomme 1 l", 3.6, 1.3, 5.5), ("Crème de cassis", 14.0, 6.0, 20.0)]),
    ("Fromagerie", [("Comté 18 mois 250 g", 7.9, 4.6, 5.5), ("Saint-Marcellin", 3.4, 1.8, 5.5),
                    ("Tomme de Savoie 250 g", 5.8, 3.1, 5.5), ("Beurre demi-sel", 3.1, 1.5, 5.5),
                    ("Yaourts fermiers x4", 3.9, 1.9, 5.5), ("Bleu d'Auvergne 200 g", 4.2, 2.2, 5.5)]),
    ("Boulangerie", [("Baguette tradition", 1.3, 0.4, 5.5), ("Pain de campagne", 3.8, 1.2, 5.5),
                     ("Croissant", 1.2, 0.35, 5.5), ("Brioche", 6.5, 2.2, 5.5),
                     ("Tarte aux pralines", 18.0, 6.5, 5.5), ("Éclair au café", 3.2, 1.0, 5.5)]),
    ("Maison", [("Bougie parfumée", 19.9, 7.0, 20.0), ("Torchon lin", 12.5, 4.5, 20.0),
                ("Panier en osier", 24.0, 9.5, 20.0), ("Savon de Marseille", 4.9, 1.6, 20.0),
                ("Carafe en verre", 16.0, 6.2, 20.0), ("Sac cabas", 2.5, 0.8, 20.0)]),
    ("Cadeaux", [("Coffret dégustation", 39.0, 18.0, 20.0), ("Carte cadeau imprimée", 15.0, 7.0, 20.0),
                 ("Panier garni", 59.0, 30.0, 20.0), ("Calendrier de l'Avent", 24.9, 10.5, 5.5),
                 ("Coffret thés", 29.0, 12.0, 5.5), ("Boîte de calissons", 16.5, 7.2, 5.5)]),
]  # fmt: skip
STORE_NAMES = ["Lyon Presqu'île", "Villeurbanne", "Croix-Rousse", "Part-Dieu", "Vieux Lyon", "Confluence"]
LINES_PER_ORDER = 4.0  # mean of the geometric line count below
REFUND_SHARE = 0.02
REFERRAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _reserve_ids(cr, table, count):
    """The first of ``count`` consecutive ids taken from ``table``'s sequence."""
    cr.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    seq = cr.fetchone()[0]
    cr.execute("SELECT nextval(%s)", [seq])
    first = cr.fetchone()[0]
    if count > 1:
        cr.execute("SELECT setval(%s, %s)", [seq, first + count - 1])
    return first


def _required_columns(cr, table):
    cr.execute(
        """
        SELECT column_name FROM information_schema.columns
         WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL
        """,
        [table],
    )
    return {row[0] for row in cr.fetchall()}


def _columns(cr, table):
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table])
    return {row[0] for row in cr.fetchall()}


def _setup(env, stores):
    """The ORM part: a chart of accounts, stores with an opened session, taxes, products, a program."""
    env = env(user=env.ref("base.user_admin").id, su=True)
    company = env.company
    if not env["account.move.line"].search_count([("company_id", "=", company.id)], limit=1):
        euro = env.ref("base.EUR")
        euro.active = True
        company.currency_id = euro  # French shops; allowed while nothing is booked
    if not env["account.account"].search_count([("company_ids", "in", company.ids)], limit=1):
        env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    configs = env["pos.config"]
    for index in range(stores):
        suffix = f" {index // len(STORE_NAMES) + 1}" if index >= len(STORE_NAMES) else ""
        config = env["pos.config"].create({"name": f"Comptoir {STORE_NAMES[index % len(STORE_NAMES)]}{suffix}"})
        journal, methods = config._create_journal_and_payment_methods(
            cash_journal_vals={"name": f"Cash {config.name}", "code": f"BCS{index + 1:02d}"}
        )
        config.write({"journal_id": journal.id, "payment_method_ids": methods})
        configs |= config
    sessions = env["pos.session"]
    for config in configs:
        sessions |= env["pos.session"].create({"config_id": config.id, "user_id": env.uid})
    sessions.filtered(lambda s: s.state == "opening_control").write({"state": "opened"})
    taxes = {
        rate: env["account.tax"].create(
            {"name": f"TVA {rate:g} % (bench)", "amount": rate, "amount_type": "percent", "type_tax_use": "sale"}
        )
        for rate in sorted({p[3] for _c, products in CATALOGUE for p in products})
    }
    products = []
    for category_name, items in CATALOGUE:
        category = env["product.category"].create({"name": category_name})
        pos_category = env["pos.category"].create({"name": category_name})
        for name, price, cost, rate in items:
            product = env["product.product"].create(
                {
                    "name": name,
                    "available_in_pos": True,
                    "lst_price": price,
                    "standard_price": cost,
                    "categ_id": category.id,
                    "pos_categ_ids": [Command.set(pos_category.ids)],
                    "taxes_id": [Command.set(taxes[rate].ids)],
                }
            )
            products.append((product, price, cost, rate / 100.0))
    program = env["loyalty.program"].create(
        {
            "name": "Carte Club (bench)",
            "program_type": "loyalty",
            "applies_on": "both",
            "trigger": "auto",
            "rule_ids": [Command.create({"reward_point_mode": "money", "reward_point_amount": 1})],
        }
    )
    env.flush_all()
    return env, company, configs, sessions, products, program


def _calendar(cr, start, days):
    """Relative weight of each day: season, sales, weekly rhythm, closed days."""
    cr.execute(
        """
        CREATE TEMP TABLE fid_cal AS
        SELECT d, day,
               (CASE extract(isodow FROM day)
                     WHEN 1 THEN 0.75 WHEN 2 THEN 0.85 WHEN 3 THEN 1.0 WHEN 4 THEN 0.95
                     WHEN 5 THEN 1.2 WHEN 6 THEN 1.6 ELSE 0.3 END)
             * (CASE extract(month FROM day)
                     WHEN 1 THEN 1.0 WHEN 2 THEN 0.85 WHEN 3 THEN 0.9 WHEN 4 THEN 0.95 WHEN 5 THEN 0.95
                     WHEN 6 THEN 1.0 WHEN 7 THEN 1.1 WHEN 8 THEN 0.75 WHEN 9 THEN 0.9 WHEN 10 THEN 0.95
                     WHEN 11 THEN 1.1 ELSE 1.45 END)
             * (CASE WHEN to_char(day, 'MM-DD') IN ('12-25', '01-01', '05-01') THEN 0.0
                     WHEN to_char(day, 'MM-DD') BETWEEN '12-15' AND '12-24' THEN 1.7
                     WHEN to_char(day, 'MM-DD') BETWEEN '01-08' AND '02-04' THEN 1.3
                     WHEN to_char(day, 'MM-DD') BETWEEN '06-25' AND '07-22' THEN 1.35
                     ELSE 1.0 END)::float8 AS w
          FROM (SELECT d, (%s::date + d) AS day FROM generate_series(0, %s - 1) AS d) AS s
        """,
        [start, days],
    )
    # cum[k] (1-based) = weight of the days before day k-1: a uniform draw in [cum[a+1], cum[b+2])
    # falls on a day of [a, b] with the probability of its weight (width_bucket: binary search)
    cr.execute(
        """
        SELECT array_agg(c ORDER BY d)::float8[] FROM (
            SELECT d, COALESCE(sum(w) OVER (ORDER BY d ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS c
              FROM fid_cal
            UNION ALL SELECT %s, (SELECT sum(w) FROM fid_cal)
        ) AS s
        """,
        [days],
    )
    return cr.fetchone()[0]


class _Run:
    """What the steps share: the cursor, the clock, the ORM records, the sizes."""

    def __init__(self, env, members, lines, years, stores, seed):
        self.started = time.perf_counter()
        self.members, self.lines, self.years, self.stores, self.seed = members, lines, years, stores, seed
        self.env, self.company, self.configs, self.sessions, self.products, self.program = _setup(env, stores)
        self.cr = self.env.cr
        self.uid = self.env.uid
        self.end_day = datetime.now().date() - timedelta(days=1)
        self.days = 365 * years
        self.start_day = self.end_day - timedelta(days=self.days - 1)
        self.refunds = round(lines * REFUND_SHARE / (LINES_PER_ORDER + REFUND_SHARE)) if lines >= 100 else 0
        self.sale_lines = lines - self.refunds

    def progress(self, message):
        print(f"member_data: {time.perf_counter() - self.started:7.1f} s  {message}", flush=True)

    def execute(self, query, params=None):
        self.cr.execute(query, params)
        return self.cr


def _session_settings(run):
    """Deterministic plans (no parallel workers), memory for the big sorts; bulk mode if allowed.

    As a superuser (the tooling's own cluster), the foreign keys' row-by-row triggers are
    switched off while loading (``session_replication_role``): the generated keys are then
    checked set-wise at the end (``_check``). Otherwise every row is checked as it is inserted.
    """
    cr = run.cr
    try:
        with cr.savepoint():
            cr.execute("SET temp_buffers = '1GB'")  # only before the session's first temporary table
    except Exception:  # noqa: BLE001 - a smaller buffer is slower, not wrong
        run.progress("temp_buffers left as they are")
    for setting in (
        "max_parallel_workers_per_gather = 0",
        "work_mem = '512MB'",
        "maintenance_work_mem = '1GB'",
        "synchronous_commit = off",
    ):
        cr.execute(f"SET {setting}")
    cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    bulk = bool(cr.fetchone()[0])
    if bulk:
        cr.execute("SET session_replication_role = replica")
    else:
        run.progress("not a superuser: foreign keys checked row by row (slower)")
    cr.execute("SELECT setseed(%s)", [((run.seed * 7919) % 20001) / 10000.0 - 1.0])
    return bulk


def _draw_members(run, cum):
    """``fid_member``: who they are, when they join and churn, how often they buy, their store."""
    run.first_partner = _reserve_ids(run.cr, "res_partner", run.members)
    run.execute(
        """
        CREATE TEMP TABLE fid_member AS
        SELECT m.*, CASE WHEN b >= a THEN (%(cum)s::float8[])[b + 2] - (%(cum)s::float8[])[a + 1] ELSE 0 END AS weight
          FROM (SELECT m.*, greatest(join_day, 0) AS a,
                       least(greatest(join_day, 0) + COALESCE(churn_after, %(days)s), %(days)s - 1) AS b
                  FROM (SELECT i, %(first)s + i - 1 AS pid,
                               1 + floor(random() * %(nfirst)s)::int AS fn,
                               1 + floor(random() * %(nlast)s)::int AS ln,
                               1 + floor(random() * %(ncity)s)::int AS city,
                               CASE WHEN random() < 0.7 THEN date '1945-01-01' + floor(random() * 365 * 60)::int
                                    END AS birthdate,
                               CASE WHEN random() < 0.35 THEN -1 - floor(random() * 365 * 5)::int
                                    ELSE floor(%(days)s * sqrt(random()))::int END AS join_day,
                               CASE WHEN random() < 0.3 THEN floor(-ln(1 - random()) * 450)::int END AS churn_after,
                               CASE WHEN random() < 0.08 THEN 0
                                    ELSE exp(sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) END AS lam,
                               floor(%(stores)s * power(random(), 1.6))::int + 1 AS home
                          FROM generate_series(1, %(members)s) AS i) AS m
               ) AS m;
        ANALYZE fid_member;
        """,
        {
            "first": run.first_partner,
            "members": run.members,
            "nfirst": len(FIRST_NAMES),
            "nlast": len(LAST_NAMES),
            "ncity": len(CITIES),
            "days": run.days,
            "stores": run.stores,
            "cum": cum,
        },
    )


def _insert_members(run):
    cr = run.cr
    france = run.env.ref("base.fr").id
    member_seq = run.env["ir.sequence"].search([("code", "=", "fidelite.member")], limit=1)
    first_number = member_seq.number_next_actual
    member_seq.write({"number_next": first_number + run.members})
    # referral codes: 8 letters of the till's alphabet spelling a bijection of the partner id
    referral = " || ".join(f"substr(%(alphabet)s, ((x >> {5 * k}) & 31)::int + 1, 1)" for k in range(8))
    cr.execute(
        f"""
        INSERT INTO res_partner (
            id, name, complete_name, type, active, is_company, lang, tz,
            email, email_normalized, street, city, zip, country_id, customer_rank, supplier_rank,
            partner_share, commercial_partner_id, autopost_bills, birthdate, fidelite_birthday_key,
            fidelite_is_member, fidelite_member_number, fidelite_member_since, fidelite_referral_code,
            fidelite_home_store_id, create_uid, write_uid, create_date, write_date)
        SELECT m.pid, full_name, full_name, 'contact', true, false, %(lang)s, 'Europe/Paris',
               email, email, (1 + mod(m.i * 7, 180)) || ' rue ' || ln_name, c.city, c.zip, %(france)s, 1, 0,
               true, m.pid, 'ask', m.birthdate,
               COALESCE(extract(month FROM m.birthdate) * 100 + extract(day FROM m.birthdate), 0)::int,
               true, 'M' || lpad((%(number)s + m.i - 1)::text, 7, '0'), since::date, {referral},
               (%(homes)s::int[])[m.home], %(uid)s, %(uid)s, since, since
          FROM (SELECT m.i, m.pid, m.birthdate, m.home, m.city, f.name || ' ' || l.name AS full_name, l.name AS ln_name,
                       lower(translate(f.name || '.' || l.name, 'éèëïîôçÉ '' ', 'eeeiiocE')) || '.' || m.i
                           || '@example.com' AS email,
                       (%(start)s::date + m.join_day)::timestamp + interval '10 hours' AS since,
                       mod(m.pid::bigint * 679570457115, 1099511627776) AS x
                  FROM fid_member m
                  JOIN unnest(%(firsts)s::text[]) WITH ORDINALITY AS f(name, k) ON f.k = m.fn
                  JOIN unnest(%(lasts)s::text[]) WITH ORDINALITY AS l(name, k) ON l.k = m.ln
               ) AS m
          JOIN unnest(%(cities)s::text[], %(zips)s::text[]) WITH ORDINALITY AS c(city, zip, k) ON c.k = m.city
         ORDER BY m.pid
        """,  # noqa: S608 - the query's text is ours, the values are parameters
        {
            "lang": run.env.lang or "en_US",
            "france": france,
            "number": first_number,
            "homes": run.configs.ids,
            "uid": run.uid,
            "start": run.start_day,
            "alphabet": REFERRAL_ALPHABET,
            "firsts": FIRST_NAMES,
            "lasts": LAST_NAMES,
            "cities": [c for c, _z in CITIES],
            "zips": [z for _c, z in CITIES],
        },
    )
    run.progress(f"{cr.rowcount:,} members")


def _insert_cards(run):
    """A card in the program for most members (no points yet: their ledger is empty)."""
    first_card = _reserve_ids(run.cr, "loyalty_card", run.members)
    run.execute(
        """
        INSERT INTO loyalty_card (id, program_id, company_id, partner_id, code, points, active,
                                  fidelite_medium, fidelite_state, create_uid, write_uid, create_date, write_date)
        SELECT %(first)s + m.i - 1, %(program)s, %(company)s, m.pid, 'CB' || lpad(m.pid::text, 10, '0'), 0, true,
               CASE WHEN random() < 0.6 THEN 'barcode_code128' ELSE 'virtual' END, 'active', %(uid)s, %(uid)s,
               m.since, m.since
          FROM (SELECT i, pid, (%(start)s::date + join_day)::timestamp + interval '10 hours' AS since
                  FROM fid_member) AS m
         WHERE random() < 0.85
         ORDER BY m.i
        """,
        {"first": first_card, "program": run.program.id, "company": run.company.id, "uid": run.uid,
         "start": run.start_day},
    )  # fmt: skip
    count = run.cr.rowcount
    run.progress(f"{count:,} cards")
    return count


def _draw_orders(run, cum):
    """``fid_order``: every order's member, date, store and number of lines, ids in date order."""
    cr = run.cr
    cr.execute("SELECT COALESCE(sum(lam * weight), 0) FROM fid_member")
    # each member's number of orders: rate x weighted active days, scaled to the wanted volume
    scale = 1.03 * (run.sale_lines / LINES_PER_ORDER) / (cr.fetchone()[0] or 1.0)
    cr.execute(
        """
        CREATE TEMP TABLE fid_order0 AS
        SELECT row_number() OVER () AS k, s.*
          FROM (SELECT m.pid,
                       %(start)s::timestamp
                         + make_interval(days => width_bucket(
                               (%(cum)s::float8[])[m.a + 1]
                                 + random() * ((%(cum)s::float8[])[m.b + 2] - (%(cum)s::float8[])[m.a + 1]),
                               %(cum)s::float8[]) - 1)
                         + make_interval(secs => 7 * 3600 + 11 * 3600 * (random() + random()) / 2) AS ts,
                       CASE WHEN random() < 0.85 THEN m.home ELSE 1 + floor(random() * %(stores)s)::int END AS config,
                       least(25, 1 + floor(-ln(1 - random()) * %(theta)s)::int) AS n_lines,
                       random() AS r
                  FROM fid_member m, generate_series(1, floor(%(scale)s * m.lam * m.weight + random())::int) AS g
                 WHERE m.weight > 0) AS s
        """,
        {
            "start": run.start_day,
            "cum": cum,
            "stores": run.stores,
            "theta": 1 / math.log(LINES_PER_ORDER / (LINES_PER_ORDER - 1)),
            "scale": scale,
        },
    )
    cr.execute("SELECT count(*), COALESCE(sum(n_lines), 0) FROM fid_order0")
    drawn_orders, drawn_lines = cr.fetchone()
    if drawn_orders and drawn_lines < run.sale_lines:  # small sizes: not enough drawn, lengthen every order
        cr.execute(
            "UPDATE fid_order0 SET n_lines = n_lines + %s", [math.ceil((run.sale_lines - drawn_lines) / drawn_orders)]
        )
    # exactly sale_lines lines: keep orders in random order until the count is reached
    cr.execute(
        """
        CREATE TEMP TABLE fid_order1 AS
        SELECT k, pid, ts, config, r, false AS is_refund, NULL::bigint AS orig,
               least(n_lines, %(target)s - before)::int AS n_lines
          FROM (SELECT o.*, sum(n_lines) OVER (ORDER BY r, k) - n_lines AS before FROM fid_order0 o) AS s
         WHERE before < %(target)s;
        DROP TABLE fid_order0;
        """,
        {"target": run.sale_lines},
    )
    cr.execute("SELECT count(*) FROM fid_order1")
    sale_orders = cr.fetchone()[0]
    run.refunds = min(run.refunds, sale_orders)
    # partial refunds of random orders, a few days later (never after the end)
    cr.execute(
        """
        INSERT INTO fid_order1 (k, pid, ts, config, r, is_refund, orig, n_lines)
        SELECT %(k0)s + row_number() OVER (), pid,
               least(ts + make_interval(days => 1 + floor(random() * 20)::int),
                     %(end)s::timestamp + interval '19 hours'),
               config, r, true, k, 1
          FROM (SELECT * FROM fid_order1 ORDER BY r DESC, k LIMIT %(refunds)s) AS o
        """,
        {"k0": 10 * (sale_orders + 1), "end": run.end_day, "refunds": run.refunds},
    )
    run.orders = sale_orders + run.refunds
    run.first_order = _reserve_ids(cr, "pos_order", run.orders)
    run.first_line = _reserve_ids(cr, "pos_order_line", run.lines)
    # ids in date order; each order's lines take the next ids
    cr.execute(
        """
        CREATE TEMP TABLE fid_order AS
        SELECT %(first_order)s + row_number() OVER w - 1 AS id,
               (%(first_line)s + COALESCE(sum(n_lines) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))
                   ::bigint AS lstart,
               k, pid, ts, config, n_lines, is_refund, orig
          FROM fid_order1
        WINDOW w AS (ORDER BY ts, k);
        DROP TABLE fid_order1;
        ANALYZE fid_order;
        """,
        {"first_order": run.first_order, "first_line": run.first_line},
    )
    run.progress(f"{sale_orders:,} orders and {run.refunds:,} refunds drawn")


def _draw_lines(run):
    """``fid_line``: the lines (product, quantity, discount, amounts); ``fid_total``: their sums per order.

    Amounts are kept in cents (integers) until inserted: sums of integers are exact and cheap.
    """
    prices = [p[1] for p in run.products]
    costs = [p[2] for p in run.products]
    rates = [p[3] for p in run.products]
    params = {"prices": prices, "rates": rates, "costs": costs, "nproducts": len(run.products)}
    run.execute(
        """
        CREATE TEMP TABLE fid_line AS
        SELECT id, order_id, ts, p, qty, price, disc, NULL::bigint AS refunded,
               (100 * round(qty * price * (1 - disc / 100), 2))::int AS subtotal,
               (100 * round(round(qty * price * (1 - disc / 100), 2) * (1 + (%(rates)s::numeric[])[p]), 2))::int
                   AS incl,
               (100 * round(qty * (%(costs)s::numeric[])[p], 2))::int AS cost
          FROM (SELECT id, order_id, ts, p, qty, disc, (%(prices)s::numeric[])[p] AS price
                  FROM (SELECT o.lstart + j - 1 AS id, o.id AS order_id, o.ts,
                               1 + floor(%(nproducts)s * power(random(), 1.8))::int AS p,
                               (CASE WHEN random() < 0.78 THEN 1 WHEN random() < 0.7 THEN 2
                                     ELSE 3 + floor(random() * 4) END)::numeric AS qty,
                               (CASE WHEN random() < 0.05 THEN 10 * (1 + floor(random() * 3)) ELSE 0 END)::numeric
                                   AS disc
                          FROM fid_order o, generate_series(1, o.n_lines) AS j
                         WHERE NOT o.is_refund) AS draw
               ) AS s
        """,
        params,
    )
    # a refund gives back one unit of the first line of the order it refunds
    run.execute(
        """
        INSERT INTO fid_line (id, order_id, ts, p, qty, price, disc, refunded, subtotal, incl, cost)
        SELECT r.lstart, r.id, r.ts, l.p, -1, l.price, l.disc, l.id,
               -(100 * round(l.price * (1 - l.disc / 100), 2))::int,
               -(100 * round(round(l.price * (1 - l.disc / 100), 2) * (1 + (%(rates)s::numeric[])[l.p]), 2))::int,
               -(100 * round((%(costs)s::numeric[])[l.p], 2))::int
          FROM fid_order r
          JOIN fid_order o ON o.k = r.orig
          JOIN fid_line l ON l.id = o.lstart
         WHERE r.is_refund
        """,
        params,
    )
    run.execute(
        """
        CREATE TEMP TABLE fid_total AS
        SELECT order_id, sum(subtotal) AS untaxed, sum(incl) AS total, sum(cost) AS cost
          FROM fid_line GROUP BY order_id;
        ANALYZE fid_line;
        ANALYZE fid_total;
        """
    )
    run.progress(f"{run.lines:,} lines drawn")


def _insert_orders(run):
    """The POS orders, each with the sums of its lines, in their store's opened session."""
    order_columns = _columns(run.cr, "pos_order")
    optional = {
        "margin": "(t.untaxed - t.cost) * 0.01",
        "fidelite_settled": "true",
        "source": "'pos'",
        "email": "p.email",
        "has_deleted_line": "false",
    }
    extra = {col: expr for col, expr in optional.items() if col in order_columns}
    configs = run.configs
    run.execute(
        f"""
        INSERT INTO pos_order (
            id, name, pos_reference, sequence_number, tracking_number, ticket_code, uuid, state, date_order,
            partner_id, session_id, config_id, company_id, user_id, pricelist_id, sale_journal, currency_rate,
            amount_tax, amount_total, amount_paid, amount_return, is_refund, to_invoice, is_tipped, nb_print,
            create_uid, write_uid, create_date, write_date{"".join(", " + c for c in extra)})
        SELECT o.id,
               (%(names)s::text[])[o.config] || '/' || lpad((o.id - %(first)s + 1)::text, 8, '0')
                   || CASE WHEN o.is_refund THEN ' REFUND' ELSE '' END,
               'Order ' || lpad(o.config::text, 5, '0') || '-' || lpad(mod(o.id, 1000)::text, 3, '0') || '-'
                   || lpad((o.id - %(first)s + 1)::text, 8, '0'),
               o.id - %(first)s + 1, lpad(mod(o.id, 1000)::text, 3, '0'), substr(md5(o.id::text), 1, 5),
               '00000000-0000-4000-8000-' || lpad(to_hex(o.id), 12, '0'), 'paid', o.ts,
               o.pid, (%(sessions)s::int[])[o.config], (%(configs)s::int[])[o.config], %(company)s, %(uid)s,
               (%(pricelists)s::int[])[o.config], (%(journals)s::int[])[o.config], 1,
               (t.total - t.untaxed) * 0.01, t.total * 0.01, t.total * 0.01, 0, o.is_refund, false, false, 1,
               %(uid)s, %(uid)s, o.ts, o.ts{"".join(", " + e for e in extra.values())}
          FROM fid_order o
          JOIN fid_total t ON t.order_id = o.id
          JOIN res_partner p ON p.id = o.pid
         ORDER BY o.id
        """,  # noqa: S608 - the query's text is ours, the values are parameters
        {
            "names": [c.name for c in configs],
            "first": run.first_order,
            "sessions": [run.sessions.filtered(lambda s, c=c: s.config_id == c).id for c in configs],
            "configs": configs.ids,
            "company": run.company.id,
            "uid": run.uid,
            "pricelists": [c.pricelist_id.id or None for c in configs],
            "journals": [c.journal_id.id for c in configs],
        },
    )
    run.progress(f"{run.cr.rowcount:,} POS orders inserted")


def _insert_lines(run):
    line_columns = _columns(run.cr, "pos_order_line")
    optional = {
        "total_cost": "l.cost * 0.01",
        "is_total_cost_computed": "true",
        "margin": "(l.subtotal - l.cost) * 0.01",
        "price_type": "'original'",
        "is_edited": "false",
        "is_reward_line": "false",
        "price_extra": "0",
    }
    extra = {col: expr for col, expr in optional.items() if col in line_columns}
    run.execute(
        f"""
        INSERT INTO pos_order_line (
            id, name, order_id, company_id, product_id, full_product_name, qty, price_unit, discount,
            price_subtotal, price_subtotal_incl, refunded_orderline_id, uuid,
            create_uid, write_uid, create_date, write_date{"".join(", " + c for c in extra)})
        SELECT l.id, 'OL/' || l.id, l.order_id, %(company)s, (%(products)s::int[])[l.p], (%(pnames)s::text[])[l.p],
               l.qty, l.price, l.disc, l.subtotal * 0.01, l.incl * 0.01, l.refunded,
               '00000000-0000-4000-9000-' || lpad(to_hex(l.id), 12, '0'),
               %(uid)s, %(uid)s, l.ts, l.ts{"".join(", " + e for e in extra.values())}
          FROM fid_line l
         ORDER BY l.id
        """,  # noqa: S608 - the query's text is ours, the values are parameters
        {
            "company": run.company.id,
            "products": [p[0].id for p in run.products],
            "pnames": [p[0].name for p in run.products],
            "uid": run.uid,
        },
    )
    run.progress(f"{run.cr.rowcount:,} POS order lines inserted")


def _insert_member_days(run):
    """The members' daily figures, as settling each order would have added them."""
    if "fidelite_member_day" not in _tables(run.cr):
        return
    run.execute(
        """
        INSERT INTO fidelite_member_day (partner_id, company_id, day, revenue, revenue_untaxed, visits)
        SELECT o.pid, %s, o.ts::date, sum(t.total) * 0.01, sum(t.untaxed) * 0.01, count(*) FILTER (WHERE t.total > 0)
          FROM fid_order o JOIN fid_total t ON t.order_id = o.id
         GROUP BY o.pid, o.ts::date
         ORDER BY o.pid, o.ts::date
        """,
        [run.company.id],
    )
    run.progress(f"{run.cr.rowcount:,} member days")


def _check(run, bulk):
    """Every required column filled; with the foreign keys' triggers off, the generated keys checked."""
    cr = run.cr
    for table in ("pos_order", "pos_order_line", "res_partner", "loyalty_card"):
        for column in _required_columns(cr, table):
            cr.execute(f'SELECT 1 FROM "{table}" WHERE "{column}" IS NULL LIMIT 1')  # noqa: S608
            assert not cr.fetchone(), f"{table}.{column} left empty"
    if bulk:
        for child, column, parent in (
            ("pos_order_line", "order_id", "pos_order"),
            ("pos_order_line", "refunded_orderline_id", "pos_order_line"),
            ("pos_order", "partner_id", "res_partner"),
            ("loyalty_card", "partner_id", "res_partner"),
        ):
            cr.execute(
                f"""
                SELECT count(*) FROM "{child}" c
                 WHERE c."{column}" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "{parent}" p WHERE p.id = c."{column}")
                """  # noqa: S608
            )
            missing = cr.fetchone()[0]
            assert not missing, f"{missing} {child}.{column} point to no {parent}"
        cr.execute("SET session_replication_role = DEFAULT")
    run.progress("checked")


def generate(env, members=1_000_000, lines=10_000_000, years=3, stores=4, seed=42, cards=True):
    """Fill the database; return a summary (counts and seconds). Commits."""
    run = _Run(env, members, lines, years, stores, seed)
    run.cr.commit()
    run.progress(f"{stores} stores, {len(run.products)} products, program {run.program.name!r} (ORM)")
    bulk = _session_settings(run)
    cum = _calendar(run.cr, run.start_day, run.days)
    _draw_members(run, cum)
    _insert_members(run)
    card_count = _insert_cards(run) if cards else 0
    _draw_orders(run, cum)
    _draw_lines(run)
    _insert_orders(run)
    _insert_lines(run)
    _insert_member_days(run)
    _check(run, bulk)
    run.execute("DROP TABLE fid_member, fid_order, fid_line, fid_total, fid_cal")
    run.cr.commit()
    for table in ("res_partner", "loyalty_card", "pos_order", "pos_order_line", "fidelite_member_day"):
        run.execute(f'ANALYZE "{table}"')
    run.cr.commit()
    run.env.invalidate_all()
    run.progress("analyzed, done")
    return {
        "members": members,
        "cards": card_count,
        "orders": run.orders,
        "refunds": run.refunds,
        "lines": lines,
        "stores": stores,
        "years": years,
        "first_day": str(run.start_day),
        "last_day": str(run.end_day),
        "seconds": time.perf_counter() - run.started,
    }


def _tables(cr):
    cr.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
    return {row[0] for row in cr.fetchall()}
