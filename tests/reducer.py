"""Applying an event to a screen's state, as the browser does (static/js/common.js).

Kept in Python so a test can check that a snapshot plus the events after it equals a
fresh snapshot (tests/test_replay.py): the two implementations must stay in step.
"""

from __future__ import annotations

import copy
from typing import Any

State = dict[str, Any]


def apply_event(state: State, name: str, seq: int, data: dict[str, Any]) -> State:
    """A new state: `state` with one event applied."""
    state = copy.deepcopy(state)
    state["seq"] = max(state["seq"], seq)
    handler = _HANDLERS.get(name)
    if handler is not None:
        handler(state, data)
    return state


def _is_participant(state: State) -> bool:
    return "seat" in state


def _counts(state: State, table_number: int, delta: int) -> None:
    for table in state.get("tables", []):
        if table["number"] == table_number:
            table["notes"] += delta


def _insert_by_id(notes: list[dict[str, Any]], note: dict[str, Any]) -> None:
    notes.append(note)
    notes.sort(key=lambda n: n["id"])


def _note_posted(state: State, data: dict[str, Any]) -> None:
    note = data["note"]
    if _is_participant(state) and (not state["seat"] or state["seat"]["table"] != note["table"]):
        return  # a table this phone has left
    if any(n["client_id"] == note["client_id"] for n in state["notes"]):
        return
    state["notes"].append(note)
    _counts(state, note["table"], +1)


def _insight_posted(state: State, data: dict[str, Any]) -> None:
    insight = data["insight"]
    if _is_participant(state):
        if state["seat"] and state["seat"]["table"] == insight["table"]:
            state["insight"] = insight
    else:
        state["insights"][str(insight["table"])] = insight


def _note_voted(state: State, data: dict[str, Any]) -> None:
    for note in state["notes"]:
        if note["id"] == data["id"]:
            note["votes"] = data["votes"]
    me = state.get("me", {}).get("public_id")
    if me is not None and data["voter"] == me:
        mine = set(state["my_votes"])
        mine = mine | {data["id"]} if data["up"] else mine - {data["id"]}
        state["my_votes"] = sorted(mine)


def _photo_posted(state: State, data: dict[str, Any]) -> None:
    photo = data["photo"]
    if _is_participant(state) and (not state["seat"] or state["seat"]["table"] != photo["table"]):
        return
    if state["round"] is None or photo["round_id"] != state["round"]["id"]:
        return
    if all(p["client_id"] != photo["client_id"] for p in state["photos"]):
        state["photos"].append(photo)


def _note_hidden(state: State, data: dict[str, Any]) -> None:
    for photo in state["photos"]:
        if photo["id"] == data["id"]:
            photo["hidden"] = True
    if state.get("role") != "facilitator":
        state["photos"] = [p for p in state["photos"] if p["id"] != data["id"]]
    for note in state["notes"]:
        if note["id"] == data["id"] and not note["hidden"]:
            _counts(state, note["table"], -1)
            if state.get("role") == "facilitator":
                note["hidden"] = True
    if state.get("role") != "facilitator":
        state["notes"] = [n for n in state["notes"] if n["id"] != data["id"]]
    if state.get("handover") is not None:
        state["handover"] = [n for n in state["handover"] if n["id"] != data["id"]]


def _note_restored(state: State, data: dict[str, Any]) -> None:
    note = data["note"]
    if _is_participant(state) and (not state["seat"] or state["seat"]["table"] != note["table"]):
        return
    if note.get("kind") == "photo":
        _photo_restored(state, note)
        return
    if state["round"] is None or note["round_id"] != state["round"]["id"]:
        if state.get("handover") is not None:
            _insert_by_id(state["handover"], note)
        return
    known = next((n for n in state["notes"] if n["id"] == note["id"]), None)
    if known is not None:
        known["hidden"] = False
    else:
        _insert_by_id(state["notes"], note)
    _counts(state, note["table"], +1)


def _photo_restored(state: State, photo: dict[str, Any]) -> None:
    if state["round"] is None or photo["round_id"] != state["round"]["id"]:
        return
    known = next((p for p in state["photos"] if p["id"] == photo["id"]), None)
    if known is not None:
        known["hidden"] = False
    else:
        _insert_by_id(state["photos"], photo)


