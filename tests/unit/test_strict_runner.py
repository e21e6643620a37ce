"""The test command fails whenever tests did not really pass."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run_pytest(tmp_path, source, *extra):
    (tmp_path / "test_sample.py").write_text(textwrap.dedent(source))
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tools.fidelite_dev.pytest_strict",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:odoo",
            str(tmp_path),
            *extra,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr


def test_a_failing_test_fails_the_run(tmp_path):
    code, out = run_pytest(tmp_path, "def test_x():\n    assert 1 + 1 == 3\n")
    assert code == 1, out
    assert "1 failed" in out


def test_a_passing_test_passes(tmp_path):
    code, out = run_pytest(tmp_path, "def test_x():\n    assert 1 + 1 == 2\n")
    assert code == 0, out
    assert "1 passed" in out


@pytest.mark.parametrize(
    "body",
    [
        "import pytest\ndef test_x():\n    pytest.skip('Chrome executable not found')\n",
        "import unittest\nclass T(unittest.TestCase):\n    def test_x(self):\n"
        "        raise unittest.SkipTest('websocket-client module is not installed')\n",
        "import pytest\n@pytest.mark.xfail\ndef test_x():\n    assert False\n",
    ],
)
def test_a_skipped_test_fails_the_run(tmp_path, body):
    code, out = run_pytest(tmp_path, body)
    assert code == 1, out
    assert "count as failures" in out


def test_an_error_log_fails_the_run(tmp_path):
    code, out = run_pytest(
        tmp_path, "import logging\ndef test_x():\n    logging.getLogger('odoo.sample').error('boom')\n"
    )
    assert code == 1, out
    assert "ERROR odoo.sample: boom" in out


def test_no_test_fails_the_run(tmp_path):
    code, out = run_pytest(tmp_path, "def helper():\n    return 1\n")
    assert code == 5, out  # the test command maps pytest's "no tests collected" to a failure


def test_no_odoo_test_fails_when_odoo_tests_are_required(tmp_path):
    code, out = run_pytest(tmp_path, "def test_x():\n    assert True\n", "--fid-require-odoo-tests")
    assert code == 1, out
    assert "no Odoo test case ran" in out
