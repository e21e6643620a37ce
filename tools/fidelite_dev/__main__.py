"""``python3 -m tools.fidelite_dev <command>``: setup, doctor, demo, test, lint, bench, bench-data, screenshots.

The Makefile targets call these commands; see README.md.
"""

import argparse
import os
import shutil
import subprocess
import sys
from contextlib import ExitStack

from . import ADDONS, bench, prereqs
from .errors import ToolError
from .odoo_env import locate, requirements_file
from .odoo_run import REPO, install, run_odoo, write_config
from .pgcluster import PgCluster, external_settings, free_port

USER_CONF = REPO / "odoo.conf"
DATA = REPO / ".data"
DEMO_DB = "fidelite_demo"
BENCH_DATA_DB = "fidelite_bench_data"


def database_settings(stack, throwaway, fast_writes=False):
    """User-given connection settings, else a private cluster (persistent for the demo)."""
    given = external_settings(USER_CONF)
    if given:
        return given, None
    cluster = PgCluster(None if throwaway else DATA / "pg", throwaway=throwaway, fast_writes=fast_writes)
    stack.enter_context(cluster)
    return cluster.odoo_settings(), cluster


def cmd_setup(args):
    prereqs.install_system_packages(args.with_reader)
    prereqs.pip_install(["-r", str(REPO / "requirements-dev.txt")])
    inst = locate()
    req = requirements_file(inst)
    if req:
        prereqs.pip_install(["-r", str(req)])
    print(f"fidelite: ready, {inst.describe()}")
    return 0


def cmd_doctor(_args):
    inst = locate(allow_download=False)
    print(inst.describe())
    print("addons paths:", ", ".join(str(p) for p in inst.addons_paths))
    for line in prereqs.test_prereq_report():
        print(line)
    return 0


def cmd_demo(args):
    inst = locate()
    with ExitStack() as stack:
        settings, _cluster = database_settings(stack, throwaway=False)
        conf = write_config(
            DATA / "odoo-demo.conf",
            inst,
            settings,
            DEMO_DB,
            base_conf=USER_CONF,
            extra={
                "data_dir": DATA / "filestore",
                "http_interface": "127.0.0.1",
                "http_port": args.port,
                "without_demo": "False",
            },
        )
        exists = _database_exists(settings, DEMO_DB)
        print(f"fidelite: {'updating' if exists else 'creating'} database {DEMO_DB} ...", flush=True)
        try:
            install(
                inst,
                conf,
                DEMO_DB,
                ADDONS,
                demo=not exists,
                update=exists,
                logfile=DATA / "demo-install.log",
                lang="fr_FR",
            )
        except ToolError:
            if not exists:  # a half-made demo would be "updated" next time and never get its data
                _drop_database(settings, DEMO_DB)
                print(f"fidelite: {DEMO_DB} was not kept; fix the error and run 'make demo' again", flush=True)
            raise
        print(
            f"fidelite: Odoo is starting on http://127.0.0.1:{args.port}/odoo  (login: admin, password: admin)",
            flush=True,
        )
        if args.no_serve:
            return 0
        try:
            return run_odoo(inst, conf, ["-d", DEMO_DB], check=False).returncode
        except KeyboardInterrupt:
            return 0


def _connect(settings):
    import psycopg2

    kwargs = {
        "host": settings.get("db_host"),
        "port": settings.get("db_port"),
        "user": settings.get("db_user"),
        "dbname": "postgres",
    }
    if settings.get("db_password") not in (None, "False"):
        kwargs["password"] = settings["db_password"]
    conn = psycopg2.connect(**{k: v for k, v in kwargs.items() if v})
    conn.autocommit = True
    return conn


def _database_exists(settings, dbname):
    conn = _connect(settings)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname])
            return bool(cr.fetchone())
    finally:
        conn.close()


def _fresh_log_dir():
    """``.test-logs/run-<pid>``; folders of runs that have ended are removed (runs may overlap)."""
    root = REPO / ".test-logs"
    for old in root.glob("run-*"):
        try:
            os.kill(int(old.name.removeprefix("run-")), 0)
        except (ValueError, ProcessLookupError):
            shutil.rmtree(old, ignore_errors=True)
        except PermissionError:
            pass
    logs = root / f"run-{os.getpid()}"
    logs.mkdir(parents=True)
    return logs


def _drop_database(settings, dbname):
    conn = _connect(settings)
    try:
        with conn.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    finally:
        conn.close()


def _throwaway_database(stack, inst, logs, dbname, conf_name):
    """Configuration of a test run on ``dbname`` in a throwaway cluster (or dropped at the end)."""
    settings, cluster = database_settings(stack, throwaway=True)
    conf = write_config(
        logs / conf_name,
        inst,
        settings,
        dbname,
        base_conf=USER_CONF,
        extra={
            "data_dir": logs / "filestore",
            "without_demo": "True",
            "http_interface": "127.0.0.1",
            # a port of its own: runs may overlap, and make demo may be serving 8069
            "http_port": free_port(),
            "screenshots": logs / "screenshots",
        },
    )
    if cluster is None:
        stack.callback(_drop_database, settings, dbname)
    return conf


