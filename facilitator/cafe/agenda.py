"""The agenda: phases with planned durations, the current phase, and the plan against the clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from facilitator.errors import DomainError
from facilitator.store import events
from facilitator.store.events import StoredEvent
from facilitator.store.models import Phase, Workshop, utcnow


def list_phases(session: Session, workshop_id: int) -> list[Phase]:
    """The workshop's phases in agenda order."""
    query = select(Phase).where(Phase.workshop_id == workshop_id).order_by(Phase.position)
    return list(session.scalars(query))


def agenda_view(session: Session, workshop: Workshop) -> dict[str, Any]:
    """The agenda as every screen shows it; drift is computed live by the console."""
    phases = list_phases(session, workshop.id)
    return {
        "current": workshop.current_phase_id,
        "phases": [
            {
                "id": p.id,
                "kind": p.kind,
                "title": p.title,
                "planned_minutes": p.planned_minutes,
                "started_at": p.started_at.isoformat() if p.started_at else None,
            }
            for p in phases
        ],
    }


def start_phase(session: Session, workshop: Workshop, phase_id: int) -> list[StoredEvent]:
    """Make a phase the current one and note when it began (for the plan against the clock)."""
    phase = session.get(Phase, phase_id)
    if phase is None or phase.workshop_id != workshop.id:
        raise DomainError("unknown_phase")
    phase.started_at = utcnow()
    workshop.current_phase_id = phase.id
    data = {"agenda": agenda_view(session, workshop)}
    return [events.record(session, workshop.id, "agenda.updated", events.ALL, data)]


def enter_phase_of(session: Session, workshop: Workshop, phase_id: int | None) -> list[StoredEvent]:
    """Starting a café round moves the agenda to the round's phase, if it is elsewhere."""
    if phase_id is None or workshop.current_phase_id == phase_id:
        return []
    return start_phase(session, workshop, phase_id)


def drift_seconds(
    planned_minutes: Sequence[int],
    current_index: int,
    agenda_started_at: datetime,
    phase_started_at: datetime,
    now: datetime,
) -> int:
    """How far behind the plan the workshop runs now (negative: ahead).

    Where the plan says we should be: the planned start of the current phase plus the
    time spent in it, capped at its planned length. Compared with the real clock.
    """
    planned_start = sum(planned_minutes[:current_index]) * 60
    in_phase = (now - phase_started_at).total_seconds()
    planned_position = planned_start + min(max(in_phase, 0), planned_minutes[current_index] * 60)
    return round((now - agenda_started_at).total_seconds() - planned_position)
