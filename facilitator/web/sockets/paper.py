"""Notes written on paper, typed in for a table by the facilitator or the table's host."""

from __future__ import annotations

from typing import Any

from flask import current_app

from facilitator.cafe import notes, paper
from facilitator.store.models import Participant, Workshop
from facilitator.web.auth import FACILITATOR, PARTICIPANT
from facilitator.web.sockets import schemas
from facilitator.web.sockets.core import Ack, handler, unit_of_work
from facilitator.web.sockets.phone import count_new_note


@handler("note.paper", roles=(FACILITATOR, PARTICIPANT))
def on_note_paper(ident: dict[str, Any], payload: schemas.NotePaper) -> Ack:
    """Store a paper note at a table (a resend of the same id gets the same ack)."""
    client_id = notes.clean_client_id(payload.client_id)
    text = notes.clean_text(payload.text, current_app.config["NOTE_MAX_CHARS"])
    is_host = ident["role"] == PARTICIPANT
    typist = f"p{ident['participant_id']}" if is_host else "staff"
    limit = (f"paper:{ident['workshop_id']}:{typist}", current_app.config["NOTES_PER_MINUTE"])
    count_new_note(ident["workshop_id"], client_id, limit)
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        host = db.get(Participant, ident["participant_id"]) if is_host else None
        result = paper.post_paper_note(
            db, workshop, host, client_id, text, payload.table, payload.language
        )
    return {
        "ok": True,
        "note": result.note,
        "duplicate": result.duplicate,
        "round": result.round_number,
    }
