"""The partner merchants' API: find a card, earn and burn points on it.

A merchant authenticates with ``Authorization: Bearer <key>``; each key has scopes (lookup,
earn, burn). Earn and burn need an ``Idempotency-Key`` header: the first call with a key is
recorded with its answer (``fidelite.api.request``, unique per merchant and key); a replay gets
the same answer, the same key with another payload a 409. Points go through the ledger, which
locks the card's row, with a ledger key derived from the merchant's key, so even two
transactions racing on one key post once. Cards of another program than the merchant's are
"not found": a merchant learns nothing about them.

Each key has limits (``fidelite.partner.merchant.key``): calls per minute, counted by one
upsert per call that also reads the key's lock-out (``throttle``); failed card look-ups (an
unknown or refused card) per hour, each recorded (``fidelite.api.failure``) by one statement
that locks the key out when it reaches the limit (``record_failure``). Past a limit the answer is
a 429 with ``Retry-After``, before anything is read or posted.

Errors are ``ApiError(status, code, message)``; the controller turns them into JSON answers.
The API speaks English (a machine reads it), except the card's state, worded by the ledger.
"""

import hashlib
import hmac
import json
import math
import re
import secrets
import threading

from odoo import fields
from odoo.exceptions import UserError

from . import card_lookup, ledger, record_cache

SCOPES = ("lookup", "earn", "burn")
# The context key in which the dialog of a new key receives it ("<key id>:<secret>"), shown once, never stored
NEW_KEY_CONTEXT = "fidelite_new_key"
KEY_PREFIX = "fid"
MAX_AMOUNT = 10**7
MAX_POINTS = 10**7
MIN_POINTS = 0.01
MAX_TEXT = 200
IDEMPOTENCY_KEY_RE = re.compile(r"[A-Za-z0-9._:-]{1,100}")
IDENTIFIER_RE = re.compile(r"[A-Za-z0-9:-]{1,64}")
# What a call reads of the card: fetched once, narrowly (the API's hot path; a first access to
# any other field would read the whole row). What it reads of the merchant (name, company,
# program, rate, outlet) and of the program (name, type, expiry policy) comes with the key
# (fidelite.partner.merchant.key).
CARD_FIELDS = [
    "code", "active", "points", "program_id", "partner_id", "company_id",
    "fidelite_state", "fidelite_tier_id", "fidelite_next_expiry",
]  # fmt: skip


# Errors that count as a failed look-up of the key: a card number unknown, or a card refused
FAILED_LOOKUPS = ("card_not_found", "card_not_usable")


