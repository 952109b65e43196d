"""Derived work done by one worker at a time: a lease per job in the message queue's Redis.

With several workers behind nginx every one of them hears that a workshop's notes
changed, and each drew the harvest wall itself (three workers, three drawings per
change). `run_alone(app, "wall:<id>", draw)` draws only where the lease was taken; a
worker that finds it taken leaves a "once more" mark instead, and the holder draws
again after it lets the lease go, so a change made meanwhile is drawn too. The mark is
set before the lease is tried and read after it is released, so no order of the two
workers loses it. The drawings land in the shared EXPORTS_DIR (content-addressed,
written whole) and are announced through the message queue, which serves every worker.

Without a Redis message queue (one worker) the job simply runs. When Redis cannot be
reached the job runs too: a wall drawn twice is better than none.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from flask import Flask

LEASE_MS = 120_000  # longer than any drawing; a worker that dies frees it after this
_CLIENT = "facilitator.leases.redis"
# Deletes the lease only while it still holds our token: after an expiry another worker
# may hold it, and a plain DEL would free theirs.
_RELEASE = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
)


def run_alone(app: Flask, job: str, work: Callable[[], Any]) -> None:
    """Run `work` here unless another worker runs the same job now (it then runs it again)."""
    client = _client(app)
    if client is None:
        work()
        return
    import redis

    prefix = f"LEASE:{app.config['MESSAGE_QUEUE_CHANNEL']}:{job}"
    key, again = prefix, f"{prefix}:again"
    ran = False
    try:
        client.set(again, "1", px=LEASE_MS)
        while True:
            token = secrets.token_hex(16)
            if not client.set(key, token, nx=True, px=LEASE_MS):
                return  # the holder finds our mark after its run and runs once more
            client.delete(again)  # this run reads the data as it is now
            try:
                ran = True
                work()
            finally:
                client.eval(_RELEASE, 1, key, token)
            if not client.exists(again):
                return
    except redis.RedisError as exc:
        app.logger.warning("no lease for %s (%r): running it here", job, exc)
        if not ran:
            work()


def _client(app: Flask) -> Any:
    """This process's Redis client for leases, or None without a Redis message queue."""
    url = app.config.get("MESSAGE_QUEUE") or ""
    if not url.startswith(("redis://", "rediss://")):
        return None
    client = app.extensions.get(_CLIENT)
    if client is None:
        import redis  # only in scale-out, where the message queue needs it anyway

        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
        app.extensions[_CLIENT] = client
    return client
