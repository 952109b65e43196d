"""Round timers: the server keeps an end time (or the seconds left while paused), never a
ticking counter, so timers survive restarts and work across worker processes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from facilitator.cafe import agenda
from facilitator.cafe.snapshots import round_view
from facilitator.errors import DomainError
from facilitator.store import events
from facilitator.store.events import StoredEvent
from facilitator.store.models import Round, Workshop, utcnow
from facilitator.store.queries import current_round

MAX_EXTENSION_SECONDS = 3600


def require_round(session: Session, workshop: Workshop) -> Round:
    """The current round, or DomainError('no_round')."""
    cafe_round = current_round(session, workshop)
    if cafe_round is None:
        raise DomainError("no_round")
    return cafe_round


def round_updated(session: Session, workshop: Workshop, cafe_round: Round) -> StoredEvent:
    """Record that a round's state changed; every screen redraws its timer."""
    data = {"round": round_view(cafe_round)}
    return events.record(session, workshop.id, "round.updated", events.ALL, data)


def start_round(session: Session, workshop: Workshop) -> list[StoredEvent]:
    """Start the current round's timer."""
    cafe_round = require_round(session, workshop)
    if cafe_round.status in ("running", "paused"):
        raise DomainError("round_already_running")
    if cafe_round.status == "ended":
        raise DomainError("round_already_ended")
    now = utcnow()
    cafe_round.status = "running"
    cafe_round.started_at = now
    cafe_round.ends_at = now + timedelta(seconds=cafe_round.duration_seconds)
    moved = agenda.enter_phase_of(session, workshop, cafe_round.phase_id)
    return [*moved, round_updated(session, workshop, cafe_round)]


def pause_round(session: Session, workshop: Workshop) -> list[StoredEvent]:
    """Stop the clock; the seconds left are kept until the round resumes."""
    cafe_round = require_round(session, workshop)
    if cafe_round.status != "running" or cafe_round.ends_at is None:
        raise DomainError("round_not_running")
    left = (cafe_round.ends_at - utcnow()).total_seconds()
    cafe_round.paused_remaining = max(0, round(left))
    cafe_round.ends_at = None
    cafe_round.status = "paused"
    return [round_updated(session, workshop, cafe_round)]


def resume_round(session: Session, workshop: Workshop) -> list[StoredEvent]:
    """Start the clock again with the seconds that were left."""
    cafe_round = require_round(session, workshop)
    if cafe_round.status != "paused":
        raise DomainError("round_not_paused")
    cafe_round.ends_at = utcnow() + timedelta(seconds=cafe_round.paused_remaining or 0)
    cafe_round.paused_remaining = None
    cafe_round.status = "running"
    return [round_updated(session, workshop, cafe_round)]


def extend_round(session: Session, workshop: Workshop, seconds: int) -> list[StoredEvent]:
    """Give the current round more time (+1 or +5 minutes on the console)."""
    if not 0 < seconds <= MAX_EXTENSION_SECONDS:
        raise DomainError("bad_extension")
    cafe_round = require_round(session, workshop)
    if cafe_round.status == "ended":
        raise DomainError("round_already_ended")
    if cafe_round.status == "pending":
        cafe_round.duration_seconds += seconds
    elif cafe_round.status == "paused":
        cafe_round.paused_remaining = (cafe_round.paused_remaining or 0) + seconds
    else:
        # Time already up: the extra time counts from now, not from the past end.
        base = max(cafe_round.ends_at or utcnow(), utcnow())
        cafe_round.ends_at = base + timedelta(seconds=seconds)
    return [round_updated(session, workshop, cafe_round)]


def end_round(session: Session, workshop: Workshop) -> list[StoredEvent]:
    """End the current round now; notes are closed until the next round."""
    cafe_round = require_round(session, workshop)
    if cafe_round.status == "ended":
        raise DomainError("round_already_ended")
    close(cafe_round)
    events.ask_for_redraw(session, workshop.id)  # phones now show the whole room's cloud
    return [round_updated(session, workshop, cafe_round)]


def close(cafe_round: Round) -> None:
    """Mark a round ended now (also when the next round starts without an explicit end)."""
    cafe_round.status = "ended"
    cafe_round.ends_at = utcnow()
    cafe_round.paused_remaining = None
