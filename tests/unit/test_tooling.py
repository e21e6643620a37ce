"""The developer tooling: finding Odoo, the private PostgreSQL cluster, the exit codes."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from tools.fidelite_dev import odoo_env
from tools.fidelite_dev.errors import ToolError
from tools.fidelite_dev.pgcluster import PgCluster, external_settings

REPO = Path(__file__).resolve().parents[2]


def test_odoo_src_that_is_not_odoo_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("ODOO_SRC", str(tmp_path))
    with pytest.raises(ToolError, match="not an Odoo source tree"):
        odoo_env.locate()


@pytest.mark.parametrize("command", ["demo", "test", "bench", "bench-data"])
def test_without_odoo_and_offline_one_clear_line(tmp_path, command):
    """No ODOO_SRC, no importable odoo, no network: the command stops with one line saying what to do."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "PYTHONPATH": str(REPO),
        "FIDELITE_CACHE": str(tmp_path / "cache"),
        "ODOO_DOWNLOAD_URL": "http://127.0.0.1:9/odoo_19.0.latest.tar.gz",  # nothing listens there
    }
    args = [command]
    proc = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "tools.fidelite_dev", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Odoo 19.0 not found" in lines[0]
    assert "ODOO_SRC" in lines[0]


def test_download_failure_says_what_is_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(odoo_env, "DOWNLOAD_URL", "http://127.0.0.1:9/odoo.tar.gz")
    with pytest.raises(ToolError) as err:
        odoo_env._download(tmp_path / "odoo-19.0")
    assert "ODOO_SRC" in str(err.value)
    assert "download failed" in str(err.value)
    assert not (tmp_path / "odoo-19.0.tar.gz").exists()


def test_the_odoo_in_use_is_19():
    inst = odoo_env.locate(allow_download=False)
    assert inst.version.startswith("19.0")
    assert any((p / "pos_loyalty" / "__manifest__.py").is_file() for p in inst.addons_paths)


def test_external_settings_from_env_or_conf(tmp_path, monkeypatch):
    for var in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD"):
        monkeypatch.delenv(var, raising=False)
    assert external_settings(REPO / "odoo.conf") is None  # the shipped odoo.conf gives none
    conf = tmp_path / "odoo.conf"
    conf.write_text("[options]\ndb_host = db.example\ndb_user = odoo\n")
    assert external_settings(conf) == {"db_host": "db.example", "db_user": "odoo"}
    monkeypatch.setenv("PGHOST", "127.0.0.1")
    assert external_settings(conf)["db_host"] == "127.0.0.1"


def test_throwaway_cluster_starts_serves_and_vanishes():
    cluster = PgCluster(throwaway=True)
    with cluster:
        with psycopg2.connect(cluster.dsn()) as conn, conn.cursor() as cr:
            cr.execute("SELECT current_user, inet_server_addr()::text")
            user, addr = cr.fetchone()
        conn.close()
        assert user == "fidelite"
        assert addr.startswith("127.0.0.1")
    assert not cluster.datadir.exists()
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(cluster.dsn(), connect_timeout=2)


def test_pytest_options_reach_pytest(monkeypatch):
    """``make test ARGS="-k tour -x"`` hands -k and -x to pytest, not to our own parser."""
    from tools.fidelite_dev import __main__ as cli

    seen = {}
    monkeypatch.setattr(cli, "cmd_test", lambda args: seen.update(vars(args)) or 0)
    assert cli.main(["test", "--no-lint", "--addon", "fidelite_loyalty", "-k", "tour", "-x"]) == 0
    assert seen["pytest_args"] == ["-k", "tour", "-x"]
    assert seen["addon"] == ["fidelite_loyalty"]
    assert seen["lint"] is False
    with pytest.raises(SystemExit):
        cli.main(["lint", "-k", "tour"])


def test_i18n_keeps_translations_odoo_exports_empty(tmp_path):
    """Odoo exports the terms of Python code without their translation: make i18n keeps them."""
    from tools.fidelite_dev import __main__ as cli

    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    catalogue = tmp_path / "fr.po"
    catalogue.write_text(header + 'msgid "Card lost"\nmsgstr "Carte perdue"\n', encoding="utf-8")
    previous = cli._translations(catalogue)
    catalogue.write_text(header + 'msgid "Card lost"\nmsgstr ""\n\nmsgid "New term"\nmsgstr ""\n', encoding="utf-8")
    assert cli._keep_translations(catalogue, previous) == 1
    text = catalogue.read_text(encoding="utf-8")
    assert 'msgstr "Carte perdue"' in text
    assert '"Language: fr\\n"' in text


def test_demo_data_that_fails_to_load_fails_the_install(tmp_path, monkeypatch):
    """Odoo only warns when a module's demo data fails and installs it without: make demo must stop."""
    from types import SimpleNamespace

    from tools.fidelite_dev import odoo_run

    log = tmp_path / "demo-install.log"

    def fake_odoo(_inst, _conf, _args, logfile=None, check=True):
        Path(logfile).write_text(
            "2026-11-24 17:00:00,000 1 INFO fidelite_demo odoo.modules.loading: Module fidelite_loyalty: loading demo\n"
            "2026-11-24 17:00:01,000 1 WARNING fidelite_demo odoo.modules.loading: "
            "Module fidelite_loyalty demo data failed to install, installed without demo data\n"
            "Traceback (most recent call last):\n"
            "ValueError: the town card's program is missing\n"
            "2026-11-24 17:00:02,000 1 INFO fidelite_demo odoo.modules.loading: 40 modules loaded\n"
        )
        return SimpleNamespace(returncode=0)

    monkeypatch.setattr(odoo_run, "run_odoo", fake_odoo)
    with pytest.raises(ToolError) as err:
        odoo_run.install(None, tmp_path / "odoo.conf", "fidelite_demo", demo=True, logfile=log)
    message = str(err.value)
    assert "demo data of fidelite_loyalty failed to load" in message
    assert "ValueError: the town card's program is missing" in message
    assert "40 modules loaded" not in message
    # an update does not load demo data: the same log line is not looked for
    odoo_run.install(None, tmp_path / "odoo.conf", "fidelite_demo", update=True, logfile=log)
