"""Who enters a chain: each trigger selects its entrants with one query, with an entry key.

The key names the event (``bday:2026``, ``tier:<history id>``...): a member enters a chain once
per key, so running the selection again (a cron re-run, a late run catching up) adds nobody.
The re-entry policy and the chain's target are applied afterwards, also in SQL.
"""

from datetime import timedelta

from odoo.tools import SQL

from odoo.addons.fidelite_loyalty.services import birthdays

from .purchases import POS_DONE, purchases_sql


def _since(chain, now):
    """Events after the chain's last entry run (or the day before the first one)."""
    return chain.last_entry_run or (now - timedelta(days=1))


def _date_trigger(chain, now):  # noqa: PLR0911 (one query per trigger)
    today = now.date()
    company = chain.company_id.id
    days = chain.trigger_days
    match chain.trigger:
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
            if not chain.trigger_date or chain.trigger_date > today:
                return None
            return SQL("SELECT p.id, %(key)s FROM res_partner p", key=f"date:{chain.trigger_date}")
    return None


def _event_trigger(chain, now):
    since = _since(chain, now)
    match chain.trigger:
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
                categ=chain.trigger_category_id.id,
                path=f"{chain.trigger_category_id.parent_path}%",
            )
        case "tier_up" | "tier_down":
            return SQL(
                """SELECT h.partner_id, 'tier:' || h.id FROM fidelite_tier_history h
                    WHERE h.partner_id IS NOT NULL AND h.change = %(change)s
                      AND h.date > %(since)s AND h.date <= %(now)s""",
                change="upgrade" if chain.trigger == "tier_up" else "downgrade",
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
    return None


def entrants(chain, now):
    """[(partner_id, entry_key)] of the members entering ``chain`` at ``now``, policy applied."""
    env = chain.env
    query = _date_trigger(chain, now) or _event_trigger(chain, now)
    if query is None:
        return []
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
