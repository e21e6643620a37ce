"""Developer tooling for the Fidélité addons: find Odoo, run a private PostgreSQL,
install the addons, run the demo, the tests, the linters and the benchmarks.

Standard library only, so it works before anything else is installed.
"""

ADDONS = ("fidelite_loyalty", "fidelite_campaigns", "fidelite_pos_reader", "fidelite_portal")
ODOO_SERIES = "19.0"
