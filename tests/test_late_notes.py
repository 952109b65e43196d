"""Late notes: written at a table before a round change, sent after it (the phone was
offline). With the round it was written in, a note is stored there and then, within the
grace period, or refused `round_over` so the phone can offer the new table."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from facilitator.store.models import Contribution, Round, Workshop, utcnow
from tests.conftest import Helpers, close_app, make_app


def send(phone: Any, event: str, text: str, table: int, written_in: int | None, **extra: Any):
    payload = {"client_id": str(uuid.uuid4()), "text": text, "table": table} | extra
    if written_in is not None:
        payload["round"] = written_in
    return phone.socket.emit(event, payload, callback=True)


def round_id(helpers: Helpers, code: str, number: int) -> int:
    with helpers.session() as session:
        workshop = session.scalar(select(Workshop).where(Workshop.join_code == code))
        return session.scalar(
            select(Round.id).where(Round.workshop_id == workshop.id, Round.number == number)
        )


def round_ended_ago(helpers: Helpers, code: str, number: int, minutes: float) -> None:
    """As if round `number` had ended `minutes` ago (instead of just now)."""
    with helpers.session() as session:
        session.get(Round, round_id(helpers, code, number)).ends_at = utcnow() - timedelta(
            minutes=minutes
        )


def notes_stored(helpers: Helpers) -> int:
    with helpers.session() as session:
        return session.scalar(select(func.count()).select_from(Contribution))


def room(helpers: Helpers) -> dict[str, Any]:
    """Round 1 running: a host at table 1, Anna at table 2, Bert at table 3; then round 2
    is applied with Anna at table 3 and Bert at table 2 (the host stays at table 1)."""
    links = helpers.make_workshop(tables={"count": 3, "capacity": 5})
    code = links.join_code
    host = helpers.join(code, host="yes", name="Hanne", language="nl")
    anna = helpers.join(code, name="Anna", language="nl")
    bert = helpers.join(code, name="Bert")
    assert [p.snapshot()["seat"]["table"] for p in (host, anna, bert)] == [1, 2, 3]
    facilitator = helpers.staff(links)
    assert facilitator.emit("round.start", {}, callback=True)["ok"]
    seating = {host.public_id: 1, anna.public_id: 3, bert.public_id: 2}
    applied = facilitator.emit("plan.apply", {"expected": 1, "seating": seating}, callback=True)
    assert applied["ok"], applied
    for phone in (host, anna, bert):
        phone.snapshot()  # each phone syncs to its new table's room, as after round.seats
        phone.received()
    facilitator.get_received()
    return {"code": code, "host": host, "anna": anna, "bert": bert, "staff": facilitator}


@pytest.fixture
def changed(helpers: Helpers) -> dict[str, Any]:
    return room(helpers)


def test_a_note_written_before_the_round_change_is_stored_where_it_was_written(helpers, changed):
    code, anna, bert = changed["code"], changed["anna"], changed["bert"]
    round_1 = round_id(helpers, code, 1)
    ack = send(anna, "note.post", "Geschreven aan tafel 2", table=2, written_in=1)
    assert ack["ok"], ack
    assert (ack["note"]["table"], ack["note"]["round_id"], ack["round"]) == (2, round_1, 1)
    assert not ack["duplicate"]
    with helpers.session() as session:
        note = session.scalar(select(Contribution))
        assert (note.round_id, note.text) == (round_1, "Geschreven aan tafel 2")
    # Table 2's audience gets it as usual (Bert sits there now; staff see it), with the
    # round it belongs to, so screens keep it out of round 2's notes.
    for screen in (bert.received("note.posted"), changed["staff"].get_received()):
        posted = [e["args"][0]["data"]["note"] for e in screen if e["name"] == "note.posted"]
        assert [(n["id"], n["round_id"], n["table"]) for n in posted] == [
            (ack["note"]["id"], round_1, 2)
        ]
    assert bert.snapshot()["notes"] == []  # round 2's table 2 has no notes of its own
    # A resend (the ack was lost) gets the same note back, wherever it was stored.
    again = anna.socket.emit(
        "note.post",
        {"client_id": ack["note"]["client_id"], "text": "Geschreven aan tafel 2", "table": 2},
        callback=True,
    )
    assert again["ok"] and again["duplicate"] and again["note"] == ack["note"]
    assert again["round"] == 1
    assert notes_stored(helpers) == 1


def test_a_hosts_late_key_insight_goes_to_the_round_it_was_written_in(helpers, changed):
    code, host = changed["code"], changed["host"]
    ack = send(host, "insight.post", "Kern van ronde 1", table=1, written_in=1)
    assert ack["ok"], ack
    assert (ack["insight"]["round_id"], ack["insight"]["table"], ack["round"]) == (
        round_id(helpers, code, 1),
        1,
        1,
    )
    assert host.snapshot()["insight"] is None  # round 2's insight is still to be written


def test_after_the_grace_period_a_late_note_is_round_over_and_nothing_is_stored(helpers, changed):
    code, anna = changed["code"], changed["anna"]
    round_ended_ago(helpers, code, 1, minutes=31)
    ack = send(anna, "note.post", "Te laat", table=2, written_in=1)
    assert (ack["ok"], ack["error"]) == (False, "round_over")
    assert ack["message"] == (
        "Deze notitie is geschreven in een ronde die voorbij is; aan je nieuwe tafel plaatsen?"
    )
    assert notes_stored(helpers) == 0
    assert not changed["bert"].received("note.posted")
    # Posted again for the new table (as the phone offers), it is an ordinary note.
    now = send(anna, "note.post", "Te laat", table=3, written_in=2)
    assert now["ok"] and (now["note"]["table"], now["round"]) == (3, 2)


def test_within_the_grace_period_the_note_is_still_taken(helpers, changed):
    round_ended_ago(helpers, changed["code"], 1, minutes=29)
    assert send(changed["anna"], "note.post", "Net op tijd", table=2, written_in=1)["ok"]


def test_the_grace_period_is_a_setting(sqlite_url, tmp_path):
    app = make_app(sqlite_url, tmp_path, LATE_NOTE_MINUTES=5)
    helpers = Helpers(app)
    state = room(helpers)
    round_ended_ago(helpers, state["code"], 1, minutes=10)
    ack = send(state["anna"], "note.post", "Na vijf minuten", table=2, written_in=1)
    assert ack["error"] == "round_over"
    assert notes_stored(helpers) == 0
    close_app(app)


@pytest.mark.parametrize(
    ("table", "written_in", "error"),
    [
        (1, 1, "round_over"),  # Anna did not sit at table 1 in round 1
        (2, None, "not_your_table"),  # without `round`: as before, the table now only
        (2, 2, "not_your_table"),  # "written in round 2" at table 2: she is at 3 now
        (2, 3, "bad_request"),  # a round still to come
        (2, 0, "bad_request"),  # no such round
        (2, 99, "bad_request"),
    ],
)
def test_a_late_note_is_refused_unless_it_was_written_there_and_then(
    helpers, changed, table, written_in, error
):
    ack = send(changed["anna"], "note.post", "Waar hoort dit?", table=table, written_in=written_in)
    assert (ack["ok"], ack["error"]) == (False, error)
    assert notes_stored(helpers) == 0


@pytest.mark.parametrize("bad", [-1, "1", 1.5, True, 2**64])
def test_a_round_that_is_not_a_number_is_a_bad_request(helpers, changed, bad):
    ack = send(changed["anna"], "note.post", "x", table=3, written_in=bad)
    assert (ack["ok"], ack["error"]) == (False, "bad_request")


def test_without_a_round_change_the_round_field_changes_nothing(helpers, links):
    phone = helpers.join(links.join_code)
    table = phone.snapshot()["seat"]["table"]
    ack = send(phone, "note.post", "Gewoon een notitie", table=table, written_in=1)
    assert ack["ok"] and ack["round"] == 1
    assert ack["note"]["round_id"] == round_id(helpers, links.join_code, 1)
