"""A member's purchases per day (``fidelite.member.day``) and their sums over a window."""

from datetime import timedelta

from odoo import fields
from odoo.tools import SQL


def record_order(order, day=None):
    """Add a paid POS order to its member's day (refunds lower the revenue, count no visit)."""
    if not order.partner_id:
        return
    amount = order.amount_total
    untaxed = order.amount_total - order.amount_tax
    add(
        order.env,
        order.partner_id.commercial_partner_id,
        order.company_id,
        day or order.date_order.date(),
        amount,
        untaxed,
        int(amount > 0),
    )


def add(env, partner, company, day, revenue, revenue_untaxed, visits):
    env["fidelite.member.day"].flush_model()
    env.cr.execute(
        SQL(
            """
            INSERT INTO fidelite_member_day (partner_id, company_id, day, revenue, revenue_untaxed, visits)
            VALUES (%s, %s, %s, %s, %s, %s)
            ON CONFLICT (partner_id, company_id, day) DO UPDATE
               SET revenue = fidelite_member_day.revenue + EXCLUDED.revenue,
                   revenue_untaxed = fidelite_member_day.revenue_untaxed + EXCLUDED.revenue_untaxed,
                   visits = fidelite_member_day.visits + EXCLUDED.visits
            """,
            partner.id,
            company.id,
            day,
            revenue,
            revenue_untaxed,
            visits,
        )
    )
    env["fidelite.member.day"].invalidate_model()


def window(partner, start, end, company=None):
    """Revenue (incl. and excl. tax), visits and average basket of ``partner`` from ``start`` to ``end``."""
    env = partner.env
    env["fidelite.member.day"].flush_model()
    company_filter = SQL("AND company_id = %s", company.id) if company else SQL()
    env.cr.execute(
        SQL(
            """
            SELECT COALESCE(SUM(revenue), 0), COALESCE(SUM(revenue_untaxed), 0), COALESCE(SUM(visits), 0)
              FROM fidelite_member_day
             WHERE partner_id = %s AND day >= %s AND day <= %s %s
            """,
            partner.commercial_partner_id.id,
            fields.Date.to_date(start),
            fields.Date.to_date(end),
            company_filter,
        )
    )
    revenue, untaxed, visits = env.cr.fetchone()
    return {
        "revenue": revenue,
        "revenue_untaxed": untaxed,
        "visits": visits,
        "average_basket": revenue / visits if visits else 0.0,
    }


def windows(partner, end, days_list, company=None):
    """``window`` for several lengths at once (one query): {days: figures} ending on ``end``."""
    days_list = sorted(set(days_list))
    if not days_list:
        return {}
    env = partner.env
    env["fidelite.member.day"].flush_model()
    end = fields.Date.to_date(end)
    starts = [end - timedelta(days=days - 1) for days in days_list]
    sums = SQL(", ").join(
        SQL(
            "COALESCE(SUM(revenue) FILTER (WHERE day >= %(start)s), 0),"
            " COALESCE(SUM(revenue_untaxed) FILTER (WHERE day >= %(start)s), 0),"
            " COALESCE(SUM(visits) FILTER (WHERE day >= %(start)s), 0)",
            start=start,
        )
        for start in starts
    )
    company_filter = SQL("AND company_id = %s", company.id) if company else SQL()
    env.cr.execute(
        SQL(
            "SELECT %s FROM fidelite_member_day WHERE partner_id = %s AND day >= %s AND day <= %s %s",
            sums,
            partner.commercial_partner_id.id,
            min(starts),
            end,
            company_filter,
        )
    )
    row = env.cr.fetchone()
    result = {}
    for index, days in enumerate(days_list):
        revenue, untaxed, visits = row[3 * index : 3 * index + 3]
        result[days] = {
            "revenue": revenue,
            "revenue_untaxed": untaxed,
            "visits": visits,
            "average_basket": revenue / visits if visits else 0.0,
        }
    return result
