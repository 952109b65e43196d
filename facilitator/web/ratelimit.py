"""Per-person and per-address limits, on the `limits` library Flask-Limiter is built on.

Memory storage on one process; Redis (the message queue's server) when several
workers share a workshop, so the limit holds across them. Each check is one atomic
`hit` (a Lua script on Redis, a lock in memory): a separate test and count let two
concurrent requests both pass the test.

The limiter protects the workshop; it must never stop it. When Redis cannot be
reached (or its bounded pool has no free connection in time) every check passes and
a warning is logged, at most once a minute per process; for `RETRY_AFTER_SECONDS`
after a failure the checks pass without asking Redis, because a note's check runs
inside its database transaction and must not hold the workshop's lock for a timeout.

A note is counted once per client id (`hit(..., once=client_id)`): a phone whose ack
was lost resends the same note, often on a new connection while the first attempt is
still being written, and those resends are not new notes.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from cachetools import TTLCache
from flask import Flask
from limits import RateLimitItemPerMinute, storage, strategies
from limits.errors import StorageError

_LIMITER = "facilitator.limiter"
_LAST_WARNING = "facilitator.limiter.warned_at"
_DOWN_UNTIL = "facilitator.limiter.down_until"
_COUNTED_ONCE = "facilitator.limiter.counted_once"
WARN_EVERY_SECONDS = 60.0
RETRY_AFTER_SECONDS = 5.0
_UNREACHABLE = (StorageError, ConnectionError, TimeoutError, OSError)
# How long an action counted `once` stays counted: longer than the one-minute window,
# so a resend within the window that counted it is never counted again.
ONCE_SECONDS = 120
# The memory path's claims are bounded: a flood of ids evicts the oldest claims, which
# at worst counts an old note's resend again (never lets an uncounted note through).
ONCE_MAX_ENTRIES = 50_000


def _storage(app: Flask) -> storage.Storage:
    uri = app.config.get("MESSAGE_QUEUE") or "memory://"
    if not uri.startswith(("redis://", "rediss://")):
        return storage.storage_from_string("memory://")
    import redis  # only in scale-out, where the message queue needs it anyway

    # One bounded pool per process, shared by every handler: under eventlet, thousands
    # of greenthreads would otherwise each open a connection of their own. A greenthread
    # waits at most `timeout` for a free one, then the check fails open.
    timeout = app.config["RATELIMIT_REDIS_TIMEOUT"]
    pool = redis.BlockingConnectionPool.from_url(
        uri,
        max_connections=app.config["RATELIMIT_REDIS_MAX_CONNECTIONS"],
        timeout=timeout,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
    )
    app.extensions["facilitator.limiter.redis_pool"] = pool
    # Keys per installation, as the message queue's channel is (one Redis may serve several).
    prefix = f"LIMITS:{app.config.get('MESSAGE_QUEUE_CHANNEL') or 'facilitator'}"
    return storage.RedisStorage(uri, connection_pool=pool, key_prefix=prefix, wrap_exceptions=True)


_CREATING = threading.Lock()


def _limiter(app: Flask) -> strategies.MovingWindowRateLimiter:
    """The app's one limiter, made on first use (and only once: with real threads, two
    first requests would each make a storage of their own and count apart)."""
    limiter = app.extensions.get(_LIMITER)
    if limiter is None:
        with _CREATING:
            limiter = app.extensions.get(_LIMITER)
            if limiter is None:
                limiter = strategies.MovingWindowRateLimiter(_storage(app))
                app.extensions[_LIMITER] = limiter
    return limiter


# limits' memory storage makes each key's lock on first use in a Python-level factory,
# so two threads meeting a new key may get a lock each and both pass. Under eventlet
# nothing switches there; with real threads (ASYNC_MODE=threading) this lock keeps a
# hit atomic. Redis needs none: its hit is one Lua script.
_MEMORY_LOCK = threading.Lock()


def _hit(app: Flask, item: RateLimitItemPerMinute, key: str) -> bool:
    limiter = _limiter(app)
    if isinstance(limiter.storage, storage.MemoryStorage):
        with _MEMORY_LOCK:
            return limiter.hit(item, key)
    return limiter.hit(item, key)


def _hit_once_in_memory(app: Flask, item: RateLimitItemPerMinute, key: str, once: str) -> bool:
    """The claim's test, the count and the claim under one lock: atomic, like `hit`."""
    with _MEMORY_LOCK:
        counted = app.extensions.get(_COUNTED_ONCE)
        if counted is None:
            counted = TTLCache(maxsize=ONCE_MAX_ENTRIES, ttl=ONCE_SECONDS)
            app.extensions[_COUNTED_ONCE] = counted
        claim = (key, once)
        if claim in counted:
            return True
        if not _limiter(app).hit(item, key):
            return False
        counted[claim] = True
        return True


