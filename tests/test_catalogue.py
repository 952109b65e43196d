"""The typed event catalogue: data that does not fit its event is refused, nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from facilitator.store import catalogue, events
from facilitator.store.catalogue import CATALOGUE, NoteVoted, check, field_names
from facilitator.store.models import Event, Workshop

VOTED = {"id": 7, "table": 2, "votes": 3, "voter": "ab12cd34ef56ab78", "up": True}

# (event, data, what the error says)
BAD: list[tuple[str, dict[str, Any], str]] = [
    ("note.voted", VOTED | {"votes": "3"}, "field 'votes' is wrong: got str"),
    ("note.voted", VOTED | {"up": 1}, "field 'up' is wrong: got int"),
    ("note.voted", VOTED | {"votes": True}, "field 'votes' is wrong: got bool"),
    ("note.voted", VOTED | {"table": None}, "field 'table' is wrong: got NoneType"),
    ("note.voted", {k: v for k, v in VOTED.items() if k != "voter"}, "missing ['voter']"),
    ("note.voted", VOTED | {"extra": 1}, "unexpected ['extra']"),
    ("note.voted", {}, "missing"),
    ("note.posted", {"note": ["not", "a", "dict"]}, "field 'note' is wrong: got list"),
    ("seating.changed", {"tables": {}}, "field 'tables' is wrong: got dict"),
    (
        "projector.updated",
        {"view": "wall", "show_names": 1, "scope": "all", "spotlight": None, "language": "nl"},
        "field 'show_names' is wrong: got int",
    ),
    (
        "projector.updated",
        {"view": "wall", "show_names": True, "scope": "all", "spotlight": "2", "language": "nl"},
        "field 'spotlight' is wrong: got str",
    ),
    ("table.host_changed", {"table": 1, "host": 5}, "field 'host' is wrong: got int"),
    ("seat.assigned", {"seat": "t1"}, "field 'seat' is wrong: got str"),
    ("note.vote", VOTED, "not in the catalogue"),  # a client event, not a server one
    ("note.deleted", {"id": 1}, "not in the catalogue"),
]


def test_well_typed_data_passes():
    check("note.voted", VOTED)
    check("note.voted", VOTED | {"up": False, "votes": 0})
    check("table.host_changed", {"table": 1, "host": None})
    check("table.host_changed", {"table": 1, "host": ""})
    check("seat.assigned", {"seat": None})
    check(
        "projector.updated",
        {"view": "auto", "show_names": False, "scope": "all", "spotlight": None, "language": "nl"},
    )
    check(
        "projector.updated",
        {"view": "spotlight", "show_names": True, "scope": "t:3", "spotlight": 3, "language": "fr"},
    )


@pytest.mark.parametrize(("name", "data", "says"), BAD)
def test_ill_fitting_data_is_refused(name, data, says):
    with pytest.raises(ValueError, match=name.replace(".", r"\.")) as refused:
        check(name, data)
    assert says in str(refused.value)


def test_each_class_holds_its_events_fields():
    assert CATALOGUE["note.voted"] is NoteVoted
    assert field_names(NoteVoted) == ("id", "table", "votes", "voter", "up")
    event = NoteVoted(**VOTED)
    with pytest.raises(AttributeError):
        event.votes = 4  # type: ignore[misc]  (frozen)
    # name and receivers belong to the class, not to the data
    assert "name" not in field_names(NoteVoted) and "receivers" not in field_names(NoteVoted)


def test_contents_are_checked_too_and_any_takes_anything():
    check("note.posted", {"note": {"text": "hi", "votes": "anything goes under Any"}})
    check("ballot.mine", {"ballot": 1, "dots": {"t1": 2}})
    with pytest.raises(ValueError, match="field 'dots' is wrong"):
        check("ballot.mine", {"ballot": 1, "dots": {"t1": "two"}})
    themes_of_numbers = {
        "digest": "d",
        "themes": [1, 2],
        "notes": 3,
        "scope": "all",
        "mode": "words",
        "counts": {"notes": 3},
        "theme_notes": 3,
    }
    with pytest.raises(ValueError, match="field 'themes' is wrong"):
        check("harvest.updated", themes_of_numbers)


# --- through the event log: a refused event stores nothing --------------------------


def log_state(helpers, workshop_id: int) -> tuple[int, int]:
    """How many events are stored and the workshop's last sequence number."""
    with helpers.session() as session:
        count = session.scalar(select(func.count(Event.id)).where(Event.workshop_id == workshop_id))
        return count, session.get(Workshop, workshop_id).last_seq


