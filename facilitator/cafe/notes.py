"""Posting notes: validated, stored once per client-made id, sent to the table."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from facilitator.cafe import once
from facilitator.cafe import text as text_rules
from facilitator.cafe.guards import require_not_closed
from facilitator.cafe.participants import current_table
from facilitator.cafe.snapshots import note_view, photo_view
from facilitator.errors import DomainError
from facilitator.store import events
from facilitator.store.events import StoredEvent
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
from facilitator.store.queries import current_round, table_of

LATE_NOTE_MINUTES = 30  # the default grace for a note written offline before a round change


@dataclass(frozen=True)
class PostResult:
    """The stored note; `duplicate` is true when this id was stored before.

    `round_number` is the round the note was stored in (a late note: an earlier one)."""

    note: dict[str, Any]
    duplicate: bool
    events: list[StoredEvent]
    round_number: int | None = None


def clean_client_id(raw: object) -> str:
    """A client-made id must be a UUID (ASCII only); return it in canonical form."""
    # `uuid.UUID` reads full-width digits too: one id must have one spelling.
    if not isinstance(raw, str) or len(raw) > 36 or not raw.isascii():
        raise DomainError("bad_client_id")
    try:
        return str(uuid.UUID(raw))
    except ValueError as exc:
        raise DomainError("bad_client_id") from exc


def clean_text(raw: object, max_chars: int) -> str:
    """Text of a note, insight, commitment or message: cleaned (`cafe.text.clean_text`,
    lines kept), non-blank, at most `max_chars` characters."""
    return text_rules.clean_text(raw, max_chars, multiline=True)


def is_stored(session: Session, workshop_id: int, client_id: str) -> bool:
    """Whether a note or insight with this client id is stored already (a resend)."""
    return once.find(session, Contribution, workshop_id, client_id) is not None


def post_note(
    session: Session,
    workshop: Workshop,
    author: Participant,
    client_id: str,
    text: str,
    table_number: int,
    kind: str = "note",
    written_in: int | None = None,
    late_minutes: float = LATE_NOTE_MINUTES,
) -> PostResult:
    """Store a note (or a host's key insight) at the author's table, once per client id.

    `written_in` is the number of the round the phone wrote it in, if it says. A note
    written before a round change and sent after it (the phone was offline) is stored
    where it was written: at that round and table, if the author sat there and the round
    ended at most `late_minutes` ago; otherwise `round_over`, so the phone can offer to
    post it at the new table. Without `written_in`, or with the current round's number,
    the note goes to the author's table now (`not_your_table` otherwise).
    """

    def is_resend(row: Contribution) -> bool:
        return row.participant_id == author.id and row.text == text and row.kind == kind

    existing = once.stored_before(session, Contribution, workshop.id, client_id, is_resend)
    if existing is not None:
        return _replayed(session, existing, author)
    require_not_closed(workshop)
    cafe_round = current_round(session, workshop)
    if cafe_round is not None and written_in is not None and written_in != cafe_round.number:
        cafe_round, table = _late_seat(
            session, workshop, author, cafe_round, written_in, table_number, late_minutes
        )
    else:
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
    note, inserted = once.insert_once(session, note, is_resend)
    if not inserted:  # the same id arrived twice at once: the other request stored it
        return _replayed(session, note, author)
    view = note_view(note, author, table.number)
    events.ask_for_redraw(session, workshop.id)
    name, key = ("insight.posted", "insight") if kind == "insight" else ("note.posted", "note")
    # A late note goes to its own table's audience; screens there keep it by its round.
    event = events.record(session, workshop.id, name, events.table_audience(table.id), {key: view})
    return PostResult(view, False, [event], cafe_round.number)


def _late_seat(
    session: Session,
    workshop: Workshop,
    author: Participant,
    now_round: Round,
    written_in: int,
    table_number: int,
    late_minutes: float,
) -> tuple[Round, CafeTable]:
    """The round and table a note written in round `written_in` is stored at, or
    `round_over` (too late, or the author did not sit at that table then)."""
    if written_in > now_round.number:
        raise DomainError("bad_request")  # no phone can have written in a round to come
    earlier = session.scalar(
        select(Round).where(Round.workshop_id == workshop.id, Round.number == written_in)
    )
    if earlier is None:
        raise DomainError("bad_request")
    # A round left behind is closed by the round change (`rounds.close`), which sets
    # `ends_at` to the moment it ended.
    ended = earlier.ends_at if earlier.status == "ended" else None
    if ended is None or utcnow() - ended > timedelta(minutes=late_minutes):
        raise DomainError("round_over")
    table = table_of(session, earlier.id, author.id)
    if table is None or table.number != table_number:
        raise DomainError("round_over")
    return earlier, table


def _replayed(session: Session, note: Contribution, author: Participant) -> PostResult:
    """What a resend of a stored note gets back: the note as stored, no event."""
    table = session.get(CafeTable, note.table_id)
    stored_round = session.get(Round, note.round_id)
    assert table is not None and stored_round is not None
    return PostResult(note_view(note, author, table.number), True, [], stored_round.number)


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
    require_not_closed(workshop)
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
