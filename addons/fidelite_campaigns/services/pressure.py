"""Consent, opt-outs and the pressure budget, checked for a whole batch of members at once.

- ``reachability``: per member, whether a marketing message on a channel may go (consent,
  blacklists, an address) or the reason it may not;
- ``Budget``: the rolling caps (``fidelite.pressure.rule``) counted from the sent traces in one
  query per rule, then kept up to date in memory while a run hands out messages;
- ``quiet_until``: the end of the quiet hours/days for intrusive channels.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo.tools import SQL

QUIET_CHANNELS = ("sms", "phone")


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
        query = SQL(
            """SELECT p.id, p.fidelite_consent_postal,
                      COALESCE(p.street, '') != '' AND COALESCE(p.zip, '') != ''
                      AND COALESCE(p.city, '') != '' AND p.country_id IS NOT NULL, FALSE
                 FROM res_partner p WHERE p.id = ANY(%s)""",
            ids,
        )
    else:
        return dict.fromkeys(ids)
    result = {}
    for partner_id, consent, has_address, blacklisted in env.execute_query(query):
        if not has_address:
            result[partner_id] = "invalid_address" if channel == "postal" else "no_address"
        elif marketing and blacklisted:
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
            rows = env.execute_query(
                SQL(
                    """SELECT t.partner_id, COUNT(*) FROM fidelite_chain_trace t
                        WHERE t.state = 'sent' AND t.marketing AND t.partner_id = ANY(%(ids)s)
                          AND t.done_at > %(start)s AND %(channel)s
                        GROUP BY t.partner_id""",
                    ids=ids,
                    start=now - timedelta(days=rule.period_days),
                    channel=channel_filter,
                )
            )
            self.used[rule.id] = defaultdict(int, rows)

    def _rules_for(self, channel):
        return [rule for rule in self.rules if rule.channel in ("all", channel)]

    def allows(self, partner_id, channel):
        return all(self.used[rule.id][partner_id] < rule.max_messages for rule in self._rules_for(channel))

    def consume(self, partner_id, channel):
        for rule in self._rules_for(channel):
            self.used[rule.id][partner_id] += 1


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
