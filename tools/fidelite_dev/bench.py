"""Benchmark harness: ``make bench [NAME...]``.

Each ``bench/bench_<name>.py`` defines ``run(ctx)`` and reports figures with
``ctx.figure(name, value, unit)``. Each benchmark builds its own databases through
``ctx`` and measures its baseline in the same run, so ratios compare like with like.
Figures are printed as ``bench: <name> = <number> <unit>`` and written to
``.bench/results.json``.

With ``FIDELITE_BENCH_REUSE=1`` the benchmarks run in the persistent cluster (``.data/pg`` or
your server) and a benchmark may reuse a database that a previous run left there
(``ctx.reuse_db``), its addons updated, instead of generating its data again.
"""

import importlib.util
import json
import os
import subprocess
import tempfile
import threading
import time
from datetime import datetime, timezone

from .errors import ToolError
from .odoo_run import REPO, install, write_config

BENCH_DIR = REPO / "bench"
RESULTS = REPO / ".bench" / "results.json"
SCRIPT_MARK = "FIDELITE-BENCH-RESULT:"


def reuse_requested():
    return os.environ.get("FIDELITE_BENCH_REUSE") == "1"


def _admin(settings, query):
    """Run ``query`` on the server's ``postgres`` database; returns the rows."""
    import psycopg2

    kwargs = {"host": settings.get("db_host"), "port": settings.get("db_port"), "user": settings.get("db_user")}
    if settings.get("db_password") not in (None, "False"):
        kwargs["password"] = settings["db_password"]
    conn = psycopg2.connect(dbname="postgres", **{k: v for k, v in kwargs.items() if v})
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(query[0], query[1:] or None)
            return cr.fetchall() if cr.description else []
    finally:
        conn.close()


def odoo_script(inst, conf, dbname, code, timeout=3600, echo=False):
    """Run ``code`` in ``odoo shell`` on ``dbname`` with ``conf``; return what it gave ``result()``.

    The shell rolls back when the code ends: the code commits what it wants to keep.
    """
    prologue = f"import json as _json\ndef result(obj):\n    print({SCRIPT_MARK!r} + _json.dumps(obj), flush=True)\n"
    cmd = [*inst.odoo_cmd(), "shell", "-c", str(conf), "-d", dbname, "--no-http", "--log-level=warn"]
    found = None
    with tempfile.TemporaryFile("w+") as stderr:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, text=True, env=inst.env()
        )
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        output = []
        try:
            proc.stdin.write(prologue + code)
            proc.stdin.close()
            for line in proc.stdout:
                if line.startswith(SCRIPT_MARK):
                    found = json.loads(line[len(SCRIPT_MARK) :])
                else:
                    output.append(line)
                    if echo:
                        print(f"  {line.rstrip()}", flush=True)
            proc.wait()
        finally:
            timer.cancel()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        stderr.seek(0)
        errors = stderr.read()
    if found is None:
        raise ToolError(f"benchmark script on {dbname} gave no result:\n{(errors or ''.join(output))[-3000:]}")
    return found


class BenchContext:
    def __init__(self, inst, settings, name):
        self.inst = inst
        self.settings = settings
        self.name = name
        self.figures = []
        self.workdir = REPO / ".bench" / name
        self.workdir.mkdir(parents=True, exist_ok=True)

    def conf(self, dbname):
        return write_config(
            self.workdir / f"{dbname}.conf",
            self.inst,
            self.settings,
            dbname,
            extra={"data_dir": self.workdir / "filestore", "without_demo": "True"},
        )

    def create_db(self, suffix, addons):
        """Create ``bench_<name>_<suffix>`` with ``addons`` installed; return (dbname, seconds)."""
        dbname = f"bench_{self.name}_{suffix}"
        started = time.perf_counter()
        if self.exists(dbname):  # left by a run with FIDELITE_BENCH_REUSE=1
            _admin(self.settings, (f'DROP DATABASE "{dbname}" WITH (FORCE)',))
        install(self.inst, self.conf(dbname), dbname, addons, logfile=self.workdir / f"{dbname}.log")
        return dbname, time.perf_counter() - started

    def exists(self, dbname):
        return bool(_admin(self.settings, ("SELECT 1 FROM pg_database WHERE datname = %s", dbname)))

    def reuse_db(self, suffix, addons):
        """With ``FIDELITE_BENCH_REUSE=1``, ``bench_<name>_<suffix>`` left by a previous run, its
        ``addons`` updated to the current code; otherwise (or if there is none) ``None``."""
        dbname = f"bench_{self.name}_{suffix}"
        if not reuse_requested() or not self.exists(dbname):
            return None
        install(self.inst, self.conf(dbname), dbname, addons, update=True, logfile=self.workdir / f"{dbname}.log")
        return dbname

    def odoo_script(self, dbname, code, timeout=3600, echo=False):
        """Run ``code`` in ``odoo shell`` on ``dbname``; the code calls ``result(obj)`` once.

        With ``echo``, what the code prints (progress lines) is shown as it comes.
        """
        return odoo_script(self.inst, self.conf(dbname), dbname, code, timeout=timeout, echo=echo)

    def figure(self, name, value, unit):
        self.figures.append({"name": name, "value": round(value, 3), "unit": unit, "benchmark": self.name})
        print(f"bench: {name} = {round(value, 3)} {unit}", flush=True)


def discover():
    return {p.stem.removeprefix("bench_"): p for p in sorted(BENCH_DIR.glob("bench_*.py"))}


def run_benchmarks(inst, settings, names):
    available = discover()
    unknown = sorted(set(names) - set(available))
    if unknown:
        raise ToolError(f"unknown benchmark(s) {', '.join(unknown)}; available: {', '.join(available)}")
    figures = []
    for name in names or list(available):
        spec = importlib.util.spec_from_file_location(f"fidelite_bench_{name}", available[name])
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        ctx = BenchContext(inst, settings, name)
        print(f"bench: running {name} ...", flush=True)
        module.run(ctx)
        figures += ctx.figures
    RESULTS.parent.mkdir(exist_ok=True)
    previous = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    previous.update({f["name"]: dict(f, measured_at=datetime.now(timezone.utc).isoformat()) for f in figures})
    RESULTS.write_text(json.dumps(previous, indent=2, sort_keys=True) + "\n")
    print(f"bench: {len(figures)} figure(s) written to {RESULTS.relative_to(REPO)}")
    return 0
