"""What each screen holds: fresh snapshots (the views of rows are in `views.py`).

A reconnecting client gets either the events it missed or a fresh snapshot; the
reducer that applies events to a snapshot is the browser's (`static/js/common.js`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from facilitator.cafe.agenda import agenda_view
from facilitator.cafe.ballots import ballot_view, latest_ballot, my_dots
from facilitator.cafe.commitments import commitments_of, visible_commitments
from facilitator.cafe.tablecloth import my_table, notes_of, photos_of, table_contents
from facilitator.cafe.views import (
    note_view,
    participant_view,
    photo_view,
    round_view,
    seat_view,
    tables_view,
    workshop_view,
)
from facilitator.cafe.workshops import projector_state
from facilitator.store.models import CafeTable, Participant, Round, Seat, Workshop, utcnow
from facilitator.store.queries import (
    current_round,
    list_participants,
    list_tables,
    round_count,
    seating_of_round,
)

# Re-exported: callers take the views and a table's contents from here too.
__all__ = [
    "note_view",
    "participant_snapshot",
    "participant_view",
    "photo_view",
    "photos_of",
    "round_view",
    "seat_view",
    "staff_snapshot",
    "table_contents",
    "tables_view",
]


def _seat_and_host(
    session: Session, round_id: int, person_id: int
) -> tuple[CafeTable, Participant | None] | None:
    """The person's table this round with its host, in one query."""
    host = aliased(Participant)
    query = (
        select(CafeTable, host)
        .join(Seat, Seat.table_id == CafeTable.id)
        .outerjoin(host, host.id == CafeTable.host_id)
        .where(Seat.round_id == round_id, Seat.participant_id == person_id)
    )
    row = session.execute(query).first()
    return (row[0], row[1]) if row else None


def participant_snapshot(
    session: Session, workshop: Workshop, person: Participant
) -> dict[str, Any]:
    """Everything a participant's phone shows, as of the workshop's last event."""
    # All rounds at once (a few): their count, and the current one among them.
    all_rounds = session.scalars(select(Round).where(Round.workshop_id == workshop.id)).all()
    by_id = {r.id: r for r in all_rounds}
    cafe_round = by_id.get(workshop.current_round_id) if workshop.current_round_id else None
    seat = None
    mine: dict[str, Any] = {
        "notes": [],
        "my_votes": [],
        "insight": None,
        "handover": None,
        "photos": [],
    }
    if cafe_round is not None:
        found = _seat_and_host(session, cafe_round.id, person.id)
        if found is not None:
            table, host = found
            seat = seat_view(table, host, cafe_round.number)
            mine = my_table(session, cafe_round, table, person)
    return {
        "seq": workshop.last_seq,
        "server_time": utcnow().isoformat(),
        "workshop": workshop_view(workshop, len(all_rounds)),
        "round": round_view(cafe_round) if cafe_round else None,
        "seat": seat,
        "notes": mine["notes"],
        "my_votes": mine["my_votes"],
        "insight": mine["insight"],
        "handover": mine["handover"],
        "photos": mine["photos"],
        "agenda": agenda_view(session, workshop),
        "projector": projector_state(workshop),
        "message": workshop.message,
        **_plenary_of_participant(session, workshop, person),
        "me": {
            "public_id": person.public_id,
            "name": person.display_name,
            "language": person.language,
            "is_host": person.is_host,
            "left": person.presence == "left",
        },
    }


def staff_snapshot(session: Session, workshop: Workshop, role: str) -> dict[str, Any]:
    """Everything the facilitator's (role 'facilitator') or projector's screen shows.

    Facilitators also get hidden notes, flagged, so they can restore them.
    """
    cafe_round = current_round(session, workshop)
    tables = list_tables(session, workshop.id)
    people = {p.id: p for p in list_participants(session, workshop.id)}
    seating: dict[int, int] = {}
    notes: list[dict[str, Any]] = []
    counts: dict[int, int] = {}
    insights: dict[str, dict[str, Any]] = {}
    photos: list[dict[str, Any]] = []
    if cafe_round is not None:
        seating = seating_of_round(session, cafe_round.id)
        for insight in notes_of(session, [cafe_round.id], None, kind="insight"):
            insights[str(insight["table"])] = insight  # the latest of each table
        notes = notes_of(session, [cafe_round.id], None, with_hidden=role == "facilitator")
        photos = photos_of(session, [cafe_round.id], None, with_hidden=role == "facilitator")
        numbers = {t.number: t.id for t in tables}
        for note in notes:
            if not note["hidden"]:
                counts[numbers[note["table"]]] = counts.get(numbers[note["table"]], 0) + 1
    return {
        "role": role,
        "seq": workshop.last_seq,
        "server_time": utcnow().isoformat(),
        "workshop": workshop_view(workshop, round_count(session, workshop.id)),
        "round": round_view(cafe_round) if cafe_round else None,
        "tables": tables_view(tables, people, seating, counts),
        "notes": notes,
        "insights": insights,
        "photos": photos,
        "agenda": agenda_view(session, workshop),
        "projector": projector_state(workshop),
        "message": workshop.message,
        "ballot": _ballot(session, workshop),
        "commitments": visible_commitments(session, workshop.id),
    }


def _ballot(session: Session, workshop: Workshop) -> dict[str, Any] | None:
    ballot = latest_ballot(session, workshop.id)
    return ballot_view(session, ballot) if ballot else None


def _plenary_of_participant(
    session: Session, workshop: Workshop, person: Participant
) -> dict[str, Any]:
    """The vote as this person sees it (their own dots) and their own commitments."""
    ballot = latest_ballot(session, workshop.id)
    return {
        "ballot": ballot_view(session, ballot) if ballot else None,
        "my_dots": my_dots(session, ballot.id, person.id) if ballot else {},
        "my_commitments": commitments_of(session, workshop.id, person.id),
    }
