"""A card tapped on the reader until the till knows its member, on the real PC/SC stack.

A private pcscd with a vpcd virtual reader, a virtual contactless card, the bridge in its own
process and its WebSocket read as the POS page reads it; then the member panel asked to the
server (``pos.config.fidelite_member_panel``, in the Odoo process, without HTTP). 100 taps.

Figures (milliseconds, from the card's connection to vpcd):
- ``tap_to_event_ms_median`` / ``tap_to_event_ms_p95``: until the bridge's event is received;
- ``tap_to_member_lookup_ms_median`` / ``tap_to_member_lookup_ms_p95``: until the server's
  member panel is answered.
The browser part (the page selecting the member) is not measured here: it adds one JSON-RPC
call and the rendering of the panel.
"""

from pathlib import Path

TAPS = 100
SCRIPT = Path(__file__).parent / "scripts" / "tap_to_member.py"
TESTS = Path(__file__).resolve().parent.parent / "addons" / "fidelite_pos_reader" / "tests"


def run(ctx):
    db, _ = ctx.create_db("reader", ("fidelite_pos_reader",))
    code = f"TAPS = {TAPS}\nSTACK_DIR = {str(TESTS)!r}\n" + SCRIPT.read_text()
    figures = ctx.odoo_script(db, code, timeout=1800)
    ctx.figure("tap_to_event_ms_median", figures["event_median"], "ms")
    ctx.figure("tap_to_event_ms_p95", figures["event_p95"], "ms")
    ctx.figure("tap_to_member_lookup_ms_median", figures["lookup_median"], "ms")
    ctx.figure("tap_to_member_lookup_ms_p95", figures["lookup_p95"], "ms")
