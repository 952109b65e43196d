"""Scale-out for real: two worker processes, PostgreSQL as the store, Redis as the queue."""

from __future__ import annotations

import re
import secrets
import time
import uuid

import pytest
import requests
import socketio as socketio_client

from tests.conftest import REDIS_URL, _drop_postgres_schema, _fresh_postgres_schema, need
from tests.live import start_demo, start_serve


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def two_workers(tmp_path, postgres_ok):
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
    process, second_base, log = start_serve(tmp_path, "second", shared)
    yield first, second_base
    first.stop()
    process.terminate()
    process.wait(timeout=10)
    log.close()
    _drop_postgres_schema(schema)


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def connect(base: str, session: requests.Session, code: str, role: str):
    client = socketio_client.SimpleClient()
    client.connect(
        base,
        headers={"Cookie": cookie_header(session)},
        auth={"code": code, "role": role},
        transports=["websocket"],
    )
    return client


def test_a_note_posted_on_one_worker_reaches_a_projector_on_the_other(two_workers):
    first, second = two_workers
    code = first.code
    phone = requests.Session()
    page = phone.get(f"{first.base}/j/{code}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    joined = phone.post(
        f"{first.base}/j/{code}",
        data={"csrf_token": token, "language": "nl"},
        allow_redirects=False,
    )
    assert joined.status_code == 302
    projector = requests.Session()
    secret = first.projector.rsplit("/", 1)[-1]
    assert projector.get(f"{second}/p/{code}/{secret}", allow_redirects=False).status_code == 302

    wall = connect(second, projector, code, "projector")
    mobile = connect(first.base, phone, code, "participant")
    try:
        snapshot = mobile.call("sync", {"last_seq": 0})["snapshot"]
        wall.call("sync", {"last_seq": 0})
        ack = mobile.call(
            "note.post",
            {
                "client_id": str(uuid.uuid4()),
                "text": "Over twee werkers",
                "table": snapshot["seat"]["table"],
            },
        )
        assert ack["ok"], ack
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            name, payload = wall.receive(timeout=10)
            if name == "note.posted":
                assert payload["data"]["note"]["text"] == "Over twee werkers"
                break
        else:
            pytest.fail("the projector on the second worker never got the note")
    finally:
        wall.disconnect()
        mobile.disconnect()
