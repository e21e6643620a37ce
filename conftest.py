"""Root conftest: every pytest run in this repository uses the strict plugin."""

pytest_plugins = ["tools.fidelite_dev.pytest_strict"]
