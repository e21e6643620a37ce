"""Rate limits and throttle locks, on ``fidelite_rate_counter`` rows written by single statements.

``hit`` counts one use of a key in its current window (``INSERT ... ON CONFLICT DO UPDATE``: two
concurrent uses never read the same count; under Odoo's REPEATABLE READ the later one fails to
serialize and its request is retried, seeing the first). A use refused with an error rolls its
transaction back, and its count with it: it is then counted again in a transaction of its own,
so failed guesses count as much as successful ones.

``lock`` takes, until the transaction ends, one row per key (the throttle of the portal locks its
account's and its address's rows before counting the tries and recording its own).
"""

import functools
import logging
from datetime import datetime, timedelta, timezone

_logger = logging.getLogger(__name__)

LOCK_WINDOW = datetime(1970, 1, 1)  # the window of the rows that serve as locks only
KEEP_DAYS = 2

_UPSERT = """
    INSERT INTO fidelite_rate_counter (key, window_start, hits, last_hit)
    VALUES (%s, %s, 1, NOW() AT TIME ZONE 'UTC')
    ON CONFLICT (key, window_start)
    DO UPDATE SET hits = fidelite_rate_counter.hits + 1, last_hit = EXCLUDED.last_hit
    RETURNING hits
"""


def _window_start(seconds):
    now = int(datetime.now(timezone.utc).timestamp())
    return datetime.fromtimestamp(now - now % seconds, timezone.utc).replace(tzinfo=None)


def hit(env, key, limit, seconds):
    """Count one use of ``key``; whether it is within ``limit`` uses per window of ``seconds``."""
    start = _window_start(seconds)
    env.cr.execute(_UPSERT, [key, start])
    hits = env.cr.fetchone()[0]
    env.cr.postrollback.add(functools.partial(_count_again, env.registry, key, start))
    return hits <= limit


def _count_again(registry, key, start):
    try:
        with registry.cursor() as cr:
            cr.execute(_UPSERT, [key, start])
    except Exception:  # a rollback hook never raises: the count is lost, the error logged
        _logger.exception("rate limit: the use of %s could not be counted again after a rollback", key)


def lock(env, keys):
    """Lock one row per key until the transaction ends (sorted: two callers never deadlock)."""
    for key in sorted(set(keys)):
        env.cr.execute(_UPSERT, [key, LOCK_WINDOW])


def forget_old(env):
    limit = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=KEEP_DAYS)
    env.cr.execute("DELETE FROM fidelite_rate_counter WHERE last_hit < %s", [limit])