class ApiError(Exception):
    def __init__(self, status, code, message, retry_after=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after  # seconds, sent as the Retry-After header of a 429

    def body(self):
        return {"error": {"code": self.code, "message": self.message}}


def _hash(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def new_key(merchant, name, scopes):
    """Create a key for ``merchant``; return (the secret, shown once, and the key record)."""
    prefix = secrets.token_hex(6)
    secret = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = merchant.env["fidelite.partner.merchant.key"].create(
        {
            "name": name,
            "merchant_id": merchant.id,
            "prefix": prefix,
            "key_hash": _hash(secret),
            **{f"scope_{scope}": scope in scopes for scope in SCOPES},
        }
    )
    return secret, key


def authenticate(env, authorization, scope):
    """(The merchant, the key's id) of the bearer key in ``authorization``, if the key holds
    ``scope`` and is within its limits (``throttle``)."""
    kind, _sep, secret = (authorization or "").partition(" ")
    secret = secret.strip()
    if kind.lower() != "bearer" or not secret:
        raise ApiError(401, "unauthenticated", "Send your API key: Authorization: Bearer <key>.")
    parts = secret.split("_", 2)  # the secret part may hold "_" too
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        raise ApiError(401, "unauthenticated", "This API key is not valid.")
    credentials = env["fidelite.partner.merchant.key"]._fidelite_credentials(parts[1])
    if not credentials or not hmac.compare_digest(credentials[0], _hash(secret)):
        raise ApiError(401, "unauthenticated", "This API key is not valid.")
    _key_hash, scopes, merchant_id, company_id, merchant_values, program_values, key_id = credentials
    throttle(env, key_id)
    if scope not in scopes:
        raise ApiError(403, "forbidden", f"This API key may not {scope}.")
    merchant = env["fidelite.partner.merchant"].browse(merchant_id).with_company(company_id)
    # read with the key, cached with it: put in the ORM's cache as if just read from the database
    record_cache.insert_fetched(merchant, merchant_values)
    program = merchant.program_id
    program_values = dict(program_values)
    names = dict(program_values["name"])
    program_values["name"] = names.get(program._fields["name"].translation_lang(env), names.get("en_US"))
    record_cache.insert_fetched(program, program_values.items())
    return merchant, key_id


# -- limits ----------------------------------------------------------------------------------

# One statement per call: count the call in the key's row of this minute for this server thread
# (a row per thread: two workers never wait on one row, nor conflict over it under repeatable
# read), add the other threads' calls of the minute, and read the key's limit and lock-out.
THROTTLE_SQL = """
WITH hit AS (
    INSERT INTO fidelite_api_counter AS c (key_id, window_start, shard, calls)
    VALUES (%(key)s, date_trunc('minute', now() AT TIME ZONE 'UTC'), %(shard)s, 1)
    ON CONFLICT (key_id, window_start, shard) DO UPDATE SET calls = c.calls + 1
    RETURNING c.calls
)
SELECT (SELECT calls FROM hit) + (
           SELECT COALESCE(sum(o.calls), 0) FROM fidelite_api_counter o
            WHERE o.key_id = %(key)s AND o.shard <> %(shard)s
              AND o.window_start = date_trunc('minute', now() AT TIME ZONE 'UTC')
       ),
       k.rate_limit_per_minute,
       ceil(extract(epoch FROM k.locked_until - now() AT TIME ZONE 'UTC')),
       60 - floor(extract(second FROM now()))
  FROM fidelite_partner_merchant_key k
 WHERE k.id = %(key)s
"""


def throttle(env, key_id):
    """Count a call of the key; a 429 if it is locked out or past its calls per minute."""
    env.cr.execute(THROTTLE_SQL, {"key": key_id, "shard": threading.get_native_id()})
    calls, limit, locked_for, minute_left = env.cr.fetchone()
    if locked_for and locked_for > 0:
        raise ApiError(
            429,
            "locked_out",
            "Too many unknown or refused card numbers: this API key is locked out for now.",
            retry_after=int(locked_for),
        )
    if calls > limit:
        raise ApiError(
            429,
            "rate_limited",
            f"More than {limit} calls in a minute with this API key: wait before calling again.",
            retry_after=max(int(minute_left), 1),
        )


# A failed look-up, recorded; the key locked out when its failures of the last hour (this one
# included: the snapshot does not see it) reach its limit, unless it is already.
FAILURE_SQL = """
WITH failure AS (
    INSERT INTO fidelite_api_failure (key_id, merchant_id, operation, card, status_code, error_code, received_at)
    VALUES (%(key)s, %(merchant)s, %(operation)s, %(card)s, %(status)s, %(code)s, now() AT TIME ZONE 'UTC')
    RETURNING key_id
)
UPDATE fidelite_partner_merchant_key k
   SET locked_until = now() AT TIME ZONE 'UTC' + make_interval(mins => k.lockout_minutes)
  FROM failure
 WHERE k.id = failure.key_id
   AND (k.locked_until IS NULL OR k.locked_until <= now() AT TIME ZONE 'UTC')
   AND 1 + (
           SELECT count(*) FROM fidelite_api_failure f
            WHERE f.key_id = k.id AND f.received_at > now() AT TIME ZONE 'UTC' - interval '1 hour'
       ) >= k.failure_limit_per_hour
"""


def record_failure(merchant, key_id, operation, identifier, error):
    """Record ``error`` if it is a failed look-up of the key ``key_id`` (None: not an API call)."""
    if key_id is None or error.code not in FAILED_LOOKUPS:
        return
    merchant.env.cr.execute(
        FAILURE_SQL,
        {
            "key": key_id,
            "merchant": merchant.id,
            "operation": operation,
            "card": (identifier or "")[:64] if isinstance(identifier, str) else None,
            "status": error.status,
            "code": error.code,
        },
    )


def find_card(merchant, identifier):
    """The merchant's program's card ``identifier`` designates, usable or not."""
    env = merchant.env
    try:
        card, _found_by = card_lookup.find_card(
            env, identifier, merchant.company_id, active_only=False, field_names=CARD_FIELDS
        )
    except UserError:
        card = env["loyalty.card"]
    if not card or card.program_id != merchant.program_id:
        raise ApiError(404, "card_not_found", f"No card of this program matches {identifier}.")
    return card


def _check_usable(card):
    try:
        card_lookup.check_usable(card)
    except UserError as error:
        raise ApiError(409, "card_not_usable", str(error)) from error


def card_body(card):
    return {
        "card": card.code,
        "status": card.fidelite_state if card.active else "closed",
        "balance": card.points,
        "program": card.program_id.name,
        "tier": card.fidelite_tier_id.name or None,
    }


def lookup(merchant, identifier, key_id=None):
    if not IDENTIFIER_RE.fullmatch(identifier or ""):
        raise ApiError(422, "invalid_request", "A card number has 1 to 64 letters, digits, ':' and '-'.")
    try:
        return card_body(find_card(merchant, identifier))
    except ApiError as error:
        record_failure(merchant, key_id, "lookup", identifier, error)
        raise


# -- payloads --------------------------------------------------------------------------------


def _number(payload, name, *, required, maximum):
    value = payload.get(name)
    if value is None:
        if required:
            raise ApiError(422, "invalid_request", f"'{name}' is required.")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ApiError(422, "invalid_request", f"'{name}' must be a number.")
    if value < 0 or value > maximum:
        raise ApiError(422, "invalid_request", f"'{name}' must be between 0 and {maximum}.")
    return value


def _text(payload, name, *, required):
    value = payload.get(name)
    if value is None and not required:
        return None
    if (
        not isinstance(value, str)
        or not value.strip()
        or len(value) > MAX_TEXT
        or any(ord(char) < 32 for char in value)
    ):
        raise ApiError(
            422,
            "invalid_request",
            f"'{name}' must be a non-empty string of {MAX_TEXT} characters at most, without control characters.",
        )
    return value.strip()


def parse(operation, payload):
    """Check a JSON body; return the normalised values (raises a 422 naming the field)."""
    if not isinstance(payload, dict):
        raise ApiError(422, "invalid_request", "The body must be a JSON object.")
    allowed = {"card", "reference", "amount"} if operation == "earn" else {"card", "reference", "points"}
    unknown = sorted(set(payload) - allowed)
    if unknown:
        raise ApiError(422, "invalid_request", f"Unknown field(s): {', '.join(unknown)}.")
    values = {"card": _text(payload, "card", required=True), "reference": _text(payload, "reference", required=False)}
    if operation == "earn":
        values["amount"] = _number(payload, "amount", required=True, maximum=MAX_AMOUNT)
    else:
        points = _number(payload, "points", required=True, maximum=MAX_POINTS)
        if points < MIN_POINTS:
            raise ApiError(422, "invalid_request", f"'points' must be {MIN_POINTS} at least.")
        values["points"] = points
    return values


def _idempotency_key(value):
    if not value:
        raise ApiError(422, "idempotency_key_required", "Send an Idempotency-Key header with each earn and burn.")
    if not IDEMPOTENCY_KEY_RE.fullmatch(value):
        raise ApiError(
            422, "invalid_request", "The Idempotency-Key header has 1 to 100 letters, digits and . _ : - only."
        )
    return value


# -- earn and burn ---------------------------------------------------------------------------


def call(merchant, operation, idempotency_key, payload, key_id=None):
    """Run an earn or burn once per idempotency key; return (status, the JSON answer's text).

    The answer is the one recorded with the call's first run: a replay gets the same text. An
    unknown or refused card is a failed look-up of the key ``key_id`` (``record_failure``).
    """
    key = _idempotency_key(idempotency_key)
    values = parse(operation, payload)
    env = merchant.env
    request_hash = hashlib.sha256(
        json.dumps([operation, values], sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    env.cr.execute(
        "SELECT request_hash, status_code, response FROM fidelite_api_request"
        " WHERE merchant_id = %s AND idempotency_key = %s",
        [merchant.id, key],
    )
    known = env.cr.fetchone()
    if known:  # replayed
        known_hash, status, response = known
        if known_hash != request_hash:
            raise ApiError(
                409, "idempotency_conflict", "This Idempotency-Key was used for another request: use a new key."
            )
        return status, response
    try:
        card = find_card(merchant, values["card"])
        _check_usable(card)
        move = (_earn if operation == "earn" else _burn)(merchant, card, values, key)
        status, body = 201, _move_body(card, move, operation, key, values)
    except ApiError as error:
        status, body = error.status, error.body()
        record_failure(merchant, key_id, operation, values["card"], error)
    response = json.dumps(body)
    # The call and its answer, recorded with what it did. A first call with the same key that
    # committed meanwhile makes this INSERT (or the ledger's, on the movement's key) fail with
    # a serialization error: Odoo retries the request, which then finds it above.
    env.cr.execute(
        """
        INSERT INTO fidelite_api_request (merchant_id, idempotency_key, operation, request_hash,
                                          status_code, response, received_at)
        VALUES (%s, %s, %s, %s, %s, %s, now() AT TIME ZONE 'UTC')
        ON CONFLICT (merchant_id, idempotency_key) DO NOTHING
        """,
        [merchant.id, key, operation, request_hash, status, response],
    )
    return status, response


def move_key(merchant_id, operation, key):
    """The ledger key of the movement a merchant's earn or burn with ``key`` posts."""
    return f"api:{merchant_id}:{operation}:{key}"


def _move_values(merchant, key, values, operation):
    return {
        "key": move_key(merchant.id, operation, key),
        "origin": "api",
        "reason": values["reference"] or merchant.name,
        "merchant_id": merchant.id,
        "outlet_id": merchant.outlet_id.id,
    }


def _earn(merchant, card, values, key):
    points = math.floor(values["amount"] * merchant.points_per_unit + 1e-9)
    return ledger.post(
        card,
        points,
        "earn",
        purchase_amount=values["amount"],
        **_move_values(merchant, key, values, "earn"),
    )


def _burn(merchant, card, values, key):
    try:
        return ledger.post(card, -values["points"], "redeem", **_move_values(merchant, key, values, "burn"))
    except UserError as error:
        raise ApiError(409, "insufficient_points", str(error)) from error


def _move_body(card, move, operation, key, values):
    body = card_body(card)
    body.update(
        {
            "operation": operation,
            "idempotency_key": key,
            "transaction_id": move.id or None,
            "points": move.points if move else 0.0,
            "reference": values["reference"],
            "created_at": (move.date if move else fields.Datetime.now()).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    )
    return body
