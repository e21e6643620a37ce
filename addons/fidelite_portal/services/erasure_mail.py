"""The member's traces in Odoo's messaging, erased: chatter, tracking, e-mails, SMS, blacklists.

Messages on the member's own records (their contact, cards, erasure requests) and the ones they
wrote anywhere keep their date and type but lose their text, author and tracked values; the
e-mails and SMS queued or sent to them are deleted, and so are their followers, notifications,
activities and their addresses in the blacklists. Models of addons that may not be installed
(SMS, mass mailing) are looked up in the registry.
"""

from odoo.fields import Domain


def _records_domain(model, ids):
    return Domain("model", "=", model) & Domain("res_id", "in", ids)


def erase(partner, records, identity, label):
    """``records``: {model name: ids} of the member's records; ``identity``: the strings that
    identify them (name, e-mail, phone numbers, card codes); ``label``: the text left in place."""
    env = partner.env
    emails = [value for value in identity["emails"] if value]
    phones = [value for value in identity["phones"] if value]
    on_records = Domain.OR(_records_domain(model, ids) for model, ids in records.items() if ids)

    mails = env["mail.mail"].search(
        Domain("recipient_ids", "in", partner.ids)
        | on_records
        | Domain.OR(Domain("email_to", "ilike", email) for email in emails)
    )
    mails.unlink()

    messages = env["mail.message"].search(
        on_records | Domain("author_id", "=", partner.id) | Domain("partner_ids", "in", partner.ids)
    )
    messages.tracking_value_ids.unlink()
    messages.attachment_ids.unlink()
    messages.write(
        {
            "body": label,
            "subject": False,
            "email_from": False,
            "reply_to": False,
            "record_name": False,
            "author_id": False,
            "partner_ids": [(5, 0, 0)],
        }
    )
    env["mail.notification"].search([("res_partner_id", "=", partner.id)]).unlink()
    env["mail.followers"].search([("partner_id", "=", partner.id)]).unlink()
    env["mail.activity"].search(
        Domain.OR(
            Domain("res_model", "=", model) & Domain("res_id", "in", ids)
            for model, ids in records.items()
            if ids and model != "fidelite.erasure.request"  # the managers' task: marked done by the approval
        )
    ).unlink()

    env["mail.blacklist"].with_context(active_test=False).search([("email", "in", emails)]).unlink()
    if "phone.blacklist" in env and phones:
        env["phone.blacklist"].with_context(active_test=False).search([("number", "in", phones)]).unlink()
    if "sms.sms" in env:
        env["sms.sms"].search(Domain("partner_id", "=", partner.id) | Domain("number", "in", phones)).unlink()
    if "mailing.trace" in env:
        traces = env["mailing.trace"].search(
            _records_domain("res.partner", partner.ids) | Domain("email", "in", emails)
        )
        values = {"email": False}
        if "sms_number" in traces._fields:
            values["sms_number"] = False
        traces.write(values)
