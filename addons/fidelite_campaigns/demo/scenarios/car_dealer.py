"""Scenario 5: a car dealer's after-sales chains.

*Garage Méditerranée Automobiles* (Bordeaux) records its workshop visits as sales orders
(service, tyres, bodywork). Its marketing chains:

- *Après votre passage à l'atelier*: e-mails timed after the last visit (thanks, on day 1,
  sent in the morning or in the evening: a send-time test; a review request after a week;
  maintenance advice after a month; an invitation to book the next service after five months),
- *On ne vous voit plus*: customers without a visit for six months get an e-mail, then an SMS
  to those who did not open it,
- *Rappel d'entretien*: an SMS eleven months after the last visit, the SMS budget capped at
  three a year per customer.

The chains run day by day over the last ``days`` days (the scheduler at 10:00 each day), so
their traces, conversions, revenue and unsubscribes are there to read.
"""

from datetime import datetime, time, timedelta

from odoo import Command, fields

from odoo.addons.fidelite_loyalty.demo.scenarios.common import Fake, ensure_chart, make_company, make_members
from odoo.addons.fidelite_loyalty.services import member_kpis

from ...services import scheduler

WORKSHOP = [
    ("Révision constructeur", 289.0),
    ("Vidange + filtre à huile", 119.0),
    ("Plaquettes de frein avant", 189.0),
    ("Pneumatiques (x2) montage et équilibrage", 238.0),
    ("Contrôle climatisation", 79.0),
    ("Distribution (kit + pompe à eau)", 749.0),
    ("Pare-brise remplacement", 420.0),
]


def generate(env, customers=300, days=60, seed=5, today=None):
    """Populate scenario 5 in its own company; returns a summary (records)."""
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True, mail_notrack=True))
    fake = Fake(seed)
    today = today or fields.Date.today()
    company = make_company(
        env, "Garage Méditerranée Automobiles", "Mérignac", "33700", "45 avenue de la Somme",
        "atelier@garage-mediterranee.example", "+33 5 56 00 34 56",
    )  # fmt: skip
    company.partner_id.tz = "Europe/Paris"
    company.write({"fidelite_cost_email": 0.002, "fidelite_cost_sms": 0.07})
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    ensure_chart(env, company)
    services = _services(env, company)
    people = make_members(env, fake, company, "bordeaux", customers)
    visits = _visits(env, fake, company, people, services, today)
    # confirmed today, then dated back: the figures are rebuilt from the orders (deep), not from
    # the day-by-day facts their confirmation recorded today
    member_kpis.rebuild(env, as_of=today, deep=True)
    chains = _chains(env, company)
    chains.action_start()
    start = today - timedelta(days=days)
    comebacks = env["sale.order"]
    for offset in range(days):
        day = start + timedelta(days=offset)
        scheduler.run(env, chains=chains, now=datetime.combine(day, time(8, 0)))
        scheduler.run(env, chains=chains, now=datetime.combine(day, time(17, 0)))
        comebacks |= _outcomes(env, fake, chains, services, day, today)
    # the orders were confirmed today: their figures are rebuilt at their own dates
    member_kpis.rebuild(env, as_of=today, deep=True)
    chains.action_update_results()
    return {"company": company, "customers": people, "visits": visits | comebacks, "chains": chains}


def _services(env, company):
    category = env["product.category"].search([("name", "=", "Atelier")], limit=1) or env["product.category"].create(
        {"name": "Atelier"}
    )
    return env["product.product"].create(
        [
            {"name": name, "type": "service", "list_price": price, "categ_id": category.id, "company_id": company.id}
            for name, price in WORKSHOP
        ]
    )


