"""19.0.1.2.0: keep the time each partner API call was received (see post-migrate.py).

The column is added and filled before the module's fields are loaded, so the ORM finds it
ready rather than filling it with the default (now) for every past call.
"""

from odoo.tools import SQL, sql

TABLE = "fidelite_api_request"


def migrate(cr, version):
    if not sql.column_exists(cr, TABLE, "create_date") or sql.column_exists(cr, TABLE, "received_at"):
        return
    sql.create_column(cr, TABLE, "received_at", "timestamp")
    cr.execute(SQL("UPDATE %s SET received_at = create_date", SQL.identifier(TABLE)))
