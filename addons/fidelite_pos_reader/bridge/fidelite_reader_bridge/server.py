"""The bridge's local WebSocket server, to which the Point of Sale page of this till connects.

Standard library only (RFC 6455, text frames, ping/close). The bridge does not start without
the till's token and the list of allowed origins. Every request must name, in its ``Host``
header, an address the bridge listens on (a page of another site reaching it through a DNS
name pointing at 127.0.0.1, "DNS rebinding", is refused with 421); a WebSocket must come from
an allowed ``Origin`` and carry the till's token (``?token=``, set in the POS settings and in
the bridge's configuration), else 403. ``GET /status`` answers a JSON summary for support
technicians (no card identifiers in it), to clients without an ``Origin`` (curl) or from an
allowed one.

Card events are never sent to a page that connects long after the tap: with no page
connected, an event waits at most ``max_age`` seconds, then it is dropped (and logged).
"""

import base64
import hashlib
import hmac
import ipaddress
import itertools
import json
import logging
import socketserver
import ssl
import struct
import threading
import time
from collections import deque
from urllib.parse import parse_qs, urlsplit

_logger = logging.getLogger(__name__)

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MAX_HEADER = 8192
MAX_FRAME = 65536
QUEUE_SIZE = 20
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
WILDCARD_HOSTS = {"", "0.0.0.0", "::"}  # noqa: S104 - recognised to be refused, never listened on


class BridgeConfigError(ValueError):
    """The bridge's settings would let any web page read the cards: it does not start."""


def _is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_host_names(host, extra=()):
    """The names a request's ``Host`` may give: the listening address, loopback aliases, ``extra``."""
    names = {name.strip().lower().strip("[]") for name in extra if name.strip()}
    host = (host or "").strip().lower().strip("[]")
    if host in WILDCARD_HOSTS:
        if not names:
            raise BridgeConfigError(
                f"listening on every address ({host or 'all'}) needs allowed_hosts: the names the tills use"
            )
        return names
    names.add(host)
    if _is_loopback(host):
        names |= LOOPBACK_NAMES
    return names


def parse_host(value):
    """(name, port or None) of a ``Host`` header, None when malformed."""
    try:
        url = urlsplit("//" + value)
        return (url.hostname or "", url.port)
    except ValueError:
        return None


class Hub:
    """Fan-out of events to the connected pages, with a short, bounded queue when none is."""

    def __init__(self, max_age=10.0):
        self.max_age = max_age
        self.lock = threading.Lock()
        self.clients = set()
        self.pending = deque(maxlen=QUEUE_SIZE)
        self.seq = itertools.count(1)
        self.status = {}
        self.cards = 0
        self.delivered = 0
        self.dropped = 0

    def _frame(self, event):
        message = dict(event)
        if "read_at" in message:
            message["age_ms"] = round((time.time() - message["read_at"]) * 1000)
        return json.dumps(message)

    def publish(self, event):
        event = dict(event, id=next(self.seq))
        with self.lock:
            self.cards += 1
            clients = list(self.clients)
            if not clients:
                self.pending.append(event)
                _logger.warning("no till connected: event %s kept for %ss", event["id"], self.max_age)
                return
        self._send(clients, event)

    def set_status(self, status):
        with self.lock:
            self.status = dict(status)
            clients = list(self.clients)
        self._send(clients, dict(status, type="status"))

    def _send(self, clients, event):
        text = self._frame(event)
        for client in clients:
            if client.send_text(text) and event.get("type") == "card":
                self.delivered += 1

    def attach(self, client):
        with self.lock:
            self.clients.add(client)
            pending, now = list(self.pending), time.time()
            self.pending.clear()
            status = dict(self.status, type="status")
        client.send_text(json.dumps(status))
        for event in pending:
            if now - event["read_at"] > self.max_age:
                self.dropped += 1
                age = now - event["read_at"]
                _logger.warning("event %s dropped: read %.0fs ago, before any till connected", event["id"], age)
            else:
                self._send([client], event)

    def detach(self, client):
        with self.lock:
            self.clients.discard(client)

    def summary(self):
        with self.lock:
            return dict(
                self.status, clients=len(self.clients), cards=self.cards, delivered=self.delivered, dropped=self.dropped
            )