def _visits(env, fake, company, people, services, today):
    """Each customer's workshop visits over two years, about one to three a year."""
    rng = fake.rng
    orders = env["sale.order"]
    vals_list = []
    for partner in people:
        day = today - timedelta(days=rng.randint(1, 730))
        while day < today:
            products = rng.sample(list(services), rng.choice([1, 1, 2, 3]))
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "date_order": fake.moment(day, [(8.0, 18.0, 1)]),
                    "order_line": [Command.create({"product_id": product.id}) for product in products],
                }
            )
            day += timedelta(days=rng.randint(120, 420))
    orders = env["sale.order"].create(vals_list)
    dates = {order.id: order.date_order for order in orders}
    orders.action_confirm()
    for order in orders:
        order.date_order = dates[order.id]
    return orders


def _template(env, name, subject, body):
    return env["mail.template"].create(
        {
            "name": name,
            "model_id": env["ir.model"]._get_id("res.partner"),
            "subject": subject,
            "body_html": body,
            "email_from": "atelier@garage-mediterranee.example",
        }
    )


def _chains(env, company):
    """The three chains and the dealer's caps (3 SMS a year, 2 messages a week)."""
    env["fidelite.pressure.rule"].create(
        [
            {"name": "3 SMS par an au plus", "channel": "sms", "max_messages": 3, "period_days": 365,
             "company_id": company.id},
            {"name": "2 messages par semaine au plus", "channel": "all", "max_messages": 2, "period_days": 7,
             "company_id": company.id},
        ]
    )  # fmt: skip
    link = '<a href="https://garage-mediterranee.example/rendez-vous">Prendre rendez-vous</a>'
    thanks = _template(
        env,
        "Merci pour votre visite",
        "Merci de votre visite, {{ object.name }}",
        f"<p>Bonjour <t t-out='object.name'/>,</p><p>Merci d'avoir confié votre véhicule à notre atelier.</p>"
        f"<p>{link}</p>",
    )
    review = _template(
        env,
        "Votre avis",
        "Votre avis sur notre atelier",
        "<p>Bonjour <t t-out='object.name'/>, comment s'est passée votre visite ? "
        "<a href='https://garage-mediterranee.example/avis'>Donner mon avis</a></p>",
    )
    advice = _template(
        env,
        "Conseil entretien",
        "Nos conseils d'entretien de saison",
        f"<p>Pression des pneus, niveaux, balais d'essuie-glace : nos conseils du mois.</p><p>{link}</p>",
    )
    next_service = _template(
        env,
        "Prochaine révision",
        "Votre prochaine révision approche",
        f"<p>Bonjour <t t-out='object.name'/>, votre prochaine révision approche : réservez votre créneau.</p>"
        f"<p>{link}</p>",
    )
    miss_you = _template(
        env,
        "On ne vous voit plus",
        "Cela fait six mois, {{ object.name }}",
        f"<p>Bonjour <t t-out='object.name'/>, un contrôle 20 points offert vous attend.</p><p>{link}</p>",
    )
    Chain = env["fidelite.chain"].with_company(company)
    post_visit = Chain.create(
        {
            "name": "Après votre passage à l'atelier",
            "company_id": company.id,
            "trigger_ids": [Command.create({"kind": "last_visit", "days": 1})],
            "reentry": "always",
            "control_share": 10,
            "conversion_days": 180,
        }
    )
    Step = env["fidelite.chain.step"]
    morning = Step.create(
        {"chain_id": post_visit.id, "sequence": 1, "name": "Remerciement (matin)", "action": "email",
         "mail_template_id": thanks.id, "delay": 0, "delay_unit": "hours", "variant_name": "Matin",
         "variant_share": 50},
    )  # fmt: skip
    evening = Step.create(
        {"chain_id": post_visit.id, "sequence": 2, "name": "Remerciement (soir)", "action": "email",
         "mail_template_id": thanks.id, "delay": 9, "delay_unit": "hours", "variant_name": "Soir",
         "variant_share": 50},
    )  # fmt: skip
    for parent in (morning, evening):
        ask = Step.create(
            {"chain_id": post_visit.id, "sequence": 3, "parent_id": parent.id, "name": "Demande d'avis",
             "action": "email", "mail_template_id": review.id, "delay": 7},
        )  # fmt: skip
        tip = Step.create(
            {"chain_id": post_visit.id, "sequence": 4, "parent_id": ask.id, "name": "Conseil entretien",
             "action": "email", "mail_template_id": advice.id, "delay": 23},
        )  # fmt: skip
        Step.create(
            {"chain_id": post_visit.id, "sequence": 5, "parent_id": tip.id, "name": "Prochaine révision",
             "action": "email", "mail_template_id": next_service.id, "delay": 120, "condition": "not_purchased",
             "condition_days": 120},
        )  # fmt: skip
    idle = Chain.create(
        {
            "name": "On ne vous voit plus (6 mois)",
            "company_id": company.id,
            "trigger_ids": [Command.create({"kind": "no_purchase", "days": 182})],
            "reentry": "yearly",
            "conversion_days": 60,
        }
    )
    first = Step.create(
        {"chain_id": idle.id, "sequence": 1, "name": "E-mail : contrôle offert", "action": "email",
         "mail_template_id": miss_you.id},
    )  # fmt: skip
    Step.create(
        {"chain_id": idle.id, "sequence": 2, "parent_id": first.id, "name": "SMS si non ouvert", "action": "sms",
         "delay": 5, "condition": "not_opened", "condition_days": 5,
         "sms_body": "Garage Méditerranée : un contrôle 20 points offert vous attend. "
         "Rdv au 05 56 00 34 56. STOP au 36111"},
    )  # fmt: skip
    reminder = Chain.create(
        {
            "name": "Rappel d'entretien par SMS",
            "company_id": company.id,
            "trigger_ids": [Command.create({"kind": "last_visit", "days": 330})],
            "reentry": "always",
            "conversion_days": 45,
        }
    )
    Step.create(
        {"chain_id": reminder.id, "sequence": 1, "name": "SMS rappel révision", "action": "sms",
         "sms_body": "Garage Méditerranée : votre révision annuelle approche. "
         "Réservez au 05 56 00 34 56. STOP au 36111"},
    )  # fmt: skip
    return post_visit | idle | reminder


