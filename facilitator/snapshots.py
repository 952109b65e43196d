"""What each screen holds: views of rows, fresh snapshots, and the reducer clients run.

A reconnecting client gets either the events it missed or a fresh snapshot. The
reducer here mirrors static/js/state.js; a test checks that a snapshot plus the
events after it equals a fresh snapshot.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import CafeTable, Contribution, Participant, Round, Workshop, utcnow
from .queries import (
    current_round,
    list_participants,
    list_tables,
    round_count,
    seating_of_round,
    table_of,
)


def round_view(cafe_round: Round) -> dict[str, Any]:
    """A round as screens show it; times are ISO 8601 UTC."""
    return {
        "id": cafe_round.id,
        "number": cafe_round.number,
        "question": cafe_round.question,
        "status": cafe_round.status,
        "duration_seconds": cafe_round.duration_seconds,
        "started_at": cafe_round.started_at.isoformat() if cafe_round.started_at else None,
        "ends_at": cafe_round.ends_at.isoformat() if cafe_round.ends_at else None,
    }


def participant_view(person: Participant, table_number: int | None) -> dict[str, Any]:
    """A participant's public profile, as staff screens show it."""
    return {
        "public_id": person.public_id,
        "name": person.display_name,
        "language": person.language,
        "role": person.role,
        "is_host": person.is_host,
        "presence": person.presence,
        "table": table_number,
    }


def note_view(note: Contribution, author: Participant | None, table_number: int) -> dict[str, Any]:
    """A note as every screen shows it."""
    return {
        "id": note.id,
        "client_id": note.client_id,
        "text": note.text,
        "author": author.display_name if author else None,
        "table": table_number,
        "round_id": note.round_id,
        "created_at": note.created_at.isoformat(),
    }


def seat_view(table: CafeTable, host: Participant | None, round_number: int) -> dict[str, Any]:
    """Where a participant sits this round, with the table's host."""
    return {
        "round": round_number,
        "table": table.number,
        "table_name": table.name,
        "host": (host.display_name or "") if host else None,
    }


def tables_view(
    tables: Sequence[CafeTable],
    people: Mapping[int, Participant],
    seating: Mapping[int, int],
    note_counts: Mapping[int, int] | None = None,
) -> list[dict[str, Any]]:
    """Every table with who sits there this round and how many notes it has."""
    note_counts = note_counts or {}
    by_table: dict[int, list[Participant]] = {}
    for person_id, table_id in seating.items():
        if person_id in people:
            by_table.setdefault(table_id, []).append(people[person_id])
    result = []
    for table in tables:
        seated = sorted(by_table.get(table.id, []), key=lambda p: (not p.is_host, p.id))
        result.append(
            {
                "number": table.number,
                "name": table.name,
                "capacity": table.capacity,
                "notes": note_counts.get(table.id, 0),
                "participants": [participant_view(p, table.number) for p in seated],
            }
        )
    return result


def workshop_view(workshop: Workshop, rounds_total: int) -> dict[str, Any]:
    """The workshop's header as every screen shows it."""
    return {
        "title": workshop.title,
        "code": workshop.join_code,
        "status": workshop.status,
        "rounds_total": rounds_total,
        "languages": workshop.languages.split(","),
    }


def _notes_of_round(
    session: Session, round_id: int, table_id: int | None
) -> list[tuple[Contribution, Participant, CafeTable]]:
    query = (
        select(Contribution, Participant, CafeTable)
        .join(Participant, Participant.id == Contribution.participant_id)
        .join(CafeTable, CafeTable.id == Contribution.table_id)
        .where(Contribution.round_id == round_id, Contribution.hidden.is_(False))
        .order_by(Contribution.id)
    )
    if table_id is not None:
        query = query.where(Contribution.table_id == table_id)
    return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def participant_snapshot(
    session: Session, workshop: Workshop, person: Participant
) -> dict[str, Any]:
    """Everything a participant's phone shows, as of the workshop's last event."""
    cafe_round = current_round(session, workshop)
    seat = None
    notes: list[dict[str, Any]] = []
    if cafe_round is not None:
        table = table_of(session, cafe_round.id, person.id)
        if table is not None:
            host = session.get(Participant, table.host_id) if table.host_id else None
            seat = seat_view(table, host, cafe_round.number)
            notes = [
                note_view(n, a, t.number)
                for n, a, t in _notes_of_round(session, cafe_round.id, table.id)
            ]
    return {
        "seq": workshop.last_seq,
        "server_time": utcnow().isoformat(),
        "workshop": workshop_view(workshop, round_count(session, workshop.id)),
        "round": round_view(cafe_round) if cafe_round else None,
        "seat": seat,
        "notes": notes,
        "message": workshop.message,
        "me": {
            "public_id": person.public_id,
            "name": person.display_name,
            "language": person.language,
            "is_host": person.is_host,
        },
    }


