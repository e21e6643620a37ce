"""19.0.1.2.0: a partner API call is written once by the API, with the time it was received.

Its audit columns (always the superuser), its stored company (its merchant's) and movement (the
one posted with its key) cost each call four foreign-key checks: the time received was kept by
pre-migrate.py, the rest is dropped (the company and the movement are now computed from the
merchant and the key).
"""

from odoo.tools import SQL, sql

TABLE = "fidelite_api_request"
DROPPED = ("company_id", "move_id", "create_uid", "create_date", "write_uid", "write_date")


def migrate(cr, version):
    for column in DROPPED:
        if sql.column_exists(cr, TABLE, column):
            cr.execute(SQL("ALTER TABLE %s DROP COLUMN %s", SQL.identifier(TABLE), SQL.identifier(column)))
