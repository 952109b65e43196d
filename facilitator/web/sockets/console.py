"""Events the facilitator's console sends: agenda, timers, seating, moderation, screens."""

from __future__ import annotations

from typing import Any

from flask import current_app

from facilitator.cafe import agenda, notes, planning, rounds, seating, workshops
from facilitator.errors import DomainError
from facilitator.planner import rotation
from facilitator.store.models import Participant, Workshop
from facilitator.store.queries import list_participants
from facilitator.web.app import socketio
from facilitator.web.auth import FACILITATOR
from facilitator.web.jobs import offload
from facilitator.web.jobs.wall import request_wall
from facilitator.web.sockets.core import Ack, handler, int_field, staff_action, unit_of_work

ONLY_FACILITATORS = (FACILITATOR,)


@handler("round.start", roles=ONLY_FACILITATORS)
def on_round_start(ident: dict[str, Any], _payload: dict[str, Any]) -> Ack:
    """Start the current round's timer."""
    return staff_action(ident, rounds.start_round)


@handler("round.pause", roles=ONLY_FACILITATORS)
def on_round_pause(ident: dict[str, Any], _payload: dict[str, Any]) -> Ack:
    """Stop the clock; the seconds left are kept."""
    return staff_action(ident, rounds.pause_round)


@handler("round.resume", roles=ONLY_FACILITATORS)
def on_round_resume(ident: dict[str, Any], _payload: dict[str, Any]) -> Ack:
    """Start the clock again."""
    return staff_action(ident, rounds.resume_round)


@handler("round.extend", roles=ONLY_FACILITATORS)
def on_round_extend(ident: dict[str, Any], payload: dict[str, Any]) -> Ack:
    """Add seconds to the current round (the console offers +1 and +5 minutes)."""
    return staff_action(ident, rounds.extend_round, int_field(payload, "seconds"))


@handler("round.end", roles=ONLY_FACILITATORS)
def on_round_end(ident: dict[str, Any], _payload: dict[str, Any]) -> Ack:
    """End the current round now (phones then show the whole room's cloud)."""
    ack = staff_action(ident, rounds.end_round)
    request_wall(current_app._get_current_object(), ident["workshop_id"])
    return ack


@handler("round.next", roles=ONLY_FACILITATORS)
def on_round_next(ident: dict[str, Any], payload: dict[str, Any]) -> Ack:
    """Plan and apply the next round at once; `expected` is the round the sender saw.

    The plan is made outside any transaction (in a worker process); if someone joined
    or left meanwhile, it is made again.
    """
    expected = int_field(payload, "expected")
    for _attempt in range(3):
        with unit_of_work() as db:
            workshop = db.get(Workshop, ident["workshop_id"])
            request = planning.plan_request(db, workshop, {})
        proposal = request.describe(_plan_off_the_hub(request))["seating"]
        try:
            return staff_action(ident, seating.next_round, expected, proposal)
        except DomainError as error:
            if error.code != "stale_plan":
                raise
    raise DomainError("stale_plan")


@handler("plan.preview", roles=ONLY_FACILITATORS)
def on_plan_preview(ident: dict[str, Any], payload: dict[str, Any]) -> Ack:
    """The planner's proposal for the next round, around the people locked by hand."""
    locks = _seating_field(payload, "locks", required=False)
    together = _groups_field(payload, "together", size=(2, 12))
    apart = _groups_field(payload, "apart", size=(2, 2))
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        request = planning.plan_request(db, workshop, locks, together, apart)
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
def on_plan_apply(ident: dict[str, Any], payload: dict[str, Any]) -> Ack:
    """Apply a (possibly hand-adjusted) plan as the next round."""
    proposal = _seating_field(payload, "seating", required=True)
    return staff_action(ident, seating.next_round, int_field(payload, "expected"), proposal)


