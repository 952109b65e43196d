"""Notes written on paper, typed in for a table: stored once, marked, counted like any note."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from facilitator.cafe.harvest import counts, harvest_notes
from facilitator.store.models import Contribution


def paper(client, text="Meer bankjes op het plein", table=2, language="nl", client_id=None):
    payload = {
        "client_id": client_id or str(uuid.uuid4()),
        "text": text,
        "table": table,
        "language": language,
    }
    return client.emit("note.paper", payload, callback=True)


def stored(helpers) -> int:
    with helpers.session() as s:
        return s.scalar(select(func.count(Contribution.id))) or 0


@pytest.fixture
def room(helpers):
    """Two tables: a host and a guest at table 1, one guest at table 2, the console."""
    links = helpers.make_workshop(tables={"count": 2, "capacity": 5})
    host = helpers.join(links.join_code, host="yes")
    guest = helpers.join(links.join_code)  # table 2
    neighbour = helpers.join(links.join_code)  # table 1, with the host
    facilitator = helpers.staff(links)
    facilitator.emit("round.start", {}, callback=True)
    for phone in (host, guest, neighbour):
        phone.received()
    return links, facilitator, host, guest, neighbour


def test_the_facilitator_types_a_paper_note_and_the_table_sees_it_marked(helpers, room):
    _links, facilitator, _host, guest, neighbour = room
    ack = paper(facilitator, table=2)
    assert ack["ok"] and ack["duplicate"] is False
    note = ack["note"]
    assert (note["source"], note["author"], note["table"]) == ("paper", None, 2)
    assert [e["name"] for e in guest.received()] == ["note.posted"]
    assert neighbour.received("note.posted") == []  # another table's note
    assert [n["text"] for n in guest.snapshot()["notes"]] == ["Meer bankjes op het plein"]
    staff = facilitator.emit("sync", {"last_seq": 0}, callback=True)["snapshot"]
    assert [n["source"] for n in staff["notes"]] == ["paper"]


def test_a_paper_note_counts_like_any_note(helpers, room):
    links, facilitator, _host, guest, _neighbour = room
    note = paper(facilitator, "Un banc devant la pharmacie", language="fr")["note"]
    guest.post("Een bankje bij de apotheek")
    assert guest.socket.emit("note.vote", {"note": note["id"]}, callback=True)["votes"] == 1
    workshop = helpers.workshop(links.join_code)
    with helpers.session() as s:
        harvested = {n.text: n.language for n in harvest_notes(s, workshop.id)}
        numbers = counts(s, workshop.id)
    assert harvested == {"Un banc devant la pharmacie": "fr", "Een bankje bij de apotheek": "en"}
    assert (numbers["notes"], numbers["authors"]) == (2, 1)  # paper has no author of its own


def test_a_host_types_paper_notes_for_their_own_table_only(helpers, room):
    _links, _facilitator, host, guest, neighbour = room
    assert paper(host.socket, table=1)["note"]["source"] == "paper"
    assert paper(host.socket, table=2)["error"] == "not_host"
    assert paper(guest.socket, table=2)["error"] == "not_host"
    assert paper(neighbour.socket, table=1)["error"] == "not_host"
    assert stored(helpers) == 1


def test_projectors_cannot_type_paper_notes(helpers, room):
    links, *_ = room
    projector = helpers.staff(links, "projector")
    assert paper(projector)["error"] == "unauthorized"
    assert stored(helpers) == 0


def test_a_resend_is_stored_once_and_a_reused_id_is_refused(helpers, room):
    _links, facilitator, _host, guest, _neighbour = room
    client_id = str(uuid.uuid4())
    first = paper(facilitator, client_id=client_id)
    again = paper(facilitator, client_id=client_id)
    assert again["duplicate"] is True and again["note"] == first["note"]
    assert paper(facilitator, "Iets anders", client_id=client_id)["error"] == "client_id_taken"
    assert guest.post("Mijn eigen", client_id=client_id)["error"] == "client_id_taken"
    phone_id = str(uuid.uuid4())
    assert guest.post("Van de telefoon", client_id=phone_id)["ok"]
    assert paper(facilitator, "Van de telefoon", client_id=phone_id)["error"] == "client_id_taken"
    assert stored(helpers) == 2


BAD_PAPER = [
    ({"text": "x" * 281}, "text_too_long"),
    ({"text": 42}, "bad_text"),
    ({"text": "   "}, "empty_text"),
    ({"text": None}, "bad_text"),
    ({"client_id": "not-a-uuid"}, "bad_client_id"),
    ({"client_id": None}, "bad_client_id"),
    ({"table": "2"}, "bad_request"),
    ({"table": None}, "bad_request"),
    ({"table": True}, "bad_request"),
    ({"table": 9}, "unknown_table"),
    ({"language": "de"}, "bad_language"),
    ({"language": None}, "bad_language"),
    ({"language": ["nl"]}, "bad_language"),
]


@pytest.mark.parametrize(("change", "error"), BAD_PAPER)
def test_bad_paper_notes_are_refused(helpers, room, change, error):
    _links, facilitator, *_ = room
    payload = {"client_id": str(uuid.uuid4()), "text": "goed", "table": 2, "language": "nl"}
    ack = facilitator.emit("note.paper", payload | change, callback=True)
    assert ack["error"] == error
    assert stored(helpers) == 0


@pytest.mark.parametrize("missing", ["client_id", "text", "table", "language"])
def test_a_paper_note_missing_a_field_is_refused(helpers, room, missing):
    _links, facilitator, *_ = room
    payload = {"client_id": str(uuid.uuid4()), "text": "goed", "table": 2, "language": "nl"}
    del payload[missing]
    assert not facilitator.emit("note.paper", payload, callback=True)["ok"]
    assert facilitator.emit("note.paper", "nope", callback=True)["error"] == "bad_request"
    assert stored(helpers) == 0


def test_another_workshops_facilitator_types_into_their_own_workshop_only(helpers, room):
    links, facilitator, _host, guest, _neighbour = room
    other = helpers.make_workshop(tables={"count": 3, "capacity": 5})
    elsewhere = helpers.staff(other)
    elsewhere.emit("round.start", {}, callback=True)
    client_id = str(uuid.uuid4())
    assert paper(facilitator, client_id=client_id)["ok"]
    ack = paper(elsewhere, "Daar", client_id=client_id)
    assert ack["ok"] and ack["duplicate"] is False  # the same id in another workshop
    assert [n["text"] for n in guest.snapshot()["notes"]] == ["Meer bankjes op het plein"]
    with helpers.session() as s:
        workshop_of = dict(s.execute(select(Contribution.text, Contribution.workshop_id)).all())
    assert workshop_of["Daar"] == helpers.workshop(other.join_code).id
    assert workshop_of["Meer bankjes op het plein"] == helpers.workshop(links.join_code).id


def test_a_round_that_ended_still_takes_paper_notes(helpers, room):
    _links, facilitator, _host, guest, _neighbour = room
    assert facilitator.emit("round.end", {}, callback=True)["ok"]
    assert guest.post("Te laat")["error"] == "round_closed"  # phones stop at time's up
    assert paper(facilitator, "Nog van papier")["ok"]  # paper is typed in afterwards
