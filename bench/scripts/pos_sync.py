"""Run by ``odoo shell`` for bench_pos_sync.py: 1,000 POS orders synced as the till does it.

``env`` and ``result`` are given by the shell and the harness; ORDERS and WARMUP are prepended.
"""

# ruff: noqa: F821
import time
import uuid

from odoo import Command, fields

program = env["loyalty.program"].create(
    {
        "name": "Bench club",
        "program_type": "loyalty",
        "trigger": "auto",
        "applies_on": "both",
        "rule_ids": [Command.create({"reward_point_mode": "money", "reward_point_amount": 1})],
        "reward_ids": [
            Command.create(
                {"reward_type": "discount", "discount_mode": "per_order", "discount": 5, "required_points": 100}
            )
        ],
    }
)
products = env["product.product"].create(
    [
        {
            "name": f"Bench product {i}",
            "available_in_pos": True,
            "lst_price": 2.5 * (i + 1),
            "taxes_id": [Command.clear()],
        }
        for i in range(3)
    ]
)
members = env["res.partner"].create([{"name": f"Member {i}"} for i in range(200)])
cards = env["loyalty.card"].create(
    [{"program_id": program.id, "partner_id": m.id, "code": f"BENCH{m.id:08d}"} for m in members]
)
config.open_ui()
session = config.current_session_id
session.set_opening_control(0, None)
env.cr.commit()


def order_data(n):
    lines = [
        Command.create(
            {
                "product_id": p.id,
                "qty": 1 + (n + i) % 3,
                "price_unit": p.lst_price,
                "discount": 0,
                "price_subtotal": p.lst_price * (1 + (n + i) % 3),
                "price_subtotal_incl": p.lst_price * (1 + (n + i) % 3),
                "tax_ids": [],
            }
        )
        for i, p in enumerate(products)
    ]
    total = sum(line[2]["price_subtotal_incl"] for line in lines)
    return {
        "uuid": str(uuid.uuid4()),
        "name": f"Bench {n}",
        "session_id": session.id,
        "user_id": env.uid,
        "partner_id": members[n % len(members)].id,
        "pricelist_id": config.pricelist_id.id,
        "date_order": fields.Datetime.to_string(fields.Datetime.now()),
        "lines": lines,
        "amount_paid": total,
        "amount_total": total,
        "amount_tax": 0,
        "amount_return": 0,
        "payment_ids": [Command.create({"amount": total, "payment_method_id": cash.id, "name": fields.Datetime.now()})],
        "last_order_preparation_change": "{}",
        "to_invoice": False,
    }, total


timed = cpu = 0.0
for n in range(WARMUP + ORDERS):
    data, total = order_data(n)
    card = cards[n % len(cards)]
    started, cpu_started = time.perf_counter(), time.process_time()
    env["pos.order"].sync_from_ui([data])
    order = env["pos.order"].search([("uuid", "=", data["uuid"])])
    order.confirm_coupon_programs(
        {
            card.id: {
                "points": total,
                "program_id": program.id,
                "coupon_id": card.id,
                "partner_id": card.partner_id.id,
                "barcode": False,
            }
        }
    )
    env.cr.commit()
    if n >= WARMUP:
        timed += time.perf_counter() - started
        cpu += time.process_time() - cpu_started
env.invalidate_all()
result(
    {
        "ms_per_order": 1000 * timed / ORDERS,
        "cpu_ms_per_order": 1000 * cpu / ORDERS,
        "points": sum(cards.mapped("points")),
    }
)
