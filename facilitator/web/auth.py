"""Who is calling: signed participant tokens, secret staff links, and role checks.

Every view and every socket event finds its caller here. Cookies carry signed
tokens (HttpOnly, SameSite); the staff secrets themselves are stored only as hashes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

PARTICIPANT = "participant"
FACILITATOR = "facilitator"
PROJECTOR = "projector"
STAFF_ROLES = (FACILITATOR, PROJECTOR)
ROLES = (PARTICIPANT, *STAFF_ROLES)
# Organisers log in to the /o pages only; they are deliberately not in ROLES, so no
# Socket.IO connection can be opened with an organiser cookie.
ORGANISER = "organiser"
ORGANISER_COOKIE = "fo_session"

_COOKIE_PREFIX = {PARTICIPANT: "fp_", FACILITATOR: "ff_", PROJECTOR: "fj_"}


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: a role in one workshop (and who, for participants)."""

    role: str
    code: str
    participant: str | None = None
    # Staff only: which secret link opened it (a prefix of its stored hash). A new link
    # for the role changes the hash, and every cookie from the old link stops working.
    grant: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Caller | None:
        if not data:
            return None
        return cls(data["role"], data["code"], data.get("participant"), data.get("grant"))


GRANT_CHARS = 16


def grant_of(secret_hash: str) -> str:
    """What a staff cookie remembers of the link that opened it."""
    return secret_hash[:GRANT_CHARS]


def still_granted(caller: Caller, workshop: Any) -> bool:
    """A staff caller's link is still the workshop's current one (participants: always)."""
    if caller.role not in STAFF_ROLES:
        return True
    current = getattr(workshop, f"{caller.role}_secret_hash")
    return caller.grant is not None and caller.grant == grant_of(current)


def cookie_name(role: str, code: str) -> str:
    """One cookie per role and workshop, so a laptop can hold several."""
    return f"{_COOKIE_PREFIX[role]}{code}"


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt="facilitator.caller")


def issue_token(secret_key: str, caller: Caller) -> str:
    """Sign a caller into a token for its cookie."""
    return _serializer(secret_key).dumps(caller.as_dict())


def read_token(secret_key: str, token: str | None, role: str, code: str) -> Caller | None:
    """The caller a token names, if it is genuine and for this role and workshop."""
    if not token:
        return None
    try:
        caller = Caller.from_dict(_serializer(secret_key).loads(token))
    except (BadSignature, KeyError, TypeError):
        return None
    if caller is None or caller.role != role or caller.code != code:
        return None
    return caller


def caller_from_cookies(
    secret_key: str, cookies: dict[str, str], role: str, code: str
) -> Caller | None:
    """Find the caller of a role for a workshop among the request's cookies."""
    if role not in ROLES:
        return None
    return read_token(secret_key, cookies.get(cookie_name(role, code)), role, code)


def _organiser_serializer(secret_key: str) -> URLSafeTimedSerializer:
    # Its own salt: a participant's or facilitator's token never reads as an organiser's.
    return URLSafeTimedSerializer(secret_key, salt="facilitator.organiser")


def issue_organiser_token(secret_key: str, user_id: int) -> str:
    """Sign an organiser's user id (and the time) into a token for `fo_session`."""
    return _organiser_serializer(secret_key).dumps({"role": ORGANISER, "user": user_id})


def read_organiser_token(secret_key: str, token: str | None, max_age: int) -> int | None:
    """The user id of a genuine organiser token younger than `max_age` seconds."""
    if not token or len(token) > 512:
        return None
    try:
        data = _organiser_serializer(secret_key).loads(token, max_age=max_age)
    except BadSignature:  # also SignatureExpired, a subclass
        return None
    if not isinstance(data, dict) or data.get("role") != ORGANISER:
        return None
    user_id = data.get("user")
    return user_id if isinstance(user_id, int) and not isinstance(user_id, bool) else None
