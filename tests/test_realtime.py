"""Socket.IO handlers through Flask-SocketIO's test client: rooms, roles, bad input."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from facilitator.store.models import Contribution, Seat
from facilitator.web.extensions import socketio
from tests.js_reducer import apply_events


def refused(sock) -> bool:
    """True when the server refused the connection when it opened."""
    return not sock.is_connected()


def count_notes(helpers):
    with helpers.session() as s:
        return s.scalar(select(func.count(Contribution.id)))


# --- connecting -----------------------------------------------------------------


def test_a_connection_without_the_workshop_cookie_is_refused(app, links):
    anonymous = app.test_client()
    sock = socketio.test_client(
        app, flask_test_client=anonymous, auth={"code": links.join_code, "role": "participant"}
    )
    assert refused(sock)


@pytest.mark.parametrize(
    "auth", [None, {}, "code", {"code": 5, "role": "participant"}, {"role": "participant"}]
)
def test_malformed_connection_auth_is_refused(app, links, auth):
    sock = socketio.test_client(app, flask_test_client=app.test_client(), auth=auth)
    assert refused(sock)


def test_a_participant_cookie_does_not_open_another_workshop(app, helpers, links):
    other = helpers.make_workshop()
    phone = helpers.join(links.join_code)
    sock = socketio.test_client(
        app, flask_test_client=phone.http, auth={"code": other.join_code, "role": "participant"}
    )
    assert refused(sock)


def test_a_participant_cannot_claim_a_staff_role(app, helpers, links):
    phone = helpers.join(links.join_code)
    for role in ("facilitator", "projector", "organiser"):
        sock = socketio.test_client(
            app, flask_test_client=phone.http, auth={"code": links.join_code, "role": role}
        )
        assert refused(sock)


def test_a_projector_link_does_not_open_the_facilitator_role(app, helpers, links):
    http = app.test_client()
    assert http.get(f"/p/{links.join_code}/{links.projector_secret}").status_code == 302
    sock = socketio.test_client(
        app, flask_test_client=http, auth={"code": links.join_code, "role": "facilitator"}
    )
    assert refused(sock)


def test_presence_follows_the_phone(helpers, links):
    facilitator = helpers.staff(links)
    phone = helpers.join(links.join_code)
    joined = [
        e["args"][0]["data"]
        for e in facilitator.get_received()
        if e["name"] == "participant.presence"
    ]
    assert {"public_id": phone.public_id, "presence": "connected"} in joined
    phone.socket.disconnect()
    left = [
        e["args"][0]["data"]
        for e in facilitator.get_received()
        if e["name"] == "participant.presence"
    ]
    assert left == [{"public_id": phone.public_id, "presence": "away"}]


# --- posting notes --------------------------------------------------------------


def test_a_note_reaches_its_table_and_staff_but_no_other_table_or_workshop(helpers, links):
    other_links = helpers.make_workshop()
    a, b = helpers.join(links.join_code), helpers.join(links.join_code)  # tables 1 and 2
    projector = helpers.staff(links, "projector")
    stranger = helpers.join(other_links.join_code)
    stranger_projector = helpers.staff(other_links, "projector")
    for client in (b.socket, projector, stranger.socket, stranger_projector):
        client.get_received()
    ack = a.post("Buren helpen buren")
    assert ack["ok"] and ack["note"]["table"] == 1
    assert [
        e["args"][0]["data"]["note"]["text"]
        for e in projector.get_received()
        if e["name"] == "note.posted"
    ] == ["Buren helpen buren"]
    assert b.received("note.posted") == []
    assert stranger.received() == []
    assert stranger_projector.get_received() == []


def test_a_neighbour_at_the_same_table_sees_the_note_live(helpers):
    links = helpers.make_workshop(tables={"count": 1, "capacity": 5})
    a, b = helpers.join(links.join_code), helpers.join(links.join_code)
    a.post("Samen sterker")
    received = b.received("note.posted")
    assert [r["args"][0]["data"]["note"]["text"] for r in received] == ["Samen sterker"]


def test_a_resent_note_gets_the_same_ack_and_is_stored_once(helpers, links):
    phone = helpers.join(links.join_code)
    client_id = str(uuid.uuid4())
    first = phone.post("Eén keer", client_id=client_id)
    second = phone.post("Eén keer", client_id=client_id)
    assert first["ok"] and second["ok"] and second["duplicate"]
    assert second["note"] == first["note"]
    assert count_notes(helpers) == 1


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"client_id": "ID", "text": "x" * 281, "table": 1}, "text_too_long"),
        ({"client_id": "ID", "text": 12, "table": 1}, "bad_text"),
        ({"client_id": "ID", "text": "   ", "table": 1}, "empty_text"),
        ({"client_id": "ID", "table": 1}, "bad_text"),
        ({"text": "hello", "table": 1}, "bad_client_id"),
        ({"client_id": "not-a-uuid", "text": "hello", "table": 1}, "bad_client_id"),
        ({"client_id": "ID", "text": "hello"}, "bad_request"),
        ({"client_id": "ID", "text": "hello", "table": "1"}, "bad_request"),
        ({"client_id": "ID", "text": "hello", "table": True}, "bad_request"),
        ({"client_id": "ID", "text": "hello", "table": 2}, "not_your_table"),
        ({"client_id": "ID", "text": "hello", "table": 99}, "not_your_table"),
    ],
)
def test_bad_notes_are_refused_with_a_clear_message_and_nothing_stored(
    helpers, links, payload, error
):
    phone = helpers.join(links.join_code)
    payload = {k: (str(uuid.uuid4()) if v == "ID" else v) for k, v in payload.items()}
    ack = phone.socket.emit("note.post", payload, callback=True)
    assert ack["ok"] is False and ack["error"] == error
    assert isinstance(ack["message"], str) and len(ack["message"]) > 10
    assert count_notes(helpers) == 0


@pytest.mark.parametrize("payload", ["just text", 42, ["a"], None])
def test_a_payload_that_is_not_an_object_is_refused(helpers, links, payload):
    phone = helpers.join(links.join_code)
    ack = phone.socket.emit("note.post", payload, callback=True)
    assert ack["ok"] is False and ack["error"] == "bad_request"


def test_replaying_another_persons_client_id_is_refused(helpers, links):
    a, b = helpers.join(links.join_code), helpers.join(links.join_code)
    client_id = str(uuid.uuid4())
    assert a.post("mine", client_id=client_id)["ok"]
    ack = b.post("mine", client_id=client_id)
    assert ack["error"] == "client_id_taken"
    assert count_notes(helpers) == 1


def test_errors_come_in_the_participants_language(helpers, links):
    phone = helpers.join(links.join_code, language="fr")
    ack = phone.post("x" * 500)
    assert ack["error"] == "text_too_long"
    assert "trop long" in ack["message"]
    dutch = helpers.join(links.join_code, language="nl")
    assert "te lang" in dutch.post("x" * 500)["message"]


def test_a_participant_posting_too_fast_is_slowed_down(app, helpers, links):
    app.config["NOTES_PER_MINUTE"] = 3
    phone = helpers.join(links.join_code)
    acks = [phone.post(f"note {i}") for i in range(4)]
    assert [a["ok"] for a in acks] == [True, True, True, False]
    assert acks[-1]["error"] == "too_many_notes"
    assert count_notes(helpers) == 3


def test_staff_cannot_post_notes(helpers, links):
    facilitator = helpers.staff(links)
    ack = facilitator.emit(
        "note.post", {"client_id": str(uuid.uuid4()), "text": "hi", "table": 1}, callback=True
    )
    assert ack["error"] == "unauthorized"
    assert count_notes(helpers) == 0


# --- facilitator actions --------------------------------------------------------


@pytest.mark.parametrize("event", ["round.start", "round.end", "round.next", "message.send"])
def test_only_a_facilitator_runs_the_workshop(helpers, links, event):
    phone = helpers.join(links.join_code)
    projector = helpers.staff(links, "projector")
    payload = {"expected": 1, "text": "hello"}
    for client in (phone.socket, projector):
        ack = client.emit(event, payload, callback=True)
        assert ack == {"ok": False, "error": "unauthorized", "message": ack["message"]}
    with helpers.session() as s:
        assert s.scalar(select(func.count(Seat.id))) == 1  # no rotation happened


def test_round_start_reaches_every_screen(helpers, links):
    phone = helpers.join(links.join_code)
    projector = helpers.staff(links, "projector")
    projector.get_received()
    facilitator = helpers.staff(links)
    assert facilitator.emit("round.start", {}, callback=True)["ok"]
    for received in (
        phone.received("round.updated"),
        [e for e in projector.get_received() if e["name"] == "round.updated"],
    ):
        assert received[0]["args"][0]["data"]["round"]["status"] == "running"
    again = facilitator.emit("round.start", {}, callback=True)
    assert again["error"] == "round_already_running"


def test_next_round_tells_each_phone_its_own_new_table(helpers, links):
    phones = [helpers.join(links.join_code) for _ in range(12)]
    facilitator = helpers.staff(links)
    before = {p.public_id: p.snapshot()["seat"]["table"] for p in phones}
    for p in phones:
        p.socket.get_received()
    assert facilitator.emit("round.next", {"expected": 1}, callback=True)["ok"]
    for phone in phones:
        messages = phone.received("round.seats")
        assert len(messages) == 1, "each phone gets one round change message"
        seat = messages[0]["args"][0]["data"]["seats"][phone.public_id]
        assert seat["round"] == 2
        assert seat["table"] != before[phone.public_id]
        assert phone.snapshot()["seat"] == seat


def test_after_next_round_each_phone_holds_its_new_tables_notes_without_a_snapshot(helpers, links):
    """The seat message carries the new table's contents: the browser's reducer applied
    to the phone's old state gives what a fresh snapshot of the new table holds (a
    host's briefing included), and the phone's catch-up from the message's number is a
    few events, not a snapshot."""
    hosts = [helpers.join(links.join_code, host="yes") for _ in range(2)]
    phones = hosts + [helpers.join(links.join_code) for _ in range(8)]
    facilitator = helpers.staff(links)
    assert facilitator.emit("round.start", {}, callback=True)["ok"]
    for index, phone in enumerate(phones):
        assert phone.post(f"idea {index}")["ok"]
    states = {p.public_id: p.snapshot() for p in phones}
    for p in phones:
        p.socket.get_received()
    assert facilitator.emit("round.next", {"expected": 1}, callback=True)["ok"]
    briefed = 0
    for phone in phones:
        (message,) = [m["args"][0] for m in phone.received("round.seats")]
        state = apply_events(states[phone.public_id], [{"name": "round.seats", **message}])
        ack = phone.socket.emit("sync", {"last_seq": state["seq"]}, callback=True)
        assert ack["ok"] and "snapshot" not in ack, "a round change needs no snapshot"
        fresh = phone.snapshot()
        for key in ("round", "seat", "notes", "insight", "photos", "handover", "my_votes"):
            assert state[key] == fresh[key], key
        briefed += bool(state["handover"])
    assert briefed == len(hosts)  # each host sees what their table wrote in round 1


def test_two_facilitators_pressing_next_at_once_advance_one_round(helpers, links):
    helpers.join(links.join_code)
    first, second = helpers.staff(links), helpers.staff(links)
    assert first.emit("round.next", {"expected": 1}, callback=True)["ok"]
    late = second.emit("round.next", {"expected": 1}, callback=True)
    assert late["error"] == "stale_round"
    with helpers.session() as s:
        assert s.scalar(select(func.count(Seat.id))) == 2


@pytest.mark.parametrize("payload", [{}, {"expected": "1"}, {"expected": -1}, {"expected": None}])
def test_next_round_needs_the_round_the_facilitator_saw(helpers, links, payload):
    facilitator = helpers.staff(links)
    assert facilitator.emit("round.next", payload, callback=True)["error"] == "bad_request"


def test_a_broadcast_reaches_phones_and_projector_of_this_workshop_only(helpers, links):
    other = helpers.make_workshop()
    phone, stranger = helpers.join(links.join_code), helpers.join(other.join_code)
    projector = helpers.staff(links, "projector")
    projector.get_received()
    facilitator = helpers.staff(links)
    assert facilitator.emit("message.send", {"text": "Koffiepauze!"}, callback=True)["ok"]
    assert phone.received("message.broadcast")[0]["args"][0]["data"]["text"] == "Koffiepauze!"
    assert [e["name"] for e in projector.get_received()] == ["message.broadcast"]
    assert stranger.received() == []
    assert phone.snapshot()["message"] == "Koffiepauze!"


@pytest.mark.parametrize(
    ("text", "error"), [("x" * 201, "text_too_long"), ("", "empty_text"), (5, "bad_text")]
)
def test_bad_broadcasts_are_refused(helpers, links, text, error):
    facilitator = helpers.staff(links)
    assert facilitator.emit("message.send", {"text": text}, callback=True)["error"] == error


# --- catching up ----------------------------------------------------------------


def test_a_reconnecting_phone_gets_what_it_missed(helpers):
    links = helpers.make_workshop(tables={"count": 1, "capacity": 5})
    a, b = helpers.join(links.join_code), helpers.join(links.join_code)
    seen = b.snapshot()["seq"]
    b.socket.disconnect()
    a.post("terwijl je weg was")
    b.socket.connect(auth={"code": links.join_code, "role": "participant"})
    ack = b.socket.emit("sync", {"last_seq": seen}, callback=True)
    assert [e["name"] for e in ack["events"]] == ["note.posted"]
    assert ack["events"][0]["data"]["note"]["text"] == "terwijl je weg was"


def test_a_phone_that_missed_a_round_change_gets_a_fresh_snapshot(helpers, links):
    phone = helpers.join(links.join_code)
    seen = phone.snapshot()["seq"]
    phone.socket.disconnect()
    helpers.staff(links).emit("round.next", {"expected": 1}, callback=True)
    phone.socket.connect(auth={"code": links.join_code, "role": "participant"})
    ack = phone.socket.emit("sync", {"last_seq": seen}, callback=True)
    assert ack["snapshot"]["seat"]["round"] == 2


@pytest.mark.parametrize("payload", [{"last_seq": "3"}, {"last_seq": -1}, {"last_seq": 1.5}])
def test_sync_refuses_bad_sequence_numbers(helpers, links, payload):
    phone = helpers.join(links.join_code)
    assert phone.socket.emit("sync", payload, callback=True)["error"] == "bad_request"


def test_a_sequence_number_from_the_future_gets_a_snapshot(helpers, links):
    phone = helpers.join(links.join_code)
    assert "snapshot" in phone.socket.emit("sync", {"last_seq": 10_000}, callback=True)
