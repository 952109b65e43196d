"""Read-only look-ups shared by the domain modules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import Session

from facilitator.store.models import (
    CafeTable,
    Contribution,
    Participant,
    Round,
    Seat,
    Vote,
    Workshop,
)

# A note's language: its own (a note typed in from paper), else its author's. Queries
# that select it join the author with an outer join: a paper note has none.
NOTE_LANGUAGE = func.coalesce(Contribution.language, Participant.language)


def current_round(session: Session, workshop: Workshop) -> Round | None:
    """The round the workshop is in now."""
    if workshop.current_round_id is None:
        return None
    return session.get(Round, workshop.current_round_id)


def round_count(session: Session, workshop_id: int) -> int:
    """How many rounds the agenda has."""
    return session.scalar(select(func.count(Round.id)).where(Round.workshop_id == workshop_id)) or 0


def list_tables(session: Session, workshop_id: int) -> list[CafeTable]:
    """The workshop's tables in number order."""
    query = select(CafeTable).where(CafeTable.workshop_id == workshop_id).order_by(CafeTable.number)
    return list(session.scalars(query))


def list_participants(session: Session, workshop_id: int) -> list[Participant]:
    """Everyone who joined, in joining order."""
    query = (
        select(Participant).where(Participant.workshop_id == workshop_id).order_by(Participant.id)
    )
    return list(session.scalars(query))


class Person(NamedTuple):
    """A participant's values as the round change and the table map read them.

    A plain tuple, not an ORM object: loading 3,000 participants as rows costs half
    of loading them as objects, and reading their fields a fraction (issue 14).
    """

    id: int
    public_id: str
    display_name: str | None
    language: str
    spoken: str
    role: str | None
    is_host: bool
    presence: str


_PERSON_COLUMNS = tuple(getattr(Participant, name) for name in Person._fields)


def people_of(session: Session, workshop_id: int) -> list[Person]:
    """Everyone who joined, in joining order, as plain rows (read-only)."""
    query = (
        select(*_PERSON_COLUMNS)
        .where(Participant.workshop_id == workshop_id)
        .order_by(Participant.id)
    )
    return [Person._make(row) for row in session.execute(query)]


def seating_of_round(session: Session, round_id: int) -> dict[int, int]:
    """Participant id -> table id for one round."""
    rows = session.execute(
        select(Seat.participant_id, Seat.table_id).where(Seat.round_id == round_id)
    )
    return {participant: table for participant, table in rows}


def phone_identity(session: Session, join_code: str, public_id: str) -> Any:
    """(workshop_id, participant_id, language, presence) of a phone, in one statement
    and without loading objects: thousands of phones reconnect at once after a blip."""
    return session.execute(
        select(Workshop.id, Participant.id, Participant.language, Participant.presence)
        .join(Participant, Participant.workshop_id == Workshop.id)
        .where(Workshop.join_code == join_code, Participant.public_id == public_id)
    ).first()


def phone_whereabouts(
    session: Session, workshop_id: int, participant_id: int
) -> tuple[int, int | None] | None:
    """The workshop's last event seq and the table where the participant sits now, in
    one statement (a phone's `sync` after a Wi-Fi blip needs only these when nothing
    was missed); None when the workshop is gone."""
    row = session.execute(
        select(Workshop.last_seq, Seat.table_id)
        .outerjoin(
            Seat,
            (Seat.round_id == Workshop.current_round_id) & (Seat.participant_id == participant_id),
        )
        .where(Workshop.id == workshop_id)
    ).first()
    return (row[0], row[1]) if row else None


def table_of(session: Session, round_id: int, participant_id: int) -> CafeTable | None:
    """The table where a participant sits in a round, if any."""
    return session.scalar(
        select(CafeTable)
        .join(Seat, Seat.table_id == CafeTable.id)
        .where(Seat.round_id == round_id, Seat.participant_id == participant_id)
    )


def votes_per_note() -> Subquery:
    """A subquery of (contribution_id, votes): the upvotes of every note that has any.

    Outer-join it on `contribution_id`; a note without upvotes gets NULL votes."""
    return (
        select(Vote.contribution_id, func.count(Vote.id).label("votes"))
        .group_by(Vote.contribution_id)
        .subquery()
    )


def in_chunks(session: Session, model: Any, column: Any, values: Sequence[Any]) -> list[Any]:
    """The rows (or column values) whose `column` is one of `values`, asked in chunks."""
    # Bound parameters per statement are limited (SQLite: 32766); workshops are not.
    found: list[Any] = []
    for start in range(0, len(values), 500):
        found += session.scalars(select(model).where(column.in_(values[start : start + 500])))
    return found
