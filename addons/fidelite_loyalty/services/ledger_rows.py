"""The rows of one ledger movement, written in one SQL statement.

A movement changes three rows that must agree: the card's balance (``loyalty.card.points``),
the append-only ``fidelite.points.move`` and, unless told otherwise, Odoo's ``loyalty.history``
line of the card. The ledger writes them with one statement: it locks the card's row and
computes the new balance, refused below zero (unless allowed); the move's ``INSERT`` records
it unless its idempotency key was already posted; the card's ``UPDATE`` and Odoo's history
line follow the move. A purchase is then one round trip to the database instead of six (look
the key up, lock, read the balance, insert the move, insert the line, update the card), and
nothing can run between the balance's check and its change.

The ORM is then told what changed, as Odoo's own SQL writes do: the card's balance and next
expiry are put in its cache (``modified`` for what depends on them), the new move is cached
as ``create`` caches a new record (with the one2many lists it belongs to).
"""

from odoo.tools import SQL

from . import record_cache

# Fields of the card the statement changes; flushed before, so no pending ORM write undoes it
CARD_FIELDS = ("points", "fidelite_next_expiry")


def _insert_values(model, values):
    """(column list, value list) of ``values`` converted as the ORM would insert them."""
    record = model.browse()
    fields = [model._fields[name] for name in values]
    columns = SQL(", ").join(SQL.identifier(field.name) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))  # a parameter per value: no value in the SQL text
    row = SQL(placeholders, *(field.convert_to_column_insert(values[field.name], record) for field in fields))
    return columns, row


def write(card, move_values, history_values=None, *, may_go_negative=False):
    """Add ``move_values["points"]`` to ``card`` and insert the move (and the history line).

    ``move_values`` are the move's fields but its balance after (the statement's); the expiry
    date of a credit moves the card's next expiry earlier if needed. Return the new move, or an
    empty recordset when nothing was written: the balance would go below zero (and
    ``may_go_negative`` is not set), or the move's idempotency key was already posted.

    The key's unique index decides (``ON CONFLICT DO NOTHING``); under Odoo's REPEATABLE READ,
    a key or a card another transaction posted or changed since this one began makes the
    statement fail with a serialization error, and Odoo's RPC layer retries the call.
    """
    env = card.env
    Move = env["fidelite.points.move"].sudo()
    card.flush_recordset(list(CARD_FIELDS))
    points = move_values["points"]
    expiry = move_values.get("expiry_date") if points > 0 else False
    audit = SQL("%(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'", uid=env.uid)
    audit_columns = SQL("create_uid, create_date, write_uid, write_date")
    move_columns, move_row = _insert_values(Move, move_values)
    history = SQL()
    if history_values:
        line_columns, line_row = _insert_values(env["loyalty.history"], history_values)
        history = SQL(
            ", line AS (INSERT INTO loyalty_history (%s, %s) SELECT %s, %s FROM move)",
            line_columns, audit_columns, line_row, audit,
        )  # fmt: skip
    env.cr.execute(
        SQL(
            """
            WITH card AS (
                SELECT round((COALESCE(points, 0) + %(points)s)::numeric, 2) AS balance
                  FROM loyalty_card WHERE id = %(card)s
                   FOR NO KEY UPDATE
            ), move AS (
                INSERT INTO fidelite_points_move (%(move_columns)s, balance_after, %(audit_columns)s)
                SELECT %(move_row)s, card.balance, %(audit)s FROM card
                 WHERE %(may_go_negative)s OR card.balance >= 0
                    ON CONFLICT (idempotency_key) DO NOTHING
             RETURNING id, balance_after
            ), updated AS (
                UPDATE loyalty_card c
                   SET points = move.balance_after,
                       fidelite_next_expiry = CASE WHEN %(expiry)s::date IS NULL THEN c.fidelite_next_expiry
                                                   ELSE LEAST(c.fidelite_next_expiry, %(expiry)s::date) END,
                       write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
                  FROM move
                 WHERE c.id = %(card)s
             RETURNING c.points, c.fidelite_next_expiry
            )%(history)s
            SELECT move.id, updated.points, updated.fidelite_next_expiry FROM move, updated
            """,
            points=points,
            expiry=expiry or None,
            uid=env.uid,
            card=card.id,
            may_go_negative=may_go_negative,
            move_columns=move_columns,
            move_row=move_row,
            audit_columns=audit_columns,
            audit=audit,
            history=history,
        )
    )
    row = env.cr.fetchone()
    if not row:
        return Move
    move_id, balance, next_expiry = row
    card.invalidate_recordset(["write_uid", "write_date", "history_ids"])  # history_ids: the new line
    card._update_cache({"points": balance, "fidelite_next_expiry": next_expiry}, validate=False)
    card.modified(list(CARD_FIELDS))
    move = Move.browse(move_id)
    record_cache.cache_created(move, {**move_values, "balance_after": balance})
    return move
