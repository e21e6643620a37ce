"""A private PostgreSQL cluster for the demo (persistent) and the tests (throwaway).

Used only when the user gave no connection settings. As root, the server runs as the
``postgres`` system user (PostgreSQL refuses root); Odoo connects as the role ``fidelite``
over 127.0.0.1 (Odoo refuses the role ``postgres``).
"""

import atexit
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path

from .errors import ToolError

DB_ROLE = "fidelite"
RUN_AS = os.environ.get("FIDELITE_PG_OS_USER", "postgres")


def external_settings(odoo_conf=None):
    """Connection settings given by the user (env ``PG*`` or ``odoo.conf``), or ``None``."""
    settings = {}
    for key, var in (
        ("db_host", "PGHOST"),
        ("db_port", "PGPORT"),
        ("db_user", "PGUSER"),
        ("db_password", "PGPASSWORD"),
    ):
        if os.environ.get(var):
            settings[key] = os.environ[var]
    if odoo_conf and Path(odoo_conf).is_file():
        import configparser

        parser = configparser.ConfigParser(interpolation=None)
        parser.read(odoo_conf)
        if parser.has_section("options"):
            for key in ("db_host", "db_port", "db_user", "db_password"):
                value = parser.get("options", key, fallback="").strip()
                if value and value.lower() not in ("false", "none") and key not in settings:
                    settings[key] = value
    return settings if settings.get("db_host") or settings.get("db_user") else None


def find_bindir():
    """The folder of the PostgreSQL server binaries, installing them when root and missing."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    if shutil.which("pg_ctl") and shutil.which("initdb"):
        return Path(shutil.which("pg_ctl")).parent
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("fidelite: installing PostgreSQL (apt-get install postgresql)...", flush=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "postgresql"],
            check=False,
            env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
        )
        return find_bindir_no_install()
    raise ToolError(
        "PostgreSQL server binaries not found: install the 'postgresql' package (13 or newer) "
        "or give connection settings with PGHOST/PGPORT/PGUSER/PGPASSWORD."
    )


def find_bindir_no_install():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise ToolError("PostgreSQL installation failed: install the 'postgresql' package by hand.")
    return Path(found[-1]).parent


def free_port(preferred=None):
    ports = [preferred] if preferred else []
    for port in [*ports, 0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise ToolError("no free TCP port on 127.0.0.1")


class PgCluster:
    """A PostgreSQL cluster in ``datadir``, started on 127.0.0.1 and a port of its own."""

    def __init__(self, datadir=None, port=None, throwaway=False, fast_writes=False):
        self.throwaway = throwaway or datadir is None
        # no fsync: for throwaway clusters, and for benchmarks run in the persistent one (like for like)
        self.fast_writes = fast_writes or self.throwaway
        self.datadir = Path(datadir) if datadir else Path(tempfile.mkdtemp(prefix="fidelite-pg-"))
        self.preferred_port = port
        self.port = None
        self.bindir = find_bindir()
        self.as_root = os.geteuid() == 0
        self._started = False

    # -- helpers ---------------------------------------------------------------------------------
    def _cmd(self, *args):
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", RUN_AS, "--", *cmd]
        return cmd

    def _run(self, *args, check=True):
        proc = subprocess.run(self._cmd(*args), capture_output=True, text=True, check=False)
        if check and proc.returncode:
            log = self.datadir / "server.log"
            tail = log.read_text(errors="replace")[-1500:] if log.is_file() else ""
            raise ToolError(f"PostgreSQL '{args[0]}' failed: {proc.stderr.strip() or proc.stdout.strip()}\n{tail}")
        return proc

    def _own(self, path):
        if self.as_root:
            try:
                user = pwd.getpwnam(RUN_AS)
            except KeyError:
                raise ToolError(f"system user '{RUN_AS}' missing: install the 'postgresql' package") from None
            os.chown(path, user.pw_uid, user.pw_gid)

    @property
    def pgdata(self):
        return self.datadir / "pgdata"

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self):
        self.datadir.mkdir(parents=True, exist_ok=True)
        self._own(self.datadir)
        if not (self.pgdata / "PG_VERSION").is_file():
            self._run(
                "initdb", "-D", str(self.pgdata), "-U", DB_ROLE, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"
            )
        port_file = self.datadir / "port"
        if self.preferred_port is None and port_file.is_file():
            self.preferred_port = int(port_file.read_text())
        self.port = free_port(self.preferred_port)
        port_file.write_text(str(self.port))
        options = [f"-p {self.port}", "-c listen_addresses=127.0.0.1", f"-k {self.datadir}", "-c max_connections=200"]
        if self.fast_writes:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(
            "pg_ctl",
            "-D",
            str(self.pgdata),
            "-l",
            str(self.datadir / "server.log"),
            "-o",
            " ".join(options),
            "-w",
            "-t",
            "60",
            "start",
        )
        self._started = True
        atexit.register(self.stop)
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._on_signal)
        return self

    def _on_signal(self, signum, _frame):
        self.stop()
        raise SystemExit(128 + signum)

    def stop(self):
        if self._started:
            self._started = False
            self._run("pg_ctl", "-D", str(self.pgdata), "-m", "fast", "-w", "stop", check=False)
        if self.throwaway and self.datadir.exists():
            shutil.rmtree(self.datadir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def odoo_settings(self):
        return {"db_host": "127.0.0.1", "db_port": str(self.port), "db_user": DB_ROLE}

    def dsn(self, dbname="postgres"):
        return f"host=127.0.0.1 port={self.port} user={DB_ROLE} dbname={dbname}"
