"""``fidelite-reader-bridge``: command line and configuration file of the bridge."""

import argparse
import configparser
import logging
import signal
import sys
import threading

from . import __version__
from .cardio import ReadSettings
from .server import BridgeConfigError, BridgeServer, Hub

_logger = logging.getLogger("fidelite_reader_bridge")

DEFAULTS = {
    "readers": "",
    "host": "127.0.0.1",
    "port": "8790",
    "token": "",
    "allowed_origins": "",
    "allowed_hosts": "",
    "max_age": "10",
    "aid": "",
    "mode": "record",
    "sfi": "1",
    "record": "1",
    "file_id": "0",
    "length": "0",
    "certfile": "",
    "keyfile": "",
    "log_level": "INFO",
}


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="fidelite-reader-bridge",
        description="Reads member cards on the till's PC/SC readers and sends them to the Odoo Point of Sale.",
    )
    parser.add_argument("-c", "--config", help="INI file with a [bridge] section (see bridge.ini.example)")
    parser.add_argument("--readers", help="only readers whose name contains this text (e.g. ACR122)")
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1: this computer only)")
    parser.add_argument("--port", type=int, help="port of the WebSocket (default 8790)")
    parser.add_argument("--token", help="the till's token, as shown in the POS settings (required)")
    parser.add_argument(
        "--allowed-origins", help="comma-separated origins of the POS pages (required), e.g. https://shop.example.com"
    )
    parser.add_argument(
        "--allowed-hosts",
        help="comma-separated names the tills use to reach the bridge, besides the address it listens on "
        "(required with --host 0.0.0.0)",
    )
    parser.add_argument("--max-age", type=float, help="seconds a read waits for a till to connect (default 10)")
    parser.add_argument("--aid", help="hexadecimal AID of the card application holding the member number")
    parser.add_argument("--mode", choices=["record", "binary"], help="READ RECORD (default) or READ BINARY")
    parser.add_argument("--sfi", type=int, help="short file identifier of the member record (default 1)")
    parser.add_argument("--record", type=int, help="record number of the member number (default 1)")
    parser.add_argument("--file-id", help="hexadecimal file identifier for --mode binary")
    parser.add_argument("--length", type=int, help="bytes to read for --mode binary (0: all)")
    parser.add_argument("--certfile", help="TLS certificate: serve wss:// instead of ws://")
    parser.add_argument("--keyfile", help="TLS private key of --certfile")
    parser.add_argument("--log-level", help="DEBUG, INFO (default), WARNING")
    parser.add_argument("--version", action="version", version=__version__)
    return parser.parse_args(argv)


def load_settings(args):
    """Defaults, then the [bridge] section of the file, then the command line flags."""
    values = dict(DEFAULTS)
    if args.config:
        parser = configparser.ConfigParser()
        if not parser.read(args.config, encoding="utf-8"):
            raise SystemExit(f"fidelite-reader-bridge: cannot read {args.config}")
        if parser.has_section("bridge"):
            values.update({k.replace("-", "_"): v for k, v in parser.items("bridge")})
    for key in DEFAULTS:
        given = getattr(args, key, None)
        if given is not None:
            values[key] = str(given)
    try:
        read = ReadSettings(
            aid=bytes.fromhex(values["aid"].replace(" ", "")),
            mode=values["mode"],
            sfi=int(values["sfi"]),
            record=int(values["record"]),
            file_id=int(values["file_id"], 16),
            length=int(values["length"]),
        )
        port, max_age = int(values["port"]), float(values["max_age"])
    except ValueError as exc:
        raise SystemExit(f"fidelite-reader-bridge: wrong setting: {exc}") from exc
    return values, read, port, max_age


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    values, read, port, max_age = load_settings(args)
    logging.basicConfig(
        level=values["log_level"].upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stdout,
    )
    hub = Hub(max_age=max_age)
    origins = [o.strip() for o in values["allowed_origins"].split(",") if o.strip()]
    hosts = [h.strip() for h in values["allowed_hosts"].split(",") if h.strip()]
    try:
        server = BridgeServer(
            values["host"],
            port,
            hub,
            values["token"],
            origins,
            values["certfile"] or None,
            values["keyfile"] or None,
            allowed_hosts=hosts,
        )
    except BridgeConfigError as exc:
        # refused before listening: without these settings any web page could read the cards
        _logger.error("not started: %s", exc)
        print(f"fidelite-reader-bridge: not started: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        _logger.error("cannot listen on %s:%s: %s", values["host"], port, exc)
        return 2
    from .watcher import ReaderWatcher  # needs pyscard: imported once the settings are known good

    watcher = ReaderWatcher(read, hub.publish, hub.set_status, reader_filter=values["readers"])
    stopped = threading.Event()

    def stop(_signum, _frame):
        stopped.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    threading.Thread(target=server.serve_forever, name="websocket", daemon=True).start()
    watcher.start()
    scheme = "wss" if values["certfile"] else "ws"
    _logger.info(
        "bridge %s listening on %s://%s:%s, readers: %s",
        __version__,
        scheme,
        values["host"],
        port,
        values["readers"] or "all",
    )
    stopped.wait()
    _logger.info("stopping")
    watcher.stop()
    server.shutdown()
    server.server_close()
    return 0
