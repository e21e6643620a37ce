"""A till's calls, as its browser sends them: the order data, and the JSON-RPC calls to Odoo.

Standard library only: the contention tests use it in Odoo's process (``pos_tills``), the
benchmarks from the tooling's process, against an Odoo server in multi-process mode.
"""

import json
import random
import socket
import subprocess
import time
import urllib.request
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone

REWARD_COST = 30.0


def new_rng(seed):
    return random.Random(seed)


def order_data(shop, till, card_index, quantity, reward_index=None):
    """The paid order till number ``till`` syncs: ``quantity`` coffees at 10 €, and a reward if asked."""
    till = shop["tills"][till % len(shop["tills"])]
    lines = [
        (
            0,
            0,
            {
                "product_id": shop["product"],
                "qty": quantity,
                "price_unit": 10.0,
                "discount": 0,
                "price_subtotal": 10.0 * quantity,
                "price_subtotal_incl": 10.0 * quantity,
                "tax_ids": [],
            },
        )
    ]
    claim = None
    if reward_index is not None:
        claim = uuid.uuid4().hex[:12]
        lines.append(
            (
                0,
                0,
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
                },
            )
        )
    total = sum(line[2]["price_subtotal_incl"] for line in lines)
    data = {
        "uuid": str(uuid.uuid4()),
        "name": f"Till order {uuid.uuid4().hex[:8]}",
        "session_id": till["session"],
        "user_id": shop["user"],
        "partner_id": shop["members"][card_index],
        "pricelist_id": till["pricelist"],
        "date_order": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
        "lines": lines,
        "amount_paid": total,
        "amount_total": total,
        "amount_tax": 0,
        "amount_return": 0,
        "payment_ids": [(0, 0, {"amount": total, "payment_method_id": till["cash"], "name": "cash"})],
        "last_order_preparation_change": "{}",
        "to_invoice": False,
    }
    card_id = shop["cards"][card_index]
    coupon = {"points": 10.0 * quantity, "program_id": shop["program"], "coupon_id": card_id, "barcode": False}
    if claim:
        coupon.update(points=coupon["points"] - REWARD_COST, line_codes=[claim])
    return data, {str(card_id): coupon}


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def multi_worker_server(command, conf, dbname, workers=2, log_path=None, env=None):
    """An Odoo server in multi-process mode (``--workers``) on ``dbname``; yields its base URL."""
    port = _free_port()
    cmd = [
        *command, "-c", str(conf), "-d", dbname, "--db-filter", f"^{dbname}$",
        "--http-interface", "127.0.0.1", "--http-port", str(port), "--gevent-port", str(_free_port()),
        "--workers", str(workers), "--max-cron-threads", "0", "--log-level", "warn",
        "--limit-time-real", "600", "--limit-time-cpu", "600",
    ]  # fmt: skip
    log = open(log_path or "/dev/null", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"the Odoo server stopped (status {server.returncode}), see {log_path}")
            try:
                with urllib.request.urlopen(f"{base_url}/web/health", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the Odoo server did not answer in time")
            time.sleep(0.5)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _post(url, payload, cookie=None):
    headers = {"Content-Type": "application/json"}
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=300) as answer:
        return json.loads(answer.read()), answer.headers


def login(base_url, dbname, user, password):
    """The session cookie of ``user``, logged in as the POS logs in."""
    params = {"db": dbname, "login": user, "password": password}
    reply, headers = _post(f"{base_url}/web/session/authenticate", {"jsonrpc": "2.0", "params": params})
    if reply.get("error"):
        raise RuntimeError(f"login failed: {reply['error']}")
    cookie = headers.get("Set-Cookie", "").split(";")[0]
    return cookie


def jsonrpc_call(base_url, cookie, model, method, args):
    """``model.method(*args)`` over Odoo's JSON-RPC, as the till calls it; returns (result, error)."""
    params = {"model": model, "method": method, "args": args, "kwargs": {}}
    reply, _headers = _post(
        f"{base_url}/web/dataset/call_kw/{model}/{method}", {"jsonrpc": "2.0", "params": params}, cookie
    )
    return reply.get("result"), reply.get("error")


def _concurrency_error(error):
    """Odoo's RPC layer retried 5 times and gave up: the till tries again, as it does offline."""
    text = json.dumps(error)
    return "could not serialize" in text or "deadlock" in text.lower() or "LockNotAvailable" in text


def http_sell(base_url, cookie, shop, till, rng, stats, card_index, quantity, reward_index=None):
    """One order as till number ``till`` sends it over JSON-RPC: sync it, then confirm its coupons."""
    data, coupons = order_data(shop, till, card_index, quantity, reward_index)
    order_id = None
    for method, args in (("sync_from_ui", [[data]]), ("confirm_coupon_programs", None)):
        for _attempt in range(100):
            result, error = jsonrpc_call(
                base_url, cookie, "pos.order", method, args if args is not None else [order_id, coupons]
            )
            if not error:
                break
            if not _concurrency_error(error):
                raise RuntimeError(f"{method}: {error.get('data', {}).get('message') or error}")
            stats["gave_up_retries"] += 1
            time.sleep(rng.uniform(0.01, 0.05))
        else:
            raise RuntimeError(f"{method} never went through")
        if order_id is None:
            order_id = result["pos.order"][0]["id"]
    return data["uuid"]