def cmd_test(args):
    inst = locate()
    prereqs.ensure_test_prereqs()
    if args.lint:
        rc = cmd_lint(args)
        if rc:
            print("fidelite: lint failed, tests not run (LINT=0 to skip lint)")
            return rc
    logs = _fresh_log_dir()
    dbname = f"fidelite_test_{os.getpid()}"
    with ExitStack() as stack:
        conf = _throwaway_database(stack, inst, logs, dbname, "odoo-test.conf")
        print(f"fidelite: installing {', '.join(ADDONS)} in a fresh database {dbname} ...", flush=True)
        install(inst, conf, dbname, ADDONS, logfile=logs / "install.log")
        paths = [f"addons/{a}" for a in args.addon] if args.addon else ["tests", "addons"]
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            f"--odoo-config={conf}",
            f"--odoo-database={dbname}",
            "--odoo-http",
            "--odoo-log-level=warn",
            "--fid-require-odoo-tests",
            *paths,
            *args.pytest_args,
        ]
        print("fidelite:", " ".join(cmd[2:]), flush=True)
        rc = subprocess.run(cmd, cwd=REPO, env=inst.env(), check=False).returncode
    if rc == 5:
        print("fidelite: no test ran: that is a failure")
        return 1
    return rc


def cmd_screenshots(args):
    """Take the guide's screenshots (``docs/screenshots``) in headless Chromium into ``docs/images``."""
    inst = locate()
    prereqs.ensure_test_prereqs()
    logs = _fresh_log_dir()
    dbname = f"fidelite_shots_{os.getpid()}"
    images = REPO / "docs" / "images"
    images.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        conf = _throwaway_database(stack, inst, logs, dbname, "odoo-screenshots.conf")
        print(f"fidelite: installing {', '.join(ADDONS)} in French in a fresh database {dbname} ...", flush=True)
        install(inst, conf, dbname, ADDONS, logfile=logs / "install.log", lang="fr_FR")
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            f"--odoo-config={conf}",
            f"--odoo-database={dbname}",
            "--odoo-http",
            "--odoo-log-level=warn",
            "--fid-require-odoo-tests",
            "docs/screenshots",
            *args.pytest_args,
        ]
        env = {**inst.env(), "FIDELITE_SCREENSHOTS": str(images)}
        rc = subprocess.run(cmd, cwd=REPO, env=env, check=False).returncode
    if not rc:
        print(f"fidelite: screenshots written to {images.relative_to(REPO)}/")
    return rc


def cmd_lint(_args):
    targets = ["addons", "tests", "tools", "bench"]
    steps = [
        [sys.executable, "-m", "ruff", "check", *targets],
        [sys.executable, "-m", "ruff", "format", "--check", "--diff", *targets],
        [
            sys.executable,
            "-m",
            "pylint",
            "--rcfile",
            str(REPO / ".pylintrc"),
            *[str(REPO / "addons" / a) for a in ADDONS],
        ],
    ]
    if shutil.which("oca-checks-odoo-module"):
        steps.append(["oca-checks-odoo-module", *[str(REPO / "addons" / a / "__manifest__.py") for a in ADDONS]])
    rc = 0
    for step in steps:
        print("lint:", " ".join(os.path.basename(p) if p.startswith(str(REPO)) else p for p in step[:5]), flush=True)
        rc |= subprocess.run(step, cwd=REPO, check=False).returncode
    print("lint: clean" if not rc else "lint: problems found")
    return 1 if rc else 0


def cmd_i18n(args):
    """Refresh the addons' .pot templates and French catalogues from the demo database."""
    inst = locate()
    addons = args.addon or list(ADDONS)
    with ExitStack() as stack:
        settings, _cluster = database_settings(stack, throwaway=False)
        conf = write_config(
            DATA / "odoo-demo.conf",
            inst,
            settings,
            DEMO_DB,
            base_conf=USER_CONF,
            extra={"data_dir": DATA / "filestore"},
        )
        if not _database_exists(settings, DEMO_DB):
            raise ToolError(f"no database {DEMO_DB}: run 'make demo' first")
        install(inst, conf, DEMO_DB, addons, update=True, logfile=DATA / "i18n-update.log")
        catalogues = {addon: REPO / "addons" / addon / "i18n" / "fr.po" for addon in addons}
        previous = {addon: _translations(path) for addon, path in catalogues.items()}
        cmd = [*inst.odoo_cmd(), "i18n", "export", "-c", str(conf), "-d", DEMO_DB, "-l", "pot", "fr_FR", "--", *addons]
        if subprocess.run(cmd, env=inst.env(), check=False).returncode:
            raise ToolError("i18n export failed")
        for addon, path in catalogues.items():
            missing = _keep_translations(path, previous[addon])
            if missing:
                print(f"fidelite: {addon}: {missing} term(s) to translate in {path.relative_to(REPO)}")
    return 0


