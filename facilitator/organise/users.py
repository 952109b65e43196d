"""Organiser accounts: creating them (from the command line) and checking a password."""

from __future__ import annotations

from functools import cache

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from facilitator.errors import DomainError
from facilitator.store.models import User

USERNAME_MIN, USERNAME_MAX = 3, 80
PASSWORD_MIN = 10
PASSWORD_MAX = 1024  # hashing a megabyte "password" is a cheap way to burn our CPU
HASH_METHOD = "scrypt"


@cache
def _dummy_hash() -> str:
    """Checked when the username is unknown, so a wrong name costs as long as a wrong
    password and the response time does not tell which names exist."""
    return generate_password_hash("not a real password, only for timing", method=HASH_METHOD)


def normalise_username(raw: str) -> str:
    """Usernames are compared without surrounding spaces and case."""
    return raw.strip().lower()


def create_user(session: Session, username: str, password: str) -> User:
    """Add an organiser with a salted scrypt hash of the password."""
    name = normalise_username(username)
    if not USERNAME_MIN <= len(name) <= USERNAME_MAX or any(ch.isspace() for ch in name):
        raise DomainError("bad_username")
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise DomainError("bad_password")
    if session.scalar(select(User.id).where(User.username == name)) is not None:
        raise DomainError("username_taken")
    user = User(username=name, password_hash=generate_password_hash(password, method=HASH_METHOD))
    session.add(user)
    try:
        with session.begin_nested():  # two simultaneous create-users: the unique key decides
            session.flush()
    except IntegrityError as exc:
        raise DomainError("username_taken") from exc
    return user


def set_password(user: User, password: str) -> None:
    """Replace a user's password (its salted hash)."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise DomainError("bad_password")
    user.password_hash = generate_password_hash(password, method=HASH_METHOD)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user with this name and password, or None (in about the same time either way)."""
    name = normalise_username(username)
    if len(name) > USERNAME_MAX or len(password) > PASSWORD_MAX:
        return None
    user = session.scalar(select(User).where(User.username == name))
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def get_user(session: Session, user_id: int) -> User | None:
    """The user a session cookie names, if they still exist."""
    return session.get(User, user_id)
