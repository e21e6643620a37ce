"""Tills that sell to the same members at once, each order in its own committed transactions.

A shop (its own company, chart of accounts, an open POS session), a loyalty program with
rewards, a product, and what a till sends (``till_client``): ``sync_from_ui`` of the paid
order, then ``confirm_coupon_programs`` with the till's coupon data, two transactions as two
RPCs; a transaction that meets a concurrent update is retried as Odoo's RPC layer retries it.
The contention tests run it with threads; the multi-worker test and the benchmark send the same
calls over JSON-RPC.
"""

import time

import psycopg2.errors

from odoo import Command, api

from .till_client import REWARD_COST, order_data


def build_shop(env, name, cards=1, stock=None, rewards=1, tills=8):
    """The shop's ids, committed by the caller: ``{"tills": [{"config", "session", "cash"}], "program"...}``.

    Each till is a POS of its own (its own order sequence, its own open session), as in a shop.
    """
    env = env(user=env.ref("base.user_admin").id, su=True)  # opening a session needs a POS user
    company = env["res.company"].create({"name": name, "currency_id": env.ref("base.EUR").id})
    env = env(context={"allowed_company_ids": [company.id]})
    env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    reward_values = {
        "reward_type": "discount",
        "discount_mode": "per_order",
        "discount": 2,
        "required_points": REWARD_COST,
        "fidelite_stock_limited": stock is not None,
        "fidelite_stock_total": stock or 0,
    }
    program = env["loyalty.program"].create(
        {
            "name": f"{name} club",
            "program_type": "loyalty",
            "trigger": "auto",
            "applies_on": "both",
            "company_id": company.id,
            "rule_ids": [Command.create({"reward_point_mode": "money", "reward_point_amount": 1})],
            "reward_ids": [Command.create({**reward_values, "description": f"Reward {n}"}) for n in range(rewards)],
        }
    )
    product = env["product.product"].create(
        {"name": f"{name} coffee", "available_in_pos": True, "lst_price": 10.0, "taxes_id": [Command.clear()]}
    )
    members = env["res.partner"].create([{"name": f"{name} member {n}"} for n in range(cards)])
    card_records = env["loyalty.card"].create(
        [{"program_id": program.id, "partner_id": member.id, "code": f"TILL{member.id:09d}"} for member in members]
    )
    return {
        "company": company.id,
        "tills": [_open_till(env, f"{name} till {number}") for number in range(tills)],
        "program": program.id,
        "rewards": program.reward_ids.ids,
        "discount_product": program.reward_ids[:1].discount_line_product_id.id,
        "product": product.id,
        "cards": card_records.ids,
        "members": members.ids,
        "user": env.uid,
    }


def _open_till(env, name):
    config = env["pos.config"].create({"name": name})
    journal, methods = config._create_journal_and_payment_methods(cash_journal_vals={"name": f"{name} cash"})
    config.write({"journal_id": journal.id, "payment_method_ids": methods})
    config.open_ui()
    session = config.current_session_id
    session.set_opening_control(0, None)
    return {
        "config": config.id,
        "session": session.id,
        "cash": config.payment_method_ids.filtered("is_cash_count")[:1].id,
        "pricelist": config.pricelist_id.id,
    }


def retried(registry, rng, work, stats):
    """``work(env)`` in its own transaction, retried on a concurrency error as Odoo's RPC layer does."""
    for _attempt in range(500):
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, api.SUPERUSER_ID, {})
                return work(env)
        except psycopg2.errors.DeadlockDetected:
            stats["deadlocks"] += 1
            time.sleep(rng.uniform(0, 0.02))
        except (psycopg2.errors.SerializationFailure, psycopg2.errors.LockNotAvailable):
            stats["retries"] += 1
            time.sleep(rng.uniform(0, 0.02))
    raise AssertionError("a till's order never went through")


def sell(registry, shop, till, rng, stats, card_index, quantity, reward_index=None):
    """One order as till number ``till`` sends it: sync, then confirm its coupons (two transactions)."""
    data, coupons = order_data(shop, till, card_index, quantity, reward_index)

    def sync(env):
        env["pos.order"].sync_from_ui([data])

    def confirm(env):
        order = env["pos.order"].search([("uuid", "=", data["uuid"])])
        order.confirm_coupon_programs(coupons)

    retried(registry, rng, sync, stats)
    retried(registry, rng, confirm, stats)
    return data["uuid"]


def add_cashier(env, shop, login, password):
    """A POS user of the shop's company who logs in with ``password`` (committed by the caller)."""
    company = env["res.company"].browse(shop["company"])
    user = env["res.users"].create(
        {
            "name": login,
            "login": login,
            "password": password,
            "company_id": company.id,
            "company_ids": [Command.set(company.ids)],
            "group_ids": [Command.set([env.ref("base.group_user").id, env.ref("point_of_sale.group_pos_user").id])],
        }
    )
    env["res.users.settings"]._find_or_create_for_user(user)  # tills logging in at once would race for it
