"""What a card says about itself: its contactless UID and the member number in its application.

Every answer of the card is treated as untrusted input: a short, long, garbled or unexpected
answer gives "no identity" and a reason, never an exception and never a made-up identifier.
"""

import re
from dataclasses import dataclass, field

GET_UID = [0xFF, 0xCA, 0x00, 0x00, 0x00]  # PC/SC part 3: UID of the contactless card
UID_LENGTHS = (4, 7, 10)  # single, double and triple size UIDs (ISO/IEC 14443-3)
MEMBER_ID = re.compile(r"^[0-9A-Za-z-]{4,32}$")
PADDING = b"\x00\xff \t\r\n"
MAX_GET_RESPONSE = 4


class CardGone(Exception):
    """The card left the reader (or the reader went away) during the read."""


@dataclass
class ReadSettings:
    """Where the member number is stored in the card application (contact or dual-interface cards)."""

    aid: bytes = b""  # the application to SELECT; empty: contactless UID only
    mode: str = "record"  # "record" (READ RECORD) or "binary" (READ BINARY of an EF)
    sfi: int = 1
    record: int = 1
    file_id: int = 0
    length: int = 0  # READ BINARY length, 0 = as much as the card gives


@dataclass
class Identity:
    uid: str | None = None
    member_id: str | None = None
    problems: list = field(default_factory=list)

    @property
    def identifier(self):
        """What the till looks up: the member number of the card application, else the UID."""
        return self.member_id or self.uid

    @property
    def medium(self):
        return "chip" if self.member_id else "contactless"


def _ok(sw1, sw2):
    return (sw1, sw2) == (0x90, 0x00)


def exchange(transmit, apdu):
    """Send ``apdu``, following 61xx (GET RESPONSE) and 6Cxx (wrong Le) as ISO 7816-4 says."""
    data, sw1, sw2 = transmit(apdu)
    if sw1 == 0x6C and len(apdu) >= 5:
        data, sw1, sw2 = transmit([*apdu[:-1], sw2])
    collected = list(data)
    for _ in range(MAX_GET_RESPONSE):
        if sw1 != 0x61:
            break
        data, sw1, sw2 = transmit([0x00, 0xC0, 0x00, 0x00, sw2])
        collected.extend(data)
    return collected, sw1, sw2


def read_uid(transmit):
    data, sw1, sw2 = transmit(GET_UID)
    if not _ok(sw1, sw2):
        return None, f"no UID (status {sw1:02X}{sw2:02X})"
    if len(data) not in UID_LENGTHS:
        return None, f"UID of {len(data)} bytes"
    return bytes(data).hex().upper(), None


def parse_member_id(data):
    """The member number in a record: ASCII, padded with zeros, 0xFF or spaces."""
    raw = bytes(data).strip(PADDING)
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return None
    return text if MEMBER_ID.match(text) else None


def read_member_id(transmit, settings):
    aid = list(settings.aid)
    _data, sw1, sw2 = exchange(transmit, [0x00, 0xA4, 0x04, 0x00, len(aid), *aid, 0x00])
    if not _ok(sw1, sw2):
        return None, f"application not found (status {sw1:02X}{sw2:02X})"
    if settings.mode == "binary":
        fid = [(settings.file_id >> 8) & 0xFF, settings.file_id & 0xFF]
        _data, sw1, sw2 = exchange(transmit, [0x00, 0xA4, 0x02, 0x0C, 0x02, *fid])
        if not _ok(sw1, sw2):
            return None, f"file {settings.file_id:04X} not found (status {sw1:02X}{sw2:02X})"
        data, sw1, sw2 = exchange(transmit, [0x00, 0xB0, 0x00, 0x00, settings.length & 0xFF])
    else:
        p2 = ((settings.sfi & 0x1F) << 3) | 0x04
        data, sw1, sw2 = exchange(transmit, [0x00, 0xB2, settings.record & 0xFF, p2, 0x00])
    if not _ok(sw1, sw2):
        return None, f"member record unreadable (status {sw1:02X}{sw2:02X})"
    member_id = parse_member_id(data)
    if not member_id:
        return None, "member record malformed"
    return member_id, None


def read_identity(transmit, settings):
    """Read the card through ``transmit(apdu) -> (data, sw1, sw2)``; raises only ``CardGone``."""
    identity = Identity()
    steps = [("uid", lambda: read_uid(transmit))]
    if settings.aid:
        steps.append(("member_id", lambda: read_member_id(transmit, settings)))
    for attr, step in steps:
        try:
            value, problem = step()
        except CardGone:
            raise
        except (ValueError, TypeError, IndexError, OverflowError) as exc:
            value, problem = None, f"unexpected answer ({exc.__class__.__name__})"
        setattr(identity, attr, value)
        if problem:
            identity.problems.append(problem)
    return identity
