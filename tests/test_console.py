"""The facilitator's console events through the socket: roles, bad input, who hears what."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from facilitator.store.models import Contribution, Seat


def events_named(received, name):
    return [e["args"][0]["data"] for e in received if e["name"] == name]


FACILITATOR_EVENTS = [
    ("round.pause", {}),
    ("round.resume", {}),
    ("round.extend", {"seconds": 60}),
    ("plan.preview", {}),
    ("plan.apply", {"expected": 1, "seating": {}}),
    ("seat.move", {"participants": ["x"], "table": 1}),
    ("participant.remove", {"participant": "x"}),
    ("phase.start", {"phase": 1}),
    ("note.hide", {"note": 1}),
    ("note.restore", {"note": 1}),
    ("projector.show", {"view": "wall", "show_names": True}),
]


@pytest.mark.parametrize(("event", "payload"), FACILITATOR_EVENTS)
def test_participants_and_projectors_cannot_run_the_console(helpers, links, event, payload):
    phone = helpers.join(links.join_code)
    projector = helpers.staff(links, "projector")
    for client in (phone.socket, projector):
        assert client.emit(event, payload, callback=True)["error"] == "unauthorized"


@pytest.mark.parametrize(("event", "_payload"), FACILITATOR_EVENTS)
def test_console_events_need_an_object(helpers, links, event, _payload):
    facilitator = helpers.staff(links)
    assert facilitator.emit(event, "nope", callback=True)["error"] == "bad_request"


def test_pause_resume_and_extend_reach_every_screen(helpers, links):
    phone = helpers.join(links.join_code)
    facilitator = helpers.staff(links)
    facilitator.emit("round.start", {}, callback=True)
    assert facilitator.emit("round.pause", {}, callback=True)["ok"]
    assert facilitator.emit("round.extend", {"seconds": 300}, callback=True)["ok"]
    assert facilitator.emit("round.resume", {}, callback=True)["ok"]
    states = [r["round"]["status"] for r in events_named(phone.received(), "round.updated")]
    assert states == ["running", "paused", "paused", "running"]
    assert phone.snapshot()["round"]["status"] == "running"


@pytest.mark.parametrize("seconds", ["60", 0, 7200, True, None])
def test_bad_extensions_are_refused(helpers, links, seconds):
    facilitator = helpers.staff(links)
    ack = facilitator.emit("round.extend", {"seconds": seconds}, callback=True)
    assert ack["error"] in {"bad_request", "bad_extension"}


def test_a_facilitator_moves_a_person_and_their_phone_is_told(helpers, links):
    phone = helpers.join(links.join_code)
    facilitator = helpers.staff(links)
    ack = facilitator.emit(
        "seat.move", {"participants": [phone.public_id], "table": 5}, callback=True
    )
    assert ack["ok"]
    assert events_named(phone.received(), "seat.assigned")[0]["seat"]["table"] == 5
    assert phone.snapshot()["seat"]["table"] == 5


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"participants": "abc", "table": 2}, "bad_request"),
        ({"participants": [1, 2], "table": 2}, "bad_request"),
        ({"participants": ["x"] * 101, "table": 2}, "bad_request"),
        ({"participants": ["nobody"], "table": 2}, "unknown_participant"),
        ({"participants": ["ME"], "table": 99}, "unknown_table"),
        ({"participants": ["ME"], "table": "2"}, "bad_request"),
        ({"participants": ["ME"]}, "bad_request"),
    ],
)
def test_bad_moves_are_refused(helpers, links, payload, error):
    phone = helpers.join(links.join_code)
    facilitator = helpers.staff(links)
    payload = {
        k: (
            [phone.public_id if p == "ME" else p for p in v]
            if k == "participants" and isinstance(v, list)
            else v
        )
        for k, v in payload.items()
    }
    assert facilitator.emit("seat.move", payload, callback=True)["error"] == error


def test_a_person_of_another_workshop_cannot_be_moved_or_removed(helpers, links):
    other = helpers.make_workshop()
    stranger = helpers.join(other.join_code)
    facilitator = helpers.staff(links)
    move = {"participants": [stranger.public_id], "table": 2}
    assert facilitator.emit("seat.move", move, callback=True)["error"] == "unknown_participant"
    remove = {"participant": stranger.public_id}
    assert facilitator.emit("participant.remove", remove, callback=True)["error"] == (
        "unknown_participant"
    )
    assert stranger.snapshot()["seat"]["table"] == 1


def test_preview_then_apply_moves_every_phone(helpers, links):
    phones = [helpers.join(links.join_code) for _ in range(8)]
    facilitator = helpers.staff(links)
    preview = facilitator.emit("plan.preview", {"locks": {phones[0].public_id: 6}}, callback=True)
    assert preview["ok"] and preview["round"] == 2
    assert preview["seating"][phones[0].public_id] == 6
    assert preview["score"]["repeats"] == 0
    applied = facilitator.emit(
        "plan.apply", {"expected": 1, "seating": preview["seating"]}, callback=True
    )
    assert applied["ok"]
    for phone in phones:
        assert phone.snapshot()["seat"] == {
            "round": 2,
            "table": preview["seating"][phone.public_id],
            "table_name": None,
            "host": None,
        }


def test_two_facilitators_applying_at_once_advance_one_round(helpers, links):
    helpers.join(links.join_code)
    first, second = helpers.staff(links), helpers.staff(links)
    plan = first.emit("plan.preview", {}, callback=True)["seating"]
    assert first.emit("plan.apply", {"expected": 1, "seating": plan}, callback=True)["ok"]
    late = second.emit("plan.apply", {"expected": 1, "seating": plan}, callback=True)
    assert late["error"] == "stale_round"
    with helpers.session() as s:
        assert s.scalar(select(func.count(Seat.id))) == 2


def test_a_plan_made_before_someone_left_is_refused(helpers, links):
    phones = [helpers.join(links.join_code) for _ in range(3)]
    facilitator = helpers.staff(links)
    plan = facilitator.emit("plan.preview", {}, callback=True)["seating"]
    assert phones[2].socket.emit("participant.leave", {}, callback=True)["ok"]
    ack = facilitator.emit("plan.apply", {"expected": 1, "seating": plan}, callback=True)
    assert ack["error"] == "stale_plan"
    tables = facilitator.emit("sync", {}, callback=True)["snapshot"]["tables"]
    seated = {p["public_id"] for t in tables for p in t["participants"]}
    assert seated == {phones[0].public_id, phones[1].public_id}


@pytest.mark.parametrize(
    "payload",
    [
        {"expected": 1},
        {"expected": 1, "seating": []},
        {"expected": 1, "seating": {"x": "1"}},
        {"expected": 1, "seating": {"x" * 40: 1}},
        {"seating": {}},
    ],
)
def test_malformed_plans_are_refused(helpers, links, payload):
    helpers.join(links.join_code)
    facilitator = helpers.staff(links)
    assert facilitator.emit("plan.apply", payload, callback=True)["error"] == "bad_request"


def test_hiding_and_restoring_a_note_reaches_every_screen(helpers):
    links = helpers.make_workshop(tables={"count": 1, "capacity": 5})
    author, neighbour = helpers.join(links.join_code), helpers.join(links.join_code)
    projector = helpers.staff(links, "projector")
    facilitator = helpers.staff(links)
    note = author.post("Iets ongepasts")["note"]
    projector.get_received()
    neighbour.received()
    assert facilitator.emit("note.hide", {"note": note["id"]}, callback=True)["ok"]
    assert events_named(neighbour.received(), "note.hidden") == [
        {"id": note["id"], "table": 1, "round_id": note["round_id"]}
    ]
    assert events_named(projector.get_received(), "note.hidden")
    assert neighbour.snapshot()["notes"] == []
    assert projector.emit("sync", {}, callback=True)["snapshot"]["notes"] == []
    fac_notes = facilitator.emit("sync", {}, callback=True)["snapshot"]["notes"]
    assert [n["hidden"] for n in fac_notes] == [True]
    assert facilitator.emit("note.hide", {"note": note["id"]}, callback=True)["error"] == (
        "note_already_hidden"
    )
    assert facilitator.emit("note.restore", {"note": note["id"]}, callback=True)["ok"]
    assert [n["text"] for n in neighbour.snapshot()["notes"]] == ["Iets ongepasts"]
    assert facilitator.emit("note.restore", {"note": note["id"]}, callback=True)["error"] == (
        "note_not_hidden"
    )


@pytest.mark.parametrize("note", ["1", None, True, 10**9])
def test_hiding_needs_a_real_note_id(helpers, links, note):
    facilitator = helpers.staff(links)
    ack = facilitator.emit("note.hide", {"note": note}, callback=True)
    assert ack["error"] in {"bad_request", "unknown_note"}


def test_a_note_of_another_workshop_cannot_be_hidden(helpers, links):
    other = helpers.make_workshop()
    note = helpers.join(other.join_code).post("elsewhere")["note"]
    facilitator = helpers.staff(links)
    assert facilitator.emit("note.hide", {"note": note["id"]}, callback=True)["error"] == (
        "unknown_note"
    )
    with helpers.session() as s:
        assert s.scalar(select(Contribution.hidden)) is False


def test_the_agenda_moves_on_for_every_screen(helpers, links):
    phone = helpers.join(links.join_code)
    facilitator = helpers.staff(links)
    phases = facilitator.emit("sync", {}, callback=True)["snapshot"]["agenda"]["phases"]
    assert facilitator.emit("phase.start", {"phase": phases[2]["id"]}, callback=True)["ok"]
    agenda = events_named(phone.received(), "agenda.updated")[0]["agenda"]
    assert agenda["current"] == phases[2]["id"]
    assert facilitator.emit("phase.start", {"phase": 10**6}, callback=True)["error"] == (
        "unknown_phase"
    )


@pytest.mark.parametrize(
    "payload", [{"view": "disco"}, {"view": 1}, {"view": "wall", "show_names": "no"}, {}]
)
def test_bad_projector_choices_are_refused(helpers, links, payload):
    facilitator = helpers.staff(links)
    assert facilitator.emit("projector.show", payload, callback=True)["error"] == "bad_request"


def test_the_projector_is_told_what_to_show(helpers, links):
    projector = helpers.staff(links, "projector")
    projector.get_received()
    facilitator = helpers.staff(links)
    ack = facilitator.emit("projector.show", {"view": "round", "show_names": False}, callback=True)
    assert ack["ok"]
    assert events_named(projector.get_received(), "projector.updated") == [
        {"view": "round", "show_names": False, "scope": "all", "spotlight": None, "language": "nl"}
    ]


def test_the_harvest_wall_covers_one_table_one_round_or_everything(helpers, links):
    phone = helpers.join(links.join_code)
    facilitator = helpers.staff(links)
    for scope in ("t:2", "r:3", "all"):
        ack = facilitator.emit("harvest.scope", {"scope": scope}, callback=True)
        assert ack["ok"], ack
        assert events_named(phone.received(), "projector.updated")[-1]["scope"] == scope
    assert facilitator.emit("sync", {}, callback=True)["snapshot"]["projector"]["scope"] == "all"


def test_a_scope_that_does_not_exist_is_refused_and_nothing_changes(helpers, links):
    facilitator = helpers.staff(links)
    phone = helpers.join(links.join_code)
    for bad in ("t:99", "r:0", "x:1", "t:", "t:-1", "t:1" + "0" * 20, 3, None, ["all"]):
        ack = facilitator.emit("harvest.scope", {"scope": bad}, callback=True)
        assert ack == {"ok": False, "error": "bad_scope", "message": ack["message"]}, bad
    assert facilitator.emit("harvest.scope", "all", callback=True)["error"] == "bad_request"
    # Only facilitators choose: a phone or the projector cannot.
    assert phone.socket.emit("harvest.scope", {"scope": "all"}, callback=True)["error"] == (
        "unauthorized"
    )
    projector = helpers.staff(links, "projector")
    assert projector.emit("harvest.scope", {"scope": "t:1"}, callback=True)["error"] == (
        "unauthorized"
    )
    assert facilitator.emit("sync", {}, callback=True)["snapshot"]["projector"]["scope"] == "all"


def test_a_participant_who_leaves_is_dropped_from_the_next_round(helpers, links):
    stay, go = helpers.join(links.join_code), helpers.join(links.join_code)
    facilitator = helpers.staff(links)
    assert go.socket.emit("participant.leave", {}, callback=True)["ok"]
    assert facilitator.emit("round.next", {"expected": 1}, callback=True)["ok"]
    tables = facilitator.emit("sync", {}, callback=True)["snapshot"]["tables"]
    seated = [p["public_id"] for t in tables for p in t["participants"]]
    assert seated == [stay.public_id]


def test_someone_marked_gone_by_mistake_can_take_a_seat_again(helpers, links):
    phone = helpers.join(links.join_code)
    facilitator = helpers.staff(links)
    remove = {"participant": phone.public_id}
    assert facilitator.emit("participant.remove", remove, callback=True)["ok"]
    assert events_named(phone.received(), "seat.assigned") == [{"seat": None}]
    snapshot = phone.snapshot()
    assert snapshot["me"]["left"] and snapshot["seat"] is None
    # Their phone reconnecting does not bring them back by itself...
    phone.socket.disconnect()
    phone.socket.connect(auth={"code": links.join_code, "role": "participant"})
    assert phone.snapshot()["me"]["left"]
    # ...but "I am still here" does.
    assert phone.socket.emit("participant.return", {}, callback=True)["ok"]
    snapshot = phone.snapshot()
    assert not snapshot["me"]["left"] and snapshot["seat"]["table"] == 1
    assert facilitator.emit("round.next", {"expected": 1}, callback=True)["ok"]


def test_returning_when_present_changes_nothing(helpers, links):
    phone = helpers.join(links.join_code)
    assert phone.socket.emit("participant.return", {}, callback=True)["ok"]
    with helpers.session() as s:
        assert s.scalar(select(func.count(Seat.id))) == 1


def _tables_now(facilitator) -> dict[str, int]:
    tables = facilitator.emit("sync", {}, callback=True)["snapshot"]["tables"]
    return {p["public_id"]: t["number"] for t in tables for p in t["participants"]}


def test_the_new_tables_rule_sends_every_traveller_to_a_table_not_sat_at(helpers):
    links = helpers.make_workshop(tables={"count": 2, "capacity": 3})
    phones = [helpers.join(links.join_code) for _ in range(4)]
    facilitator = helpers.staff(links)
    before = _tables_now(facilitator)
    # Round 2 of two tables: the rule is on unless the facilitator turns it off.
    default = facilitator.emit("plan.preview", {}, callback=True)
    assert default["new_tables"] is True
    chosen = facilitator.emit("plan.preview", {"new_tables": True}, callback=True)
    assert chosen["new_tables"] is True and chosen["score"]["revisits"] == 0
    assert all(chosen["seating"][p.public_id] != before[p.public_id] for p in phones)
    off = facilitator.emit("plan.preview", {"new_tables": False}, callback=True)
    assert off["ok"] and off["new_tables"] is False
    # The one-click next round takes the same choice.
    assert facilitator.emit("round.next", {"expected": 1, "new_tables": True}, callback=True)["ok"]
    after = _tables_now(facilitator)
    assert all(after[p.public_id] != before[p.public_id] for p in phones)


@pytest.mark.parametrize("value", ["yes", 1, [], {}])
@pytest.mark.parametrize("event", ["plan.preview", "round.next"])
def test_a_new_tables_choice_that_is_not_yes_or_no_is_refused(helpers, links, event, value):
    helpers.join(links.join_code)
    facilitator = helpers.staff(links)
    before = _tables_now(facilitator)
    ack = facilitator.emit(event, {"expected": 1, "new_tables": value}, callback=True)
    assert ack["error"] == "bad_request"
    assert _tables_now(facilitator) == before