class _Handler(socketserver.StreamRequestHandler):
    timeout = 30  # for the handshake; the connection itself waits without limit

    def handle(self):
        try:
            request = self._read_request()
        except (OSError, ValueError):
            return
        if request is None:
            return
        path, query, headers = request
        refusal = self._refusal(path, query, headers)
        if refusal:
            self._reply(*refusal)
            return
        if path == "/status":
            self._reply(200, json.dumps(self.server.hub.summary()), "application/json")
            return
        accept = base64.b64encode(hashlib.sha1((headers["sec-websocket-key"] + WS_GUID).encode()).digest())  # noqa: S324 - RFC 6455
        self.wfile.write(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n"
        )
        self.connection.settimeout(None)
        self.send_lock = threading.Lock()
        self.open = True
        _logger.info("till connected (%s)", headers.get("origin", "no origin"))
        self.server.hub.attach(self)
        try:
            self._serve_frames()
        except (OSError, ValueError, struct.error):
            pass
        finally:
            self.open = False
            self.server.hub.detach(self)
            _logger.info("till disconnected")

    def _refusal(self, path, query, headers):
        """(status, text) of a request refused, None for one to serve."""
        if not self.server.host_allowed(headers.get("host", "")):
            # DNS rebinding: a page of evil.example whose name now points at 127.0.0.1
            _logger.warning("request refused: Host %r is not an address of this bridge", headers.get("host"))
            return 421, "unknown host\n"
        origin = headers.get("origin")
        # a support technician's curl asking /status sends no Origin; a web page always does
        if (path != "/status" or origin is not None) and origin not in self.server.allowed_origins:
            _logger.warning("request refused: origin %s is not allowed", origin)
            return 403, "origin not allowed\n"
        if path == "/status":
            return None
        if headers.get("upgrade", "").lower() != "websocket" or "sec-websocket-key" not in headers:
            return 400, "a WebSocket is expected here\n"
        given = (query.get("token") or [""])[0]
        if not hmac.compare_digest(given.encode(), self.server.token.encode()):
            _logger.warning("connection refused: wrong till token (from %s)", origin)
            return 403, "wrong token\n"
        return None

    def _read_request(self):
        lines, size = [], 0
        while True:
            line = self.rfile.readline(MAX_HEADER)
            size += len(line)
            if not line or size > MAX_HEADER:
                return None
            if line in (b"\r\n", b"\n"):
                break
            lines.append(line.decode("latin-1").rstrip("\r\n"))
        if not lines:
            return None
        parts = lines[0].split()
        if len(parts) < 2 or parts[0] != "GET":
            self._reply(405, "GET only\n")
            return None
        url = urlsplit(parts[1])
        headers = {}
        for line in lines[1:]:
            name, _sep, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return url.path, parse_qs(url.query), headers

    def _reply(self, code, body, content_type="text/plain"):
        data = body.encode()
        self.wfile.write(
            f"HTTP/1.1 {code} {'OK' if code == 200 else 'Refused'}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode()
            + data
        )

    def _recv_exact(self, size):
        data = self.rfile.read(size)
        if len(data) != size:
            raise OSError("connection closed")
        return data

    def _serve_frames(self):
        while True:
            head = self._recv_exact(2)
            opcode, length = head[0] & 0x0F, head[1] & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", self._recv_exact(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", self._recv_exact(8))
            if length > MAX_FRAME:
                raise ValueError("frame too large")
            mask = self._recv_exact(4) if head[1] & 0x80 else b"\0\0\0\0"
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self._recv_exact(length)))
            if opcode == 0x8:
                self._send_frame(0x8, payload[:2])
                return
            if opcode == 0x9:
                self._send_frame(0xA, payload)

    def _send_frame(self, opcode, payload):
        size = len(payload)
        if size < 126:
            header = struct.pack("!BB", 0x80 | opcode, size)
        elif size < 65536:
            header = struct.pack("!BBH", 0x80 | opcode, 126, size)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 127, size)
        with self.send_lock:
            self.wfile.write(header + payload)
            self.wfile.flush()

    def send_text(self, text):
        if not self.open:
            return False
        try:
            self._send_frame(0x1, text.encode())
            return True
        except OSError:
            self.open = False
            return False


class BridgeServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host, port, hub, token="", allowed_origins=(), certfile=None, keyfile=None, allowed_hosts=()):
        if not token:
            raise BridgeConfigError("no till token configured (token): any web page could read the cards")
        origins = {origin.strip().rstrip("/") for origin in allowed_origins if origin.strip()}
        if not origins:
            raise BridgeConfigError(
                "no allowed origins configured (allowed_origins): the Odoo address of the POS page is needed"
            )
        self.hub = hub
        self.token = token
        self.allowed_origins = origins
        self.host_names = allowed_host_names(host, allowed_hosts)
        self.tls = None
        if certfile:
            self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.tls.load_cert_chain(certfile, keyfile or None)
        super().__init__((host, port), _Handler)

    def host_allowed(self, value):
        """Whether a ``Host`` header names this bridge: one of its names, and its port if given."""
        parsed = parse_host(value)
        if not parsed:
            return False
        name, port = parsed
        return name in self.host_names and port in (None, self.server_address[1])

    def get_request(self):
        sock, addr = super().get_request()
        if self.tls:
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr
