"""Consent, opt-outs and the pressure budget, checked for a whole batch of members at once.

- ``reachability``: per member, whether a message on a channel may go (consent for a marketing
  one, blacklists for any, an address) or the reason it may not;
- ``Budget``: the rolling caps (``fidelite.pressure.rule``) counted from the sent chain traces and
  the newsletters sent (Odoo's mailing traces that are no chain's) in one query per rule, then kept
  up to date in memory while a run hands out messages;
- ``quiet_until``: the end of the quiet hours/days for intrusive channels.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo.tools import SQL

QUIET_CHANNELS = ("sms", "phone")
# The mailing traces of a newsletter (a mailing of Odoo's, no chain's) sent on each channel
NEWSLETTER_TRACES = {"email": "mail", "sms": "sms"}


def reachability(env, partner_ids, channel, marketing=True):
    """{partner_id: skip reason or None} for a message on ``channel``."""
    if not partner_ids:
        return {}
    env.flush_all()
    ids = list(partner_ids)
    if channel == "email":
        query = SQL(
            """SELECT p.id, p.fidelite_consent_email, p.email_normalized IS NOT NULL AND p.email_normalized != '',
                      EXISTS(SELECT 1 FROM mail_blacklist b WHERE b.active AND b.email = p.email_normalized)
                 FROM res_partner p WHERE p.id = ANY(%s)""",
            ids,
        )
    elif channel in ("sms", "phone"):
        query = SQL(
            """SELECT p.id, p.fidelite_consent_{0}, p.phone_sanitized IS NOT NULL AND p.phone_sanitized != '',
                      EXISTS(SELECT 1 FROM phone_blacklist b WHERE b.active AND b.number = p.phone_sanitized)
                 FROM res_partner p WHERE p.id = ANY(%s)""".replace("{0}", channel),
            ids,
        )
    elif channel == "postal":
        # A deliverable address: street, city and country, the postcode and the state where the
        # country uses them, and a postcode with digits where it has one
        query = SQL(
            """SELECT p.id, p.fidelite_consent_postal,
                      COALESCE(TRIM(p.street), '') != '' AND COALESCE(TRIM(p.city), '') != ''
                      AND c.id IS NOT NULL
                      AND (COALESCE(TRIM(p.zip), '') != '' OR NOT COALESCE(c.zip_required, TRUE))
                      AND (COALESCE(TRIM(p.zip), '') = '' OR p.zip ~ '[0-9]')
                      AND (p.state_id IS NOT NULL OR NOT COALESCE(c.state_required, FALSE)), FALSE
                 FROM res_partner p LEFT JOIN res_country c ON c.id = p.country_id
                WHERE p.id = ANY(%s)""",
            ids,
        )
    else:
        return dict.fromkeys(ids)
    result = {}
    for partner_id, consent, has_address, blacklisted in env.execute_query(query):
        if not has_address:
            result[partner_id] = "invalid_address" if channel == "postal" else "no_address"
        elif blacklisted:  # even a service message (transactional chain) spares a blacklisted address
            result[partner_id] = "blacklisted"
        elif marketing and not consent:
            result[partner_id] = "no_consent"
        else:
            result[partner_id] = None
    return result


class Budget:
    """The members' remaining marketing messages under the company's caps, for one run."""

    def __init__(self, env, company, now, partner_ids):
        self.rules = env["fidelite.pressure.rule"].sudo().search([("company_id", "=", company.id)])
        self.used = {}  # rule id -> {partner_id: count}
        ids = list(partner_ids)
        env.flush_all()
        for rule in self.rules:
            channel_filter = SQL("TRUE") if rule.channel == "all" else SQL("t.channel = %s", rule.channel)
            trace_types = [t for channel, t in NEWSLETTER_TRACES.items() if rule.channel in ("all", channel)]
            rows = env.execute_query(
                SQL(
                    """SELECT partner_id, COUNT(*) FROM (
                           SELECT t.partner_id FROM fidelite_chain_trace t
                            WHERE t.state = 'sent' AND t.marketing AND t.partner_id = ANY(%(ids)s)
                              AND t.done_at > %(start)s AND %(channel)s
                           UNION ALL
                           SELECT p.id FROM res_partner p
                             JOIN mailing_trace m ON m.trace_type = 'mail' AND m.email = p.email_normalized
                            WHERE p.id = ANY(%(ids)s) AND 'mail' = ANY(%(types)s) AND %(newsletter)s
                           UNION ALL
                           SELECT p.id FROM res_partner p
                             JOIN mailing_trace m ON m.trace_type = 'sms' AND m.sms_number = p.phone_sanitized
                            WHERE p.id = ANY(%(ids)s) AND 'sms' = ANY(%(types)s) AND %(newsletter)s
                       ) sends GROUP BY partner_id""",
                    ids=ids,
                    start=now - timedelta(days=rule.period_days),
                    channel=channel_filter,
                    types=trace_types,
                    newsletter=SQL(
                        """m.create_date > %s AND m.trace_status NOT IN ('cancel', 'error', 'bounce')
                           AND NOT EXISTS (SELECT 1 FROM fidelite_chain_trace c WHERE c.mailing_trace_id = m.id)""",
                        now - timedelta(days=rule.period_days),
                    ),
                )
            )
            self.used[rule.id] = defaultdict(int, rows)
        self._caps = {}  # channel -> [(max messages, {partner_id: used})]

    def _caps_for(self, channel):
        if channel not in self._caps:
            self._caps[channel] = [
                (rule.max_messages, self.used[rule.id]) for rule in self.rules if rule.channel in ("all", channel)
            ]
        return self._caps[channel]

    def allows(self, partner_id, channel):
        return all(used[partner_id] < cap for cap, used in self._caps_for(channel))

    def consume(self, partner_id, channel):
        for _cap, used in self._caps_for(channel):
            used[partner_id] += 1


def quiet_until(company, channel, now):
    """When a message on ``channel`` may go if ``now`` (UTC) is in the quiet hours, else None."""
    if channel not in QUIET_CHANNELS:
        return None
    tz = pytz.timezone(company.partner_id.tz or "UTC")
    local = pytz.utc.localize(now).astimezone(tz)
    start, end = company.fidelite_quiet_start, company.fidelite_quiet_end
    hour = local.hour + local.minute / 60

    def quiet(moment, hour):
        if company.fidelite_quiet_sunday and moment.weekday() == 6:
            return True
        if start == end:
            return False
        if start > end:  # over midnight, e.g. 20:00 to 09:00
            return hour >= start or hour < end
        return start <= hour < end

    if not quiet(local, hour):
        return None
    # Walk to the next opening: the end of the quiet hours, on a day that is not quiet
    day = local.date() if hour < end else local.date() + timedelta(days=1)
    for _attempt in range(8):
        opening = tz.localize(datetime.combine(day, time(int(end), round((end % 1) * 60))))
        if not quiet(opening, end):
            return opening.astimezone(pytz.utc).replace(tzinfo=None)
        day += timedelta(days=1)
    return None
