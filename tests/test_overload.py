"""Never silence: a socket event that fails on the server's side still gets an answer.

A handler that raises anything (a bug, an exhausted database pool, a locked SQLite
file) answers `server_busy` or `server_error` with a translated sentence, and the
failure is logged with its traceback; without an ack the phone would wait for its
timeout and show nothing.
"""

from __future__ import annotations

import logging
import sqlite3
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select

from facilitator.cafe import notes, workshops
from facilitator.store.models import Contribution
from facilitator.web.extensions import socketio
from tests.conftest import (
    POSTGRES_URL,
    Helpers,
    _drop_postgres_schema,
    _fresh_postgres_schema,
    close_app,
    make_app,
    need,
)

BUSY_EN = "The server is busy; your note is kept and will be sent again."


def count_notes(helpers: Helpers) -> int:
    with helpers.session() as s:
        return s.scalar(select(func.count(Contribution.id))) or 0


def failures(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Log records that carry a traceback."""
    return [r for r in caplog.records if r.exc_info and r.exc_info[0] is not None]


def no_database(exception: BaseException) -> Any:
    """A session factory that fails as a pool or a locked database does."""

    def factory(*_args: Any, **_kwargs: Any) -> Any:
        raise exception

    return factory


def test_an_unexpected_exception_is_answered_and_logged(app, helpers, links, monkeypatch, caplog):
    phone = helpers.join(links.join_code)

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("a bug in the domain")

    monkeypatch.setattr(notes, "post_note", broken)
    with caplog.at_level(logging.ERROR):
        ack = phone.post("hello")
    assert ack == {
        "ok": False,
        "error": "server_error",
        "message": "Something went wrong. Please try again.",
    }
    logged = failures(caplog)
    assert logged and "note.post" in logged[-1].getMessage()
    assert logged[-1].exc_info[0] is RuntimeError
    assert phone.socket.is_connected()


def test_a_failing_console_action_is_answered_too(app, helpers, links, monkeypatch, caplog):
    facilitator = helpers.staff(links)

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise KeyError("oops")

    monkeypatch.setattr(workshops, "broadcast_message", broken)
    with caplog.at_level(logging.ERROR):
        ack = facilitator.emit("message.send", {"text": "hello"}, callback=True)
    assert ack["ok"] is False and ack["error"] == "server_error" and ack["message"]
    assert failures(caplog)


@pytest.mark.parametrize(
    "exception",
    [
        sa_exc.TimeoutError("QueuePool limit of size 10 overflow 20 reached"),
        sa_exc.OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked")),
    ],
    ids=["pool-timeout", "database-locked"],
)
def test_a_busy_database_is_answered_server_busy(app, helpers, links, monkeypatch, exception):
    phone = helpers.join(links.join_code)
    table = phone.snapshot()["seat"]["table"]  # asked before the database fails
    client_id = str(uuid.uuid4())
    monkeypatch.setitem(app.extensions, "facilitator.sessions", no_database(exception))
    ack = phone.post("hello", table=table, client_id=client_id)
    assert ack == {"ok": False, "error": "server_busy", "message": BUSY_EN}
    monkeypatch.undo()
    assert count_notes(helpers) == 0
    # The phone kept its note: its resend is stored once the database is back.
    resent = phone.post("hello", table=table, client_id=client_id)
    assert resent["ok"] and not resent["duplicate"]
    assert count_notes(helpers) == 1


@pytest.mark.parametrize(
    ("language", "words"),
    [("nl", "De server is even druk"), ("fr", "Le serveur est occupé")],
)
def test_server_busy_speaks_the_participants_language(
    app, helpers, links, monkeypatch, language, words
):
    phone = helpers.join(links.join_code, language=language)
    table = phone.snapshot()["seat"]["table"]
    busy = sa_exc.TimeoutError("QueuePool limit reached")
    monkeypatch.setitem(app.extensions, "facilitator.sessions", no_database(busy))
    ack = phone.post("hallo", table=table)
    assert ack["error"] == "server_busy" and words in ack["message"]


def test_a_failing_connection_is_refused_and_logged(app, helpers, links, monkeypatch, caplog):
    http = app.test_client()
    assert http.post(f"/j/{links.join_code}", data={"language": "en"}).status_code == 302
    monkeypatch.setitem(app.extensions, "facilitator.sessions", no_database(RuntimeError("x")))
    with caplog.at_level(logging.ERROR):
        sock = socketio.test_client(
            app, flask_test_client=http, auth={"code": links.join_code, "role": "participant"}
        )
    assert not sock.is_connected()
    assert any("connect" in r.getMessage() for r in failures(caplog))


def test_an_exhausted_postgres_pool_answers_busy_before_the_phones_timeout(
    tmp_path, postgres_ok, caplog
):
    if not postgres_ok:
        need(f"PostgreSQL is not reachable at {POSTGRES_URL}")
    schema, url = _fresh_postgres_schema()
    app = make_app(url, tmp_path, DB_POOL_SIZE=1, DB_MAX_OVERFLOW=0, DB_POOL_TIMEOUT=0.5)
    try:
        helpers = Helpers(app)
        links = helpers.make_workshop()
        phone = helpers.join(links.join_code)
        table = phone.snapshot()["seat"]["table"]
        engine = app.extensions["facilitator.engine"]
        held = engine.connect()  # the pool's only connection
        try:
            started = time.monotonic()
            with caplog.at_level(logging.WARNING):
                ack = phone.post("wait for me", table=table)
            waited = time.monotonic() - started
        finally:
            held.close()
        assert ack["error"] == "server_busy", ack
        assert 0.4 < waited < 5, waited  # the pool's timeout, well before the phone's 8 s
        assert any(r.exc_info and r.exc_info[0] is sa_exc.TimeoutError for r in caplog.records)
        assert phone.post("wait for me", table=table)["ok"]
    finally:
        # The stored note asked for a harvest wall: let it finish before the schema goes.
        close_app(app)
        _drop_postgres_schema(schema)
