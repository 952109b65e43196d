"""The table host's key insight: only the host writes it, the table and the staff see it."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from facilitator.store.models import Contribution


def insight(phone, text, table=None, client_id=None):
    table = table if table is not None else phone.snapshot()["seat"]["table"]
    payload = {"client_id": client_id or str(uuid.uuid4()), "text": text, "table": table}
    return phone.socket.emit("insight.post", payload, callback=True)


@pytest.fixture
def table(helpers):
    links = helpers.make_workshop(tables={"count": 2, "capacity": 5})
    host = helpers.join(links.join_code, host="yes")
    guest = helpers.join(links.join_code)  # table 2
    neighbour = helpers.join(links.join_code)  # table 1, with the host
    return links, host, guest, neighbour


def test_the_host_writes_it_and_the_table_and_projector_see_it(helpers, table):
    links, host, _guest, neighbour = table
    projector = helpers.staff(links, "projector")
    projector.get_received()
    ack = insight(host, "Zorg begint bij elkaar kennen")
    assert ack["ok"] and ack["insight"]["kind"] == "insight"
    assert neighbour.snapshot()["insight"]["text"] == "Zorg begint bij elkaar kennen"
    staff = projector.emit("sync", {}, callback=True)["snapshot"]
    assert staff["insights"]["1"]["text"] == "Zorg begint bij elkaar kennen"
    assert staff["notes"] == []  # an insight is not a note
    assert [e["name"] for e in projector.get_received()] == ["insight.posted"]


def test_a_new_insight_replaces_the_shown_one_and_a_resend_is_stored_once(helpers, table):
    _links, host, _guest, neighbour = table
    client_id = str(uuid.uuid4())
    insight(host, "Eerste versie", client_id=client_id)
    assert insight(host, "Eerste versie", client_id=client_id)["duplicate"] is True
    insight(host, "Betere versie")
    assert neighbour.snapshot()["insight"]["text"] == "Betere versie"
    with helpers.session() as s:
        assert s.scalar(select(func.count(Contribution.id))) == 2


def test_only_the_host_of_that_table_writes_it(helpers, table):
    _links, host, guest, neighbour = table
    assert insight(neighbour, "Ik ben geen host")["error"] == "not_host"
    assert insight(guest, "Ik ook niet")["error"] == "not_host"
    assert insight(host, "Aan een andere tafel", table=2)["error"] == "not_your_table"
    with helpers.session() as s:
        assert s.scalar(select(func.count(Contribution.id))) == 0


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"text": "x" * 281}, "text_too_long"),
        ({"text": 5}, "bad_text"),
        ({"text": "  "}, "empty_text"),
        ({"client_id": "nope"}, "bad_client_id"),
        ({"table": "1"}, "bad_request"),
    ],
)
def test_bad_insights_are_refused(helpers, table, payload, error):
    _links, host, _guest, _neighbour = table
    full = {"client_id": str(uuid.uuid4()), "text": "goed", "table": 1} | payload
    assert host.socket.emit("insight.post", full, callback=True)["error"] == error


def test_the_host_may_still_write_it_after_time_is_up(helpers, table):
    links, host, _guest, neighbour = table
    helpers.staff(links).emit("round.end", {}, callback=True)
    assert insight(host, "Na de bel")["ok"]
    assert neighbour.post("te laat")["error"] == "round_closed"


def test_staff_cannot_write_insights(helpers, table):
    links, *_ = table
    payload = {"client_id": str(uuid.uuid4()), "text": "x", "table": 1}
    assert (
        helpers.staff(links).emit("insight.post", payload, callback=True)["error"] == "unauthorized"
    )


def test_insights_cannot_be_voted_or_hidden_as_notes(helpers, table):
    links, host, _guest, neighbour = table
    written = insight(host, "Kerninzicht")["insight"]
    assert neighbour.socket.emit("note.vote", {"note": written["id"]}, callback=True)["error"] == (
        "unknown_note"
    )
    hide = helpers.staff(links).emit("note.hide", {"note": written["id"]}, callback=True)
    assert hide["error"] == "unknown_note"
