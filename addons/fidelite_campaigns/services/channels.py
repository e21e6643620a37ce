"""Carry out a step's action for a batch of traces that passed the checks.

E-mails: rendered from the step's ``mail.template`` and queued as ``mail.mail`` linked to one
``mailing.mailing`` per step run with a ``mailing.trace`` per e-mail, so Odoo's own open pixel,
click redirection and bounce handling record what the member did; the chain traces read it
back (``reports.update_outcomes``). A mailing per run because a mailing never reaches an
address twice. SMS: ``sms.sms`` queued for the company's gateway, the uuid kept on the trace.
Letters: one batch per run with its CSV file and its PDF. Calls: activities. Points and coupons: the
loyalty ledger, with the trace as idempotency key.

Each function returns what it queued for each trace, ``{column: {trace id: value}}`` (the
e-mail, the SMS uuid, the letter batch...), which the step writes on the traces with their
outcome in one UPDATE.
"""

import uuid as uuidlib

from markupsafe import Markup

from odoo import fields
from odoo.tools import SQL, html_escape

from odoo.addons.fidelite_loyalty.services import ledger


def author_env(step):
    """The environment a step's SMS and letter are rendered in: the rights of who wrote them.

    The chain runs as the superuser (cron), so rendering there would let a text read anything
    (``object.env['ir.config_parameter']``, a record raised to the superuser, another company's contacts). Odoo's
    template engine refuses code to a user who is not a template editor, and record rules limit
    what their placeholders read; a text whose author lost the right is refused, not sent.
    """
    author = step.content_user_id or step.write_uid
    return step.env(
        user=author.id, su=False, context={**step.env.context, "allowed_company_ids": author.company_ids.ids}
    )


def render_text(step, text, partner_ids):
    """``text`` (inline template) for each contact: {partner id: str}, rendered as its author."""
    env = author_env(step)
    return env["mail.render.mixin"]._render_template(text or "", "res.partner", partner_ids, engine="inline_template")


def render_sms(step, partner_ids):
    """The SMS body of ``step`` for each contact, from its SMS template or its text, as its author."""
    if step.sms_template_id:
        return step.sms_template_id.with_env(author_env(step))._render_field("body", partner_ids)
    return render_text(step, step.sms_body, partner_ids)


def send_email(step, traces, template=None, extra_body=None):
    env = step.env
    template = template or step.mail_template_id
    partner_ids = traces.partner_id.ids
    rendered = template._generate_template(partner_ids, ["subject", "body_html", "email_from", "reply_to"])
    mailing = (
        env["mailing.mailing"]
        .sudo()
        .create(
            {
                "subject": rendered[partner_ids[0]].get("subject") or step.name,
                "mailing_model_id": env["ir.model"]._get_id("res.partner"),
                "body_html": template.body_html,
                "state": "done",
                "sent_date": fields.Datetime.now(),
                "name": f"{step.chain_id.name} / {step.name} / {fields.Datetime.now()}",
            }
        )
    )
    partners = {p.id: p for p in traces.partner_id}
    vals_list = []
    for trace in traces:
        values = rendered[trace.partner_id.id]
        body = values.get("body_html") or ""
        if extra_body:
            body = Markup(body) + extra_body.get(trace.id, "")  # noqa: S704 (rendered by the template engine)
        partner = partners[trace.partner_id.id]
        vals_list.append(
            {
                "subject": values.get("subject") or step.name,
                "body_html": body,
                "email_from": values.get("email_from") or env.company.email_formatted or env.user.email_formatted,
                "reply_to": values.get("reply_to"),
                "email_to": partner.email_formatted,
                "model": "res.partner",
                "res_id": partner.id,
                "mailing_id": mailing.id,
                "auto_delete": False,
                "mailing_trace_ids": [
                    (
                        0,
                        0,
                        {
                            "trace_type": "mail",
                            "mass_mailing_id": mailing.id,
                            "model": "res.partner",
                            "res_id": partner.id,
                            "email": partner.email_normalized,
                        },
                    )
                ],
            }
        )
    mails = env["mail.mail"].sudo().create(vals_list)
    return {
        "mail_mail_id": dict(zip(traces.ids, mails.ids, strict=True)),
        "mailing_trace_id": {t: m.mailing_trace_ids[:1].id for t, m in zip(traces.ids, mails, strict=True)},
    }


