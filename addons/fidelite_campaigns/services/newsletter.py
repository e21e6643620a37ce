"""The newsletters follow the members' consent (``fidelite.consent``), never the other way round.

- ``sync``: a segment's mailing list gets the members whose e-mail consent is given and whose
  address is not blacklisted; a member whose consent is not given is opted out (a mirror of the
  consent, which records nothing); an opted-out subscription is opted in again only when the
  member's consent is given again, after the opt-out (by the member, or by a back-office user with its
  proof: the consent model refuses any other), so no job turns a withdrawal into a subscription;
- ``reachable_recipients``: when a newsletter goes, the members without consent, blacklisted or over
  their pressure budget are left out, and the others' newsletter counts in the budget.
"""

from collections import defaultdict

from odoo import fields
from odoo.tools import SQL

from . import pressure


def sync(segment):
    """Mirror the segment's members' e-mail consent on its list; return (added, removed or opted out)."""
    env = segment.env
    mailing_list = segment.mailing_list_id  # the segment carries the rights its entry point raised
    env.flush_all()
    # Per address (members may share one): whether every member using it may receive the newsletter,
    # and when the last of them gave their consent
    members = {}
    for name, email, allowed, granted_at in env.execute_query(
        SQL(
            """SELECT MIN(p.name), p.email_normalized,
                      BOOL_AND(p.fidelite_consent_email) AND NOT EXISTS (
                          SELECT 1 FROM mail_blacklist b WHERE b.active AND b.email = p.email_normalized),
                      MIN((SELECT MAX(c.date) FROM fidelite_consent c
                            WHERE c.partner_id = p.id AND c.channel = 'email' AND c.granted))
                 FROM res_partner p
                 JOIN fidelite_segment_member_rel r ON r.partner_id = p.id AND r.segment_id = %s
                WHERE p.active AND COALESCE(p.email_normalized, '') != ''
                GROUP BY p.email_normalized""",
            segment.id,
        )
    ):
        members[email] = (name, allowed, granted_at)
    Subscription = env["mailing.subscription"]
    subscriptions = mailing_list.subscription_ids
    current = {sub.contact_id.email_normalized: sub for sub in subscriptions}
    Contact = env["mailing.contact"]
    added = 0
    opt_in, opt_out = Subscription, Subscription
    for email, (name, allowed, granted_at) in members.items():
        sub = current.get(email)
        if not allowed:
            if sub and not sub.opt_out:
                opt_out |= sub
            continue
        if sub:
            # An opt-out stands until the member gives their consent again, after it
            # (every opt-out records a withdrawal, so a consent given now came after it; the dates
            # keep an opt-out older than this rule unless a consent was given since)
            # (consents are dated to the second, Odoo's opt-outs to the microsecond of their transaction)
            opted_out_at = sub.opt_out_datetime and sub.opt_out_datetime.replace(microsecond=0)
            if sub.opt_out and granted_at and opted_out_at and granted_at >= opted_out_at:
                opt_in |= sub
            continue
        contact = Contact.search([("email_normalized", "=", email)], limit=1) or Contact.create(
            {"name": name, "email": email}
        )
        Subscription.create({"contact_id": contact.id, "list_id": mailing_list.id})
        added += 1
    opt_out.with_context(fidelite_consent_mirror=True).write({"opt_out": True})
    opt_in.write({"opt_out": False, "opt_out_reason_id": False})
    # Members who left the segment leave the list; an opt-out stays, as the list's memory of it
    leaving = subscriptions.filtered(lambda sub: not sub.opt_out and sub.contact_id.email_normalized not in members)
    leaving.unlink()
    return added, len(leaving) + len(opt_out)


def reachable_recipients(mailing, res_ids):
    """``res_ids`` (a mailing's recipients) less the members it may not reach; the others use their budget."""
    model = mailing.mailing_model_real
    if not res_ids or model not in ("mailing.contact", "res.partner"):
        return res_ids
    env = mailing.env
    channel = "sms" if mailing.mailing_type == "sms" else "email"
    env.flush_all()
    if model == "res.partner":
        query = SQL(
            "SELECT p.id, p.id, p.company_id FROM res_partner p WHERE p.id = ANY(%s) AND p.fidelite_is_member",
            list(res_ids),
        )
    else:
        column = "email_normalized" if channel == "email" else "phone_sanitized"
        query = SQL(
            """SELECT c.id, p.id, p.company_id FROM mailing_contact c
                 JOIN res_partner p ON %(partner_column)s = %(contact_column)s AND p.active AND p.fidelite_is_member
                WHERE c.id = ANY(%(ids)s)""",
            partner_column=SQL.identifier("p", column),
            contact_column=SQL.identifier("c", column),
            ids=list(res_ids),
        )
    members = defaultdict(list)  # recipient id -> [(member id, company id)]
    for res_id, partner_id, company_id in env.execute_query(query):
        members[res_id].append((partner_id, company_id))
    if not members:
        return res_ids
    partner_ids = {partner_id for rows in members.values() for partner_id, _company_id in rows}
    reach = pressure.reachability(env, partner_ids, channel)
    now = fields.Datetime.now()
    budgets = {}

    def budget(company_id):
        if company_id not in budgets:
            company = env["res.company"].browse(company_id) if company_id else env.company
            budgets[company_id] = pressure.Budget(env, company, now, partner_ids)
        return budgets[company_id]

    kept = []
    for res_id in res_ids:
        rows = members.get(res_id)
        if rows and (
            any(reach.get(partner_id) for partner_id, _company in rows)
            or not all(budget(company).allows(partner_id, channel) for partner_id, company in rows)
        ):
            continue
        for partner_id, company in rows or ():
            budget(company).consume(partner_id, channel)
        kept.append(res_id)
    return kept
