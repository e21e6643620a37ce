"""19.0.1.1.0: drop the indexes the partner API's writes paid for and no query used.

Odoo keeps an index whose field lost ``index=True``; these ones cost every points movement and
every API call an update for nothing.
"""

from odoo.tools import sql

UNUSED = {
    "fidelite_points_move": ("company_id", "move_type", "program_id"),
    "fidelite_api_request": ("merchant_id", "move_id"),
}


def migrate(cr, version):
    for table, columns in UNUSED.items():
        for column in columns:
            sql.drop_index(cr, sql.make_index_name(table, column), table)