@handler("seat.move", roles=ONLY_FACILITATORS)
def on_seat_move(ident: dict[str, Any], payload: dict[str, Any]) -> Ack:
    """Move one person or a group to another table now."""
    people = payload.get("participants")
    if not isinstance(people, list) or not all(isinstance(p, str) for p in people):
        raise DomainError("bad_request")
    if len(people) > 100:
        raise DomainError("bad_request")
    return staff_action(ident, seating.move, people, int_field(payload, "table"))


@handler("participant.remove", roles=ONLY_FACILITATORS)
def on_participant_remove(ident: dict[str, Any], payload: dict[str, Any]) -> Ack:
    """Mark someone as gone (their phone died, they went home); their seat is freed."""
    public_id = payload.get("participant")
    if not isinstance(public_id, str) or len(public_id) > 32:
        raise DomainError("bad_request")
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
def on_phase_start(ident: dict[str, Any], payload: dict[str, Any]) -> Ack:
    """Move the agenda to a phase (welcome, presentation, café, plenary, conclusion)."""
    return staff_action(ident, agenda.start_phase, int_field(payload, "phase"))


@handler("note.hide", roles=ONLY_FACILITATORS)
def on_note_hide(ident: dict[str, Any], payload: dict[str, Any]) -> Ack:
    """Take a note off every screen (and out of the harvest)."""
    ack = staff_action(ident, notes.hide_note, payload.get("note"))
    request_wall(current_app._get_current_object(), ident["workshop_id"])
    return ack


@handler("note.restore", roles=ONLY_FACILITATORS)
def on_note_restore(ident: dict[str, Any], payload: dict[str, Any]) -> Ack:
    """Put a hidden note back."""
    ack = staff_action(ident, notes.restore_note, payload.get("note"))
    request_wall(current_app._get_current_object(), ident["workshop_id"])
    return ack


@handler("message.send", roles=ONLY_FACILITATORS)
def on_message_send(ident: dict[str, Any], payload: dict[str, Any]) -> Ack:
    """Broadcast a short message to every screen."""
    text = notes.clean_text(payload.get("text"), current_app.config["MESSAGE_MAX_CHARS"])
    return staff_action(ident, workshops.broadcast_message, text)


@handler("projector.show", roles=ONLY_FACILITATORS)
def on_projector_show(ident: dict[str, Any], payload: dict[str, Any]) -> Ack:
    """Choose the projector's screen and whether its table map shows names."""
    view, show_names = payload.get("view"), payload.get("show_names", True)
    if not isinstance(view, str) or not isinstance(show_names, bool):
        raise DomainError("bad_request")
    return staff_action(ident, workshops.set_projector, view, show_names)


@handler("harvest.scope", roles=ONLY_FACILITATORS)
def on_harvest_scope(ident: dict[str, Any], payload: dict[str, Any]) -> Ack:
    """What the harvest wall covers: "all", "t:<table>" or "r:<round>" (one question)."""
    ack = staff_action(ident, workshops.set_harvest_scope, payload.get("scope"))
    request_wall(current_app._get_current_object(), ident["workshop_id"])
    return ack


def _groups_field(payload: dict[str, Any], key: str, size: tuple[int, int]) -> list[list[str]]:
    """Groups of public ids (keep together, keep apart), checked for shape."""
    value = payload.get(key, [])
    if not isinstance(value, list) or len(value) > 200:
        raise DomainError("bad_request")
    low, high = size
    for group in value:
        if not isinstance(group, list) or not low <= len(group) <= high:
            raise DomainError("bad_request")
        if not all(isinstance(p, str) and len(p) <= 32 for p in group):
            raise DomainError("bad_request")
    return value


def _seating_field(payload: dict[str, Any], key: str, required: bool) -> dict[str, int]:
    """A {public_id: table number} mapping from the console, checked for shape."""
    value = payload.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict) or len(value) > 10_000:
        raise DomainError("bad_request")
    for public_id, table in value.items():
        if len(public_id) > 32 or isinstance(table, bool) or not isinstance(table, int):
            raise DomainError("bad_request")
    return value
