"""What each screen holds: views of rows and fresh snapshots.

A reconnecting client gets either the events it missed or a fresh snapshot; the
reducer that applies events to a snapshot is the browser's (`static/js/common.js`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from facilitator.cafe.agenda import agenda_view
from facilitator.cafe.ballots import ballot_view, latest_ballot, my_dots
from facilitator.cafe.commitments import commitments_of, visible_commitments
from facilitator.cafe.workshops import projector_state
from facilitator.store.models import (
    CafeTable,
    Contribution,
    Participant,
    Photo,
    Round,
    Vote,
    Workshop,
    utcnow,
)
from facilitator.store.queries import (
    current_round,
    list_participants,
    list_tables,
    round_count,
    seating_of_round,
    table_of,
    votes_per_note,
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
        "paused_remaining": cafe_round.paused_remaining,
    }


def participant_view(person: Participant, table_number: int | None) -> dict[str, Any]:
    """A participant's public profile, as staff screens show it."""
    return {
        "public_id": person.public_id,
        "name": person.display_name,
        "language": person.language,
        "languages": person.spoken.split(",") if person.spoken else [person.language],
        "role": person.role,
        "is_host": person.is_host,
        "presence": person.presence,
        "table": table_number,
    }


def note_view(
    note: Contribution, author: Participant | None, table_number: int, votes: int = 0
) -> dict[str, Any]:
    """A note as every screen shows it."""
    return {
        "id": note.id,
        "client_id": note.client_id,
        "text": note.text,
        "author": author.display_name if author else None,
        "table": table_number,
        "round_id": note.round_id,
        "created_at": note.created_at.isoformat(),
        "hidden": note.hidden,
        "votes": votes,
        "kind": note.kind,
    }


def photo_view(
    note: Contribution, photo: Photo, author: Participant | None, table_number: int
) -> dict[str, Any]:
    """A tablecloth photo as screens show it (the image itself is fetched by id)."""
    return {
        "id": note.id,
        "client_id": note.client_id,
        "author": author.display_name if author else None,
        "table": table_number,
        "round_id": note.round_id,
        "created_at": note.created_at.isoformat(),
        "hidden": note.hidden,
        "width": photo.width,
        "height": photo.height,
        "kind": "photo",
    }


def photos_of(
    session: Session, round_ids: list[int], table_id: int | None, with_hidden: bool = False
) -> list[dict[str, Any]]:
    """Tablecloth photos of some rounds (and one table), oldest first."""
    query = (
        select(Contribution, Photo, Participant, CafeTable)
        .join(Photo, Photo.contribution_id == Contribution.id)
        .join(Participant, Participant.id == Contribution.participant_id)
        .join(CafeTable, CafeTable.id == Contribution.table_id)
        .where(Contribution.round_id.in_(round_ids), Contribution.kind == "photo")
        .order_by(Contribution.id)
    )
    if not with_hidden:
        query = query.where(Contribution.hidden.is_(False))
    if table_id is not None:
        query = query.where(Contribution.table_id == table_id)
    return [photo_view(n, p, a, t.number) for n, p, a, t in session.execute(query)]


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


def _notes(
    session: Session,
    round_ids: list[int],
    table_id: int | None,
    with_hidden: bool = False,
    kind: str = "note",
) -> list[dict[str, Any]]:
    """Notes (or insights) of some rounds (and one table), oldest first, as screens show them."""
    votes = votes_per_note()
    query = (
        select(Contribution, Participant, CafeTable, func.coalesce(votes.c.votes, 0))
        .join(Participant, Participant.id == Contribution.participant_id)
        .join(CafeTable, CafeTable.id == Contribution.table_id)
        .outerjoin(votes, votes.c.contribution_id == Contribution.id)
        .where(Contribution.round_id.in_(round_ids), Contribution.kind == kind)
        .order_by(Contribution.id)
    )
    if not with_hidden:
        query = query.where(Contribution.hidden.is_(False))
    if table_id is not None:
        query = query.where(Contribution.table_id == table_id)
    return [note_view(n, a, t.number, v) for n, a, t, v in session.execute(query)]


