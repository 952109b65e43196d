"""Every setting in one table: its default, its type and what it does.

`defaults()` and `from_environment()` are both derived from `SETTINGS`, so a setting
cannot exist without a type and a one-line description; the README's "Settings" table
is `settings_table()`'s output.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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

PREFIX = "FACILITATOR_"


@dataclass(frozen=True)
class Kind:
    """How one kind of setting is read from its variable, and what the README calls it."""

    label: str
    parse: Callable[[str], Any]  # raises ValueError saying what was expected
    types: tuple[type, ...]  # what a default of this kind may be
    choices: tuple[str, ...] = ()  # the only values it takes, when it is a choice


def _int(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValueError("expected a whole number") from None


def _float(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError("expected a number") from None
    if not math.isfinite(value):
        raise ValueError("expected a finite number")
    return value


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _bool(raw: str) -> bool:
    word = raw.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError("expected one of 1/0, true/false, yes/no, on/off")


def _text(raw: str) -> str:
    # An empty HOST, channel or locale only fails later and further from its cause.
    if not raw.strip():
        raise ValueError("expected a value, got an empty one")
    return raw


def _or_unset(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """An empty value means unset (None), so `FACILITATOR_PUBLIC_URL=` clears it."""

    def parse_or_unset(raw: str) -> Any:
        return None if not raw.strip() else parse(raw)

    return parse_or_unset


def _languages(raw: str) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(c.strip().lower() for c in raw.split(",") if c.strip()))
    unknown = [c for c in codes if c not in LANGUAGES]
    if unknown or not codes:
        raise ValueError(f"expected comma-separated codes among {', '.join(LANGUAGES)}")
    return codes


def _choice(*options: str) -> Kind:
    by_word = {option.lower(): option for option in options}

    def parse(raw: str) -> str:
        try:
            return by_word[raw.strip().lower()]
        except KeyError:
            raise ValueError(f"expected one of {', '.join(options)}") from None

    return Kind(f"one of {', '.join(options)}", parse, (str,), options)


INT = Kind("int", _int, (int,))
FLOAT = Kind("float", _float, (float,))
BOOL = Kind("bool", _bool, (bool,))
TEXT = Kind("text", _text, (str,))
PATH = Kind("path", _text, (str,))
OPTIONAL_TEXT = Kind("text or unset", _or_unset(_text), (str, type(None)))
OPTIONAL_INT = Kind("int or unset", _or_unset(_int), (int, type(None)))
LANGUAGE_CODES = Kind("language codes, comma-separated", _languages, (tuple,))


@dataclass(frozen=True)
class Setting:
    """One configuration key: read from FACILITATOR_<name> (and any `also` variable)."""

    name: str
    default: Any
    kind: Kind
    doc: str
    also: tuple[str, ...] = ()  # conventional names read when FACILITATOR_<name> is absent

    def __post_init__(self) -> None:
        # Checked at import, so a wrongly declared setting fails every test at once.
        if not self.name.isidentifier() or self.name != self.name.upper():
            raise ValueError(f"setting {self.name!r}: the name must be UPPER_CASE")
        if not self.doc.strip() or "\n" in self.doc or "|" in self.doc:
            raise ValueError(f"setting {self.name}: the doc must be one line without '|'")
        if type(self.default) not in self.kind.types:
            raise ValueError(
                f"setting {self.name}: default {self.default!r} does not fit {self.kind.label!r}"
            )

    @property
    def variables(self) -> tuple[str, ...]:
        """The environment variables read for it, the one that wins first."""
        return (PREFIX + self.name, *self.also)


_SESSIONS = PROJECT_ROOT / "sessions"

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "SECRET_KEY",
        None,
        OPTIONAL_TEXT,
        "Signs cookies and participants' tokens; the same on every worker. "
        "Unset: generated once and kept in `SESSIONS_DIR/secret_key`",
    ),
    Setting(
        "DATABASE_URL",
        f"sqlite:///{_SESSIONS / 'facilitator.sqlite3'}",
        TEXT,
        "The store: a SQLite URL, or `postgresql://user@host/db` for scale-out",
        also=("DATABASE_URL",),
    ),
    Setting(
        "SESSIONS_DIR",
        str(_SESSIONS),
        PATH,
        "Runtime data: the default SQLite database, the secret key, tablecloth photos",
    ),
    Setting(
        "EXPORTS_DIR",
        str(PROJECT_ROOT / "exports"),
        PATH,
        "Generated files: posters, reports, archives and harvest wall images",
    ),
    Setting(
        "VENDOR_DIR",
        str(PROJECT_ROOT / "node_modules"),
        PATH,
        "The browser packages `npm ci` installed, served under `/vendor/`",
    ),
    Setting(
        "PUBLIC_URL",
        None,
        OPTIONAL_TEXT,
        "The address printed and put in the QR code, e.g. `http://192.168.1.20:5000`. "
        "Unset: the first LAN address and the port",
    ),
    Setting("HOST", "0.0.0.0", TEXT, "The address `facilitator serve` listens on (`--host`)"),
    Setting("PORT", 5000, INT, "The port `facilitator serve` listens on (`--port`)"),
    Setting(
        "ASYNC_MODE",
        "eventlet",
        _choice("eventlet", "gevent", "threading"),
        "Flask-SocketIO's server: eventlet, or gevent (`pip install -e .[gevent]`), the"
        " alternative now that eventlet is no longer maintained; `threading` is for tests",
    ),
    Setting(
        "MESSAGE_QUEUE",
        None,
        OPTIONAL_TEXT,
        "Redis URL (`redis://127.0.0.1:6379/0`) when several workers serve one workshop",
    ),
    Setting(
        "MESSAGE_QUEUE_CHANNEL",
        "facilitator",
        TEXT,
        "The message queue's channel; one per installation sharing a Redis",
    ),
    Setting(
        "LANGUAGES",
        LANGUAGES,
        LANGUAGE_CODES,
        "The languages offered to phones and exports",
    ),
    Setting(
        "BABEL_DEFAULT_LOCALE",
        "en",
        _choice(*LANGUAGES),
        "The language when the browser asks for none of `LANGUAGES`",
    ),
    Setting("NOTE_MAX_CHARS", 280, INT, "Longest note, in characters"),
    Setting("NAME_MAX_CHARS", 40, INT, "Longest participant name, in characters"),
    Setting("MESSAGE_MAX_CHARS", 200, INT, "Longest facilitator broadcast, in characters"),
    Setting("COMMITMENT_MAX_CHARS", 280, INT, "Longest action commitment, in characters"),
    Setting("NOTES_PER_MINUTE", 12, INT, "Notes one participant may post per minute"),
    # 7 areas answered and changed a few times fit easily; a phone sending thousands would
    # flood the staff screens with profiles.
    Setting(
        "SELFSCAN_ANSWERS_PER_MINUTE",
        60,
        INT,
        "New self-scan answers one phone may send per minute (a resend does not count)",
    ),
    Setting(
        "LATE_NOTE_MINUTES",
        30,
        INT,
        "Minutes after its round ended that a note written offline is still stored at its table",
    ),
    Setting(
        "JOINS_PER_MINUTE",
        30,
        INT,
        "Joins per network address per minute (a venue's phones each have their own)",
    ),
    Setting(
        "LOGINS_PER_MINUTE",
        10,
        INT,
        "Organiser login attempts per network address per minute (right or wrong)",
    ),
    Setting(
        "REPLAY_MAX_EVENTS",
        200,
        INT,
        "Most missed events replayed to a reconnecting client; beyond that it gets a snapshot",
    ),
    # The console sends a whole plan back to apply it: ~25 bytes a person, so 256 KiB
    # carries ~10,000 people; every handler still checks its own fields and sizes.
    Setting(
        "SOCKET_MAX_BUFFER",
        256 * 1024,
        INT,
        "Largest Socket.IO message, in bytes (256 KiB carries a plan for ~10,000 people)",
    ),
    Setting("PING_INTERVAL", 10, INT, "Seconds between Socket.IO pings"),
    Setting("PING_TIMEOUT", 20, INT, "Seconds without a pong before a client counts as gone"),
    Setting(
        "PRESENCE_GRACE_SECONDS",
        10.0,
        FLOAT,
        "Seconds a phone that dropped has to come back before staff see it away (0: at once)",
    ),
    Setting(
        "EVENTLET_MAX_SIZE",
        10_000,
        INT,
        "Most simultaneous connections the server accepts (eventlet or gevent)",
    ),
    # Above the 30 s of silence Engine.IO itself allows a client (ping interval 10 + ping
    # timeout 20), so a polling phone's keep-alive connections, quiet between pongs, are
    # never cut under it; a websocket gets Engine.IO's own timeout once upgraded.
    Setting(
        "EVENTLET_SOCKET_TIMEOUT",
        40,
        INT,
        "Seconds a connection may stay silent while a request is read or answered (0: never;"
        " eventlet only)",
    ),
    Setting(
        "PROXY_HOPS",
        0,
        INT,
        "Proxies in front whose `X-Forwarded-For/-Proto/-Host/-Port` entries are trusted "
        "(1 behind `deploy/nginx.conf`); 0: the headers are ignored",
    ),
    Setting("DB_POOL_SIZE", 10, INT, "PostgreSQL connections each worker process keeps open"),
    Setting(
        "DB_MAX_OVERFLOW",
        20,
        INT,
        "PostgreSQL connections a worker process may open beyond `DB_POOL_SIZE` under load",
    ),
    Setting(
        "DB_POOL_TIMEOUT",
        5.0,
        FLOAT,
        "Seconds a unit of work waits for a free PostgreSQL connection before the caller "
        "gets `server_busy` (below the phone's 8 s)",
    ),
    Setting(
        "RATELIMIT_REDIS_MAX_CONNECTIONS",
        20,
        INT,
        "Redis connections each worker's rate limiter shares (scale-out)",
    ),
    Setting(
        "RATELIMIT_REDIS_TIMEOUT",
        1.0,
        FLOAT,
        "Seconds a rate-limit check waits for Redis; after that the limits are off a moment",
    ),
    Setting(
        "COOKIE_MAX_AGE",
        7 * 24 * 3600,
        INT,
        "Seconds a participant's or staff cookie (and the language cookie) lasts",
    ),
    Setting(
        "ORGANISER_SESSION_MAX_AGE",
        12 * 3600,
        INT,
        "Seconds an organiser's login lasts (they log in again the next day)",
    ),
    Setting(
        "SESSION_COOKIE_SAMESITE",
        "Lax",
        _choice("Lax", "Strict", "None"),
        "Flask's session cookie SameSite attribute",
    ),
    Setting("SESSION_COOKIE_HTTPONLY", True, BOOL, "Flask's session cookie is hidden from scripts"),
    Setting(
        "SESSION_COOKIE_SECURE",
        False,
        BOOL,
        "Cookies only over HTTPS; turn on behind a TLS proxy",
    ),
    Setting(
        "WTF_CSRF_TIME_LIMIT",
        None,
        OPTIONAL_INT,
        "Seconds a form's CSRF token lasts; unset: the session's life "
        "(a phone may keep the join page open all morning)",
    ),
    Setting(
        "MAX_CONTENT_LENGTH",
        64 * 1024,
        INT,
        "Largest request body, in bytes; raised per view for photos and archives",
    ),
    Setting(
        "PHOTO_MAX_BYTES",
        10_000_000,
        INT,
        "Largest tablecloth photo upload, in bytes (a phone camera's JPEG is 2-6 MB)",
    ),
    Setting(
        "PHOTO_MAX_PIXELS",
        40_000_000,
        INT,
        "Larger photos are refused before decoding (decompression bomb guard)",
    ),
    Setting(
        "OFFLOAD_WORKERS",
        1,
        INT,
        "Worker processes for CPU work (planning, harvest, exports); 0 runs it in place",
    ),
    Setting(
        "HARVEST_MODEL",
        True,
        BOOL,
        "Themes by meaning with the bundled multilingual model; off: by shared words",
    ),
    Setting("BOTS", 0, INT, "Simulated participants `facilitator demo` seats (`--bots`)"),
    Setting("BOT_INTERVAL", 6.0, FLOAT, "Seconds between one simulated participant's notes"),
)


def defaults() -> dict[str, Any]:
    """Return the default configuration: every key of `SETTINGS` with its default."""
    return {setting.name: setting.default for setting in SETTINGS}


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read the settings whose variables are set, each parsed to its type.

    FACILITATOR_<KEY> wins over a conventional name such as DATABASE_URL, which is read
    only when not empty. A value that does not parse raises ValueError naming the variable.
    """
    environ = os.environ if environ is None else environ
    found: dict[str, Any] = {}
    for setting in SETTINGS:
        for variable in setting.variables:
            raw = environ.get(variable)
            if raw is None or (variable != setting.variables[0] and not raw):
                continue
            try:
                found[setting.name] = setting.kind.parse(raw)
            except ValueError as error:
                raise ValueError(f"{variable}={raw!r} is not valid: {error}") from None
            break
    return found


def _shown(value: Any) -> str:
    """A default as the README shows it: as it would be written in the variable."""
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, tuple):
        return f"`{','.join(value)}`"
    # The project's absolute location differs per checkout; the README must not.
    return f"`{str(value).replace(str(PROJECT_ROOT), '<project>')}`"


def settings_table() -> str:
    """The README's Markdown table of every setting: variable, type, default, meaning."""
    rows = [
        "| variable | type | default | what it does |",
        "| --- | --- | --- | --- |",
    ]
    for item in SETTINGS:
        variables = " or ".join(f"`{variable}`" for variable in item.variables)
        rows.append(f"| {variables} | {item.kind.label} | {_shown(item.default)} | {item.doc} |")
    return "\n".join(rows)


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for postgresql:// URLs (SQLAlchemy would pick psycopg2)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url
