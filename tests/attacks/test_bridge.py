"""Attacks on the card reader bridge from web pages of other sites (plain pytest, no Odoo).

The bridge listens on the till's loopback address: any page the till's browser opens can try
to reach it, directly (wrong ``Origin``) or through a DNS name of its own that resolves to
127.0.0.1 (DNS rebinding: wrong ``Host``).
"""

import base64
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

BRIDGE_DIR = Path(__file__).resolve().parents[2] / "addons" / "fidelite_pos_reader" / "bridge"
sys.path.insert(0, str(BRIDGE_DIR))

from fidelite_reader_bridge.server import BridgeServer, Hub  # noqa: E402

TOKEN = "till-secret-token"
ORIGIN = "https://odoo.shop.example"


@pytest.fixture
def bridge():
    server = BridgeServer("127.0.0.1", 0, Hub(), TOKEN, [ORIGIN])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _request(server, path="/status", host=None, origin=None, websocket=False):
    """The status line and body of one raw HTTP request to ``server``."""
    port = server.server_address[1]
    lines = [f"GET {path} HTTP/1.1", f"Host: {host if host is not None else f'127.0.0.1:{port}'}"]
    if origin:
        lines.append(f"Origin: {origin}")
    if websocket:
        key = base64.b64encode(os.urandom(16)).decode()
        lines += ["Upgrade: websocket", "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        if not websocket:
            while chunk := sock.recv(4096):
                data += chunk
    head, _sep, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), head.decode("latin-1"), body


def _cli(*args):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(BRIDGE_DIR), os.environ.get("PYTHONPATH", "")]))
    port = str(_free_port())
    proc = subprocess.Popen(
        [sys.executable, "-m", "fidelite_reader_bridge", "--port", port, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
    )
    try:
        output, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        output, _ = proc.communicate()
        pytest.fail(f"the bridge started and served with {args}:\n{output}")
    return proc.returncode, output


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_attack_bridge_empty_token_refuses_to_start():
    for token, origins in (("", [ORIGIN]), (TOKEN, []), ("", [])):
        with pytest.raises(ValueError, match="configured"):
            BridgeServer("127.0.0.1", 0, Hub(), token, origins).server_close()
    code, output = _cli("--token=", f"--allowed-origins={ORIGIN}")
    assert code == 2
    assert "not started: no till token configured" in output
    code, output = _cli(f"--token={TOKEN}")
    assert code == 2
    assert "not started: no allowed origins configured" in output


def test_attack_bridge_wildcard_address_needs_its_names():
    with pytest.raises(ValueError, match="allowed_hosts"):
        BridgeServer("0.0.0.0", 0, Hub(), TOKEN, [ORIGIN]).server_close()


def test_attack_bridge_dns_rebinding_host_refused(bridge):
    port = bridge.server_address[1]
    for host in ("evil.example", f"evil.example:{port}", "", f"127.0.0.1:{port + 1}", "127.0.0.1.evil.example"):
        status, _head, body = _request(bridge, host=host, origin=ORIGIN)
        assert status == 421, host
        assert b"readers" not in body
        status, _head, _body = _request(bridge, f"/?token={TOKEN}", host=host, origin=ORIGIN, websocket=True)
        assert status == 421, host
    assert bridge.hub.summary()["clients"] == 0


def test_attack_bridge_wrong_origin_refused(bridge):
    for origin in ("https://evil.example", "null", ORIGIN + ".evil.example", None):
        status, _head, _body = _request(bridge, f"/?token={TOKEN}", origin=origin, websocket=True)
        assert status == 403, origin
    status, head, body = _request(bridge, "/status", origin="https://evil.example")
    assert status == 403
    assert b"readers" not in body
    assert "Access-Control-Allow-Origin" not in head
    status, _head, _body = _request(bridge, "/?token=guess", origin=ORIGIN, websocket=True)
    assert status == 403
    assert bridge.hub.summary()["clients"] == 0


def test_attack_bridge_right_host_and_origin_served(bridge):
    port = bridge.server_address[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost", "LOCALHOST"):
        status, _head, body = _request(bridge, host=host)
        assert status == 200, host
        assert b'"clients": 0' in body
    status, head, _body = _request(bridge, f"/?token={TOKEN}", host=f"localhost:{port}", origin=ORIGIN, websocket=True)
    assert status == 101
    assert "Sec-WebSocket-Accept" in head
    status, _head, _body = _request(bridge, "/status", origin=ORIGIN)
    assert status == 200
