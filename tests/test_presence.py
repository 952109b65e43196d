"""A phone that drops is marked away only when it has not come back within the grace."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from facilitator.store.models import Participant
from facilitator.web import presence
from facilitator.web.extensions import socketio
from tests.conftest import Helpers, close_app, make_app

GRACE = 0.6


@pytest.fixture
def graced_app(sqlite_url: str, tmp_path: Any) -> Iterator[Flask]:
    application = make_app(sqlite_url, tmp_path, PRESENCE_GRACE_SECONDS=GRACE)
    yield application
    deadline = time.monotonic() + 10
    while presence.waiting(application) and time.monotonic() < deadline:
        time.sleep(0.05)
    close_app(application)


def _presences(staff: Any) -> list[dict[str, str]]:
    received = staff.get_received()
    return [e["args"][0]["data"] for e in received if e["name"] == "participant.presence"]


def _stored_presence(helpers: Helpers, public_id: str) -> str:
    with helpers.session() as db:
        return db.query(Participant).filter_by(public_id=public_id).one().presence


def _reconnect(graced_app: Flask, phone: Any, code: str) -> Any:
    return socketio.test_client(
        graced_app, flask_test_client=phone.http, auth={"code": code, "role": "participant"}
    )


def test_a_blip_shorter_than_the_grace_writes_nothing_and_tells_staff_nothing(graced_app):
    helpers = Helpers(graced_app)
    links = helpers.make_workshop()
    facilitator = helpers.staff(links)
    phone = helpers.join(links.join_code)
    assert {"public_id": phone.public_id, "presence": "connected"} in _presences(facilitator)

    phone.socket.disconnect()
    back = _reconnect(graced_app, phone, links.join_code)
    assert back.is_connected()
    time.sleep(GRACE + presence.SWEEP_SECONDS + 0.5)

    assert _presences(facilitator) == []
    assert _stored_presence(helpers, phone.public_id) == "connected"


def test_a_phone_that_stays_away_is_marked_away_once_after_the_grace(graced_app):
    helpers = Helpers(graced_app)
    links = helpers.make_workshop()
    facilitator = helpers.staff(links)
    phone = helpers.join(links.join_code)
    _presences(facilitator)

    phone.socket.disconnect()
    assert _presences(facilitator) == []  # not at once: it may come back
    time.sleep(GRACE + presence.SWEEP_SECONDS + 0.5)

    assert _presences(facilitator) == [{"public_id": phone.public_id, "presence": "away"}]
    assert _stored_presence(helpers, phone.public_id) == "away"
    back = _reconnect(graced_app, phone, links.join_code)
    assert back.is_connected()
    assert _presences(facilitator) == [{"public_id": phone.public_id, "presence": "connected"}]


def test_one_tab_closing_keeps_a_phone_with_another_tab_present(graced_app):
    helpers = Helpers(graced_app)
    links = helpers.make_workshop()
    facilitator = helpers.staff(links)
    phone = helpers.join(links.join_code)
    second_tab = _reconnect(graced_app, phone, links.join_code)
    _presences(facilitator)

    phone.socket.disconnect()
    time.sleep(GRACE + presence.SWEEP_SECONDS + 0.5)

    assert second_tab.is_connected()
    assert _presences(facilitator) == []
    assert _stored_presence(helpers, phone.public_id) == "connected"


def test_many_phones_leaving_together_are_marked_away_together(graced_app):
    helpers = Helpers(graced_app)
    links = helpers.make_workshop()
    facilitator = helpers.staff(links)
    phones = [helpers.join(links.join_code) for _ in range(5)]
    _presences(facilitator)

    for phone in phones:
        phone.socket.disconnect()
    time.sleep(GRACE + presence.SWEEP_SECONDS + 0.5)

    away = _presences(facilitator)
    assert sorted(e["public_id"] for e in away) == sorted(p.public_id for p in phones)
    assert {e["presence"] for e in away} == {"away"}
