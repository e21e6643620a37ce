"""Rows read or written by the hot paths' own SQL, made known to the ORM as it would itself.

The partner API and the ledger read and write a few rows with statements of their own (one
round trip where the ORM would take several); the ORM must then know these rows as if it had
read them (``fetch``: the values go in the cache unless a pending change is there) or created
them (``create``: the values, the cached one2many lists the row belongs to, the computed
fields depending on it).
"""

from odoo.tools import SQL


def insert_fetched(record, values):
    """Cache ``values`` (``(field name, database value)`` pairs) of ``record``, as ``fetch`` does."""
    fields = record._fields
    for name, value in values:
        fields[name]._insert_cache(record, (value,))


def select(model, condition, field_names, limit=None):
    """The records of ``model`` matching the SQL ``condition``, their ``field_names`` read at once.

    ``search_fetch`` without the domain's machinery, for the superuser's look-ups on a hot path
    (no record rule applies to it anyway); the fields are plain stored columns.
    """
    assert model.env.su, "select() applies no record rule: superuser look-ups only"
    model.flush_model()  # the condition's columns too
    model.env.cr.execute(
        SQL(
            "SELECT id, %s FROM %s WHERE %s%s",
            SQL(", ").join(SQL.identifier(name) for name in field_names),
            SQL.identifier(model._table),
            condition,
            SQL(" LIMIT %s", limit) if limit else SQL(),
        )
    )
    rows = model.env.cr.fetchall()
    records = model.browse([row[0] for row in rows])
    for record, row in zip(records, rows, strict=True):
        insert_fetched(record, zip(field_names, row[1:], strict=True))
    return records


def cache_created(record, values):
    """Cache a row just inserted with ``values`` (by field name), as ``create`` does: its values,
    the cached one2many lists it now belongs to (a card's moves, a reversed move's reversals), and
    what depends on it marked to recompute."""
    inverses = record.env.registry.field_inverses
    for name, value in values.items():
        field = record._fields[name]
        cache_value = field.convert_to_cache(value, record, validate=False)
        field._update_cache(record, cache_value)
        if field.type == "many2one" and inverses[field]:
            field._update_inverses(record, cache_value)
    record.modified(list(values), create=True)
