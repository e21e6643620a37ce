"""A real PC/SC stack for the tests: a private pcscd with a vpcd virtual reader, virtual cards
emulated over vpcd's socket protocol, and the bridge run as the till would run it.

Nothing here imports Odoo: the card reader tests and the POS tours share it.

vpcd protocol: every message is a 2-byte big-endian length and a payload. A 1-byte payload
is a control message (0 power off, 1 power on, 2 reset, 4 send the ATR); a longer one is a
command APDU, answered by a response APDU. The card is "in the reader" while the emulator's
TCP connection to the vpcd port is open.
"""

import contextlib
import json
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
VPCD_PORT = 35963
READER_NAME = "ACS ACR122U PICC Interface"
PCSCD_PID = Path("/run/pcscd/pcscd.pid")
BRIDGE_DIR = Path(__file__).resolve().parent.parent / "bridge"
# ATR of a contactless storage card seen through a PC/SC part 3 reader, and of a contact chip card
ATR_CONTACTLESS = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")
ATR_CHIP = bytes.fromhex("3B8880010000000000000000")
MEMBER_AID = bytes.fromhex("F0464944454C4954")  # "F0" + "FIDELIT"
OK = b"\x90\x00"
QUICKACK = getattr(socket, "TCP_QUICKACK", None)  # Linux only


class StackMissing(RuntimeError):
    """pcscd, vpcd or pyscard is not installed, or another pcscd runs: the tests cannot run."""


# -- virtual cards ---------------------------------------------------------------------------------
class ContactlessCard:
    def __init__(self, uid_hex, atr=ATR_CONTACTLESS):
        self.uid = bytes.fromhex(uid_hex)
        self.atr = atr

    def answer(self, apdu):
        if apdu[:4] == b"\xff\xca\x00\x00":
            return self.uid + OK
        return b"\x6d\x00"


class ChipCard:
    """A contact card whose application ``aid`` holds the member number in record ``record`` of ``sfi``."""

    def __init__(self, member_number, aid=MEMBER_AID, sfi=1, record=1, atr=ATR_CHIP):
        self.aid, self.sfi, self.record, self.atr = aid, sfi, record, atr
        self.data = member_number.encode().ljust(24, b"\x00")
        self.selected = False

    def answer(self, apdu):
        ins = apdu[1]
        if ins == 0xA4 and apdu[2] == 0x04:
            self.selected = apdu[5 : 5 + apdu[4]] == self.aid
            return OK if self.selected else b"\x6a\x82"
        if ins == 0xB2:
            if self.selected and apdu[2] == self.record and apdu[3] == (self.sfi << 3 | 4):
                return self.data + OK
            return b"\x6a\x83"
        return b"\x6d\x00" if apdu[0] != 0xFF else b"\x6a\x81"


class GarbageCard:
    """Answers anything: random lengths, random bytes, sometimes a plausible status word.

    Never an empty message nor more than 258 bytes (256 data bytes and the status word, the most
    a short APDU gets): past that vpcd and pcscd wait for ever, where a real reader would time out.
    """

    def __init__(self, seed, atr=ATR_CONTACTLESS):
        self.rng = random.Random(seed)
        self.atr = atr
        self.answers = 0

    def answer(self, _apdu):
        self.answers += 1
        rng = self.rng
        size = rng.choice([1, 2, 3, 4, 5, 7, 9, 11, 12, rng.randrange(1, 259)])
        body = bytes(rng.randrange(256) for _ in range(size))
        if size >= 2 and rng.random() < 0.5:
            sw = rng.choice([OK, b"\x61\x10", b"\x6c\x05", b"\x6a\x82", b"\x61\x00", b"\x6c\x00"])
            body = body[:-2] + sw
        return body


class VirtualSlot:
    """One vpcd slot: ``insert(card)`` connects a card to the reader, ``remove()`` takes it away."""

    def __init__(self, port=VPCD_PORT):
        self.port = port
        self.sock = None
        self.thread = None
        self.card = None

    def insert(self, card, timeout=10):
        self.remove()
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(None)
        self.sock, self.card = sock, card
        self.thread = threading.Thread(target=self._serve, args=(sock, card), daemon=True)
        self.thread.start()

    def remove(self, reader=f"{READER_NAME} 00 00"):
        """Take the card away, and wait until pcscd saw it go (it polls vpcd every ~400 ms)."""
        sock, self.sock = self.sock, None
        if sock is None:
            return
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
        self.thread.join(5)
        wait_reader_empty(reader)

    @staticmethod
    def _recv(sock, size):
        data = b""
        while len(data) < size:
            # vpcd writes a message's length and its payload separately: acknowledge at once, or
            # Nagle holds the payload back for the ~40 ms of a delayed ACK on every message
            # (a USB reader has no such TCP link: this delay belongs to the emulation only)
            if QUICKACK is not None:
                sock.setsockopt(socket.IPPROTO_TCP, QUICKACK, 1)
            chunk = sock.recv(size - len(data))
            if not chunk:
                raise OSError("vpcd closed the connection")
            data += chunk
        return data

    def _serve(self, sock, card):
        try:
            while True:
                (size,) = struct.unpack("!H", self._recv(sock, 2))
                payload = self._recv(sock, size)
                if size == 1:
                    if payload[0] == 4:
                        sock.sendall(struct.pack("!H", len(card.atr)) + card.atr)
                    continue
                answer = card.answer(payload)
                sock.sendall(struct.pack("!H", len(answer)) + answer)
        except OSError:
            return


