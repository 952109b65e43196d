"""Who is calling: signed participant tokens, secret staff links, and role checks.

Every view and every socket event finds its caller here. Cookies carry signed
tokens (HttpOnly, SameSite); the staff secrets themselves are stored only as hashes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

PARTICIPANT = "participant"
FACILITATOR = "facilitator"
PROJECTOR = "projector"
STAFF_ROLES = (FACILITATOR, PROJECTOR)
ROLES = (PARTICIPANT, *STAFF_ROLES)

_COOKIE_PREFIX = {PARTICIPANT: "fp_", FACILITATOR: "ff_", PROJECTOR: "fj_"}


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: a role in one workshop (and who, for participants)."""

    role: str
    code: str
    participant: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Caller | None:
        if not data:
            return None
        return cls(data["role"], data["code"], data.get("participant"))


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
