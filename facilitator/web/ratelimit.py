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
"""

from __future__ import annotations

import threading
import time
from typing import Any

from flask import Flask
from limits import RateLimitItemPerMinute, storage, strategies
from limits.errors import StorageError

_LIMITER = "facilitator.limiter"
_LAST_WARNING = "facilitator.limiter.warned_at"
_DOWN_UNTIL = "facilitator.limiter.down_until"
WARN_EVERY_SECONDS = 60.0
RETRY_AFTER_SECONDS = 5.0
_UNREACHABLE = (StorageError, ConnectionError, TimeoutError, OSError)


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


def close(app: Flask) -> None:
    """Close the limiter's Redis connections (a test's app, or a worker shutting down)."""
    pool = app.extensions.pop("facilitator.limiter.redis_pool", None)
    app.extensions.pop(_LIMITER, None)
    if pool is not None:
        pool.disconnect()


def hit(app: Flask, key: str, per_minute: int) -> bool:
    """Count one action under `key`; False (and nothing counted) when it would exceed
    `per_minute` in the last minute. Fails open when the storage is unreachable."""
    if _skipping(app):
        return True
    try:
        return _hit(app, RateLimitItemPerMinute(per_minute), key)
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
