"""Notes written on paper at a table and typed in for it by the facilitator or the
table's host: stored once per client-made id like a phone's note, marked `paper`,
with no author and the language the typist chose. They count like any other note:
on the table's screens, in the upvotes, the harvest and the plenary vote."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from facilitator.cafe import once
from facilitator.cafe.guards import require_not_closed
from facilitator.cafe.notes import PostResult
from facilitator.cafe.views import note_view
from facilitator.errors import DomainError
from facilitator.store import events
from facilitator.store.models import CafeTable, Contribution, Participant, Round, Workshop
from facilitator.store.queries import current_round

PAPER = "paper"


def post_paper_note(
    session: Session,
    workshop: Workshop,
    typist: Participant | None,
    client_id: str,
    text: str,
    table_number: int,
    language: object,
) -> PostResult:
    """Store a note from paper at table `table_number` in the current round.

    `typist` is the table host who typed it, or None for the facilitator; a host types
    only for their own table (`not_host`). A round that has ended still takes paper
    notes: they are often typed in after time is up."""

    def is_resend(row: Contribution) -> bool:
        return row.source == PAPER and row.text == text and row.language == language

    existing = once.stored_before(session, Contribution, workshop.id, client_id, is_resend)
    if existing is not None:
        return _replayed(session, existing)
    require_not_closed(workshop)
    if not isinstance(language, str) or language not in workshop.languages.split(","):
        raise DomainError("bad_language")
    table = _table(session, workshop, table_number)
    if typist is not None and table.host_id != typist.id:
        raise DomainError("not_host")
    cafe_round = current_round(session, workshop)
    if cafe_round is None:
        raise DomainError("round_closed")
    note = Contribution(
        workshop_id=workshop.id,
        client_id=client_id,
        kind="note",
        text=text,
        round_id=cafe_round.id,
        table_id=table.id,
        participant_id=None,
        source=PAPER,
        language=language,
    )
    note, inserted = once.insert_once(session, note, is_resend)
    if not inserted:  # the same id arrived twice at once: the other request stored it
        return _replayed(session, note)
    view = note_view(note, None, table.number)
    events.ask_for_redraw(session, workshop.id)
    audience = events.table_audience(table.id)
    event = events.record(session, workshop.id, "note.posted", audience, {"note": view})
    return PostResult(view, False, [event], cafe_round.number)


def _table(session: Session, workshop: Workshop, number: int) -> CafeTable:
    table = session.scalar(
        select(CafeTable).where(CafeTable.workshop_id == workshop.id, CafeTable.number == number)
    )
    if table is None:
        raise DomainError("unknown_table")
    return table


def _replayed(session: Session, note: Contribution) -> PostResult:
    """What a resend gets back: the note as stored, no event."""
    table = session.get(CafeTable, note.table_id)
    stored_round = session.get(Round, note.round_id)
    assert table is not None and stored_round is not None
    return PostResult(note_view(note, None, table.number), True, [], stored_round.number)
