"""Members' purchases with their time: paid POS orders and confirmed sales orders."""

from odoo.tools import SQL

POS_DONE = ("paid", "done", "invoiced")


def purchases_sql():
    """Rows (partner_id, at, amount, kind, order_id) of every member purchase, tax included."""
    return SQL(
        """
        SELECT p.commercial_partner_id AS partner_id, o.date_order AS at, o.amount_total AS amount,
               'pos' AS kind, o.id AS order_id
          FROM pos_order o JOIN res_partner p ON p.id = o.partner_id
         WHERE o.state IN %(pos_done)s AND o.amount_total > 0
        UNION ALL
        SELECT p.commercial_partner_id, so.date_order, so.amount_total, 'sale', so.id
          FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
         WHERE so.state = 'sale' AND so.amount_total > 0
        """,
        pos_done=POS_DONE,
    )
