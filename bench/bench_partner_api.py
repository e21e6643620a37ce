"""Partner merchants' API: earn calls from 4 concurrent clients on loopback for 60 s.

One database with ``fidelite_loyalty``; a partner merchant with an API key and one member's
card per client. An Odoo server is started on it with the project's configuration in
multi-process mode (``--workers 4``, no cron worker) on a free loopback port. Each client is a
thread that posts ``/fidelite/api/v1/earn`` with a new Idempotency-Key each time, for its own
card (tills of different shops), as fast as answers come. Odoo's multi-process server answers
in HTTP/1.0 and closes the connection after each answer (as behind a proxy), so every call
opens a new connection. The baseline is the same 4 clients calling the card lookup
(``GET /cards/<code>``, same authentication, no write) and Odoo's ``/web/webclient/version_info``
(no database work) for 15 s each, in the same run.

The clients run on the same machine as the server and the database, on the same 2 cores: they
are a minimal HTTP client (a request's bytes written on a socket, the answer read until the
server closes it, its status line and body checked) rather than ``http.client``, which took
twice the CPU per call (about 0.6 ms against 0.3 ms, measured on this machine), taken from the
server being measured. Their CPU per call is reported.

Figures:
- ``partner_api_calls_per_s``: earn calls answered per second (target: 200 at least);
- ``partner_api_p95_ms``: 95th percentile of an earn call's latency (target: 100 ms at most);
- ``partner_api_p50_ms``: its median;
- ``partner_api_lookup_calls_per_s`` and ``partner_api_version_info_calls_per_s``: the baselines;
- ``partner_api_ratio``: earn calls per second over version_info calls per second;
- ``partner_api_client_cpu_ms``: the clients' CPU time per earn call (user and system).
Every earn must be answered 201 and the cards' balances must add up to the points answered.
"""

import json
import os
import socket
import statistics
import subprocess
import threading
import time
import uuid
from pathlib import Path

from tools.fidelite_dev.errors import ToolError

