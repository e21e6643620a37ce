"""Server time of the member's loyalty home (/my/fidelite) with a long points history.

One database with the four Fidélité addons; a loyalty program with tiers and 12-month expiry,
a portal member whose card has 10,000 ledger lines (earnings with expiry dates, redemptions,
spread over three years, inserted in SQL) and a member with 10 lines (the baseline). Each
member's home is requested 30 times through Odoo's whole HTTP stack (WSGI application,
session, routing, record rules, QWeb rendering), in process, after 3 warm-up requests.

Figures (medians, milliseconds per request):
- ``portal_home_ms_10k``: member with 10,000 lines (target: 150 ms at most);
- ``portal_home_baseline_ms``: member with 10 lines;
- ``portal_home_ratio``: the first over the second;
- ``portal_history_ms_10k``: the card page (virtual card and first page of the history), 10,000 lines.
"""

from pathlib import Path

LINES = 10_000
BASELINE_LINES = 10
REQUESTS = 30
SCRIPT = Path(__file__).parent / "scripts" / "portal_home.py"


def run(ctx):
    db, _ = ctx.create_db("fidelite", ("fidelite_loyalty", "fidelite_portal"))
    prologue = f"LINES, BASELINE_LINES, REQUESTS = {LINES}, {BASELINE_LINES}, {REQUESTS}\n"
    figures = ctx.odoo_script(db, prologue + SCRIPT.read_text())
    ctx.figure("portal_home_ms_10k", figures["home_ms"], "ms")
    ctx.figure("portal_home_baseline_ms", figures["baseline_ms"], "ms")
    ctx.figure("portal_home_ratio", figures["home_ms"] / figures["baseline_ms"], "x")
    ctx.figure("portal_history_ms_10k", figures["history_ms"], "ms")