def send_sms(step, traces):
    """Queue one SMS per trace (set-based: the bodies are rendered in batch, the rows inserted at once)."""
    env = step.env
    env.flush_all()
    recipients = env.execute_query(
        SQL(
            """SELECT t.id, t.partner_id, (SELECT p.phone_sanitized FROM res_partner p WHERE p.id = t.partner_id)
                 FROM fidelite_chain_trace t WHERE t.id = ANY(%s) ORDER BY t.id""",
            traces.ids,
        )
    )
    partner_ids = list({partner_id for _trace_id, partner_id, _number in recipients})
    bodies = render_sms(step, partner_ids)
    uuids = {trace_id: uuidlib.uuid4().hex for trace_id, _partner_id, _number in recipients}
    rows = [
        (uuids[trace_id], number, str(bodies[partner_id]), partner_id) for trace_id, partner_id, number in recipients
    ]
    env.cr.execute(
        SQL(
            """INSERT INTO sms_sms (uuid, number, body, partner_id, state, to_delete, fidelite_retries,
                                    create_uid, write_uid, create_date, write_date)
               SELECT v.uuid, v.number, v.body, v.partner_id, 'outgoing', FALSE, 0,
                      %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
                 FROM unnest(%(uuid)s::varchar[], %(number)s::varchar[], %(body)s::text[], %(partner)s::int[])
                      AS v(uuid, number, body, partner_id)""",
            uid=env.uid,
            uuid=[r[0] for r in rows],
            number=[r[1] for r in rows],
            body=[r[2] for r in rows],
            partner=[r[3] for r in rows],
        )
    )
    env["sms.sms"].invalidate_model()
    env.ref("sms.ir_cron_sms_scheduler_action")._trigger()
    return {"sms_uuid": uuids}


def send_postal(step, traces):
    env = step.env
    batch = (
        env["fidelite.postal.batch"]
        .sudo()
        .create(
            {
                "name": f"{step.chain_id.name} - {step.name} - {fields.Date.today()}",
                "step_id": step.id,
                "chain_id": step.chain_id.id,
                "company_id": step.chain_id.company_id.id,
            }
        )
    )
    texts = render_text(step, step.letter_text, traces.partner_id.ids)
    batch._build_files(traces.partner_id, texts)
    return {"postal_batch_id": dict.fromkeys(traces.ids, batch.id)}


def create_calls(step, traces):
    env = step.env
    call_type = env.ref("mail.mail_activity_data_call", raise_if_not_found=False)
    model_id = env["ir.model"]._get_id("res.partner")
    vals_list = []
    for trace in traces:
        partner = trace.partner_id
        user = (
            partner.user_id
            or partner.fidelite_home_store_id.sudo().fidelite_manager_id
            or step.call_user_id
            or step.chain_id.create_uid
        )
        vals_list.append(
            {
                "res_model_id": model_id,
                "res_id": partner.id,
                "activity_type_id": call_type.id if call_type else False,
                "summary": step.name,
                "note": html_escape(step.call_note or ""),
                "user_id": user.id,
                "date_deadline": fields.Date.today(),
                "fidelite_trace_id": trace.id,
            }
        )
    activities = env["mail.activity"].sudo().create(vals_list)
    return {"activity_id": dict(zip(traces.ids, activities.ids, strict=True))}


def send_survey(step, traces):
    """Invite each member to the survey: an answer with its own link, sent by e-mail."""
    links = {}
    answers = {}
    for trace in traces:
        answer = step.survey_id.sudo()._create_answer(partner=trace.partner_id, check_attempts=False)
        answers[trace.id] = answer.id
        url = answer.get_start_url()
        links[trace.id] = Markup('<p><a href="%s">%s</a></p>') % (
            step.survey_id.get_base_url() + url,
            step.survey_id.title,
        )
    template = step.mail_template_id or step.env.ref("fidelite_campaigns.mail_template_survey_invitation")
    return {"survey_answer_id": answers, **send_email(step, traces, template=template, extra_body=links)}


def grant_points(step, traces):
    """Points on the member's loyalty card; return the traces without a card and the movements."""
    env = step.env
    cards = (
        env["loyalty.card"]
        .sudo()
        .search(
            [("partner_id", "in", traces.partner_id.ids), ("program_type", "=", "loyalty"), ("active", "=", True)],
            order="id",
        )
    )
    card_of = {}
    for card in cards:
        card_of.setdefault(card.partner_id.id, card)
    missing = traces.browse()
    moves = {}
    for trace in traces:
        card = card_of.get(trace.partner_id.id)
        if not card:
            missing |= trace
            continue
        moves[trace.id] = ledger.post(
            card,
            step.points,
            "adjust",
            key=f"fidelite_chain_trace:{trace.id}",
            origin="system",
            reason=step.chain_id.name,
        ).id
    return missing, {"points_move_id": moves}


def grant_coupons(step, traces):
    program = step.coupon_program_id.sudo()
    points = min(program.reward_ids.mapped("required_points") or [1]) or 1
    coupons = (
        step.env["loyalty.card"]
        .sudo()
        .with_context(fidelite_reason=step.chain_id.name)
        .create([{"program_id": program.id, "partner_id": trace.partner_id.id, "points": points} for trace in traces])
    )
    return {"coupon_id": dict(zip(traces.ids, coupons.ids, strict=True))}
