"""Events the facilitator's console sends: agenda, timers, seating, moderation, screens."""

from __future__ import annotations

from typing import Any

from flask import current_app

from facilitator.cafe import agenda, notes, planning, rounds, seating, workshops
from facilitator.errors import DomainError
from facilitator.planner import rotation
from facilitator.store.models import Participant, Workshop
from facilitator.store.queries import list_participants
from facilitator.web.auth import FACILITATOR
from facilitator.web.extensions import socketio
from facilitator.web.jobs import offload
from facilitator.web.sockets import schemas
from facilitator.web.sockets.core import Ack, handler, staff_action, unit_of_work

ONLY_FACILITATORS = (FACILITATOR,)


@handler("round.start", roles=ONLY_FACILITATORS)
def on_round_start(ident: dict[str, Any], _payload: object) -> Ack:
    """Start the current round's timer."""
    return staff_action(ident, rounds.start_round)


@handler("round.pause", roles=ONLY_FACILITATORS)
def on_round_pause(ident: dict[str, Any], _payload: object) -> Ack:
    """Stop the clock; the seconds left are kept."""
    return staff_action(ident, rounds.pause_round)


@handler("round.resume", roles=ONLY_FACILITATORS)
def on_round_resume(ident: dict[str, Any], _payload: object) -> Ack:
    """Start the clock again."""
    return staff_action(ident, rounds.resume_round)


@handler("round.extend", roles=ONLY_FACILITATORS)
def on_round_extend(ident: dict[str, Any], payload: schemas.RoundExtend) -> Ack:
    """Add seconds to the current round (the console offers +1 and +5 minutes)."""
    return staff_action(ident, rounds.extend_round, payload.seconds)


@handler("round.end", roles=ONLY_FACILITATORS)
def on_round_end(ident: dict[str, Any], _payload: object) -> Ack:
    """End the current round now (phones then show the whole room's cloud)."""
    return staff_action(ident, rounds.end_round)


@handler("round.next", roles=ONLY_FACILITATORS)
def on_round_next(ident: dict[str, Any], payload: schemas.RoundNext) -> Ack:
    """Plan and apply the next round at once; `expected` is the round the sender saw.

    The plan is made outside any transaction (in a worker process); if someone joined
    or left meanwhile, it is made again.
    """
    expected = payload.expected
    for _attempt in range(3):
        with unit_of_work() as db:
            workshop = db.get(Workshop, ident["workshop_id"])
            request = planning.plan_request(db, workshop, {}, new_tables=payload.new_tables)
        proposal = request.describe(_plan_off_the_hub(request))["seating"]
        try:
            return staff_action(ident, seating.next_round, expected, proposal)
        except DomainError as error:
            if error.code != "stale_plan":
                raise
    raise DomainError("stale_plan")


@handler("plan.preview", roles=ONLY_FACILITATORS)
def on_plan_preview(ident: dict[str, Any], payload: schemas.PlanPreview) -> Ack:
    """The planner's proposal for the next round, around the people locked by hand."""
    locks, together, apart = payload.locks or {}, payload.together, payload.apart
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        request = planning.plan_request(db, workshop, locks, together, apart, payload.new_tables)
    return {"ok": True, **request.describe(_plan_off_the_hub(request))}


def _plan_off_the_hub(request: planning.PlanRequest):  # type: ignore[no-untyped-def]
    """Planning is CPU work: a worker process does it while the hub serves the room."""
    workers = current_app.config["OFFLOAD_WORKERS"]
    return offload.run(
        socketio.sleep,
        workers,
        rotation.plan_round,
        request.people,
        request.tables,
        request.history,
        request.constraints,
    )


@handler("plan.apply", roles=ONLY_FACILITATORS)
def on_plan_apply(ident: dict[str, Any], payload: schemas.PlanApply) -> Ack:
    """Apply a (possibly hand-adjusted) plan as the next round."""
    return staff_action(ident, seating.next_round, payload.expected, payload.seating)


@handler("seat.move", roles=ONLY_FACILITATORS)
def on_seat_move(ident: dict[str, Any], payload: schemas.SeatMove) -> Ack:
    """Move one person or a group to another table now."""
    return staff_action(ident, seating.move, payload.participants, payload.table)


@handler("participant.remove", roles=ONLY_FACILITATORS)
def on_participant_remove(ident: dict[str, Any], payload: schemas.ParticipantRemove) -> Ack:
    """Mark someone as gone (their phone died, they went home); their seat is freed."""
    public_id = payload.participant
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        person = next(
            (p for p in list_participants(db, workshop.id) if p.public_id == public_id), None
        )
        if person is None:
            raise DomainError("unknown_participant")
    return staff_action(ident, _leave_by_id, person.id)


def _leave_by_id(db, workshop: Workshop, person_id: int):  # type: ignore[no-untyped-def]
    return seating.leave(db, workshop, db.get(Participant, person_id))


@handler("phase.start", roles=ONLY_FACILITATORS)
def on_phase_start(ident: dict[str, Any], payload: schemas.PhaseStart) -> Ack:
    """Move the agenda to a phase (welcome, presentation, café, plenary, conclusion)."""
    return staff_action(ident, agenda.start_phase, payload.phase)


@handler("note.hide", roles=ONLY_FACILITATORS)
def on_note_hide(ident: dict[str, Any], payload: schemas.NoteHide) -> Ack:
    """Take a note off every screen (and out of the harvest)."""
    return staff_action(ident, notes.hide_note, payload.note)


@handler("note.restore", roles=ONLY_FACILITATORS)
def on_note_restore(ident: dict[str, Any], payload: schemas.NoteRestore) -> Ack:
    """Put a hidden note back."""
    return staff_action(ident, notes.restore_note, payload.note)


@handler("message.send", roles=ONLY_FACILITATORS)
def on_message_send(ident: dict[str, Any], payload: schemas.MessageSend) -> Ack:
    """Broadcast a short message to every screen."""
    text = notes.clean_text(payload.text, current_app.config["MESSAGE_MAX_CHARS"])
    return staff_action(ident, workshops.broadcast_message, text)


@handler("projector.show", roles=ONLY_FACILITATORS)
def on_projector_show(ident: dict[str, Any], payload: schemas.ProjectorShow) -> Ack:
    """Choose the projector's screen and whether its table map shows names."""
    return staff_action(ident, workshops.set_projector, payload.view, payload.show_names)


@handler("projector.turn", roles=ONLY_FACILITATORS)
def on_projector_turn(ident: dict[str, Any], payload: schemas.ProjectorTurn) -> Ack:
    """Turn the page of the projector's screen now (a full screen pages by itself too)."""
    return staff_action(ident, workshops.turn_projector_page, payload.step)


@handler("harvest.scope", roles=ONLY_FACILITATORS)
def on_harvest_scope(ident: dict[str, Any], payload: schemas.HarvestScope) -> Ack:
    """What the harvest wall covers: "all", "t:<table>" or "r:<round>" (one question)."""
    return staff_action(ident, workshops.set_harvest_scope, payload.scope)
