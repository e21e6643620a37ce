"""Statements prepared once per database connection, for the small statements run on every order.

Planning a statement over a handful of rows can cost more than running it (the order's upsert
into the members' figures: about 2 ms of planning for well under 1 ms of work). ``execute``
prepares a statement the first time a connection runs it (``PREPARE``), then only executes it:
no parsing, and a plan kept once PostgreSQL finds the generic plan as good as the custom ones.
"""

import hashlib
import weakref

# the statements known prepared, per cursor: a cursor keeps its connection, whereas a pooled
# connection lent to a new cursor is reset first (its prepared statements are dropped)
_PREPARED = weakref.WeakKeyDictionary()


def execute(cr, text, types, args):
    """Run ``text`` (SQL whose parameters are ``$1``, ``$2``... of the PostgreSQL ``types``) with
    ``args``; returns the rows it gives."""
    name = "fidelite_" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:20]
    known = _PREPARED.setdefault(cr, set())
    if name not in known:
        cr.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [name])
        if not cr.fetchone():
            # the text holds no client-side parameters (they are PostgreSQL's $n): run as is
            cr.execute(f"PREPARE {name} ({', '.join(types)}) AS {text}")  # pylint: disable=sql-injection
        known.add(name)
    # the generic plan, kept, rather than one planned again for each call (the server would
    # keep planning: it cannot tell how many ids an array parameter holds); the setting only
    # concerns prepared statements, and is restored at once
    cr.execute(
        "SET LOCAL plan_cache_mode = force_generic_plan;"  # pylint: disable=sql-injection
        f" EXECUTE {name} ({', '.join(['%s'] * len(args))})",
        list(args),
    )
    rows = cr.fetchall() if cr.description else []
    cr.execute("SET LOCAL plan_cache_mode = DEFAULT")
    return rows


def text(cr, sql):
    """The text of ``sql`` (an ``odoo.tools.SQL``) with its client-side parameters written in."""
    return cr.mogrify(sql.code, sql.params).decode()
