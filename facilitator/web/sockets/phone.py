"""Events a participant's phone sends: notes, and leaving the workshop."""

from __future__ import annotations

from typing import Any

from flask import current_app

from facilitator.cafe import notes, seating
from facilitator.errors import DomainError
from facilitator.store.models import Participant, Workshop
from facilitator.web import ratelimit
from facilitator.web.auth import PARTICIPANT
from facilitator.web.sockets import schemas
from facilitator.web.sockets.core import Ack, handler, unit_of_work


def _contribute(
    ident: dict[str, Any],
    payload: schemas.NotePost | schemas.InsightPost,
    kind: str,
    limit: tuple[str, int] | None = None,
) -> notes.PostResult:
    """Check a note's fields and store it (or find the stored one for a resend).

    `limit` (key, per minute) counts a new note, never a resend, in one atomic hit
    before any write: the phone keeps a refused note for later. A resend of a stored
    note is not counted, nor one of a note still being written (the limiter counts
    each client id once). The hit stays outside the transaction because the limiter
    may switch greenthreads (its memory storage starts a timer thread, Redis is network
    I/O), and a greenthread that switches while holding SQLite's write lock stalls
    every other writer of the process."""
    client_id = notes.clean_client_id(payload.client_id)
    text = notes.clean_text(payload.text, current_app.config["NOTE_MAX_CHARS"])
    late_minutes = current_app.config["LATE_NOTE_MINUTES"]
    if limit is not None:
        count_new_note(ident["workshop_id"], client_id, limit)
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        author = db.get(Participant, ident["participant_id"])
        result = notes.post_note(
            db,
            workshop,
            author,
            client_id,
            text,
            payload.table,
            kind,
            written_in=payload.round,  # a late note is stored where it was written
            late_minutes=late_minutes,
        )
    return result


def count_new_note(workshop_id: int, client_id: str, limit: tuple[str, int]) -> None:
    """Count a new note against `limit` (key, per minute), never a resend: `too_many_notes`
    when over it (see `_contribute` for why this runs outside the transaction)."""
    with unit_of_work() as db:
        resend = notes.is_stored(db, workshop_id, client_id)
    if not resend and not ratelimit.hit(current_app, *limit, once=client_id):
        raise DomainError("too_many_notes")


@handler("note.post", roles=(PARTICIPANT,))
def on_note_post(ident: dict[str, Any], payload: schemas.NotePost) -> Ack:
    """Post a note to the caller's table; a resend of the same id gets the same ack."""
    key, per_minute = f"notes:{ident['participant_id']}", current_app.config["NOTES_PER_MINUTE"]
    result = _contribute(ident, payload, "note", (key, per_minute))
    # `round` (its number) with the note's `table` says where it was stored: a late
    # note goes to the round it was written in, not the current one.
    return {
        "ok": True,
        "note": result.note,
        "duplicate": result.duplicate,
        "round": result.round_number,
    }


@handler("insight.post", roles=(PARTICIPANT,))
def on_insight_post(ident: dict[str, Any], payload: schemas.InsightPost) -> Ack:
    """The table host writes the round's key insight (a resend gets the same ack)."""
    result = _contribute(ident, payload, "insight")
    # `round` (its number) with the insight's `table` says where it was stored: a late
    # insight goes to the round it was written in, not the current one.
    return {
        "ok": True,
        "insight": result.note,
        "duplicate": result.duplicate,
        "round": result.round_number,
    }


@handler("participant.leave", roles=(PARTICIPANT,))
def on_leave(ident: dict[str, Any], _payload: object) -> Ack:
    """The participant leaves the workshop; their seat is freed for the next plan."""
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        person = db.get(Participant, ident["participant_id"])
        seating.leave(db, workshop, person)
    return {"ok": True}


@handler("participant.return", roles=(PARTICIPANT,))
def on_return(ident: dict[str, Any], _payload: object) -> Ack:
    """Someone marked as gone is still here: they get a seat again this round."""
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        person = db.get(Participant, ident["participant_id"])
        seating.come_back(db, workshop, person)
    return {"ok": True}


@handler("note.vote", roles=(PARTICIPANT,))
def on_vote(ident: dict[str, Any], payload: schemas.NoteVote) -> Ack:
    """Upvote a note at the caller's table (`up: false` takes the vote back)."""
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        voter = db.get(Participant, ident["participant_id"])
        votes, _stored = notes.vote(db, workshop, voter, payload.note, payload.up)
    return {"ok": True, "votes": votes}
