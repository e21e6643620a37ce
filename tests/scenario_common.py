"""What the scenario tests share: each builds its scenario with the demo's own generator, small."""

from odoo.tools import convert_file

from odoo.addons.fidelite_loyalty.demo.scenarios import common


def load_shop_chain(env):
    """The base demo (the shop chain, its program and members) on a database without demo data.

    French is activated as on the demo; the chart of accounts comes first, so the stores are
    created able to invoice (as on the demo).
    """
    env["res.lang"]._activate_lang("fr_FR")  # the demo's members speak French
    common.ensure_chart(env, env.ref("base.main_company"))
    convert_file(env, "fidelite_loyalty", "demo/fidelite_demo.xml", {}, mode="init")


def order_totals(env, orders):
    """{partner id: (visits, revenue excluding tax)} of paid POS orders, as Odoo's order analysis sums them."""
    rows = env["report.pos.order"]._read_group(
        [("order_id", "in", orders.ids)], ["partner_id"], ["order_id:count_distinct", "price_subtotal_excl:sum"]
    )
    return {partner.id: (visits, revenue) for partner, visits, revenue in rows}
