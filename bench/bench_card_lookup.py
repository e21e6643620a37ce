"""Finding a card among 1,000,000, by printed code and by reader UID, on the server.

One database with ``fidelite_loyalty``; a million cards are inserted in SQL (EAN-13-like codes
and 7-byte UIDs), then 2,000 random cards are looked up through ``loyalty.card.fidelite_lookup``
(the API the POS, the portal and integrations call: normalisation, indexed search, status
check), with the ORM cache emptied before each call. The baseline is a bare ORM search on
Odoo's own unique ``code`` in the same database.

Figures (medians, milliseconds per lookup):
- ``card_lookup_ms_1m``: by printed code (target: 5 ms at most);
- ``card_lookup_uid_ms_1m``: by UID typed with separators;
- ``card_lookup_baseline_ms_1m``: ``search([("code", "=", ...)])``;
- ``card_lookup_ratio``: by code, against the baseline.
"""

from pathlib import Path

CARDS = 1_000_000
LOOKUPS = 2000
SCRIPT = Path(__file__).parent / "scripts" / "card_lookup.py"


def run(ctx):
    db, _ = ctx.create_db("fidelite", ("fidelite_loyalty",))
    figures = ctx.odoo_script(db, f"CARDS, LOOKUPS = {CARDS}, {LOOKUPS}\n" + SCRIPT.read_text())
    ctx.figure("card_lookup_ms_1m", figures["code_ms"], "ms")
    ctx.figure("card_lookup_uid_ms_1m", figures["uid_ms"], "ms")
    ctx.figure("card_lookup_baseline_ms_1m", figures["baseline_ms"], "ms")
    ctx.figure("card_lookup_p95_ms_1m", figures["code_p95_ms"], "ms")
    ctx.figure("card_lookup_ratio", figures["code_ms"] / figures["baseline_ms"], "x")
