"""The orders that make a member's figures: POS orders paid, sales orders confirmed."""

from odoo.tools import SQL

POS_DONE = ("paid", "done", "invoiced")


def orders_sql(env):
    """One row per order of a member: (partner_id, company_id, store_id, day, revenue, revenue_incl, visit)."""
    return SQL(
        """
        SELECT p.commercial_partner_id AS partner_id, o.company_id, o.config_id AS store_id,
               o.date_order::date AS day, o.amount_total - o.amount_tax AS revenue,
               o.amount_total AS revenue_incl, (o.amount_total > 0)::int AS visit
          FROM pos_order o
          JOIN res_partner p ON p.id = o.partner_id
         WHERE o.state IN %(pos_done)s
        UNION ALL
        SELECT p.commercial_partner_id, so.company_id, NULL, so.date_order::date, so.amount_untaxed,
               so.amount_total, (so.amount_total > 0)::int
          FROM sale_order so
          JOIN res_partner p ON p.id = so.partner_id
         WHERE so.state = 'sale'
        """,
        pos_done=POS_DONE,
    )