@pytest.mark.parametrize(("name", "data", "says"), BAD)
def test_recording_ill_fitting_data_raises_and_stores_nothing(helpers, links, name, data, says):
    workshop_id = helpers.workshop(links.join_code).id
    before = log_state(helpers, workshop_id)
    with pytest.raises(ValueError, match=says.replace("[", r"\[").replace("|", r"\|")):
        with helpers.session() as session:  # rolled back by the error
            events.record(session, workshop_id, name, events.ALL, data)
    assert log_state(helpers, workshop_id) == before


def test_one_bad_event_in_a_batch_stores_none_of_it(helpers, links):
    workshop_id = helpers.workshop(links.join_code).id
    before = log_state(helpers, workshop_id)
    good = ("message.broadcast", events.ALL, {"text": "Pause", "sent_at": "2024-05-01T10:00:00"})
    bad = ("note.voted", events.STAFF, VOTED | {"votes": "3"})
    with pytest.raises(ValueError, match="field 'votes' is wrong"):
        with helpers.session() as session:
            events.record_many(session, workshop_id, [good, bad])
    assert log_state(helpers, workshop_id) == before


def test_a_bad_transient_event_is_not_queued_for_sending(helpers, links):
    workshop_id = helpers.workshop(links.join_code).id
    with helpers.session() as session:
        with pytest.raises(ValueError, match="field 'seat' is wrong"):
            events.transient(session, workshop_id, 1, "seat.assigned", events.ALL, {"seat": "x"})
        assert events.take_outbox(session).events == []


def test_a_normal_workshop_records_only_well_typed_events(helpers, links, monkeypatch):
    checked: list[str] = []
    real_check = catalogue.check

    def spy(name: str, data: dict[str, Any]) -> None:
        real_check(name, data)  # raises, failing the request, if the data does not fit
        checked.append(name)

    monkeypatch.setattr(catalogue, "check", spy)
    host = helpers.join(links.join_code, name="Ada", host="yes")
    guest = helpers.join(links.join_code, name="")
    staff = helpers.staff(links)
    assert staff.emit("round.start", {}, callback=True)["ok"]
    note = host.post("We could share the bikes")["note"]
    table = host.snapshot()["seat"]["table"]
    if guest.snapshot()["seat"]["table"] == table:
        assert guest.socket.emit("note.vote", {"note": note["id"]}, callback=True)["ok"]
    assert staff.emit("note.hide", {"note": note["id"]}, callback=True)["ok"]
    assert staff.emit("note.restore", {"note": note["id"]}, callback=True)["ok"]
    assert staff.emit("message.send", {"text": "Five minutes"}, callback=True)["ok"]
    assert staff.emit("spotlight.set", {"table": table}, callback=True)["ok"]
    assert staff.emit("spotlight.set", {"table": None}, callback=True)["ok"]
    assert host.socket.emit("participant.leave", {}, callback=True)["ok"]
    assert staff.emit("round.next", {"expected": 1}, callback=True)["ok"]
    expected = {
        "participant.joined",
        "table.host_changed",
        "round.updated",
        "note.posted",
        "note.hidden",
        "note.restored",
        "message.broadcast",
        "projector.updated",
        "participant.presence",
        "seat.assigned",
        "seating.changed",
        "round.seats",
    }
    assert expected <= set(checked), sorted(expected - set(checked))