def _votes_at(session: Session, person_id: int, round_id: int, table_id: int) -> list[int]:
    """The notes of a table's round the person upvoted, hidden ones included.

    A hidden note keeps its votes (restoring it brings them back), so a phone's list of
    its own votes is the same whether it replayed the hiding or took a fresh snapshot.
    """
    at_table = select(Contribution.id).where(
        Contribution.round_id == round_id, Contribution.table_id == table_id
    )
    query = select(Vote.contribution_id).where(
        Vote.participant_id == person_id, Vote.contribution_id.in_(at_table.scalar_subquery())
    )
    return sorted(session.scalars(query))


def _earlier_rounds(session: Session, cafe_round: Round) -> list[int]:
    query = select(Round.id).where(
        Round.workshop_id == cafe_round.workshop_id, Round.number < cafe_round.number
    )
    return list(session.scalars(query))


def table_contents(
    session: Session, cafe_round: Round, tables: Sequence[CafeTable]
) -> dict[int, dict[str, Any]]:
    """What a phone holds of its table this round, for every table at once (by table id).

    Built once per round change from four queries, whatever the number of tables: the
    seat message carries it so a phone shows its new table without a snapshot.
    """
    numbers = {t.number: t.id for t in tables}
    contents: dict[int, dict[str, Any]] = {
        t.id: {"notes": [], "insight": None, "photos": [], "handover": []} for t in tables
    }
    for note in _notes(session, [cafe_round.id], None):
        contents[numbers[note["table"]]]["notes"].append(note)
    for insight in _notes(session, [cafe_round.id], None, kind="insight"):
        contents[numbers[insight["table"]]]["insight"] = insight  # the latest wins
    for photo in photos_of(session, [cafe_round.id], None):
        contents[numbers[photo["table"]]]["photos"].append(photo)
    for note in _notes(session, _earlier_rounds(session, cafe_round), None):
        contents[numbers[note["table"]]]["handover"].append(note)
    return contents


def participant_snapshot(
    session: Session, workshop: Workshop, person: Participant
) -> dict[str, Any]:
    """Everything a participant's phone shows, as of the workshop's last event."""
    cafe_round = current_round(session, workshop)
    seat = None
    notes: list[dict[str, Any]] = []
    my_votes: list[int] = []
    insight = None
    handover = None
    photos: list[dict[str, Any]] = []
    if cafe_round is not None:
        table = table_of(session, cafe_round.id, person.id)
        if table is not None:
            host = session.get(Participant, table.host_id) if table.host_id else None
            seat = seat_view(table, host, cafe_round.number)
            notes = _notes(session, [cafe_round.id], table.id)
            insights = _notes(session, [cafe_round.id], table.id, kind="insight")
            insight = insights[-1] if insights else None
            my_votes = _votes_at(session, person.id, cafe_round.id, table.id)
            photos = photos_of(session, [cafe_round.id], table.id)
            if person.is_host:
                # What earlier rounds wrote here, so the host can brief the newcomers.
                handover = _notes(session, _earlier_rounds(session, cafe_round), table.id)
    return {
        "seq": workshop.last_seq,
        "server_time": utcnow().isoformat(),
        "workshop": workshop_view(workshop, round_count(session, workshop.id)),
        "round": round_view(cafe_round) if cafe_round else None,
        "seat": seat,
        "notes": notes,
        "my_votes": my_votes,
        "insight": insight,
        "handover": handover,
        "photos": photos,
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
        for insight in _notes(session, [cafe_round.id], None, kind="insight"):
            insights[str(insight["table"])] = insight  # the latest of each table
        notes = _notes(session, [cafe_round.id], None, with_hidden=role == "facilitator")
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
