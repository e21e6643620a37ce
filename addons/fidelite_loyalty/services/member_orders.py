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


def _union(env, pos_ids, sale_ids, pos_branch, sale_branch):
    """The POS and sales branches of a query; a branch given no ids at all is left out."""
    branches = []
    if pos_ids is None or pos_ids:
        branches.append(SQL(pos_branch, pos_done=POS_DONE, only=_only("o.id", pos_ids), **_extra(env)))
    if sale_ids is None or sale_ids:
        branches.append(SQL(sale_branch, only=_only("so.id", sale_ids), **_extra(env)))
    return SQL(" UNION ALL ").join(branches) if branches else None


def _extra(env):
    return {"sale_margin": _sale_margin_sql(env)}


def orders_sql(env, pos_ids=None, sale_ids=None):
    """One row per order: (partner_id, company_id, store_id, day, revenue, revenue_incl, visit)."""
    return _union(
        env,
        pos_ids,
        sale_ids,
        """
        SELECT p.commercial_partner_id AS partner_id, o.company_id, o.config_id AS store_id,
               o.date_order::date AS day, o.amount_total - o.amount_tax AS revenue,
               o.amount_total AS revenue_incl, (o.amount_total > 0)::int AS visit
          FROM pos_order o
          JOIN res_partner p ON p.id = o.partner_id
         WHERE o.state IN %(pos_done)s %(only)s
        """,
        """
        SELECT p.commercial_partner_id AS partner_id, so.company_id, NULL::int AS store_id,
               so.date_order::date AS day, so.amount_untaxed AS revenue, so.amount_total AS revenue_incl,
               (so.amount_total > 0)::int AS visit
          FROM sale_order so
          JOIN res_partner p ON p.id = so.partner_id
         WHERE so.state = 'sale' %(only)s
        """,
    )


def _sale_margin_sql(env):
    columns = env["sale.order.line"]._fields
    if "purchase_price" in columns and columns["purchase_price"].store:
        return SQL("sl.price_subtotal - sl.purchase_price * sl.product_uom_qty")
    return SQL("0.0")  # without sale_margin, sales orders bring no margin


def lines_sql(env, pos_ids=None, sale_ids=None):
    """Order lines per member and category: (partner_id, company_id, category_id, revenue, margin, lines)."""
    union = _union(
        env,
        pos_ids,
        sale_ids,
        """
        SELECT p.commercial_partner_id AS partner_id, o.company_id, t.categ_id AS category_id,
               SUM(l.price_subtotal) AS revenue,
               SUM(CASE WHEN l.is_total_cost_computed THEN l.price_subtotal - l.total_cost ELSE 0 END) AS margin,
               COUNT(*) AS lines
          FROM pos_order_line l
          JOIN pos_order o ON o.id = l.order_id
          JOIN res_partner p ON p.id = o.partner_id
          JOIN product_product pp ON pp.id = l.product_id
          JOIN product_template t ON t.id = pp.product_tmpl_id
         WHERE o.state IN %(pos_done)s %(only)s
         GROUP BY 1, 2, 3
        """,
        """
        SELECT p.commercial_partner_id AS partner_id, so.company_id, t.categ_id AS category_id,
               SUM(sl.price_subtotal) AS revenue, SUM(%(sale_margin)s) AS margin, COUNT(*) AS lines
          FROM sale_order_line sl
          JOIN sale_order so ON so.id = sl.order_id
          JOIN res_partner p ON p.id = so.partner_id
          JOIN product_product pp ON pp.id = sl.product_id
          JOIN product_template t ON t.id = pp.product_tmpl_id
         WHERE so.state = 'sale' AND sl.display_type IS NULL %(only)s
         GROUP BY 1, 2, 3
        """,
    )
    return SQL(
        """
        SELECT partner_id, company_id, category_id, SUM(revenue) AS revenue, SUM(margin) AS margin,
               SUM(lines) AS lines
          FROM (%s) lines
         GROUP BY 1, 2, 3
        """,
        union,
    )