def staff_snapshot(session: Session, workshop: Workshop) -> dict[str, Any]:
    """Everything the facilitator's and projector's screens show."""
    cafe_round = current_round(session, workshop)
    tables = list_tables(session, workshop.id)
    people = {p.id: p for p in list_participants(session, workshop.id)}
    seating: dict[int, int] = {}
    notes: list[dict[str, Any]] = []
    counts: dict[int, int] = {}
    if cafe_round is not None:
        seating = seating_of_round(session, cafe_round.id)
        for note, author, table in _notes_of_round(session, cafe_round.id, None):
            notes.append(note_view(note, author, table.number))
            counts[table.id] = counts.get(table.id, 0) + 1
    return {
        "seq": workshop.last_seq,
        "server_time": utcnow().isoformat(),
        "workshop": workshop_view(workshop, round_count(session, workshop.id)),
        "round": round_view(cafe_round) if cafe_round else None,
        "tables": tables_view(tables, people, seating, counts),
        "notes": notes,
        "message": workshop.message,
    }


# Keys that differ between two snapshots taken at different moments for reasons
# that are not state (the clock).
VOLATILE_KEYS = ("server_time",)


def apply_event(state: dict[str, Any], name: str, seq: int, data: dict[str, Any]) -> dict[str, Any]:
    """Apply one event to a snapshot, as the browser does (static/js/state.js)."""
    state = copy.deepcopy(state)
    state["seq"] = max(state["seq"], seq)
    if name == "note.posted":
        _add_note(state, data["note"])
    elif name == "round.updated":
        if state["round"] is None or state["round"]["id"] != data["round"]["id"]:
            state["notes"] = []
            for table in state.get("tables", []):
                table["notes"] = 0
        state["round"] = data["round"]
    elif name == "message.broadcast":
        state["message"] = data["text"]
    elif name == "seat.assigned":
        state["seat"] = data["seat"]
        state["notes"] = []
    elif name == "seating.changed":
        counts = {t["number"]: t["notes"] for t in state["tables"]}
        state["tables"] = [dict(t, notes=counts.get(t["number"], 0)) for t in data["tables"]]
    elif name == "table.host_changed":
        if state.get("seat") and state["seat"]["table"] == data["table"]:
            state["seat"]["host"] = data["host"]
    elif name == "participant.joined":
        _add_participant(state, data["participant"])
    elif name == "participant.presence":
        for table in state.get("tables", []):
            for person in table["participants"]:
                if person["public_id"] == data["public_id"]:
                    person["presence"] = data["presence"]
    return state


def _add_note(state: dict[str, Any], note: dict[str, Any]) -> None:
    if state.get("seat") and state["seat"]["table"] != note["table"]:
        return  # a table this phone has left
    if any(n["client_id"] == note["client_id"] for n in state["notes"]):
        return
    state["notes"].append(note)
    for table in state.get("tables", []):
        if table["number"] == note["table"]:
            table["notes"] += 1


def _add_participant(state: dict[str, Any], person: dict[str, Any]) -> None:
    for table in state["tables"]:
        if table["number"] == person["table"]:
            if all(p["public_id"] != person["public_id"] for p in table["participants"]):
                table["participants"].append(person)
                table["participants"].sort(key=lambda p: not p["is_host"])
