"""Make a table hold exactly a given set of rows, writing only the rows that differ.

The nightly refresh computes every member's rows again, but few of them change from one
night to the next: rewriting all of them would cost more than computing them. ``sync`` compares
the new rows with the table in one pass (a hash full join, no per-row index probe), keeps only
the difference in a temporary table, then deletes the rows gone, updates in place the rows that
changed and inserts the new ones. An empty table (the first build) is filled with one INSERT.
"""

from odoo.tools import SQL


def sync(env, table, keys, columns, rows, nullable=(), scope=None):
    """Make ``table`` hold exactly ``rows`` (a query giving ``columns``); returns the rows written.

    ``keys`` are the columns of the table's unique key; those in ``nullable`` (many2one ids)
    are compared as ``COALESCE(column, 0)``, as the unique index does. With ``scope`` (a
    condition on the table's rows, alias ``t``), only the rows it selects are made to match
    ``rows``; the others are left alone.
    """
    table_sql = SQL.identifier(table)
    names = SQL(", ").join(SQL.identifier(column) for column in columns)
    env.cr.execute(SQL("SELECT EXISTS (SELECT 1 FROM %s)", table_sql))
    if not env.cr.fetchone()[0] and scope is None:
        env.cr.execute(SQL("INSERT INTO %s (%s) SELECT %s FROM (%s) rows", table_sql, names, names, rows))
        written = env.cr.rowcount
        # statistics of the table as filled (even before it is committed), for the next steps' plans
        env.cr.execute(SQL("ANALYZE %s", table_sql))
        return written
    matches = SQL(" AND ").join(
        SQL("COALESCE(r.%s, 0) = COALESCE(t.%s, 0)", SQL.identifier(key), SQL.identifier(key))
        if key in nullable
        else SQL("r.%s = t.%s", SQL.identifier(key), SQL.identifier(key))
        for key in keys
    )
    updated = [column for column in columns if column not in keys]
    changed = (
        SQL(
            "OR (%s) IS DISTINCT FROM (%s)",
            SQL(", ").join(SQL("t.%s", SQL.identifier(c)) for c in updated),
            SQL(", ").join(SQL("r.%s", SQL.identifier(c)) for c in updated),
        )
        if updated
        else SQL()
    )
    env.cr.execute(
        SQL(
            """
            CREATE TEMP TABLE fidelite_sync_diff ON COMMIT DROP AS
            SELECT t.id AS fidelite_old_id, r.fidelite_new, %(r_names)s
              FROM (SELECT TRUE AS fidelite_new, rows.* FROM (%(rows)s) rows) r
              FULL JOIN (SELECT * FROM %(table)s t WHERE %(scope)s) t ON %(matches)s
             WHERE r.fidelite_new IS NULL OR t.id IS NULL %(changed)s
            """,
            r_names=SQL(", ").join(SQL("r.%s", SQL.identifier(c)) for c in columns),
            rows=rows,
            table=table_sql,
            scope=SQL("TRUE") if scope is None else scope,
            matches=matches,
            changed=changed,
        )
    )
    env.cr.execute("ANALYZE fidelite_sync_diff")
    written = 0
    env.cr.execute(
        SQL(
            "DELETE FROM %s WHERE id IN (SELECT fidelite_old_id FROM fidelite_sync_diff WHERE fidelite_new IS NULL)",
            table_sql,
        )
    )
    written += env.cr.rowcount
    if updated:
        env.cr.execute(
            SQL(
                "UPDATE %s t SET %s FROM fidelite_sync_diff d WHERE t.id = d.fidelite_old_id AND d.fidelite_new",
                table_sql,
                SQL(", ").join(SQL("%s = d.%s", SQL.identifier(c), SQL.identifier(c)) for c in updated),
            )
        )
        written += env.cr.rowcount
    env.cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM fidelite_sync_diff WHERE fidelite_old_id IS NULL",
            table_sql,
            names,
            names,
        )
    )
    written += env.cr.rowcount
    env.cr.execute("DROP TABLE fidelite_sync_diff")
    return written
