"""Scenario 1, marketing side: the chain's monthly newsletter and its SMS operation.

Needs the shops' scenario (``fidelite_loyalty/demo/scenarios/retail.py``) and its segments:
the newsletter segment keeps the mailing list *Lettre des Comptoirs* in sync and the month's
letter waits as a draft; the SMS operation (an invitation to the tasting evenings) is a chain
on the loyal customers' segment, run once: the SMS cap (3 a year) and the consents decide who
receives it.
"""

from datetime import datetime, time, timedelta

from odoo import Command, fields

from ...services import scheduler


def _this_morning():
    """9:00 UTC on the latest day that is not a Sunday: outside the SMS quiet hours and days,
    whatever the time the demo is generated at (otherwise the operation waits for the morning)."""
    day = fields.Date.today()
    while day.weekday() == 6:
        day -= timedelta(days=1)
    return datetime.combine(day, time(9, 0))


def generate(env, now=None):
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True, mail_notrack=True))
    now = now or _this_morning()
    Segment = env["fidelite.segment"]
    newsletter_segment = Segment.search([("name", "=", "Lettre d'information mensuelle")], limit=1)
    sms_segment = Segment.search([("name", "=", "Opération SMS — clients fidèles des Comptoirs")], limit=1)
    mailing_list = env["mailing.list"].create({"name": "Lettre des Comptoirs"})
    newsletter_segment.mailing_list_id = mailing_list
    newsletter_segment.action_sync_mailing_list()
    mailing_list.invalidate_recordset()
    letter = env["mailing.mailing"].create(
        {
            "subject": "La lettre des Comptoirs — les produits du mois",
            "mailing_model_id": env["ir.model"]._get_id("mailing.list"),
            "contact_list_ids": [(6, 0, mailing_list.ids)],
            "body_html": "<p>Bonjour,</p><p>Ce mois-ci aux Comptoirs : les huiles nouvelles, les premiers "
            "calissons et nos soirées dégustation.</p>",
        }
    )
    chain = env["fidelite.chain"].create(
        {
            "name": "Opération SMS — soirées dégustation",
            "trigger_ids": [Command.create({"kind": "segment"})],
            "segment_id": sms_segment.id,
            "reentry": "once",
            "control_share": 10,
            "conversion_days": 30,
        }
    )
    env["fidelite.chain.step"].create(
        {
            "chain_id": chain.id,
            "name": "Invitation par SMS",
            "action": "sms",
            "sms_body": "Comptoirs Armand : soirée dégustation jeudi 18 h, huiles et vins du Languedoc. "
            "Sur présentation de votre carte. STOP au 36111",
        }
    )
    chain.action_start()
    scheduler.run(env, chains=chain, now=now)
    # the demo has no SMS provider: the operation's messages are shown as delivered
    env["sms.sms"].sudo().search([("state", "=", "outgoing"), ("partner_id", "in", sms_segment.member_ids.ids)]).write(
        {"state": "sent"}
    )
    return {"mailing_list": mailing_list, "letter": letter, "chain": chain}
