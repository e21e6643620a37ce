"""The orders that make a member's figures: POS orders paid, sales orders confirmed, and
(where the company counts them) posted customer invoices and credit notes that come from
neither a POS order nor a sales order (those are counted through their order already).

The deep rebuild reads all of them; ``record_order`` reads one, through the same queries,
so both give the same figures.
"""

from odoo.tools import SQL

POS_DONE = ("paid", "done", "invoiced")


def _only(column, ids):
    """No restriction (``ids`` None), these ids only, or those of an array parameter (an ``SQL``)."""
    if ids is None:
        return SQL()
    if isinstance(ids, SQL):
        return SQL("AND %s = ANY(%s)", SQL.identifier(*column.split(".")), ids)
    return SQL("AND %s IN %s", SQL.identifier(*column.split(".")), tuple(ids) or (0,))


def _union(env, branches):
    """The branches of a query, ``(ids, id column, SQL)`` each; a branch given no ids at all is left out."""
    parts = [
        SQL(
            branch,
            pos_done=POS_DONE,
            only=_only(column, ids),
            invoices=SQL(INVOICES, only=_only(column, ids)),
            **_extra(env),
        )
        for ids, column, branch in branches
        if ids is None or ids
    ]
    return SQL(" UNION ALL ").join(parts) if parts else None


# invoices counted: posted, of a company that counts them, from no POS order and no sales order
INVOICES = """
      JOIN res_company ic ON ic.id = m.company_id AND ic.fidelite_kpi_invoices
     WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund') %(only)s
       AND NOT EXISTS (SELECT 1 FROM pos_order po WHERE po.account_move = m.id)
       AND NOT EXISTS (SELECT 1 FROM account_move_line il
                         JOIN sale_order_line_invoice_rel sr ON sr.invoice_line_id = il.id
                        WHERE il.move_id = m.id)
"""


def _extra(env):
    return {"sale_margin": _sale_margin_sql(env)}


def orders_sql(env, pos_ids=None, sale_ids=None, invoice_ids=None):
    """One row per order: (partner_id, company_id, store_id, day, revenue, revenue_incl, visit)."""
    return _union(
        env,
        [
            (
                pos_ids,
                "o.id",
                """
        SELECT p.commercial_partner_id AS partner_id, o.company_id, o.config_id AS store_id,
               o.date_order::date AS day, (o.amount_total - o.amount_tax)::float8 AS revenue,
               o.amount_total::float8 AS revenue_incl, (o.amount_total > 0)::int AS visit
          FROM pos_order o
          JOIN res_partner p ON p.id = o.partner_id
         WHERE o.state IN %(pos_done)s %(only)s
        """,
            ),
            (
                sale_ids,
                "so.id",
                """
        SELECT p.commercial_partner_id AS partner_id, so.company_id, NULL::int AS store_id,
               so.date_order::date AS day, so.amount_untaxed::float8 AS revenue,
               so.amount_total::float8 AS revenue_incl, (so.amount_total > 0)::int AS visit
          FROM sale_order so
          JOIN res_partner p ON p.id = so.partner_id
         WHERE so.state = 'sale' %(only)s
        """,
            ),
            (
                invoice_ids,
                "m.id",
                """
        SELECT p.commercial_partner_id AS partner_id, m.company_id, NULL::int AS store_id,
               m.invoice_date AS day, m.amount_untaxed_signed::float8 AS revenue,
               m.amount_total_signed::float8 AS revenue_incl,
               (m.move_type = 'out_invoice' AND m.amount_total_signed > 0)::int AS visit
          FROM account_move m
          JOIN res_partner p ON p.id = m.partner_id
        %(invoices)s
        """,
            ),
        ],
    )


def _sale_margin_sql(env):
    columns = env["sale.order.line"]._fields
    if "purchase_price" in columns and columns["purchase_price"].store:
        return SQL("sl.price_subtotal - sl.purchase_price * sl.product_uom_qty")
    return SQL("0.0")  # without sale_margin, sales orders bring no margin


def lines_sql(env, pos_ids=None, sale_ids=None, invoice_ids=None):
    """Order lines per member and category: (partner_id, company_id, category_id, revenue, margin, lines)."""
    union = _union(
        env,
        [
            (
                pos_ids,
                "o.id",
                """
        SELECT p.commercial_partner_id AS partner_id, o.company_id, t.categ_id AS category_id,
               SUM(l.price_subtotal::float8) AS revenue,
               SUM(CASE WHEN l.is_total_cost_computed THEN (l.price_subtotal - l.total_cost)::float8 ELSE 0 END)
                   AS margin,
               COUNT(*) AS lines
          FROM pos_order_line l
          JOIN pos_order o ON o.id = l.order_id
          JOIN res_partner p ON p.id = o.partner_id
          JOIN product_product pp ON pp.id = l.product_id
          JOIN product_template t ON t.id = pp.product_tmpl_id
         WHERE o.state IN %(pos_done)s %(only)s
         GROUP BY 1, 2, 3
        """,
            ),
            (
                sale_ids,
                "so.id",
                """
        SELECT p.commercial_partner_id AS partner_id, so.company_id, t.categ_id AS category_id,
               SUM(sl.price_subtotal::float8) AS revenue, SUM((%(sale_margin)s)::float8) AS margin,
               COUNT(*) AS lines
          FROM sale_order_line sl
          JOIN sale_order so ON so.id = sl.order_id
          JOIN res_partner p ON p.id = so.partner_id
          JOIN product_product pp ON pp.id = sl.product_id
          JOIN product_template t ON t.id = pp.product_tmpl_id
         WHERE so.state = 'sale' AND sl.display_type IS NULL %(only)s
         GROUP BY 1, 2, 3
        """,
            ),
            (
                invoice_ids,
                "m.id",
                # invoices bring no margin (their cost is not known here); revenue in company currency
                """
        SELECT p.commercial_partner_id AS partner_id, m.company_id, t.categ_id AS category_id,
               SUM(-ml.balance::float8) AS revenue, 0.0::float8 AS margin, COUNT(*) AS lines
          FROM account_move_line ml
          JOIN account_move m ON m.id = ml.move_id AND ml.display_type = 'product'
          JOIN res_partner p ON p.id = m.partner_id
          LEFT JOIN product_product pp ON pp.id = ml.product_id
          LEFT JOIN product_template t ON t.id = pp.product_tmpl_id
        %(invoices)s
         GROUP BY 1, 2, 3
        """,
            ),
        ],
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
