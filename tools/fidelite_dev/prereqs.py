"""What the test suite needs beyond Odoo, and how to get it.

Tours are silently skipped by Odoo without a Chromium on PATH or without the
``websocket-client`` package: the test command refuses to start without them.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile

from .errors import ToolError

SYSTEM_PACKAGES = {
    "postgresql": "/usr/lib/postgresql",
    "chromium": "chromium",
    # headers to build Odoo's pinned python-ldap and psycopg2 sdists
    "libldap2-dev": "/usr/include/ldap.h",
    "libsasl2-dev": "/usr/include/sasl/sasl.h",
    "libpq-dev": "/usr/include/postgresql/libpq-fe.h",
}
READER_PACKAGES = {
    "pcscd": "pcscd",
    "vsmartcard-vpcd": "/usr/lib/pcsc/drivers/serial/libifdvpcd.so",
    "libpcsclite-dev": "/usr/include/PCSC/winscard.h",
}
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PY_MODULES = {
    "websocket": "websocket-client",
    "pytest_odoo": "pytest-odoo",
    "pytest": "pytest",
    "schemathesis": "schemathesis",  # the partner API fuzz tests
}


def _present(probe):
    return os.path.exists(probe) if probe.startswith("/") else bool(shutil.which(probe))


def install_system_packages(with_reader=False):
    wanted = dict(SYSTEM_PACKAGES, **(READER_PACKAGES if with_reader else {}))
    missing = [pkg for pkg, probe in wanted.items() if not _present(probe)]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise ToolError(f"missing system packages: {' '.join(missing)} (install them, e.g. apt-get install ...)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    print(f"fidelite: apt-get install {' '.join(missing)}", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
    proc = subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env, check=False
    )
    if proc.returncode:
        raise ToolError(f"apt-get install {' '.join(missing)} failed")


def pip_install(args):
    """pip install with ``setuptools<70`` in build environments (several of Odoo's pinned sdists need it)."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write("setuptools<70\n")
        # kept with names that setuptools' pkg_resources finds (gevent's plugins need them)
        fh.write("zope.interface<7\nzope.event<5.1\n")
    env = dict(os.environ, PIP_CONSTRAINT=fh.name)
    try:
        proc = subprocess.run([sys.executable, "-m", "pip", "install", "-q", *args], env=env, check=False)
    finally:
        os.unlink(fh.name)
    if proc.returncode:
        raise ToolError(f"pip install {' '.join(args)} failed (is PyPI reachable?)")


def browser():
    return next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)


def missing_test_prereqs():
    missing = [f"Python package {pkg}" for mod, pkg in PY_MODULES.items() if not importlib.util.find_spec(mod)]
    if not browser():
        missing.append("Chromium (Debian package 'chromium')")
    return missing


def ensure_test_prereqs():
    """Install what tours need when we can (root), else fail: never let Odoo skip them silently."""
    if missing_test_prereqs() and os.geteuid() == 0:
        if not browser():
            install_system_packages()
        mods = [pkg for mod, pkg in PY_MODULES.items() if not importlib.util.find_spec(mod)]
        if mods:
            pip_install(mods)
        importlib.invalidate_caches()
    missing = missing_test_prereqs()
    if missing:
        raise ToolError(f"cannot run the tests, tours would be skipped: missing {', '.join(missing)}; run 'make setup'")


def test_prereq_report():
    yield f"browser: {browser() or 'MISSING'}"
    for mod, pkg in PY_MODULES.items():
        yield f"{pkg}: {'ok' if importlib.util.find_spec(mod) else 'MISSING'}"
