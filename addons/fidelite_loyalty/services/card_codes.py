"""Card identifiers: EAN-13 numbers with an in-store prefix, and reader UIDs."""

import re
import secrets

from odoo.exceptions import ValidationError

UID_SEPARATORS = re.compile(r"[\s:\-.]")
# ISO 14443 UIDs are 4, 7 or 10 bytes long
UID_HEX_LENGTHS = (8, 14, 20)


def ean13_check_digit(first12):
    """The check digit of the 12 first digits of an EAN-13 (weights 1 and 3, from the left)."""
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(first12))
    return str((10 - total % 10) % 10)


def is_ean13(code):
    return bool(code) and len(code) == 13 and code.isdigit() and ean13_check_digit(code[:12]) == code[12]


def check_ean13(env, code):
    if not (code and len(code) == 13 and code.isdigit()):
        raise ValidationError(env._("%s is not an EAN-13 number: it must have 13 digits.", code))
    if not is_ean13(code):
        raise ValidationError(
            env._(
                "%(code)s is not a valid EAN-13 number: its check digit should be %(digit)s.",
                code=code,
                digit=ean13_check_digit(code[:12]),
            )
        )


def make_ean13(prefix, number):
    """The EAN-13 of the ``number``-th card under ``prefix`` (digits), check digit included."""
    body = f"{prefix}{number:0{12 - len(prefix)}d}"
    if len(body) != 12:
        raise ValueError(f"card number {number} does not fit after prefix {prefix}")
    return body + ean13_check_digit(body)


def random_ean13(prefix):
    """A new EAN-13 under ``prefix``: random digits (``secrets``) after it, then the check digit.

    Card numbers are not a sequence: whoever holds one card cannot derive its neighbours'.
    """
    width = 12 - len(prefix)
    if width < 1:
        raise ValueError(f"no room for a card number after prefix {prefix}")
    body = f"{prefix}{secrets.randbelow(10**width):0{width}d}"
    return body + ean13_check_digit(body)


def new_ean13_codes(env, prefix, count):
    """``count`` new random EAN-13 numbers under ``prefix``, unique among them and among the
    cards' codes (a collision is drawn again)."""
    codes = set()
    while len(codes) < count:
        drawn = {random_ean13(prefix) for _index in range(count - len(codes))} - codes
        env.cr.execute("SELECT code FROM loyalty_card WHERE code IN %s", [tuple(drawn)])
        codes |= drawn - {row[0] for row in env.cr.fetchall()}
    return list(codes)


def looks_like_uid(value):
    """A reader's UID as typed or sent: hexadecimal bytes, maybe separated by ':', '-' or spaces."""
    compact = UID_SEPARATORS.sub("", value or "")
    return len(compact) in UID_HEX_LENGTHS and bool(re.fullmatch(r"[0-9a-fA-F]+", compact))


def normalize_uid(env, value):
    """``04:a2-3b 1c 5d 6e 80`` → ``04A23B1C5D6E80``; a clear error for anything else."""
    if not value:
        return False
    compact = UID_SEPARATORS.sub("", value).upper()
    if not re.fullmatch(r"[0-9A-F]+", compact) or len(compact) not in UID_HEX_LENGTHS:
        raise ValidationError(
            env._(
                "%s is not a card UID: a UID is 4, 7 or 10 bytes written in hexadecimal (8, 14 or 20 digits 0-9, A-F).",
                value,
            )
        )
    return compact
