"""The orders that make a member's figures: POS orders paid, sales orders confirmed.

The nightly rebuild reads all of them; ``record_order`` reads one, through the same queries,
so both give the same figures.
"""

from odoo.tools import SQL

POS_DONE = ("paid", "done", "invoiced")


def _only(column, ids):
    """No restriction (``ids`` None), or these ids only."""
    if ids is None:
        return SQL()
    return SQL("AND %s IN %s", SQL.identifier(*column.split(".")), tuple(ids) or (0,))


def orders_sql(env, pos_ids=None, sale_ids=None):
    """One row per order: (partner_id, company_id, store_id, day, revenue, revenue_incl, visit)."""
    return SQL(
        """
        SELECT p.commercial_partner_id AS partner_id, o.company_id, o.config_id AS store_id,
               o.date_order::date AS day, o.amount_total - o.amount_tax AS revenue,
               o.amount_total AS revenue_incl, (o.amount_total > 0)::int AS visit
          FROM pos_order o
          JOIN res_partner p ON p.id = o.partner_id
         WHERE o.state IN %(pos_done)s %(pos_only)s
        UNION ALL
        SELECT p.commercial_partner_id, so.company_id, NULL, so.date_order::date, so.amount_untaxed,
               so.amount_total, (so.amount_total > 0)::int
          FROM sale_order so
          JOIN res_partner p ON p.id = so.partner_id
         WHERE so.state = 'sale' %(sale_only)s
        """,
        pos_done=POS_DONE,
        pos_only=_only("o.id", pos_ids),
        sale_only=_only("so.id", sale_ids),
    )


def _sale_margin_sql(env):
    columns = env["sale.order.line"]._fields
    if "purchase_price" in columns and columns["purchase_price"].store:
        return SQL("sl.price_subtotal - sl.purchase_price * sl.product_uom_qty")
    return SQL("0.0")  # without sale_margin, sales orders bring no margin


def lines_sql(env, pos_ids=None, sale_ids=None):
    """Order lines per member and product category: (partner_id, company_id, category_id, revenue, margin, lines)."""
    return SQL(
        """
        SELECT partner_id, company_id, category_id, SUM(revenue) AS revenue, SUM(margin) AS margin,
               SUM(lines) AS lines
          FROM (
            SELECT p.commercial_partner_id AS partner_id, o.company_id, t.categ_id AS category_id,
                   SUM(l.price_subtotal) AS revenue,
                   SUM(CASE WHEN l.is_total_cost_computed THEN l.price_subtotal - l.total_cost ELSE 0 END) AS margin,
                   COUNT(*) AS lines
              FROM pos_order_line l
              JOIN pos_order o ON o.id = l.order_id
              JOIN res_partner p ON p.id = o.partner_id
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template t ON t.id = pp.product_tmpl_id
             WHERE o.state IN %(pos_done)s %(pos_only)s
             GROUP BY 1, 2, 3
            UNION ALL
            SELECT p.commercial_partner_id, so.company_id, t.categ_id, SUM(sl.price_subtotal),
                   SUM(%(sale_margin)s), COUNT(*)
              FROM sale_order_line sl
              JOIN sale_order so ON so.id = sl.order_id
              JOIN res_partner p ON p.id = so.partner_id
              JOIN product_product pp ON pp.id = sl.product_id
              JOIN product_template t ON t.id = pp.product_tmpl_id
             WHERE so.state = 'sale' AND sl.display_type IS NULL %(sale_only)s
             GROUP BY 1, 2, 3
          ) lines
         GROUP BY 1, 2, 3
        """,
        pos_done=POS_DONE,
        pos_only=_only("o.id", pos_ids),
        sale_only=_only("so.id", sale_ids),
        sale_margin=_sale_margin_sql(env),
    )