def _round_updated(state: State, data: dict[str, Any]) -> None:
    if state["round"] is None or state["round"]["id"] != data["round"]["id"]:
        state["notes"] = []
        state["photos"] = []
        if "insights" in state:
            state["insights"] = {}
        for table in state.get("tables", []):
            table["notes"] = 0
    state["round"] = data["round"]


def _seat_assigned(state: State, data: dict[str, Any]) -> None:
    state["seat"] = data["seat"]
    state["notes"] = []
    state["photos"] = []
    state["insight"] = None


def _round_seats(state: State, data: dict[str, Any]) -> None:
    seat = data["seats"].get(state.get("me", {}).get("public_id"))
    if seat is not None:
        state["round"] = data["round"]
        state["seat"] = seat
        state["notes"] = []
        state["photos"] = []
        state["insight"] = None


def _seating_changed(state: State, data: dict[str, Any]) -> None:
    counts = {t["number"]: t["notes"] for t in state["tables"]}
    state["tables"] = [dict(t, notes=counts.get(t["number"], 0)) for t in data["tables"]]


def _table_host_changed(state: State, data: dict[str, Any]) -> None:
    if state.get("seat") and state["seat"]["table"] == data["table"]:
        state["seat"]["host"] = data["host"]


def _participant_joined(state: State, data: dict[str, Any]) -> None:
    person = data["participant"]
    for table in state["tables"]:
        if table["number"] == person["table"]:
            if all(p["public_id"] != person["public_id"] for p in table["participants"]):
                table["participants"].append(person)
                table["participants"].sort(key=lambda p: not p["is_host"])


def _participant_presence(state: State, data: dict[str, Any]) -> None:
    for table in state.get("tables", []):
        for person in table["participants"]:
            if person["public_id"] == data["public_id"]:
                person["presence"] = data["presence"]


def _ballot_updated(state: State, data: dict[str, Any]) -> None:
    ballot = data["ballot"]
    if "my_dots" in state and (state["ballot"] is None or state["ballot"]["id"] != ballot["id"]):
        state["my_dots"] = {}  # a new vote: this person has not placed dots on it yet
    state["ballot"] = ballot


def _ballot_tally(state: State, data: dict[str, Any]) -> None:
    if state.get("ballot") and state["ballot"]["id"] == data["ballot"]:
        state["ballot"]["totals"] = data["totals"]
        state["ballot"]["voters"] = data["voters"]


def _ballot_mine(state: State, data: dict[str, Any]) -> None:
    if state.get("ballot") and state["ballot"]["id"] == data["ballot"]:
        state["my_dots"] = data["dots"]


def _commitment_posted(state: State, data: dict[str, Any]) -> None:
    commitment = data["commitment"]
    key = "my_commitments" if "my_commitments" in state else "commitments"
    if all(c["id"] != commitment["id"] for c in state[key]):
        state[key].append(commitment)


def _set(key: str, field: str | None = None):  # type: ignore[no-untyped-def]
    def handler(state: State, data: dict[str, Any]) -> None:
        state[key] = data[field] if field else data

    return handler


_HANDLERS = {
    "note.posted": _note_posted,
    "note.voted": _note_voted,
    "insight.posted": _insight_posted,
    "photo.posted": _photo_posted,
    "note.hidden": _note_hidden,
    "note.restored": _note_restored,
    "round.updated": _round_updated,
    "seat.assigned": _seat_assigned,
    "round.seats": _round_seats,
    "seating.changed": _seating_changed,
    "table.host_changed": _table_host_changed,
    "participant.joined": _participant_joined,
    "participant.presence": _participant_presence,
    "message.broadcast": _set("message", "text"),
    "agenda.updated": _set("agenda", "agenda"),
    "projector.updated": _set("projector"),
    "ballot.updated": _ballot_updated,
    "ballot.tally": _ballot_tally,
    "ballot.mine": _ballot_mine,
    "commitment.posted": _commitment_posted,
}
