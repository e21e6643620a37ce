"""Prepended to the POS benchmark scripts run by ``odoo shell``: a shop ready to sell.

``env`` is given by the shell. Defines ``config`` (an open-able POS with a cash journal) and ``cash``.
"""

# ruff: noqa: F821
# opening a POS session needs a user with the POS rights: the administrator, still superuser
env = env(user=env.ref("base.user_admin").id, su=True)
env["account.chart.template"].try_loading("generic_coa", env.company, install_demo=False)
config = env["pos.config"].create({"name": "Bench shop"})
journal, methods = config._create_journal_and_payment_methods(cash_journal_vals={"name": "Bench cash"})
config.write({"journal_id": journal.id, "payment_method_ids": methods})
cash = config.payment_method_ids.filtered("is_cash_count")[:1]
