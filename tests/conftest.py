"""Fixtures: an app per test on SQLite and PostgreSQL, workshops, joined phones."""

from __future__ import annotations

import os
import secrets
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from facilitator.cafe.workshops import WorkshopLinks, create_workshop, get_by_code
from facilitator.organise.demo import template
from facilitator.store.db import make_engine, make_session_factory, migrate, session_scope
from facilitator.store.models import Workshop
from facilitator.web.app import create_app, socketio
from facilitator.web.jobs import exports as export_jobs
from facilitator.web.jobs import wall as wall_jobs

POSTGRES_URL = os.environ.get(
    "FACILITATOR_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("FACILITATOR_TEST_REDIS", "redis://127.0.0.1:6379/0")
REQUIRE_SERVICES = os.environ.get("FACILITATOR_REQUIRE_SERVICES") == "1"


def need(reason: str) -> None:
    """Skip for a missing service or browser; in CI (FACILITATOR_REQUIRE_SERVICES=1) fail."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required for CI but missing: {reason}")
    pytest.skip(reason)


def postgres_available() -> bool:
    try:
        engine = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"))
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001  (any failure means: not reachable)
        return False


def redis_available() -> bool:
    """Whether Redis answers at REDIS_URL (within a second)."""
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="session")
def postgres_ok() -> bool:
    return postgres_available()


def _fresh_postgres_schema() -> tuple[str, str]:
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    return schema, f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


def _drop_postgres_schema(schema: str) -> None:
    admin = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"))
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Any, postgres_ok: bool) -> Iterator[str]:
    """A migrated-to-nothing database URL: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/test.sqlite3"
        return
    if not postgres_ok:
        need(f"PostgreSQL is not reachable at {POSTGRES_URL}")
    schema, url = _fresh_postgres_schema()
    yield url
    _drop_postgres_schema(schema)


@pytest.fixture
def sqlite_url(tmp_path: Any) -> str:
    """For tests that are about behaviour, not the store: SQLite only."""
    return f"sqlite:///{tmp_path}/test.sqlite3"


@pytest.fixture
def factory(db_url: str) -> Iterator[sessionmaker[Session]]:
    """A session factory on a migrated database, for domain tests without Flask."""
    engine = make_engine(db_url)
    migrate(engine)
    yield make_session_factory(engine)
    engine.dispose()


def make_app(db_url: str, tmp_path: Any, **overrides: Any) -> Flask:
    config = {
        "TESTING": True,
        "ASYNC_MODE": "threading",
        "DATABASE_URL": db_url,
        "SESSIONS_DIR": str(tmp_path / "sessions"),
        "EXPORTS_DIR": str(tmp_path / "exports"),
        "SECRET_KEY": "test-secret-" + "x" * 32,
        "WTF_CSRF_ENABLED": False,
        "PUBLIC_URL": "http://192.0.2.10:5000",
        # Away at once, in the disconnect handler (tests/test_presence.py tries the grace).
        "PRESENCE_GRACE_SECONDS": 0,
    }
    config.update(overrides)
    app = create_app(config)
    migrate(app.extensions["facilitator.engine"])
    return app


def close_app(app: Flask, timeout: float = 30.0) -> None:
    """Wait for the app's background walls and exports, then close its connections.

    Disposing while a background task still holds a connection leaves that connection
    to the garbage collector, which warns (an error here) in whichever test runs then.
    """
    deadline = time.monotonic() + timeout
    while wall_jobs.any_drawing() or export_jobs.any_running():
        if time.monotonic() > deadline:
            break
        time.sleep(0.02)
    app.extensions["facilitator.engine"].dispose()


@pytest.fixture
def app(sqlite_url: str, tmp_path: Any) -> Iterator[Flask]:
    """The app on SQLite (socket and view tests)."""
    application = make_app(sqlite_url, tmp_path)
    yield application
    close_app(application)


@pytest.fixture
def app_any_store(db_url: str, tmp_path: Any) -> Iterator[Flask]:
    """The app on SQLite and on PostgreSQL."""
    application = make_app(db_url, tmp_path)
    yield application
    close_app(application)


@dataclass
class Phone:
    """A participant's phone: its HTTP client (with the cookie) and its socket."""

    http: FlaskClient
    socket: Any
    public_id: str

    def post(self, text: str, table: int | None = None, client_id: str | None = None) -> Any:
        """Post a note at the phone's table (or the table given); returns the ack."""
        if table is None:
            table = self.snapshot()["seat"]["table"]
        payload = {"client_id": client_id or str(uuid.uuid4()), "text": text, "table": table}
        return self.socket.emit("note.post", payload, callback=True)

    def snapshot(self) -> dict[str, Any]:
        return self.socket.emit("sync", {"last_seq": 0}, callback=True)["snapshot"]

    def received(self, name: str | None = None) -> list[dict[str, Any]]:
        items = self.socket.get_received()
        return [i for i in items if name is None or i["name"] == name]


class Helpers:
    """Workshop and phone factories that go through the real views and sockets."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def session(self):  # type: ignore[no-untyped-def]
        return session_scope(self.app.extensions["facilitator.sessions"])

    def make_workshop(self, **overrides: Any) -> WorkshopLinks:
        spec = dict(template()) | overrides
        with self.session() as session:
            return create_workshop(session, spec)

    def workshop(self, code: str) -> Workshop:
        with self.session() as session:
            return get_by_code(session, code)

    def join(self, code: str, **form: Any) -> Phone:
        data = {"language": "en"} | form
        http = self.app.test_client()
        response = http.post(f"/j/{code}", data=data)
        assert response.status_code == 302, response.data
        sock = socketio.test_client(
            self.app, flask_test_client=http, auth={"code": code, "role": "participant"}
        )
        assert sock.is_connected()
        public_id = sock.emit("sync", {"last_seq": 0}, callback=True)["snapshot"]["me"]["public_id"]
        sock.get_received()
        return Phone(http, sock, public_id)

    def staff(self, links: WorkshopLinks, role: str = "facilitator") -> Any:
        http = self.app.test_client()
        secret = links.facilitator_secret if role == "facilitator" else links.projector_secret
        prefix = "f" if role == "facilitator" else "p"
        assert http.get(f"/{prefix}/{links.join_code}/{secret}").status_code == 302
        sock = socketio.test_client(
            self.app, flask_test_client=http, auth={"code": links.join_code, "role": role}
        )
        assert sock.is_connected()
        return sock


@pytest.fixture
def helpers(app: Flask) -> Helpers:
    return Helpers(app)


@pytest.fixture
def links(helpers: Helpers) -> WorkshopLinks:
    """The demo workshop (6 tables of 5, 3 rounds)."""
    return helpers.make_workshop()
