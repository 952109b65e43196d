"""Events of the coaching phase: cards drawn and dealt, a card made a round's question,
the self-scan's answers (`facilitator/cafe/coaching.py` does the work)."""

from __future__ import annotations

from typing import Any

from flask import current_app

from facilitator.cafe import coaching, notes
from facilitator.errors import DomainError
from facilitator.store.models import Participant, Workshop
from facilitator.web import ratelimit
from facilitator.web.auth import FACILITATOR, PARTICIPANT, ROLES
from facilitator.web.sockets import schemas
from facilitator.web.sockets.core import Ack, handler, staff_action, unit_of_work

ONLY_FACILITATORS = (FACILITATOR,)


@handler("coaching.view", roles=ROLES)
def on_coaching_view(ident: dict[str, Any], _payload: schemas.CoachingView) -> Ack:
    """The coaching state: areas and cards; the room's profile for staff, a phone's own
    answers for a participant."""
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        if ident["role"] == PARTICIPANT:
            person = db.get(Participant, ident["participant_id"])
            return {"ok": True, "coaching": coaching.participant_coaching(db, workshop, person)}
        return {"ok": True, "coaching": coaching.staff_coaching(db, workshop)}


@handler("coaching.draw", roles=ONLY_FACILITATORS)
def on_coaching_draw(ident: dict[str, Any], payload: schemas.CoachingDraw) -> Ack:
    """Draw a card for the whole room (of one area when given)."""
    return staff_action(ident, coaching.draw_for_room, payload.area)


@handler("coaching.deal", roles=ONLY_FACILITATORS)
def on_coaching_deal(ident: dict[str, Any], _payload: schemas.CoachingDeal) -> Ack:
    """Deal one card to every table."""
    return staff_action(ident, coaching.deal_per_table)


@handler("coaching.to_question", roles=ONLY_FACILITATORS)
def on_coaching_to_question(ident: dict[str, Any], payload: schemas.CoachingToQuestion) -> Ack:
    """Make a drawn card or an area the next café round's question."""
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        target, _stored = coaching.to_question(db, workshop, payload.draw, payload.area)
        return {"ok": True, "round": target.number, "question": dict(target.question)}


@handler("selfscan.answer", roles=(PARTICIPANT,))
def on_selfscan_answer(ident: dict[str, Any], payload: schemas.SelfScanAnswer) -> Ack:
    """Store the caller's score for one area; a resend of the same id gets the same ack."""
    try:
        client_id = notes.clean_client_id(payload.client_id)
    except DomainError:
        raise DomainError("bad_answer_id") from None  # said of an answer, not a note
    # Counted outside the transaction, once per client id (see phone._contribute).
    key = f"selfscan:{ident['participant_id']}"
    per_minute = current_app.config["SELFSCAN_ANSWERS_PER_MINUTE"]
    if not ratelimit.hit(current_app, key, per_minute, once=client_id):
        raise DomainError("too_many_answers")
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        person = db.get(Participant, ident["participant_id"])
        result = coaching.answer(
            db, workshop, person, payload.area, payload.score, payload.note, client_id
        )
    return {"ok": True, "answer": result.answer, "duplicate": result.duplicate}
