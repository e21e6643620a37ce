"""Scenario 4, online relay: the bistro's weekday lunch offer sent to its members by e-mail.

Needs the bistro's scenario (``fidelite_loyalty/demo/scenarios/restaurant.py``). The segment
*Adhérents du Club du Bistrot* holds the holders of a *Club du Bistrot* card; the chain
*Le midi en semaine au Bistrot* sends them, once, an e-mail announcing the tripled points at
lunch (Monday to Friday, 12 to 14 h). The chain runs on the rule's launch day: consents,
blacklists and the pressure budget decide who receives it, and the mails are shown delivered,
about half of them opened.
"""

from datetime import datetime, time

from odoo import Command

from odoo.addons.fidelite_loyalty.services import segments

from ...services import scheduler

BODY = (
    "<p>Bonjour <t t-out='object.name'/>,</p>"
    "<p>Du lundi au vendredi, de 12 h à 14 h, vos points <strong>Club du Bistrot</strong> sont triplés : "
    "formule déjeuner entrée + plat à 17,50 €, plat du jour à 13,90 €.</p>"
    "<p>Présentez votre carte virtuelle (espace adhérent) à l'addition. À très vite aux Halles !</p>"
)


def generate(env, bistro=None):
    """The relay of ``bistro`` (the summary of ``restaurant.generate``, else the demo's bistro).

    Returns its segment, chain and e-mail template.
    """
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True, mail_notrack=True))
    if bistro is None:
        company = env["res.company"].search([("name", "=", "Le Bistrot des Halles")], limit=1)
        program = env["loyalty.program"].search([("name", "=", "Club du Bistrot"), ("company_id", "=", company.id)])
        rule = env["fidelite.rule"].search([("program_id", "=", program.id)], limit=1)
        bistro = {"company": company, "program": program, "rule_start": rule.date_from}
    company, program = bistro["company"], bistro["program"]
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    segment = env["fidelite.segment"].create(
        {
            "name": "Adhérents du Club du Bistrot",
            "kind": "rule",
            "company_id": company.id,
            "domain": str([("fidelite_card_ids.program_id", "=", program.id)]),
            "description": "Titulaires d'une carte du Club du Bistrot : les offres du restaurant.",
        }
    )
    segments.refresh(segment)
    template = env["mail.template"].create(
        {
            "name": "Bistrot — le midi en semaine",
            "model_id": env["ir.model"]._get_id("res.partner"),
            "subject": "Le midi en semaine, vos points triplés au Bistrot des Halles",
            "body_html": BODY,
            "email_from": "bonjour@bistrot-halles.example",
        }
    )
    chain = env["fidelite.chain"].create(
        {
            "name": "Le midi en semaine au Bistrot",
            "company_id": company.id,
            "trigger_ids": [Command.create({"kind": "segment"})],
            "segment_id": segment.id,
            "reentry": "once",
            "conversion_days": 30,
        }
    )
    env["fidelite.chain.step"].create(
        {
            "chain_id": chain.id,
            "name": "E-mail : points triplés le midi",
            "action": "email",
            "mail_template_id": template.id,
        }
    )
    chain.action_start()
    launch = datetime.combine(bistro["rule_start"], time(8, 0))
    scheduler.run(env, chains=chain, now=launch)
    # the demo sends no mail: what was sent is shown delivered, about half of it opened
    for number, trace in enumerate(chain.trace_ids.filtered(lambda t: t.state == "sent").sorted("id")):
        if trace.mailing_trace_id:
            trace.mailing_trace_id.set_sent()
            trace.mail_mail_id.sudo().write({"state": "sent"})
            if number % 2 == 0:
                trace.mailing_trace_id.set_opened()
    chain.action_update_results()
    return {"segment": segment, "chain": chain, "template": template}
