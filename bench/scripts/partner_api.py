"""Run by ``odoo shell`` for bench_partner_api.py; CLIENTS is prepended.

Creates the programme, a partner merchant with a key and one member's card per client, commits,
and gives back the key and the cards' codes. ``env`` and ``result`` are given by the shell.
"""

# ruff: noqa: F821
from odoo.addons.fidelite_loyalty.services import partner_api

program = env["loyalty.program"].create(
    {"name": "Bench town centre", "program_type": "loyalty", "fidelite_point_value": 0.05}
)
merchant = env["fidelite.partner.merchant"].create(
    {
        "name": "Bench bookshop",
        "partner_id": env["res.partner"].create({"name": "Bench bookshop"}).id,
        "program_id": program.id,
        "points_per_unit": 1.0,
        "issue_point_value": 0.04,
        "redeem_point_value": 0.05,
    }
)
secret, key = partner_api.new_key(merchant, "bench", partner_api.SCOPES)
# the 4 clients call far more than a till's 600 a minute: the limit is counted, not reached
key.rate_limit_per_minute = 10**7
codes = []
for number in range(CLIENTS):
    partner = env["res.partner"].create({"name": f"Bench member {number}"})
    card = env["loyalty.card"].create(
        {"program_id": program.id, "partner_id": partner.id, "code": f"BENCH{number:05d}"}
    )
    codes.append(card.code)
env.cr.commit()
result({"key": secret, "codes": codes, "card_ids": [], "program_id": program.id})
