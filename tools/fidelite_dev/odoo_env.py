"""Locate an Odoo 19.0 Community installation.

Order: ``ODOO_SRC`` (a source tree), then an ``odoo`` package importable by the
Python in use, then the official 19.0 Community source downloaded into a cache.
"""

import json
import os
import shutil
import subprocess
import sys
import tarfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from . import ODOO_SERIES
from .errors import ToolError

DOWNLOAD_URL = os.environ.get(
    "ODOO_DOWNLOAD_URL",
    f"https://nightly.odoo.com/{ODOO_SERIES}/nightly/src/odoo_{ODOO_SERIES}.latest.tar.gz",
)
CACHE_DIR = Path(os.environ.get("FIDELITE_CACHE", Path.home() / ".cache" / "fidelite"))

_PROBE = r"""
import json, os, sys
try:
    import odoo, odoo.release
except Exception as exc:  # noqa: BLE001
    print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
    sys.exit(0)
print(json.dumps({
    "version": odoo.release.version,
    "package": list(odoo.__path__),
}))
"""


@dataclass
class OdooInstall:
    """Where Odoo is and how to run it."""

    origin: str  # "ODOO_SRC", "python" or "download"
    version: str
    package_dir: Path
    root: Path | None = None  # source tree to put on PYTHONPATH (None: already importable)
    addons_paths: list[Path] = field(default_factory=list)

    def env(self, base=None):
        env = dict(os.environ if base is None else base)
        if self.root:
            env["PYTHONPATH"] = os.pathsep.join(
                [str(self.root)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
            )
        return env

    def odoo_cmd(self):
        """Command line that starts Odoo's CLI (the equivalent of ``odoo-bin``)."""
        return [sys.executable, "-m", "odoo"]

    def server_cmd(self):
        """Command line for an Odoo server run with ``--workers`` (it restarts its own argv[0])."""
        return [sys.executable, str(Path(__file__).resolve().parent / "launcher" / "odoo_server.py")]

    def describe(self):
        return f"Odoo {self.version} from {self.origin} ({self.package_dir})"


def _probe(pythonpath=None):
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = str(pythonpath)
    # Run outside the repository so that nothing here shadows the real package.
    proc = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, env=env, cwd="/", check=False)
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": (proc.stderr or proc.stdout).strip()[-300:]}


def _community_addons(package_dir):
    """The folders holding Odoo's own addons for a given ``odoo`` package folder."""
    candidates = [package_dir.parent / "addons", package_dir / "addons"]
    return [c for c in candidates if (c / "point_of_sale" / "__manifest__.py").is_file()]


def _install_from(origin, info, root=None):
    if "error" in info:
        return None
    if not info["version"].startswith(ODOO_SERIES):
        raise ToolError(
            f"{origin} gives Odoo {info['version']}, Fidélité needs Odoo {ODOO_SERIES}: "
            f"point ODOO_SRC at an Odoo {ODOO_SERIES} source tree."
        )
    package_dir = Path(info["package"][0])
    addons = _community_addons(package_dir)
    if not addons:
        raise ToolError(
            f"{origin} gives Odoo {info['version']} at {package_dir} but its community addons "
            "(point_of_sale, loyalty...) were not found next to it: point ODOO_SRC at a full source tree."
        )
    return OdooInstall(origin, info["version"], package_dir, root, addons)


def _download(dest):
    archive = dest.with_suffix(".tar.gz")
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        with urllib.request.urlopen(DOWNLOAD_URL, timeout=30) as resp, open(archive, "wb") as out:  # noqa: S310
            shutil.copyfileobj(resp, out)
    except (urllib.error.URLError, OSError) as exc:
        archive.unlink(missing_ok=True)
        raise ToolError(
            f"Odoo {ODOO_SERIES} not found: set ODOO_SRC to an Odoo {ODOO_SERIES} Community source tree, "
            f"or make 'odoo' importable by {sys.executable}, or allow the download of {DOWNLOAD_URL} "
            f"(download failed: {getattr(exc, 'reason', exc)})."
        ) from None
    tmp = dest.with_name(dest.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    with tarfile.open(archive) as tar:
        tar.extractall(tmp, filter="data")
    (top,) = list(tmp.iterdir())
    top.rename(dest)
    shutil.rmtree(tmp, ignore_errors=True)
    archive.unlink(missing_ok=True)


def locate(allow_download=True):
    """Return the :class:`OdooInstall` to use, or raise :class:`ToolError` with one clear line."""
    src = os.environ.get("ODOO_SRC")
    if src:
        root = Path(src).expanduser().resolve()
        if not (root / "odoo" / "release.py").is_file():
            raise ToolError(f"ODOO_SRC={src} is not an Odoo source tree (no odoo/release.py in it).")
        info = _probe(root)
        inst = _install_from("ODOO_SRC", info, root)
        if inst is None:
            raise ToolError(
                f"Odoo in ODOO_SRC={src} does not import ({info['error']}); install its requirements: make setup"
            )
        return inst
    inst = _install_from("python", _probe())
    if inst:
        return inst
    cached = CACHE_DIR / f"odoo-{ODOO_SERIES}"
    if not (cached / "odoo" / "release.py").is_file():
        if not allow_download:
            raise ToolError(
                f"Odoo {ODOO_SERIES} not found: set ODOO_SRC to its source tree or make 'odoo' importable "
                f"by {sys.executable}."
            )
        print(f"fidelite: downloading Odoo {ODOO_SERIES} Community into {cached} ...", flush=True)
        _download(cached)
    info = _probe(cached)
    inst = _install_from("download", info, cached)
    if inst is None:
        raise ToolError(
            f"Odoo downloaded in {cached} does not import ({info['error']}); install its requirements: make setup"
        )
    return inst


def requirements_file(inst):
    """Odoo's own requirements.txt for an installation, when it ships one."""
    for cand in (inst.root, inst.package_dir.parent):
        if cand and (cand / "requirements.txt").is_file():
            return cand / "requirements.txt"
    return None
