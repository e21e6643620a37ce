"""A card tapped on the reader until the till shows its member, on the real PC/SC stack.

A private pcscd with a vpcd virtual reader, a virtual contactless card, the bridge in its own
process. 100 taps each time, at random moments (a hand is not in step with pcscd's polling).

Figures (milliseconds, from the card's arrival on the reader):
- ``tap_to_member_ms_median`` / ``tap_to_member_ms_p95``: until the member's panel appears in
  the POS page of an opened register in headless Chromium (the member selected on the order),
  through the bridge's WebSocket, the server lookup and the page's rendering
  (``pos_page/test_tap_to_member_page.py``, an HttpCase run by pytest-odoo);
- ``tap_to_event_ms_median`` / ``tap_to_event_ms_p95``: until the bridge's event is received
  by a WebSocket client (the floor: pcscd polls the reader every 400 ms);
- ``tap_to_member_lookup_ms_median`` / ``tap_to_member_lookup_ms_p95``: the event, then the
  server's member panel called in the Odoo process (no HTTP, no page).
"""

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tools.fidelite_dev.errors import ToolError
from tools.fidelite_dev.odoo_run import REPO, write_config
from tools.fidelite_dev.pgcluster import free_port

TAPS = 100
HERE = Path(__file__).parent
SCRIPT = HERE / "scripts" / "tap_to_member.py"
PAGE_TEST = HERE / "pos_page" / "test_tap_to_member_page.py"
TESTS = REPO / "addons" / "fidelite_pos_reader" / "tests"


def p95(values):
    return sorted(values)[int(len(values) * 0.95) - 1]


def _page_delays(ctx, db):
    conf = write_config(
        ctx.workdir / f"{db}-http.conf",
        ctx.inst,
        ctx.settings,
        db,
        extra={
            "data_dir": ctx.workdir / "filestore",
            "without_demo": "True",
            "http_interface": "127.0.0.1",
            "http_port": free_port(),
            "screenshots": ctx.workdir / "screenshots",
        },
    )
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        env = ctx.inst.env()
        env.update(FIDELITE_BENCH_OUT=out.name, FIDELITE_BENCH_TAPS=str(TAPS))
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            f"--odoo-config={conf}",
            f"--odoo-database={db}",
            "--odoo-http",
            "--odoo-log-level=warn",
            "--fid-require-odoo-tests",
            "-p",
            "no:cacheprovider",
            "-q",
            str(PAGE_TEST.relative_to(REPO)),
        ]
        proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, check=False)
        data = Path(out.name).read_text()
    if proc.returncode or not data:
        raise ToolError(f"the POS page benchmark failed:\n{(proc.stdout + proc.stderr)[-4000:]}")
    return json.loads(data)["delays_ms"]


def run(ctx):
    db, _ = ctx.create_db("reader", ("fidelite_pos_reader",))
    code = f"TAPS = {TAPS}\nSTACK_DIR = {str(TESTS)!r}\n" + SCRIPT.read_text()
    figures = ctx.odoo_script(db, code, timeout=1800)
    delays = _page_delays(ctx, db)
    print(f"bench: {len(delays)} taps shown in the POS page, from {min(delays):.0f} to {max(delays):.0f} ms")
    ctx.figure("tap_to_member_ms_median", statistics.median(delays), "ms")
    ctx.figure("tap_to_member_ms_p95", p95(delays), "ms")
    ctx.figure("tap_to_event_ms_median", figures["event_median"], "ms")
    ctx.figure("tap_to_event_ms_p95", figures["event_p95"], "ms")
    ctx.figure("tap_to_member_lookup_ms_median", figures["lookup_median"], "ms")
    ctx.figure("tap_to_member_lookup_ms_p95", figures["lookup_p95"], "ms")
