"""pytest plugin: a run only passes when its tests really ran.

- A skipped test is a failure (Odoo skips tours silently without a browser, without
  ``websocket-client`` or without an HTTP server), and so is an xfail.
- An ERROR or CRITICAL log record emitted during a test is a failure, as in Odoo's own
  runner; tests that expect one use ``mute_logger`` or ``assertLogs``.
- With ``--fid-require-odoo-tests``, a session that ran no Odoo test case fails.
"""

import logging

import pytest


class _ErrorRecords(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def pytest_addoption(parser):
    parser.addoption(
        "--fid-require-odoo-tests",
        action="store_true",
        help="fail when no Odoo test case (TransactionCase/HttpCase) ran",
    )


def pytest_configure(config):
    config._fid_odoo_tests = 0


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    handler = _ErrorRecords()
    logging.getLogger().addHandler(handler)
    item._fid_errors = handler
    try:
        yield
    finally:
        logging.getLogger().removeHandler(handler)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped:
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if hasattr(report, "wasxfail"):
            del report.wasxfail
            reason = "expected failure (xfail)"
        report.outcome = "failed"
        report.longrepr = f"skipped tests count as failures here: {reason}"
        return
    handler = getattr(item, "_fid_errors", None)
    if handler and handler.records:
        lines = [f"{r.levelname} {r.name}: {r.getMessage()}" for r in handler.records]
        handler.records = []
        if report.passed:
            report.outcome = "failed"
            report.longrepr = "error logged during the test:\n" + "\n".join(lines)
    if call.when == "call" and report.passed:
        instance = getattr(item, "instance", None)
        if instance is not None and _is_odoo_case(instance):
            item.config._fid_odoo_tests += 1


def _is_odoo_case(instance):
    try:
        from odoo.tests.common import BaseCase
    except ImportError:
        return False
    return isinstance(instance, BaseCase)


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    if config.getoption("--fid-require-odoo-tests") and exitstatus == 0 and not config._fid_odoo_tests:
        session.exitstatus = 1
        print("\nfidelite: no Odoo test case ran: that is a failure")
