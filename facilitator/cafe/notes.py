"""Posting notes: validated, stored once per client-made id, sent to the table."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from facilitator.cafe.participants import current_table
from facilitator.cafe.snapshots import note_view, photo_view
from facilitator.errors import DomainError
from facilitator.store import events
from facilitator.store.events import StoredEvent
from facilitator.store.models import CafeTable, Contribution, Participant, Photo, Vote, Workshop
from facilitator.store.queries import current_round


@dataclass(frozen=True)
class PostResult:
    """The stored note; `duplicate` is true when this id was stored before."""

    note: dict[str, Any]
    duplicate: bool
    events: list[StoredEvent]


def clean_client_id(raw: object) -> str:
    """A client-made id must be a UUID; return it in canonical form."""
    if not isinstance(raw, str) or len(raw) > 36:
        raise DomainError("bad_client_id")
    try:
        return str(uuid.UUID(raw))
    except ValueError as exc:
        raise DomainError("bad_client_id") from exc


def clean_text(raw: object, max_chars: int) -> str:
    """Note text: a non-blank string of at most `max_chars` characters."""
    if not isinstance(raw, str):
        raise DomainError("bad_text")
    text = raw.strip()
    if not text:
        raise DomainError("empty_text")
    if len(text) > max_chars:
        raise DomainError("text_too_long", limit=max_chars)
    return text


def post_note(
    session: Session,
    workshop: Workshop,
    author: Participant,
    client_id: str,
    text: str,
    table_number: int,
    kind: str = "note",
) -> PostResult:
    """Store a note (or a host's key insight) at the author's table, once per client id."""
    existing = _find(session, workshop.id, client_id)
    if existing is not None:
        return _replayed(session, existing, author, text)
    cafe_round = current_round(session, workshop)
    # A host may still write the round's key insight after time is up; notes close.
    if cafe_round is None or (cafe_round.status == "ended" and kind == "note"):
        raise DomainError("round_closed")
    table = current_table(session, workshop, author)
    if table is None or table.number != table_number:
        raise DomainError("not_your_table")
    if kind == "insight" and table.host_id != author.id:
        raise DomainError("not_host")
    note = Contribution(
        workshop_id=workshop.id,
        client_id=client_id,
        kind=kind,
        text=text,
        round_id=cafe_round.id,
        table_id=table.id,
        participant_id=author.id,
    )
    try:
        with session.begin_nested():
            session.add(note)
    except IntegrityError:
        # The same id arrived twice at once: the unique constraint let one through.
        found = _find(session, workshop.id, client_id)
        if found is None:
            raise
        return _replayed(session, found, author, text)
    view = note_view(note, author, table.number)
    events.ask_for_redraw(session, workshop.id)
    name, key = ("insight.posted", "insight") if kind == "insight" else ("note.posted", "note")
    event = events.record(session, workshop.id, name, events.table_audience(table.id), {key: view})
    return PostResult(view, False, [event])


def _find(session: Session, workshop_id: int, client_id: str) -> Contribution | None:
    return session.scalar(
        select(Contribution).where(
            Contribution.workshop_id == workshop_id, Contribution.client_id == client_id
        )
    )


def _replayed(session: Session, note: Contribution, author: Participant, text: str) -> PostResult:
    if note.participant_id != author.id or note.text != text:
        raise DomainError("client_id_taken")
    table = session.get(CafeTable, note.table_id)
    assert table is not None
    return PostResult(note_view(note, author, table.number), True, [])


def _note_of_workshop(
    session: Session, workshop: Workshop, note_id: object, kinds: tuple[str, ...] = ("note",)
) -> Contribution:
    if isinstance(note_id, bool) or not isinstance(note_id, int):
        raise DomainError("bad_request")
    note = session.get(Contribution, note_id)
    if note is None or note.workshop_id != workshop.id or note.kind not in kinds:
        raise DomainError("unknown_note")
    return note


MODERATED_KINDS = ("note", "photo")


def hide_note(session: Session, workshop: Workshop, note_id: object) -> list[StoredEvent]:
    """Take a note or photo off every screen (facilitators still see it, to restore it)."""
    note = _note_of_workshop(session, workshop, note_id, MODERATED_KINDS)
    if note.hidden:
        raise DomainError("note_already_hidden")
    note.hidden = True
    events.ask_for_redraw(session, workshop.id)
    table = session.get(CafeTable, note.table_id)
    data = {"id": note.id, "table": table.number, "round_id": note.round_id}
    return [
        events.record(session, workshop.id, "note.hidden", events.table_audience(table.id), data)
    ]


def restore_note(session: Session, workshop: Workshop, note_id: object) -> list[StoredEvent]:
    """Put a hidden note or photo back on every screen."""
    note = _note_of_workshop(session, workshop, note_id, MODERATED_KINDS)
    if not note.hidden:
        raise DomainError("note_not_hidden")
    note.hidden = False
    events.ask_for_redraw(session, workshop.id)
    table = session.get(CafeTable, note.table_id)
    author = session.get(Participant, note.participant_id)
    if note.kind == "photo":
        view = photo_view(note, session.get(Photo, note.id), author, table.number)
    else:
        view = note_view(note, author, table.number, _vote_count(session, note.id))
    data = {"note": view}
    audience = events.table_audience(table.id)
    return [events.record(session, workshop.id, "note.restored", audience, data)]


def vote(
    session: Session, workshop: Workshop, voter: Participant, note_id: object, up: bool
) -> tuple[int, list[StoredEvent]]:
    """Upvote a note at the voter's table (or take the vote back); returns the new count.

    One vote per person and note (a unique constraint): voting twice changes nothing.
    """
    note = _note_of_workshop(session, workshop, note_id)
    if note.hidden:
        raise DomainError("note_hidden")
    table = current_table(session, workshop, voter)
    cafe_round = current_round(session, workshop)
    if table is None or note.table_id != table.id or note.round_id != cafe_round.id:
        raise DomainError("not_your_table")
    mine = select(Vote).where(Vote.contribution_id == note.id, Vote.participant_id == voter.id)
    existing = session.scalar(mine)
    if up == (existing is not None):
        return _vote_count(session, note.id), []  # already as asked: nothing to record
    if up:
        try:
            with session.begin_nested():
                session.add(Vote(contribution_id=note.id, participant_id=voter.id))
        except IntegrityError:  # the same vote at the same moment from a second tab
            return _vote_count(session, note.id), []
    else:
        session.delete(existing)
    session.flush()
    count = _vote_count(session, note.id)
    data = {
        "id": note.id,
        "table": table.number,
        "votes": count,
        "voter": voter.public_id,
        "up": up,
    }
    audience = events.table_audience(table.id)
    return count, [events.record(session, workshop.id, "note.voted", audience, data)]


def _vote_count(session: Session, note_id: int) -> int:
    query = select(func.count(Vote.id)).where(Vote.contribution_id == note_id)
    return session.scalar(query) or 0
