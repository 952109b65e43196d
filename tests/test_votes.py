"""Upvotes: one per person and note, at one's own table, undo allowed, counts live."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from facilitator.store.models import Vote


def count_votes(helpers):
    with helpers.session() as s:
        return s.scalar(select(func.count(Vote.id)))


@pytest.fixture
def table(helpers):
    links = helpers.make_workshop(tables={"count": 2, "capacity": 5})
    a, b, c = (helpers.join(links.join_code) for _ in range(3))  # a and c at table 1
    return links, a, b, c


def test_an_upvote_counts_once_and_reaches_the_table(helpers, table):
    _links, a, b, c = table
    note = a.post("Buurtpunt met vast aanspreekpunt")["note"]
    c.received()
    assert c.socket.emit("note.vote", {"note": note["id"]}, callback=True) == {
        "ok": True,
        "votes": 1,
    }
    again = c.socket.emit("note.vote", {"note": note["id"], "up": True}, callback=True)
    assert again == {"ok": True, "votes": 1}  # a replayed vote changes nothing
    voted = [e["args"][0]["data"] for e in a.received() if e["name"] == "note.voted"]
    assert [v["votes"] for v in voted] == [1]
    assert count_votes(helpers) == 1
    assert c.snapshot()["my_votes"] == [note["id"]]
    assert a.snapshot()["notes"][0]["votes"] == 1


def test_a_vote_can_be_taken_back(helpers, table):
    _links, a, _b, c = table
    note = a.post("Mantelzorgers ondersteunen")["note"]
    c.socket.emit("note.vote", {"note": note["id"]}, callback=True)
    assert (
        c.socket.emit("note.vote", {"note": note["id"], "up": False}, callback=True)["votes"] == 0
    )
    assert count_votes(helpers) == 0
    assert c.snapshot()["my_votes"] == []


def test_a_note_of_another_table_cannot_be_voted(helpers, table):
    _links, a, b, _c = table
    note = a.post("Aan tafel 1")["note"]
    assert (
        b.socket.emit("note.vote", {"note": note["id"]}, callback=True)["error"] == "not_your_table"
    )
    assert count_votes(helpers) == 0


def test_a_hidden_note_cannot_be_voted(helpers, table):
    links, a, _b, c = table
    note = a.post("Iets ongepasts")["note"]
    helpers.staff(links).emit("note.hide", {"note": note["id"]}, callback=True)
    assert c.socket.emit("note.vote", {"note": note["id"]}, callback=True)["error"] == "note_hidden"
    assert count_votes(helpers) == 0


def test_a_note_of_another_workshop_cannot_be_voted(helpers, table):
    _links, _a, _b, c = table
    other = helpers.make_workshop()
    foreign = helpers.join(other.join_code).post("elders")["note"]
    assert (
        c.socket.emit("note.vote", {"note": foreign["id"]}, callback=True)["error"]
        == "unknown_note"
    )


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({}, "bad_request"),
        ({"note": "1"}, "bad_request"),
        ({"note": 1, "up": "yes"}, "bad_request"),
        ({"note": 10**9}, "unknown_note"),
    ],
)
def test_bad_votes_are_refused(helpers, table, payload, error):
    _links, a, _b, _c = table
    a.post("iets")
    assert a.socket.emit("note.vote", payload, callback=True)["error"] == error
    assert count_votes(helpers) == 0


def test_staff_cannot_vote(helpers, table):
    links, a, _b, _c = table
    note = a.post("iets")["note"]
    for role in ("facilitator", "projector"):
        ack = helpers.staff(links, role).emit("note.vote", {"note": note["id"]}, callback=True)
        assert ack["error"] == "unauthorized"
