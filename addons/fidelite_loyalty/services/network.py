"""One card across a network of outlets: where a program is accepted, and which outlet a
movement belongs to.

A program is owned by one company (Odoo's ``company_id``, the franchisor or head office) and
is valid in the companies of ``fidelite_company_ids`` (franchisees, branches, members of a shop
association) as well. Record rules let the users of those companies read the program, its
cards and their movements (``security/fidelite_security.xml``); nothing is copied per company.

An outlet (``fidelite.outlet``) is a store's till, a pop-up store, a partner merchant or the
online shop. Its opening and closing dates decide whether the card is accepted there; members,
cards and balances are never touched by them.

The cost of the rewards is charged to outlets by the program's rule, computed by the figures'
SQL view (``fidelite.outlet.report``):

- ``redeemed``: the outlet where the points are spent bears the whole cost;
- ``earned``: the outlets where the card earned its points bear it, pro rata of the points the
  card earned at each of them up to the redemption;
- ``split``: the spending outlet bears ``fidelite_cost_redeemed_share`` percent, the earning
  outlets the rest, pro rata as above.
"""

from odoo import fields

COST_RULES = [
    ("redeemed", "Outlet where points are spent"),
    ("earned", "Outlets where points were earned (pro rata)"),
    ("split", "Split between the spending and the earning outlets"),
]


def outlet_state(outlet, day):
    if outlet.date_start and day < outlet.date_start:
        return "planned"
    if (outlet.date_end and day > outlet.date_end) or not outlet.active:
        return "closed"
    return "open"


def program_valid_in(program, company):
    """Whether ``program``'s cards are accepted by ``company`` (owner, branch or network)."""
    if not program.company_id or program.company_id == company:
        return True
    if company in program.fidelite_company_ids:
        return True
    # a branch of the owner uses its programs unless a network list says otherwise
    return not program.fidelite_company_ids and program.company_id in company.parent_ids


def programs_at(outlet, day=None):
    """The programs whose cards ``outlet`` accepts on ``day`` (today by default)."""
    env = outlet.env
    Program = env["loyalty.program"]
    day = day or fields.Date.context_today(outlet)
    if outlet_state(outlet, day) != "open":
        return Program
    if outlet.merchant_id:
        return outlet.merchant_id.program_id.filtered("active")
    programs = Program.search([("program_type", "in", ("loyalty", "ewallet", "gift_card"))])
    programs = programs.filtered(lambda program: program_valid_in(program, outlet.company_id))
    if outlet.pos_config_id:
        config = outlet.pos_config_id
        programs = programs.filtered(lambda p: not p.pos_config_ids or config in p.pos_config_ids)
    return programs


def outlet_of_store(env, config_id):
    """The outlet of the till ``config_id`` (an id), or False."""
    if not config_id:
        return False
    outlet = env["fidelite.outlet"].with_context(active_test=False).search([("pos_config_id", "=", config_id)], limit=1)
    return outlet.id or False


def filter_store_programs(config, programs):
    """The programs a till may use today: its outlet open, the program valid in its company."""
    outlet = (
        config.env["fidelite.outlet"]
        .with_context(active_test=False)
        .search([("pos_config_id", "=", config.id)], limit=1)
    )
    if outlet and outlet_state(outlet, fields.Date.context_today(config)) != "open":
        return programs.browse()
    return programs.filtered(lambda program: program_valid_in(program, config.company_id))


def outlet_of_sale_order(env, order_id):
    """The outlet of a sales order, from its sales team (the online shop's), or False."""
    order = env["sale.order"].browse(order_id)
    if not order.team_id:
        return False
    outlets = env["fidelite.outlet"].search([("team_id", "=", order.team_id.id)], order="sequence, id")
    day = fields.Date.context_today(order)
    return outlets.filtered(lambda outlet: outlet_state(outlet, day) == "open")[:1].id or False


def move_values(env, values):
    """Complete the values of a movement with its outlet, found from its till or its online
    order when not given."""
    if not values.get("outlet_id") and values.get("store_id"):
        values["outlet_id"] = outlet_of_store(env, values["store_id"]) or values.get("outlet_id")
    elif not values.get("outlet_id") and values.get("sale_order_id"):
        values["outlet_id"] = outlet_of_sale_order(env, values["sale_order_id"]) or values.get("outlet_id")
    if not values.get("outlet_id"):
        values.pop("outlet_id", None)
    return values
