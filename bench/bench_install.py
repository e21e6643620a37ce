"""Install cost of the Fidélité addons over the Odoo apps they extend.

Figures:
- ``install_baseline_s``: fresh database with Odoo's own apps that Fidélité depends on;
- ``install_fidelite_s``: fresh database with the same apps plus the four Fidélité addons;
- ``install_overhead_pct``: what the Fidélité addons add, in percent of the baseline.
"""

from tools.fidelite_dev import ADDONS

ODOO_APPS = ("loyalty", "pos_loyalty", "sale_loyalty", "mass_mailing", "mass_mailing_sms", "survey", "portal")


def run(ctx):
    _db, baseline = ctx.create_db("baseline", ODOO_APPS)
    _db, fidelite = ctx.create_db("fidelite", ODOO_APPS + ADDONS)
    ctx.figure("install_baseline_s", baseline, "s")
    ctx.figure("install_fidelite_s", fidelite, "s")
    ctx.figure("install_overhead_pct", 100.0 * (fidelite - baseline) / baseline, "%")
