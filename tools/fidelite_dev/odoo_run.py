"""Run Odoo against a database: write its configuration, install or update the addons."""

import configparser
import re
import subprocess
from pathlib import Path

from . import ADDONS
from .errors import ToolError

REPO = Path(__file__).resolve().parents[2]
ADDONS_DIR = REPO / "addons"
# Odoo's log format: "2026-11-22 10:00:00,000 123 ERROR db odoo.module: message"
LOG_LEVEL_RE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")


def write_config(path, inst, db_settings, dbname=None, extra=None, base_conf=None):
    """Write an Odoo configuration file: the user's ``odoo.conf`` merged with our paths."""
    parser = configparser.ConfigParser(interpolation=None)
    if base_conf and Path(base_conf).is_file():
        parser.read(base_conf)
    if not parser.has_section("options"):
        parser.add_section("options")
    opts = parser["options"]
    paths = [str(ADDONS_DIR)] + [str(p) for p in inst.addons_paths]
    user_paths = [p.strip() for p in opts.get("addons_path", "").split(",") if p.strip()]
    opts["addons_path"] = ",".join(dict.fromkeys(paths + user_paths))
    for key, value in db_settings.items():
        opts[key] = value
    if dbname:
        # db_name alone serves that one database; with a dbfilter too, Odoo would list the
        # cluster's databases (a new connection to 'postgres') on every request without a session
        opts["db_name"] = dbname
        opts.pop("dbfilter", None)
    for key, value in (extra or {}).items():
        opts[key] = str(value)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        parser.write(fh)
    return path


def run_odoo(inst, conf, args, logfile=None, check=True):
    """Run Odoo's CLI with ``conf``; return the process. Log goes to ``logfile`` when given."""
    cmd = [*inst.odoo_cmd(), "-c", str(conf), *args]
    if logfile:
        with open(logfile, "w") as log:
            proc = subprocess.run(cmd, env=inst.env(), stdout=log, stderr=subprocess.STDOUT, check=False)
    else:
        proc = subprocess.Popen(cmd, env=inst.env())
        try:
            proc.wait()
        finally:  # interrupted (Ctrl-C, SIGTERM): do not leave Odoo running without its database
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=30)
    if check and proc.returncode:
        hint = f" (log: {logfile})" if logfile else ""
        raise ToolError(f"Odoo exited with status {proc.returncode} running {' '.join(args)}{hint}")
    return proc


DEMO_FAILURE_RE = re.compile(r"Module (\S+) demo data failed to install")


def demo_failures(logfile):
    """[(module, [log lines with the traceback])] of the modules whose demo data Odoo could not load."""
    failures, current = [], None
    for line in Path(logfile).read_text(errors="replace").splitlines():
        match = DEMO_FAILURE_RE.search(line)
        if match:
            current = [line]
            failures.append((match.group(1), current))
        elif current is not None and not re.match(r"^\d{4}-\d\d-\d\d ", line):
            current.append(line)
        else:
            current = None
    return failures


def error_lines(logfile):
    """ERROR and CRITICAL lines of an Odoo log, with their traceback lines."""
    lines, keep = [], False
    for line in Path(logfile).read_text(errors="replace").splitlines():
        if LOG_LEVEL_RE.match(line):
            keep = True
            lines.append(line)
        elif keep and not re.match(r"^\d{4}-\d\d-\d\d ", line):
            lines.append(line)
        else:
            keep = False
    return lines


def install(inst, conf, dbname, addons=ADDONS, demo=False, update=False, logfile=None, lang=None):
    """Install (or update) ``addons`` in ``dbname``; fail on any ERROR line in Odoo's log."""
    args = ["-d", dbname, "-u" if update else "-i", ",".join(addons), "--stop-after-init", "--no-http"]
    if demo:
        args.append("--with-demo")
    if lang:
        args.append(f"--load-language={lang}")
    proc = run_odoo(inst, conf, args, logfile=logfile, check=False)
    errors = error_lines(logfile) if logfile else []
    if proc.returncode or errors:
        shown = "\n".join(errors[:60]) or Path(logfile).read_text(errors="replace")[-3000:]
        raise ToolError(f"installing {', '.join(addons)} in {dbname} failed:\n{shown}")
    failures = demo_failures(logfile) if demo and logfile else []
    if failures:
        # Odoo only warns and installs the module without its demo data: a demo without its data is a failure
        modules = ", ".join(dict.fromkeys(module for module, _lines in failures))
        shown = "\n".join(line for _module, lines in failures for line in lines[-40:])
        raise ToolError(f"the demo data of {modules} failed to load in {dbname} (log: {logfile}):\n{shown}")
