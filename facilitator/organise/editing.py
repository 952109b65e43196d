"""Applying an organiser's edit to a workshop that has not started (no Flask).

The spec is checked as a whole first (`clean_spec`), then the rows are updated in place,
so a refused edit changes nothing and people who joined keep their seats.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from facilitator.cafe.agenda import list_phases
from facilitator.cafe.workshops import new_phase, new_round
from facilitator.coaching import cards
from facilitator.errors import DomainError
from facilitator.organise.specs import clean_spec
from facilitator.store.models import (
    CafeTable,
    Contribution,
    Participant,
    Phase,
    Round,
    Seat,
    Workshop,
)
from facilitator.store.queries import list_tables

EDITABLE = ("draft", "open")


def has_started(session: Session, workshop: Workshop) -> bool:
    """Whether any round has been started (the agenda is then history, not a plan)."""
    started = session.scalar(
        select(func.count(Round.id)).where(
            Round.workshop_id == workshop.id,
            (Round.status != "pending") | Round.started_at.is_not(None),
        )
    )
    return bool(started)


def can_edit(session: Session, workshop: Workshop) -> bool:
    """Whether the agenda and tables may still change: draft or open, no round started."""
    return workshop.status in EDITABLE and not has_started(session, workshop)


def update_workshop(session: Session, workshop: Workshop, form_data: Mapping[str, Any]) -> None:
    """Replace title, place, date, languages, agenda, rounds and tables with a new spec.

    Rows are updated in place (matched by position, round number and table number), so
    people who already joined keep their seats; removing a round or table someone sits
    at or wrote at is refused rather than silently deleting their notes.
    """
    spec = clean_spec(form_data)
    # Lock the row: a facilitator pressing "Start round" now must wait for this edit.
    session.refresh(workshop, with_for_update=True)
    if not can_edit(session, workshop):
        raise DomainError("workshop_started")
    _check_people_fit(session, workshop, spec)

    workshop.title = spec["title"]
    workshop.titles = spec.get("titles") or None
    workshop.place = spec["place"] or None
    workshop.held_on = spec["held_on"] or None
    workshop.languages = ",".join(spec["languages"])
    _apply_agenda(session, workshop, spec["phases"])
    _apply_tables(session, workshop, spec["tables"])
    workshop.coaching_set_id = chosen_card_set(session, workshop, spec.get("coaching_set"))
    session.flush()


def chosen_card_set(session: Session, workshop: Workshop, set_id: int | None) -> int | None:
    """The coaching phase's card set: one of the workshop's owner's (another organiser's
    set is unknown to them), or None for the shipped default set."""
    if set_id is None:
        return None
    if workshop.owner_id is None:
        raise DomainError("unknown_card_set", field="coaching_set")
    return cards.owned_set(session, workshop.owner_id, set_id).id


def _check_people_fit(session: Session, workshop: Workshop, spec: dict[str, Any]) -> None:
    """Refuse an edit that would drop people's seats, notes or screen language."""
    spoken = session.scalars(
        select(Participant.language).where(Participant.workshop_id == workshop.id).distinct()
    ).all()
    if any(lang not in spec["languages"] for lang in spoken):
        raise DomainError("language_in_use", field="languages")

    round_total = sum(len(p["rounds"]) for p in spec["phases"])
    dropped_rounds = select(Round.id).where(
        Round.workshop_id == workshop.id, Round.number > round_total
    )
    if _any_use(
        session, Seat.round_id.in_(dropped_rounds), Contribution.round_id.in_(dropped_rounds)
    ):
        raise DomainError("rounds_in_use", field="phases")

    count, capacity = spec["tables"]["count"], spec["tables"]["capacity"]
    dropped_tables = select(CafeTable.id).where(
        CafeTable.workshop_id == workshop.id, CafeTable.number > count
    )
    if _any_use(
        session, Seat.table_id.in_(dropped_tables), Contribution.table_id.in_(dropped_tables)
    ):
        raise DomainError("tables_in_use", field="tables-count")
    fullest = session.scalar(
        select(func.count(Seat.id))
        .join(CafeTable, CafeTable.id == Seat.table_id)
        .where(CafeTable.workshop_id == workshop.id, Seat.round_id == workshop.current_round_id)
        .group_by(Seat.table_id)
        .order_by(func.count(Seat.id).desc())
        .limit(1)
    )
    if fullest and fullest > capacity:
        raise DomainError("tables_in_use", field="tables-capacity")


def _any_use(session: Session, seat_filter: Any, note_filter: Any) -> bool:
    seated = session.scalar(select(Seat.id).where(seat_filter).limit(1))
    noted = session.scalar(select(Contribution.id).where(note_filter).limit(1))
    return seated is not None or noted is not None


def _apply_agenda(session: Session, workshop: Workshop, phase_specs: list[dict[str, Any]]) -> None:
    phases = list_phases(session, workshop.id)
    rounds = list(
        session.scalars(
            select(Round).where(Round.workshop_id == workshop.id).order_by(Round.number)
        )
    )
    kept: list[Phase] = []
    for position, spec in enumerate(phase_specs):
        if position < len(phases):
            phase = phases[position]
            phase.kind, phase.title, phase.planned_minutes = (
                spec["kind"],
                spec["title"],
                spec["minutes"],
            )
            phase.position = position
        else:
            phase = new_phase(workshop.id, position, spec)
            session.add(phase)
        kept.append(phase)
    session.flush()

    number = 0
    for phase, spec in zip(kept, phase_specs, strict=True):
        for round_spec in spec["rounds"]:
            number += 1
            if number <= len(rounds):
                cafe_round = rounds[number - 1]
                cafe_round.question = round_spec["question"]
                cafe_round.duration_seconds = round_spec["minutes"] * 60
                cafe_round.phase_id = phase.id
            else:
                cafe_round = new_round(workshop.id, phase.id, number, round_spec)
                session.add(cafe_round)
                rounds.append(cafe_round)
    session.flush()

    dropped_rounds = [r.id for r in rounds[number:]]
    dropped_phases = [p.id for p in phases[len(phase_specs) :]]
    if workshop.current_round_id in dropped_rounds or workshop.current_round_id is None:
        workshop.current_round_id = rounds[0].id
    if workshop.current_phase_id in dropped_phases or workshop.current_phase_id is None:
        workshop.current_phase_id = kept[0].id
    session.flush()  # move the pointers off the rows before they go
    if dropped_rounds:
        session.execute(delete(Round).where(Round.id.in_(dropped_rounds)))
    if dropped_phases:
        session.execute(delete(Phase).where(Phase.id.in_(dropped_phases)))


def _apply_tables(session: Session, workshop: Workshop, spec: dict[str, Any]) -> None:
    tables = list_tables(session, workshop.id)
    for number in range(1, spec["count"] + 1):
        name = spec["names"][number - 1] or None
        if number <= len(tables):
            table = tables[number - 1]
            table.capacity, table.name = spec["capacity"], name
        else:
            session.add(
                CafeTable(
                    workshop_id=workshop.id, number=number, capacity=spec["capacity"], name=name
                )
            )
    dropped = [t.id for t in tables[spec["count"] :]]
    if dropped:
        session.flush()
        session.execute(delete(CafeTable).where(CafeTable.id.in_(dropped)))
