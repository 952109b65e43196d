"""A replaced staff link stops its open screens at once, not only new pages and sockets.

The organiser's "Invite a facilitator" (and "New projector link") tells the screens of
the old link (`session.revoked`) and disconnects them, on every worker; a socket that
somehow stays connected can do nothing: every event it sends is refused.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import socketio as socketio_client
from flask import Flask
from sqlalchemy import update

from facilitator.cafe.workshops import get_by_code, rotate_secrets
from facilitator.organise.users import create_user
from facilitator.store.db import make_engine, make_session_factory, session_scope
from facilitator.store.models import Workshop
from facilitator.web.extensions import socketio
from tests.conftest import REDIS_URL, _drop_postgres_schema, _fresh_postgres_schema, need
from tests.live import LiveServer, start_demo, start_serve
from tests.test_organiser import PASSWORD, create, link_in, organiser


def open_link(app: Flask, path: str) -> Any:
    """A browser that opened a secret staff link (it now holds the role's cookie)."""
    http = app.test_client()
    assert http.get(path).status_code == 302
    return http


def staff_socket(app: Flask, http: Any, code: str, role: str = "facilitator") -> Any:
    sock = socketio.test_client(app, flask_test_client=http, auth={"code": code, "role": role})
    assert sock.is_connected()
    assert sock.emit("sync", {"last_seq": 0}, callback=True)["ok"]
    sock.get_received()
    return sock


def test_inviting_a_facilitator_disconnects_the_old_links_sockets(app):
    alice = organiser(app)
    code = create(alice)
    old_link = link_in(alice.post(f"/o/w/{code}/invite"))
    old_browser = open_link(app, old_link)
    old = staff_socket(app, old_browser, code)

    new_link = link_in(alice.post(f"/o/w/{code}/invite"))

    assert "session.revoked" in [m["name"] for m in old.queue]  # get_received needs a connection
    assert not old.is_connected()
    # Its cookie opens nothing any more, neither a page nor a connection.
    assert old_browser.get(f"/f/{code}").status_code == 403
    again = socketio.test_client(
        app, flask_test_client=old_browser, auth={"code": code, "role": "facilitator"}
    )
    assert not again.is_connected()
    # The new link works: its page, its socket, and the console's actions.
    new = staff_socket(app, open_link(app, new_link), code)
    assert new.emit("message.send", {"text": "Welcome"}, callback=True)["ok"]


def test_a_socket_of_a_replaced_link_that_stayed_connected_can_do_nothing(app, helpers, links):
    # As on a worker that missed the revocation: the secret changes without it.
    old = helpers.staff(links)
    old.emit("sync", {"last_seq": 0}, callback=True)
    with helpers.session() as session:
        rotate_secrets(session, get_by_code(session, links.join_code))
    assert old.is_connected()
    for event, payload in [
        ("sync", {"last_seq": 0}),
        ("message.send", {"text": "still here?"}),
        ("round.start", {"expected": 1}),
    ]:
        ack = old.emit(event, payload, callback=True)
        assert ack["ok"] is False and ack["error"] == "unauthorized", (event, ack)
    with helpers.session() as session:
        assert get_by_code(session, links.join_code).message in (None, "")


def test_a_new_projector_link_stops_only_the_projectors(app):
    alice = organiser(app)
    code = create(alice)
    facilitator = staff_socket(
        app, open_link(app, link_in(alice.post(f"/o/w/{code}/invite"))), code
    )
    first = link_in(alice.post(f"/o/w/{code}/projector"))
    projector = staff_socket(app, open_link(app, first), code, "projector")

    link_in(alice.post(f"/o/w/{code}/projector"))

    assert not projector.is_connected()
    assert facilitator.is_connected()
    assert "session.revoked" not in [m["name"] for m in facilitator.get_received()]
    assert facilitator.emit("sync", {"last_seq": 0}, callback=True)["ok"]


def test_participants_keep_their_connection_when_staff_links_change(app, helpers):
    alice = organiser(app)
    code = create(alice)
    assert alice.post(f"/o/w/{code}/status", data={"to": "open"}).status_code == 302
    phone = helpers.join(code)
    link_in(alice.post(f"/o/w/{code}/invite"))
    assert phone.socket.is_connected()
    assert phone.socket.emit("sync", {"last_seq": 0}, callback=True)["ok"]


# --- two workers: the disconnect crosses the Redis message queue -------------------------


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def two_workers(tmp_path, postgres_ok) -> Iterator[tuple[LiveServer, str, str]]:
    if not postgres_ok:
        need("PostgreSQL is not reachable on 127.0.0.1:5432")
    if not redis_available():
        need(f"Redis is not reachable at {REDIS_URL}")
    schema, url = _fresh_postgres_schema()
    shared = {
        "DATABASE_URL": url,
        "FACILITATOR_MESSAGE_QUEUE": REDIS_URL,
        "FACILITATOR_MESSAGE_QUEUE_CHANNEL": f"facilitator-test-{secrets.token_hex(4)}",
        "FACILITATOR_SECRET_KEY": secrets.token_urlsafe(32),
    }
    first = start_demo(tmp_path, env=shared)
    process, second, log = start_serve(tmp_path, "second", shared)
    yield first, second, url
    first.stop()
    process.terminate()
    process.wait(timeout=10)
    log.close()
    _drop_postgres_schema(schema)


def _csrf(page: requests.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def test_a_replaced_link_disconnects_its_socket_on_another_worker(two_workers):
    first, second, url = two_workers
    code = first.code
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        owner = create_user(session, "alice", PASSWORD).id
        session.execute(update(Workshop).where(Workshop.join_code == code).values(owner_id=owner))
    engine.dispose()

    browser = requests.Session()
    secret = first.facilitator.rsplit("/", 1)[-1]
    assert browser.get(f"{second}/f/{code}/{secret}", allow_redirects=False).status_code == 302
    old = socketio_client.SimpleClient()
    old.connect(
        second,
        headers={"Cookie": "; ".join(f"{c.name}={c.value}" for c in browser.cookies)},
        auth={"code": code, "role": "facilitator"},
        transports=["websocket"],
    )
    try:
        assert old.call("sync", {"last_seq": 0})["ok"]
        alice = requests.Session()
        form = {"username": "alice", "password": PASSWORD}
        login = alice.post(
            f"{first.base}/o/login",
            data=form | {"csrf_token": _csrf(alice.get(f"{first.base}/o/login"))},
            allow_redirects=False,
        )
        assert login.status_code == 302, login.text[:500]
        token = _csrf(alice.get(f"{first.base}/o/w/{code}"))
        invited = alice.post(f"{first.base}/o/w/{code}/invite", data={"csrf_token": token})
        assert invited.status_code == 200 and "new-link-url" in invited.text

        received: list[str] = []
        deadline = time.monotonic() + 10
        # SimpleClient may miss its own disconnect while it waits for an event (its
        # `receive` then times out): short waits, and its `connected` flag decides.
        while old.connected and time.monotonic() < deadline:
            try:
                received.append(old.receive(timeout=0.5)[0])
            except socketio_client.exceptions.TimeoutError:
                continue
            except socketio_client.exceptions.DisconnectedError:
                break
        received += [event[0] for event in old.input_buffer]  # arrived with the disconnect
        assert "session.revoked" in received
        assert not old.connected, "the old link's socket on the other worker stayed connected"
    finally:
        old.disconnect()
