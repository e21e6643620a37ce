"""Tills that sell to the same members at once, each order in its own committed transactions.

A shop (its own company, chart of accounts, an open POS session), a loyalty program with a
reward, products, and what a till sends: ``sync_from_ui`` of the paid order, then
``confirm_coupon_programs`` with the till's coupon data, two transactions as two RPCs; a
transaction that meets a concurrent update is retried as Odoo's RPC layer retries it.
The contention tests run it with threads; the benchmark and the multi-worker test send the
same calls over JSON-RPC (``jsonrpc_call``).
"""

import json
import random
import time
import urllib.request
import uuid

import psycopg2.errors

from odoo import Command, api, fields

RETRIED = (psycopg2.errors.SerializationFailure, psycopg2.errors.DeadlockDetected)
REWARD_COST = 30.0


def build_shop(env, name, cards=1, stock=None, rewards=1):
    """The shop's ids, committed by the caller: ``{"config", "session", "cash", "program", "rewards"...}``."""
    env = env(user=env.ref("base.user_admin").id, su=True)  # opening a session needs a POS user
    company = env["res.company"].create({"name": name, "currency_id": env.ref("base.EUR").id})
    env = env(context={"allowed_company_ids": [company.id]})
    env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    config = env["pos.config"].with_company(company).create({"name": f"{name} till"})
    journal, methods = config._create_journal_and_payment_methods(cash_journal_vals={"name": f"{name} cash"})
    config.write({"journal_id": journal.id, "payment_method_ids": methods})
    cash = config.payment_method_ids.filtered("is_cash_count")[:1]
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
    config.open_ui()
    session = config.current_session_id
    session.set_opening_control(0, None)
    return {
        "company": company.id,
        "config": config.id,
        "session": session.id,
        "cash": cash.id,
        "program": program.id,
        "rewards": program.reward_ids.ids,
        "discount_product": program.reward_ids[:1].discount_line_product_id.id,
        "product": product.id,
        "cards": card_records.ids,
        "members": members.ids,
        "user": env.uid,
        "pricelist": config.pricelist_id.id,
    }


def order_data(shop, card_index, quantity, reward_index=None):
    """The paid order a till syncs: ``quantity`` coffees at 10 €, and a reward claimed if asked."""
    lines = [
        Command.create(
            {
                "product_id": shop["product"],
                "qty": quantity,
                "price_unit": 10.0,
                "discount": 0,
                "price_subtotal": 10.0 * quantity,
                "price_subtotal_incl": 10.0 * quantity,
                "tax_ids": [],
            }
        )
    ]
    claim = None
    if reward_index is not None:
        claim = uuid.uuid4().hex[:12]
        lines.append(
            Command.create(
                {
                    "product_id": shop["discount_product"],
                    "qty": 1,
                    "price_unit": -2.0,
                    "discount": 0,
                    "price_subtotal": -2.0,
                    "price_subtotal_incl": -2.0,
                    "tax_ids": [],
                    "reward_id": shop["rewards"][reward_index],
                    "is_reward_line": True,
                    "points_cost": REWARD_COST,
                    "coupon_id": shop["cards"][card_index],
                    "reward_identifier_code": claim,
                }
            )
        )
    total = sum(line[2]["price_subtotal_incl"] for line in lines)
    data = {
        "uuid": str(uuid.uuid4()),
        "name": f"Till order {uuid.uuid4().hex[:8]}",
        "session_id": shop["session"],
        "user_id": shop["user"],
        "partner_id": shop["members"][card_index],
        "pricelist_id": shop["pricelist"],
        "date_order": fields.Datetime.to_string(fields.Datetime.now()),
        "lines": lines,
        "amount_paid": total,
        "amount_total": total,
        "amount_tax": 0,
        "amount_return": 0,
        "payment_ids": [Command.create({"amount": total, "payment_method_id": shop["cash"], "name": "cash"})],
        "last_order_preparation_change": "{}",
        "to_invoice": False,
    }
    card_id = shop["cards"][card_index]
    coupon = {"points": 10.0 * quantity, "program_id": shop["program"], "coupon_id": card_id, "barcode": False}
    if claim:
        coupon.update(points=coupon["points"] - REWARD_COST, line_codes=[claim])
    return data, {str(card_id): coupon}


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
        except psycopg2.errors.SerializationFailure:
            stats["retries"] += 1
            time.sleep(rng.uniform(0, 0.02))
    raise AssertionError("a till's order never went through")


def sell(registry, shop, rng, stats, card_index, quantity, reward_index=None):
    """One order as a till sends it: sync, then confirm its coupons (two transactions)."""
    data, coupons = order_data(shop, card_index, quantity, reward_index)

    def sync(env):
        env["pos.order"].sync_from_ui([data])

    def confirm(env):
        order = env["pos.order"].search([("uuid", "=", data["uuid"])])
        order.confirm_coupon_programs(coupons)

    retried(registry, rng, sync, stats)
    retried(registry, rng, confirm, stats)
    return data["uuid"]


def jsonrpc_call(base_url, cookie, model, method, args):
    """``model.method(*args)`` over Odoo's JSON-RPC, as the till calls it; returns (result, error)."""
    body = json.dumps(
        {"jsonrpc": "2.0", "method": "call", "params": {"model": model, "method": method, "args": args, "kwargs": {}}}
    ).encode()
    request = urllib.request.Request(
        f"{base_url}/web/dataset/call_kw/{model}/{method}",
        data=body,
        headers={"Content-Type": "application/json", "Cookie": cookie},
    )
    with urllib.request.urlopen(request, timeout=120) as answer:
        reply = json.loads(answer.read())
    return reply.get("result"), reply.get("error")


def new_rng(seed):
    return random.Random(seed)