def _translations(path):
    import polib  # a development requirement: imported when used, the tooling needs only the stdlib

    return {entry.msgid: entry.msgstr for entry in polib.pofile(str(path)) if entry.msgstr} if path.is_file() else {}


def _keep_translations(path, previous):
    """Odoo exports the terms of Python code untranslated: keep what the catalogue had."""
    import polib

    catalogue = polib.pofile(str(path))
    catalogue.metadata["Language"] = "fr"
    missing = 0
    for entry in catalogue:
        if not entry.msgstr and entry.msgid in previous:
            entry.msgstr = previous[entry.msgid]
        missing += not entry.msgstr
    catalogue.save()
    return missing


def cmd_bench(args):
    inst = locate()
    with ExitStack() as stack:
        # FIDELITE_BENCH_REUSE=1: the persistent cluster, where generated data sets are kept between runs
        reuse = bench.reuse_requested()
        settings, _cluster = database_settings(stack, throwaway=not reuse, fast_writes=reuse)
        return bench.run_benchmarks(inst, settings, args.names)


def cmd_bench_data(args):
    """(Re)create ``fidelite_bench_data`` with fidelite_loyalty and fill it with the generator."""
    import time

    inst = locate()
    generator = (bench.BENCH_DIR / "scripts" / "member_data.py").read_text()
    with ExitStack() as stack:
        settings, _cluster = database_settings(stack, throwaway=False)
        conf = write_config(
            DATA / "odoo-bench-data.conf",
            inst,
            settings,
            BENCH_DATA_DB,
            base_conf=USER_CONF,
            extra={"data_dir": DATA / "filestore", "without_demo": "True"},
        )
        _drop_database(settings, BENCH_DATA_DB)
        print(f"fidelite: installing fidelite_loyalty in a fresh database {BENCH_DATA_DB} ...", flush=True)
        install(inst, conf, BENCH_DATA_DB, ("fidelite_loyalty",), logfile=DATA / "bench-data-install.log")
        print(f"fidelite: generating {args.members:,} members and {args.lines:,} order lines ...", flush=True)
        started = time.perf_counter()
        call = (
            f"result(generate(env, members={args.members}, lines={args.lines}, years={args.years}, "
            f"stores={args.stores}, seed={args.seed}))"
        )
        summary = bench.odoo_script(inst, conf, BENCH_DATA_DB, f"{generator}\n{call}\n", timeout=4 * 3600, echo=True)
        elapsed = time.perf_counter() - started
    print(
        f"fidelite: {BENCH_DATA_DB} ready: {summary['members']:,} members, {summary['orders']:,} orders, "
        f"{summary['lines']:,} lines in {elapsed:.0f} s (generator {summary['seconds']:.0f} s)"
    )
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="fidelite", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("setup", help="install system packages and Python requirements")
    p.add_argument("--with-reader", action="store_true", help="also pcscd and the virtual reader")
    p.set_defaults(func=cmd_setup)
    sub.add_parser("doctor", help="show which Odoo, PostgreSQL and browser are used").set_defaults(func=cmd_doctor)
    p = sub.add_parser("demo", help="create/update the demo database and serve it")
    p.add_argument("--port", type=int, default=8069)
    p.add_argument("--no-serve", action="store_true", help="stop after installing")
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("test", help="install the addons in a fresh database and run every test")
    p.add_argument("--addon", action="append", default=[], choices=ADDONS, help="only this addon's tests")
    p.add_argument("--no-lint", dest="lint", action="store_false")
    p.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed to pytest (-k, -x ...)")
    p.set_defaults(func=cmd_test)
    sub.add_parser("lint", help="ruff, pylint-odoo, OCA checks").set_defaults(func=cmd_lint)
    p = sub.add_parser("screenshots", help="take the user guide's screenshots into docs/images")
    p.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed to pytest (-k ...)")
    p.set_defaults(func=cmd_screenshots)
    p = sub.add_parser("i18n", help="export the .pot and fr.po of the addons from the demo database")
    p.add_argument("--addon", action="append", default=[], choices=ADDONS)
    p.set_defaults(func=cmd_i18n)
    p = sub.add_parser("bench", help="run the benchmarks (all, or the named ones)")
    p.add_argument("names", nargs="*")
    p.set_defaults(func=cmd_bench)
    p = sub.add_parser("bench-data", help=f"(re)create {BENCH_DATA_DB} filled with generated members and orders")
    p.add_argument("--members", type=int, default=1_000_000)
    p.add_argument("--lines", type=int, default=10_000_000, help="POS order lines in all")
    p.add_argument("--years", type=int, default=3)
    p.add_argument("--stores", type=int, default=4)
    p.add_argument("--seed", type=int, default=42)
    p.set_defaults(func=cmd_bench_data)
    # pytest's own options (-k, -x...) start with "-": argparse leaves them to us
    args, unknown = parser.parse_known_args(argv)
    if unknown and args.command not in ("test", "screenshots"):
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.command in ("test", "screenshots"):
        args.pytest_args = [*unknown, *args.pytest_args]
    try:
        return args.func(args)
    except ToolError as exc:
        print(f"fidelite: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