CLIENTS = 4
EARN_SECONDS = 60
BASELINE_SECONDS = 15
WORKERS = 4
SCRIPT = Path(__file__).parent / "scripts" / "partner_api.py"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_up(port, server, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ToolError(f"the Odoo server stopped (status {server.returncode})")
        try:
            if _call(port, "GET", "/fidelite/api/v1/openapi.json", None, {})[0] == 200:
                return
        except (OSError, ToolError):
            pass
        time.sleep(0.5)
    raise ToolError("the Odoo server did not answer in time")


def _call(port, method, path, body, headers):
    """One HTTP request on a new connection; return (status, body) once the server closed it."""
    data = body.encode() if body else b""
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    request = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
        f"Content-Length: {len(data)}\r\n{head}\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request.encode() + data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    answer = b"".join(chunks)
    status_line, _sep, rest = answer.partition(b"\r\n")
    _headers, sep, payload = rest.partition(b"\r\n\r\n")
    if not status_line.startswith(b"HTTP/") or not sep:
        raise ToolError(f"not an HTTP answer: {answer[:200]!r}")
    return int(status_line.split()[1]), payload


def _client(port, seconds, request, latencies, outcomes):
    """Call ``request()`` until ``seconds`` have passed; outcomes get failures and points earned."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        method, path, body, headers, expected = request()
        started = time.perf_counter()
        status, data = _call(port, method, path, body, headers)
        latencies.append(time.perf_counter() - started)
        if status != expected:
            outcomes.append((status, data[:300]))
        elif path.endswith("/earn"):
            outcomes.append(("points", json.loads(data)["points"]))


def _run_clients(port, seconds, make_request):
    latencies = [[] for _ in range(CLIENTS)]
    outcomes = [[] for _ in range(CLIENTS)]
    threads = [
        threading.Thread(target=_client, args=(port, seconds, make_request(n), latencies[n], outcomes[n]))
        for n in range(CLIENTS)
    ]
    started, cpu_started = time.perf_counter(), os.times()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed, cpu = time.perf_counter() - started, os.times()
    all_latencies = sorted(latency for per_client in latencies for latency in per_client)
    points = sum(value for per_client in outcomes for kind, value in per_client if kind == "points")
    failures = [outcome for per_client in outcomes for outcome in per_client if outcome[0] != "points"]
    if failures:
        raise ToolError(f"{len(failures)} call(s) failed, e.g. {failures[:3]}")
    return {
        "calls_per_s": len(all_latencies) / elapsed,
        "p50_ms": statistics.median(all_latencies) * 1000,
        "p95_ms": all_latencies[int(0.95 * (len(all_latencies) - 1))] * 1000,
        "calls": len(all_latencies),
        "points": points,
        "client_cpu_ms": (cpu.user + cpu.system - cpu_started.user - cpu_started.system) / len(all_latencies) * 1000,
    }


def run(ctx):
    db, _ = ctx.create_db("fidelite", ("fidelite_loyalty",))
    setup = ctx.odoo_script(db, f"CLIENTS = {CLIENTS}\n" + SCRIPT.read_text())
    key, codes = setup["key"], setup["codes"]
    port, gevent_port = _free_port(), _free_port()
    cmd = [
        *ctx.inst.server_cmd(),
        "-c", str(ctx.conf(db)), "-d", db,
        "--http-interface", "127.0.0.1", "--http-port", str(port), "--gevent-port", str(gevent_port),
        "--workers", str(WORKERS), "--max-cron-threads", "0", "--log-level", "warn",
        "--limit-time-real", "600", "--limit-time-cpu", "600",
    ]  # fmt: skip
    log = open(ctx.workdir / f"{db}.server.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(cmd, env=ctx.inst.env(), stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_up(port, server)
        auth = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

        def earn(number):
            def request():
                body = json.dumps({"card": codes[number], "amount": 12.5, "reference": "bench"})
                headers = {**auth, "Idempotency-Key": uuid.uuid4().hex}
                return "POST", "/fidelite/api/v1/earn", body, headers, 201

            return request

        def lookup(number):
            return lambda: ("GET", f"/fidelite/api/v1/cards/{codes[number]}", None, auth, 200)

        def version_info(_number):
            body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": {}})
            headers = {"Content-Type": "application/json"}
            return lambda: ("POST", "/web/webclient/version_info", body, headers, 200)

        _run_clients(port, 5, earn)  # warm-up: every worker loads the registry
        load_before = os.getloadavg()[0]
        baseline = _run_clients(port, BASELINE_SECONDS, version_info)
        looked_up = _run_clients(port, BASELINE_SECONDS, lookup)
        before = _balances(port, codes, auth)
        earned = _run_clients(port, EARN_SECONDS, earn)
        after = _balances(port, codes, auth)
        load_after = os.getloadavg()[0]
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
    if abs((after - before) - earned["points"]) > 0.001:
        raise ToolError(f"the balances grew by {after - before} points, the API answered {earned['points']}")
    print(
        f"bench: {earned['calls']} earn calls, server --workers {WORKERS}, {CLIENTS} clients on loopback; "
        f"load average {load_before:.2f} before, {load_after:.2f} after",
        flush=True,
    )
    ctx.figure("partner_api_calls_per_s", earned["calls_per_s"], "calls/s")
    ctx.figure("partner_api_p95_ms", earned["p95_ms"], "ms")
    ctx.figure("partner_api_p50_ms", earned["p50_ms"], "ms")
    ctx.figure("partner_api_lookup_calls_per_s", looked_up["calls_per_s"], "calls/s")
    ctx.figure("partner_api_version_info_calls_per_s", baseline["calls_per_s"], "calls/s")
    ctx.figure("partner_api_ratio", earned["calls_per_s"] / baseline["calls_per_s"], "x")
    ctx.figure("partner_api_client_cpu_ms", earned["client_cpu_ms"], "ms")


def _balances(port, codes, auth):
    total = 0.0
    for code in codes:
        status, data = _call(port, "GET", f"/fidelite/api/v1/cards/{code}", None, auth)
        if status != 200:
            raise ToolError(f"card {code}: status {status}")
        total += json.loads(data)["balance"]
    return total
