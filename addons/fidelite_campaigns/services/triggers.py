"""Who enters a chain: each of its triggers selects its entrants with one query, with an entry key.

The key names the event (``bday:2026``, ``tier:<history id>``...): a member enters a chain once
per key, so running the selection again (a cron re-run, a late run catching up) adds nobody.
A chain's triggers are united in one query (a member brought in by two triggers at once enters
once); the re-entry policy and the chain's target are applied afterwards, also in SQL.
"""

from datetime import timedelta

from odoo.tools import SQL

from odoo.addons.fidelite_loyalty.services import birthdays

from .purchases import POS_DONE, purchases_sql


def _since(chain, now):
    """Events after the chain's last entry run (or the day before the first one)."""
    return chain.last_entry_run or (now - timedelta(days=1))


def _date_trigger(trigger, now):  # noqa: PLR0911 (one query per trigger)
    today = now.date()
    company = trigger.chain_id.company_id.id
    days = trigger.days
    match trigger.kind:
        case "segment":
            return SQL("SELECT p.id, 'member' FROM res_partner p WHERE p.fidelite_is_member")
        case "birthday":
            return SQL(
                "SELECT p.id, %(key)s FROM res_partner p WHERE p.fidelite_birthday_key IN %(keys)s",
                key=f"bday:{today.year}",
                keys=tuple(birthdays.keys_for(today)),
            )
        case "dependant_birthday":
            return SQL(
                """SELECT d.partner_id, 'dep:' || d.id || ':' || %(year)s FROM fidelite_dependant d
                    WHERE d.birthday_key IN %(keys)s""",
                year=str(today.year),
                keys=tuple(birthdays.keys_for(today)),
            )
        case "anniversary":
            return SQL(
                """SELECT p.id, %(key)s FROM res_partner p
                    WHERE p.fidelite_member_since < %(today)s
                      AND EXTRACT(MONTH FROM p.fidelite_member_since) = %(month)s
                      AND EXTRACT(DAY FROM p.fidelite_member_since) = %(day)s""",
                key=f"anniv:{today.year}",
                today=today,
                month=today.month,
                day=today.day,
            )
        case "last_visit":
            return SQL(
                """SELECT k.partner_id, 'visit:' || k.last_visit FROM fidelite_member_kpi k
                    WHERE k.company_id = %(company)s AND k.last_visit = %(day)s""",
                company=company,
                day=today - timedelta(days=days),
            )
        case "no_purchase":
            return SQL(
                """SELECT k.partner_id, 'idle:' || k.last_visit FROM fidelite_member_kpi k
                    WHERE k.company_id = %(company)s AND k.last_visit <= %(day)s""",
                company=company,
                day=today - timedelta(days=days),
            )
        case "points_expiry":
            return SQL(
                """SELECT c.partner_id, 'expiry:' || c.fidelite_next_expiry FROM loyalty_card c
                    WHERE c.partner_id IS NOT NULL AND c.points > 0 AND c.active
                      AND c.fidelite_next_expiry = %(day)s""",
                day=today + timedelta(days=days),
            )
        case "fixed_date":
            if not trigger.date or trigger.date > today:
                return None
            return SQL("SELECT p.id, %(key)s FROM res_partner p", key=f"date:{trigger.date}")
    return None


