"""Rows as screens show them: rounds, people, notes, photos, seats and tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from facilitator.store.models import CafeTable, Contribution, Participant, Photo, Round, Workshop
from facilitator.store.queries import Person

# A participant as views read it: an ORM object, or the plain row a round change loads.
PersonLike = Participant | Person


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


def participant_view(person: PersonLike, table_number: int | None) -> dict[str, Any]:
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
        # "paper": typed in for the table from a note written on paper.
        "source": note.source or "phone",
        # Its language, for the screens' hyphenation: its own (a paper note's) or its author's.
        "language": note.language or (author.language if author else None),
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


def seat_view(table: CafeTable, host: PersonLike | None, round_number: int) -> dict[str, Any]:
    """Where a participant sits this round, with the table's host."""
    return {
        "round": round_number,
        "table": table.number,
        "table_name": table.name,
        "host": (host.display_name or "") if host else None,
    }


def tables_view(
    tables: Sequence[CafeTable],
    people: Mapping[int, PersonLike],
    seating: Mapping[int, int],
    note_counts: Mapping[int, int] | None = None,
) -> list[dict[str, Any]]:
    """Every table with who sits there this round and how many notes it has."""
    note_counts = note_counts or {}
    by_table: dict[int, list[PersonLike]] = {}
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


def title_in(workshop: Workshop, language: str | None) -> str:
    """The workshop's title in `language` where the organiser gave one, else the default."""
    return (workshop.titles or {}).get(language or "", "") or workshop.title


def workshop_view(workshop: Workshop, rounds_total: int) -> dict[str, Any]:
    """The workshop's header as every screen shows it."""
    return {
        "title": workshop.title,
        "titles": dict(workshop.titles or {}),
        "code": workshop.join_code,
        "status": workshop.status,
        "rounds_total": rounds_total,
        "languages": workshop.languages.split(","),
    }
