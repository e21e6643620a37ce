"""Run by ``odoo shell`` for bench_tap_to_member.py; TAPS and STACK_DIR are prepended.

``env`` and ``result`` are given by the shell and the harness.
"""

# ruff: noqa: F821
import importlib.util
import json
import random
import statistics
import time

import websocket

_spec = importlib.util.spec_from_file_location("fidelite_pcsc_stack", f"{STACK_DIR}/pcsc_stack.py")
stack = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(stack)

program = env["loyalty.program"].create({"name": "Bench club", "program_type": "loyalty", "trigger": "auto"})
config = env["pos.config"].create({"name": "Bench till"})
uids = [f"04{n:012X}" for n in range(TAPS)]
for n, uid in enumerate(uids):
    partner = env["res.partner"].create({"name": f"Member {n}"})
    env["loyalty.card"].create(
        {"program_id": program.id, "partner_id": partner.id, "code": f"bench{n}", "fidelite_uid": uid}
    )
env.cr.commit()

pcscd = stack.Pcscd().start()
bridge = stack.Bridge()
slot = stack.VirtualSlot()
events, lookups = [], []
try:
    bridge.wait_for(lambda s: s.get("readers"))
    ws = websocket.create_connection(bridge.url, timeout=10, origin=bridge.origin)
    ws.recv()  # status
    rng = random.Random(6)  # noqa: S311 - when to tap, not a secret
    for uid in uids:
        # a hand does not tap in step with pcscd's 400 ms polling of the reader
        time.sleep(rng.uniform(0.2, 0.8))
        started = time.perf_counter()
        slot.insert(stack.ContactlessCard(uid))
        while True:
            message = json.loads(ws.recv())
            if message["type"] == "card":
                break
        events.append((time.perf_counter() - started) * 1000)
        panel = config.fidelite_member_panel(message["identifier"], message["medium"])
        assert panel["status"] == "found", panel
        lookups.append((time.perf_counter() - started) * 1000)
        env.invalidate_all()
        slot.remove()
    ws.close()
finally:
    slot.remove()
    bridge.close()
    pcscd.close()


def p95(values):
    return sorted(values)[int(len(values) * 0.95) - 1]


result(
    {
        "event_median": statistics.median(events),
        "event_p95": p95(events),
        "lookup_median": statistics.median(lookups),
        "lookup_p95": p95(lookups),
    }
)