_PENDING, _COUNTED = b"pending", b"counted"
_PENDING_POLL_SECONDS = 0.01


def _hit_once_on_redis(app: Flask, item: RateLimitItemPerMinute, key: str, once: str) -> bool:
    """Claim (`key`, `once`) with `SET NX` and a TTL, then count: shared by every worker.

    The claim says "pending" while its count is asked, then "counted" (or is deleted
    when the limit refused it). A twin that meets a pending claim waits for its outcome
    (at most the Redis timeout: a worker killed mid-claim leaves it pending) instead of
    counting itself, which near the limit would refuse a note that is passing."""
    import redis

    limiter = _limiter(app)
    client = limiter.storage.get_connection()
    claim = limiter.storage.prefixed_key(f"once/{key}/{once}")
    deadline = time.monotonic() + app.config["RATELIMIT_REDIS_TIMEOUT"]
    try:
        while not client.set(claim, _PENDING, nx=True, ex=ONCE_SECONDS):
            if client.get(claim) == _COUNTED:
                return True
            if time.monotonic() >= deadline:
                break  # its owner died pending: the claim is this caller's now
            time.sleep(_PENDING_POLL_SECONDS)  # pending, or just refused: look again
        passed = limiter.hit(item, key)
        if passed:
            client.set(claim, _COUNTED, ex=ONCE_SECONDS)
        else:
            client.delete(claim)  # refused: its resend later is a new attempt
        return passed
    except redis.RedisError as exc:
        raise StorageError(exc) from exc


def close(app: Flask) -> None:
    """Close the limiter's Redis connections (a test's app, or a worker shutting down)."""
    pool = app.extensions.pop("facilitator.limiter.redis_pool", None)
    app.extensions.pop(_LIMITER, None)
    app.extensions.pop(_COUNTED_ONCE, None)
    if pool is not None:
        pool.disconnect()


def hit(app: Flask, key: str, per_minute: int, once: str | None = None) -> bool:
    """Count one action under `key`; False (and nothing counted) when it would exceed
    `per_minute` in the last minute. With `once` (a note's client id), an action already
    counted under the same `key` and `once` in the last `ONCE_SECONDS` passes without
    counting again. Fails open when the storage is unreachable."""
    if _skipping(app):
        return True
    item = RateLimitItemPerMinute(per_minute)
    try:
        if once is None:
            return _hit(app, item, key)
        if isinstance(_limiter(app).storage, storage.MemoryStorage):
            return _hit_once_in_memory(app, item, key, once)
        return _hit_once_on_redis(app, item, key, once)
    except _UNREACHABLE as exc:
        _unreachable(app, exc)
        return True


def allowed(app: Flask, key: str, per_minute: int) -> bool:
    """Whether one more action under `key` would pass, without counting it.

    Only for showing a state: a decision must use `hit`, which tests and counts at once.
    """
    if _skipping(app):
        return True
    try:
        return _limiter(app).test(RateLimitItemPerMinute(per_minute), key)
    except _UNREACHABLE as exc:
        _unreachable(app, exc)
        return True


def _skipping(app: Flask) -> bool:
    return time.monotonic() < app.extensions.get(_DOWN_UNTIL, 0.0)


def _unreachable(app: Flask, exc: Exception) -> None:
    now = time.monotonic()
    app.extensions[_DOWN_UNTIL] = now + RETRY_AFTER_SECONDS
    # An outage would otherwise log once per note from every phone.
    last: Any = app.extensions.get(_LAST_WARNING)
    if last is not None and now - last < WARN_EVERY_SECONDS:
        return
    app.extensions[_LAST_WARNING] = now
    cause = exc.storage_error if isinstance(exc, StorageError) else exc
    app.logger.warning("rate limits are off: their storage is unreachable (%r)", cause)
