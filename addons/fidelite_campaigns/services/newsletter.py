"""Keep a newsletter's mailing list equal to a segment's members who accept e-mails."""

from odoo.tools import SQL


def sync(segment):
    """Add the segment's reachable members to its list, unsubscribe those who left; return (added, removed)."""
    env = segment.env
    mailing_list = segment.mailing_list_id.sudo()
    env.flush_all()
    wanted = {
        email: (partner_id, name)
        for partner_id, name, email in env.execute_query(
            SQL(
                """SELECT p.id, p.name, p.email_normalized FROM res_partner p
                     JOIN fidelite_segment_member_rel r ON r.partner_id = p.id AND r.segment_id = %s
                    WHERE p.active AND p.fidelite_consent_email AND COALESCE(p.email_normalized, '') != ''""",
                segment.id,
            )
        )
    }
    subscriptions = mailing_list.subscription_ids
    current = {sub.contact_id.email_normalized: sub for sub in subscriptions}
    Contact = env["mailing.contact"].sudo()
    added = 0
    for email, (_partner_id, name) in wanted.items():
        sub = current.get(email)
        if sub:
            if sub.opt_out and not sub.opt_out_reason_id:
                sub.opt_out = False
            continue
        contact = Contact.search([("email_normalized", "=", email)], limit=1) or Contact.create(
            {"name": name, "email": email}
        )
        env["mailing.subscription"].sudo().create({"contact_id": contact.id, "list_id": mailing_list.id})
        added += 1
    leaving = subscriptions.filtered(lambda sub: sub.contact_id.email_normalized not in wanted)
    leaving.unlink()
    return added, len(leaving)