def _event_trigger(trigger, now):  # noqa: PLR0911 (one query per trigger)
    since = _since(trigger.chain_id, now)
    match trigger.kind:
        case "enrolment":
            return SQL(
                """SELECT p.id, 'enrol' FROM res_partner p
                    WHERE p.fidelite_is_member AND p.fidelite_member_since >= %(since)s""",
                since=since.date(),
            )
        case "first_purchase":
            return SQL(
                """SELECT b.partner_id, 'first' FROM (%(purchases)s) b GROUP BY b.partner_id
                   HAVING MIN(b.at) > %(since)s AND MIN(b.at) <= %(now)s""",
                purchases=purchases_sql(),
                since=since,
                now=now,
            )
        case "category_purchase":
            return SQL(
                """SELECT DISTINCT p.commercial_partner_id, 'pos:' || o.id FROM pos_order o
                     JOIN res_partner p ON p.id = o.partner_id
                     JOIN pos_order_line l ON l.order_id = o.id
                     JOIN product_product pp ON pp.id = l.product_id
                     JOIN product_template pt ON pt.id = pp.product_tmpl_id
                     JOIN product_category pc ON pc.id = pt.categ_id
                    WHERE o.state IN %(done)s AND o.date_order > %(since)s AND o.date_order <= %(now)s
                      AND (pc.id = %(categ)s OR pc.parent_path LIKE %(path)s)""",
                done=POS_DONE,
                since=since,
                now=now,
                categ=trigger.category_id.id,
                path=f"{trigger.category_id.parent_path}%",
            )
        case "tier_up" | "tier_down":
            return SQL(
                """SELECT h.partner_id, 'tier:' || h.id FROM fidelite_tier_history h
                    WHERE h.partner_id IS NOT NULL AND h.change = %(change)s
                      AND h.date > %(since)s AND h.date <= %(now)s""",
                change="upgrade" if trigger.kind == "tier_up" else "downgrade",
                since=since,
                now=now,
            )
        case "reward_redeemed":
            return SQL(
                """SELECT r.partner_id, 'reward:' || r.id FROM fidelite_reward_redemption r
                    WHERE r.partner_id IS NOT NULL AND r.state != 'cancelled'
                      AND r.date > %(since)s AND r.date <= %(now)s""",
                since=since,
                now=now,
            )
        case "gift_card_low":
            # A spend that took a gift card from the threshold or above to under it; the member is
            # the customer of the order that spent it, else the card's holder
            return SQL(
                """SELECT COALESCE(op.commercial_partner_id, cp.commercial_partner_id), 'giftcard:' || m.id
                     FROM fidelite_points_move m
                     JOIN loyalty_program g ON g.id = m.program_id AND g.program_type = 'gift_card'
                     JOIN loyalty_card c ON c.id = m.card_id
                     LEFT JOIN res_partner cp ON cp.id = c.partner_id
                     LEFT JOIN pos_order o ON o.id = m.pos_order_id
                     LEFT JOIN res_partner op ON op.id = o.partner_id
                    WHERE m.points < 0 AND m.move_type != 'reversal'
                      AND m.balance_after < %(amount)s AND m.balance_after - m.points >= %(amount)s
                      AND m.date > %(since)s AND m.date <= %(now)s
                      AND COALESCE(op.commercial_partner_id, cp.commercial_partner_id) IS NOT NULL""",
                amount=trigger.amount,
                since=since,
                now=now,
            )
        case "survey_answered":
            survey = SQL("a.survey_id = %s", trigger.survey_id.id) if trigger.survey_id else SQL("TRUE")
            return SQL(
                """SELECT p.commercial_partner_id, 'survey:' || a.id FROM survey_user_input a
                     JOIN res_partner p ON p.id = a.partner_id
                    WHERE a.state = 'done' AND NOT COALESCE(a.test_entry, FALSE) AND %(survey)s
                      AND a.end_datetime > %(since)s AND a.end_datetime <= %(now)s""",
                survey=survey,
                since=since,
                now=now,
            )
    return None


def trigger_query(trigger, now):
    """The query giving (partner_id, entry_key) of the members ``trigger`` brings in at ``now``, or None."""
    return _date_trigger(trigger, now) or _event_trigger(trigger, now)


def entrants(chain, now):
    """[(partner_id, entry_key)] of the members entering ``chain`` at ``now``, policy applied."""
    env = chain.env
    queries = [query for query in (trigger_query(trigger, now) for trigger in chain.trigger_ids) if query]
    if not queries:
        return []
    query = SQL(" UNION ALL ").join(SQL("(%s)", query) for query in queries)
    target = env["res.partner"].with_context(active_test=True)._search(chain._target_domain())
    reentry = {
        "once": SQL("TRUE"),
        "yearly": SQL("e.entered_at > %s", now - timedelta(days=365)),
        "always": SQL("e.state = 'running'"),
    }[chain.reentry]
    env.flush_all()
    env.cr.execute(
        SQL(
            """
            SELECT DISTINCT ON (c.partner_id) c.partner_id, c.entry_key
              FROM (%(query)s) AS c(partner_id, entry_key)
             WHERE c.partner_id IN (%(target)s)
               AND NOT EXISTS (SELECT 1 FROM fidelite_chain_participant e
                                WHERE e.chain_id = %(chain)s AND e.partner_id = c.partner_id
                                  AND (e.entry_key = c.entry_key OR %(reentry)s))
             ORDER BY c.partner_id, c.entry_key
            """,
            query=query,
            target=target.subselect(),
            chain=chain.id,
            reentry=reentry,
        )
    )
    return env.cr.fetchall()
