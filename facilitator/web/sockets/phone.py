"""Events a participant's phone sends: notes, and leaving the workshop."""

from __future__ import annotations

from typing import Any

from flask import current_app

from facilitator.cafe import notes, seating
from facilitator.store.models import Participant, Workshop
from facilitator.web import ratelimit
from facilitator.web.auth import PARTICIPANT
from facilitator.web.sockets import schemas
from facilitator.web.sockets.core import Ack, fail, handler, unit_of_work


def _contribute(
    ident: dict[str, Any], payload: schemas.NotePost | schemas.InsightPost, kind: str
) -> notes.PostResult:
    """Check a note's fields and store it (or find the stored one for a resend)."""
    client_id = notes.clean_client_id(payload.client_id)
    text = notes.clean_text(payload.text, current_app.config["NOTE_MAX_CHARS"])
    table_number = payload.table
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        author = db.get(Participant, ident["participant_id"])
        result = notes.post_note(db, workshop, author, client_id, text, table_number, kind)
    return result


@handler("note.post", roles=(PARTICIPANT,))
def on_note_post(ident: dict[str, Any], payload: schemas.NotePost) -> Ack:
    """Post a note to the caller's table; a resend of the same id gets the same ack."""
    key, per_minute = f"notes:{ident['participant_id']}", current_app.config["NOTES_PER_MINUTE"]
    if not ratelimit.allowed(current_app, key, per_minute):
        return fail("too_many_notes")
    result = _contribute(ident, payload, "note")
    if not result.duplicate:  # a resend is not a new note
        ratelimit.count(current_app, key, per_minute)
    return {"ok": True, "note": result.note, "duplicate": result.duplicate}


@handler("insight.post", roles=(PARTICIPANT,))
def on_insight_post(ident: dict[str, Any], payload: schemas.InsightPost) -> Ack:
    """The table host writes the round's key insight (a resend gets the same ack)."""
    result = _contribute(ident, payload, "insight")
    return {"ok": True, "insight": result.note, "duplicate": result.duplicate}


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
