"""Defaults and FACILITATOR_* environment variables, in one place."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent

LANGUAGES = ("nl", "fr", "en")
ROLES = (
    "resident",
    "care_organisation",
    "welfare_organisation",
    "local_government",
    "volunteer",
    "other",
)


def defaults() -> dict[str, Any]:
    """Return the default configuration; every path and limit lives here."""
    sessions = PROJECT_ROOT / "sessions"
    return {
        "SECRET_KEY": None,  # read from sessions/secret_key when not given
        "DATABASE_URL": f"sqlite:///{sessions / 'facilitator.sqlite3'}",
        "SESSIONS_DIR": str(sessions),
        "EXPORTS_DIR": str(PROJECT_ROOT / "exports"),
        "VENDOR_DIR": str(PROJECT_ROOT / "node_modules"),
        "PUBLIC_URL": None,  # e.g. http://192.168.1.20:5000; detected when unset
        "HOST": "0.0.0.0",
        "PORT": 5000,
        "ASYNC_MODE": "eventlet",
        "MESSAGE_QUEUE": None,  # redis://127.0.0.1:6379/0 in scale-out
        "MESSAGE_QUEUE_CHANNEL": "facilitator",
        "LANGUAGES": LANGUAGES,
        "BABEL_DEFAULT_LOCALE": "en",
        "NOTE_MAX_CHARS": 280,
        "NAME_MAX_CHARS": 40,
        "MESSAGE_MAX_CHARS": 200,
        "COMMITMENT_MAX_CHARS": 280,
        "NOTES_PER_MINUTE": 12,
        "JOINS_PER_MINUTE": 30,  # per network address: a venue's phones each have their own
        "REPLAY_MAX_EVENTS": 200,
        # The console sends a whole plan back to apply it: ~25 bytes a person, so 256 KiB
        # carries ~10,000 people; every handler still checks its own fields and sizes.
        "SOCKET_MAX_BUFFER": 256 * 1024,
        "PING_INTERVAL": 10,
        "PING_TIMEOUT": 20,
        "EVENTLET_MAX_SIZE": 10_000,
        "COOKIE_MAX_AGE": 7 * 24 * 3600,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": False,
        "WTF_CSRF_TIME_LIMIT": None,  # a phone may keep the join page open all morning
        "MAX_CONTENT_LENGTH": 64 * 1024,  # raised per view for photos and archives
        "PHOTO_MAX_BYTES": 10_000_000,  # a phone camera's JPEG is 2-6 MB
        "PHOTO_MAX_PIXELS": 40_000_000,  # larger is refused before decoding (bomb guard)
        "OFFLOAD_WORKERS": 1,  # processes for CPU work (planning); 0 runs it in place
        "BOTS": 0,
        "BOT_INTERVAL": 6.0,
    }


_INT_KEYS = {
    "PORT",
    "NOTE_MAX_CHARS",
    "NAME_MAX_CHARS",
    "MESSAGE_MAX_CHARS",
    "COMMITMENT_MAX_CHARS",
    "NOTES_PER_MINUTE",
    "JOINS_PER_MINUTE",
    "REPLAY_MAX_EVENTS",
    "SOCKET_MAX_BUFFER",
    "EVENTLET_MAX_SIZE",
    "BOTS",
    "OFFLOAD_WORKERS",
    "PHOTO_MAX_BYTES",
    "PHOTO_MAX_PIXELS",
}
_BOOL_KEYS = {"SESSION_COOKIE_SECURE"}
_FLOAT_KEYS = {"BOT_INTERVAL"}


def from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Read FACILITATOR_* variables (and the conventional DATABASE_URL)."""
    environ = dict(os.environ if environ is None else environ)
    found: dict[str, Any] = {}
    if environ.get("DATABASE_URL"):
        found["DATABASE_URL"] = environ["DATABASE_URL"]
    for key in defaults():
        raw = environ.get(f"FACILITATOR_{key}")
        if raw is None:
            continue
        if key in _INT_KEYS:
            found[key] = int(raw)
        elif key in _FLOAT_KEYS:
            found[key] = float(raw)
        elif key in _BOOL_KEYS:
            found[key] = raw.lower() in {"1", "true", "yes"}
        else:
            found[key] = raw
    return found


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for postgresql:// URLs (SQLAlchemy would pick psycopg2)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url