def _outcomes(env, fake, chains, services, day, today):
    """What the recipients of ``day``'s messages did: mails delivered, about 45 % opened, 12 % clicked,
    3 % unsubscribed, and some came back to the workshop within three weeks; returns their visits."""
    rng = fake.rng
    traces = env["fidelite.chain.trace"].search(
        [
            ("chain_id", "in", chains.ids),
            ("state", "=", "sent"),
            ("done_at", ">=", datetime.combine(day, time())),
            ("done_at", "<", datetime.combine(day + timedelta(days=1), time())),
        ]
    )
    visits = []
    for trace in traces:
        mailing_trace = trace.mailing_trace_id
        if mailing_trace:
            mailing_trace.set_sent()
            trace.mail_mail_id.sudo().write({"state": "sent"})
            draw = rng.random()
            if draw < 0.45:
                mailing_trace.set_opened()
            if draw < 0.12:
                mailing_trace.set_clicked()
            if draw > 0.97 and trace.partner_id.email:
                env["mail.blacklist"].sudo()._add(trace.partner_id.email)
        if rng.random() < 0.08:
            day = trace.done_at.date() + timedelta(days=rng.randint(1, 20))
            if day < today:
                visits.append(
                    {
                        "partner_id": trace.partner_id.id,
                        "company_id": trace.company_id.id,
                        "date_order": fake.moment(day, [(8.0, 18.0, 1)]),
                        "order_line": [Command.create({"product_id": rng.choice(services).id})],
                    }
                )
    sms = env["sms.sms"].sudo().search([("state", "=", "outgoing"), ("partner_id", "in", traces.partner_id.ids)])
    sms.write({"state": "sent"})
    orders = env["sale.order"].create(visits)
    dates = {order.id: order.date_order for order in orders}
    orders.action_confirm()
    for order in orders:
        order.date_order = dates[order.id]
    return orders
