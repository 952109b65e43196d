"""Per-person and per-address limits, on the `limits` library Flask-Limiter is built on.

Memory storage on one process; Redis (the message queue's server) when several
workers share a workshop, so the limit holds across them.
"""

from __future__ import annotations

from flask import Flask
from limits import RateLimitItemPerMinute, storage, strategies


def _limiter(app: Flask) -> strategies.MovingWindowRateLimiter:
    if "facilitator.limiter" not in app.extensions:
        uri = app.config.get("MESSAGE_QUEUE") or "memory://"
        app.extensions["facilitator.limiter"] = strategies.MovingWindowRateLimiter(
            storage.storage_from_string(uri)
        )
    return app.extensions["facilitator.limiter"]


def allowed(app: Flask, key: str, per_minute: int) -> bool:
    """Whether one more action under `key` stays within `per_minute`."""
    return _limiter(app).test(RateLimitItemPerMinute(per_minute), key)


def count(app: Flask, key: str, per_minute: int) -> None:
    """Record one action under `key`."""
    _limiter(app).hit(RateLimitItemPerMinute(per_minute), key)