def wait_reader_empty(reader, timeout=3):
    from smartcard import scard

    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return  # no pcscd: no card in any reader
    try:
        state = scard.SCARD_STATE_UNAWARE
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            hresult, states = scard.SCardGetStatusChange(context, 500, [(reader, state)])
            if hresult == scard.SCARD_E_TIMEOUT:
                continue
            if hresult != scard.SCARD_S_SUCCESS or not states[0][1] & scard.SCARD_STATE_PRESENT:
                return
            state = states[0][1] & ~scard.SCARD_STATE_CHANGED
    finally:
        scard.SCardReleaseContext(context)


# -- pcscd -----------------------------------------------------------------------------------------
def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def check_prerequisites():
    missing = []
    if not shutil.which("pcscd") and not Path("/usr/sbin/pcscd").exists():
        missing.append("pcscd (Debian package pcscd)")
    if not Path(VPCD_DRIVER).exists():
        missing.append("vpcd (Debian package vsmartcard-vpcd)")
    try:
        import smartcard.scard  # noqa: F401
    except ImportError:
        missing.append("pyscard (pip install pyscard, needs libpcsclite-dev)")
    if missing:
        raise StackMissing("the card reader tests need " + ", ".join(missing) + ": run 'make setup' as root")


class Pcscd:
    """A private ``pcscd --foreground`` whose only reader is a vpcd virtual reader (two slots)."""

    def __init__(self, reader_name=READER_NAME, port=VPCD_PORT):
        check_prerequisites()
        self.binary = shutil.which("pcscd") or "/usr/sbin/pcscd"
        self.reader_name, self.port = reader_name, port
        self.dir = Path(tempfile.mkdtemp(prefix="fidelite-pcscd-"))
        self.conf = self.dir / "reader.conf.d"
        self.conf.mkdir()
        self.log = self.dir / "pcscd.log"
        self.proc = None
        self.plug_reader()

    def plug_reader(self):
        (self.conf / "vpcd").write_text(
            f'FRIENDLYNAME "{self.reader_name}"\nDEVICENAME /dev/null:0x{self.port:04X}\n'
            f"LIBPATH {VPCD_DRIVER}\nCHANNELID 0x{self.port:04X}\n"
        )
        self._reload()

    def unplug_reader(self):
        (self.conf / "vpcd").unlink(missing_ok=True)
        self._reload()

    def _reload(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGUSR1)  # pcscd re-reads its reader configuration

    def start(self, timeout=10):
        if PCSCD_PID.exists():
            try:
                pid = int(PCSCD_PID.read_text().strip() or 0)
            except ValueError:
                pid = 0
            if pid and _pid_alive(pid) and not (self.proc and self.proc.pid == pid):
                raise StackMissing(
                    f"another pcscd (pid {pid}) runs on this machine and there can be only one: stop it "
                    "(systemctl stop pcscd.socket pcscd) to run the card reader tests"
                )
        ready_before = self._ready_count()
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [self.binary, "--foreground", "--info", "--config", str(self.conf)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while self._ready_count() <= ready_before:
            if self.proc.poll() is not None:
                raise StackMissing(f"pcscd stopped at start: {self.log.read_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise StackMissing(f"pcscd did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.05)
        return self

    def _ready_count(self):
        return self.log.read_bytes().count(b"daemon ready") if self.log.exists() else 0

    def kill(self):
        """Kill pcscd as a crash would (SIGKILL: its socket and pid file stay behind)."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


# -- the bridge, as a till runs it -----------------------------------------------------------------
def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


TILL_ORIGIN = "http://till.test"  # the origin the plain tests' "page" connects from


class Bridge:
    """``python -m fidelite_reader_bridge`` in a child process, with its log in a file.

    ``origins``: the origins of the pages allowed to connect (the bridge refuses to start
    without); a POS tour passes its Odoo server's ``base_url()``.
    """

    def __init__(self, token="till-secret", extra_args=(), port=None, origins=(TILL_ORIGIN,)):
        self.port = port or free_port()
        self.token = token
        self.origin = origins[0]
        self.log = Path(tempfile.mkstemp(prefix="fidelite-bridge-", suffix=".log")[1])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(BRIDGE_DIR), os.environ.get("PYTHONPATH", "")]))
        args = [sys.executable, "-m", "fidelite_reader_bridge", "--port", str(self.port), f"--token={token}"]
        args += [f"--allowed-origins={','.join(origins)}"]
        args += ["--readers", "ACR122", "--aid", MEMBER_AID.hex(), "--log-level", "DEBUG", *extra_args]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env)
        self.url = f"ws://127.0.0.1:{self.port}/?token={token}"
        self.wait_for(lambda status: True, timeout=15)

    def status(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
            sock.sendall(b"GET /status HTTP/1.1\r\nHost: localhost\r\n\r\n")
            data = b""
            while chunk := sock.recv(4096):
                data += chunk
        return json.loads(data.split(b"\r\n\r\n", 1)[1])

    def wait_for(self, condition, timeout=10):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the bridge stopped:\n{self.log.read_text()[-3000:]}")
            try:
                last = self.status()
                if condition(last):
                    return last
            except (OSError, ValueError, IndexError):
                pass
            time.sleep(0.05)
        raise AssertionError(f"bridge status never matched, last {last}:\n{self.log.read_text()[-3000:]}")

    def alive(self):
        return self.proc.poll() is None

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log.unlink(missing_ok=True)
