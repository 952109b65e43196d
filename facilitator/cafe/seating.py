"""Seating changes: round changes (planned or adjusted by hand), moves, people leaving.

Every change ends with `check_seating`: nobody present is lost or seated twice, no
table is over capacity, every host sits at their own table. A violation is a bug and
rolls the whole transaction back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from facilitator.cafe import agenda, planning
from facilitator.cafe.participants import LEFT, pick_table
from facilitator.cafe.rounds import close, require_round
from facilitator.cafe.snapshots import round_view, seat_view, table_contents, tables_view
from facilitator.cafe.views import PersonLike
from facilitator.errors import DomainError
from facilitator.store import events
from facilitator.store.events import StoredEvent
from facilitator.store.models import CafeTable, Participant, Round, Seat, Workshop
from facilitator.store.queries import Person, list_tables, people_of, seating_of_round


class SeatingInvariantError(RuntimeError):
    """The seating broke a rule the domain promises; never a user error."""


def check_seating(session: Session, workshop: Workshop, round_id: int) -> None:
    """Everyone present seated once, capacities kept, hosts at their tables."""
    seating = seating_of_round(session, round_id)
    people = people_of(session, workshop.id)
    check_plan(seating, people, list_tables(session, workshop.id))


def check_plan(
    seating: Mapping[int, int], people: Iterable[PersonLike], tables: list[CafeTable]
) -> None:
    """The invariant on a seating in memory (participant id -> table id)."""
    present = {p.id for p in people if p.presence != LEFT}
    if set(seating) != present:
        raise SeatingInvariantError(f"seated {sorted(seating)} but present {sorted(present)}")
    sizes = Counter(seating.values())
    for table in tables:
        if sizes[table.id] > table.capacity:
            raise SeatingInvariantError(f"table {table.number} over capacity")
        if table.host_id is not None and seating.get(table.host_id, table.id) != table.id:
            raise SeatingInvariantError(f"the host of table {table.number} sits elsewhere")


def next_round(
    session: Session,
    workshop: Workshop,
    expected_number: int,
    proposal: Mapping[str, int] | None = None,
) -> list[StoredEvent]:
    """Move everyone on to the next round: the planner's seating, or one adjusted by hand.

    `expected_number` is the round the caller saw as current: a second facilitator
    pressing at the same moment gets 'stale_round', not a skipped round. A hand-made
    `proposal` maps public ids to table numbers and must seat exactly the people
    present now ('stale_plan' otherwise: someone joined or left since the preview).
    """
    # Lock the workshop row first so two facilitators cannot both advance.
    session.refresh(workshop, with_for_update=True)
    old = require_round(session, workshop)
    if old.number != expected_number:
        raise DomainError("stale_round")
    new = session.scalar(
        select(Round).where(Round.workshop_id == workshop.id, Round.number == old.number + 1)
    )
    if new is None:
        raise DomainError("no_next_round")
    tables = list_tables(session, workshop.id)
    # Loaded once, as plain rows: at 3,000 people a second load of the same rows was a
    # quarter of the round change, and ORM objects twice the cost of rows (issue 14);
    # nothing below changes who is present.
    people = {p.id: p for p in people_of(session, workshop.id)}
    if proposal is None:
        plan = planning.propose(session, workshop, everyone=list(people.values())).seating
    else:
        plan = _plan_from_proposal(people.values(), tables, proposal)
    if old.status != "ended":
        close(old)
    round_id = new.id  # read once: an ORM attribute read per row adds up at 3,000
    seats = [{"round_id": round_id, "participant_id": p, "table_id": t} for p, t in plan.items()]
    if seats:
        # The table's Core insert: the ORM's bulk path spent more on each row than SQLite.
        session.execute(insert(Seat.__table__), seats)
    workshop.current_round_id = new.id
    moved = agenda.enter_phase_of(session, workshop, new.phase_id)
    session.flush()
    # The new round had no seats before: its seating is exactly `plan`, so the
    # invariant is checked on it without reading thousands of rows back.
    check_plan(plan, people.values(), tables)
    return moved + _round_change_events(session, workshop, new, plan, tables, people)


def _plan_from_proposal(
    everyone: Iterable[Person], tables: list[CafeTable], proposal: Mapping[str, int]
) -> dict[int, int]:
    people = {p.public_id: p for p in everyone}
    present = {pid for pid, p in people.items() if p.presence != LEFT}
    if set(proposal) != present:
        raise DomainError("stale_plan")
    table_ids = {t.number: t.id for t in tables}
    plan: dict[int, int] = {}
    for public_id, number in proposal.items():
        table_id = table_ids.get(number)
        if table_id is None:
            raise DomainError("unknown_table")
        plan[people[public_id].id] = table_id
    _check_proposal(plan, tables)
    return plan


def _check_proposal(plan: Mapping[int, int], tables: list[CafeTable]) -> None:
    sizes = Counter(plan.values())
    for table in tables:
        if sizes[table.id] > table.capacity:
            raise DomainError("table_full")
        if table.host_id is not None and table.host_id in plan and plan[table.host_id] != table.id:
            raise DomainError("host_stays")


def move(
    session: Session, workshop: Workshop, public_ids: list[str], table_number: int
) -> list[StoredEvent]:
    """Move one person or a group to another table in the current round."""
    session.refresh(workshop, with_for_update=True)
    cafe_round = require_round(session, workshop)
    tables = list_tables(session, workshop.id)
    target = next((t for t in tables if t.number == table_number), None)
    if target is None:
        raise DomainError("unknown_table")
    movers = _present_people(session, workshop, public_ids)
    seating = seating_of_round(session, cafe_round.id)
    for person in movers:
        if person.is_host and seating.get(person.id) != target.id:
            raise DomainError("host_stays")
    staying = sum(
        1 for p, t in seating.items() if t == target.id and p not in {m.id for m in movers}
    )
    if staying + len(movers) > target.capacity:
        raise DomainError("table_full")
    session.execute(
        update(Seat)
        .where(Seat.round_id == cafe_round.id, Seat.participant_id.in_([m.id for m in movers]))
        .values(table_id=target.id)
    )
    plan = {m.id: target.id for m in movers}
    check_seating(session, workshop, cafe_round.id)
    return _seat_events(session, workshop, cafe_round, plan, tables)


def _present_people(
    session: Session, workshop: Workshop, public_ids: list[str]
) -> list[Participant]:
    if not public_ids or len(set(public_ids)) != len(public_ids):
        raise DomainError("bad_request")
    people = session.scalars(
        select(Participant).where(
            Participant.workshop_id == workshop.id, Participant.public_id.in_(public_ids)
        )
    ).all()
    if len(people) != len(public_ids) or any(p.presence == LEFT for p in people):
        raise DomainError("unknown_participant")
    return list(people)


def leave(session: Session, workshop: Workshop, person: Participant) -> list[StoredEvent]:
    """Someone leaves the workshop: their seat is freed and later plans skip them."""
    if person.presence == LEFT:
        return []
    session.refresh(workshop, with_for_update=True)
    cafe_round = require_round(session, workshop)
    person.presence = LEFT
    items: list[tuple[str, str, dict[str, Any]]] = [
        ("participant.presence", events.STAFF, {"public_id": person.public_id, "presence": LEFT}),
        # Their own phone learns it too (they may have been marked gone by mistake).
        ("seat.assigned", events.participant_audience(person.id), {"seat": None}),
    ]
    seat_table = session.scalar(
        select(Seat.table_id).where(
            Seat.round_id == cafe_round.id, Seat.participant_id == person.id
        )
    )
    session.execute(
        delete(Seat).where(Seat.round_id == cafe_round.id, Seat.participant_id == person.id)
    )
    if person.is_host and seat_table is not None:
        table = session.get(CafeTable, seat_table)
        table.host_id = None
        person.is_host = False
        host_data = {"table": table.number, "host": None}
        items.append(("table.host_changed", events.table_audience(table.id), host_data))
    session.flush()
    check_seating(session, workshop, cafe_round.id)
    tables = list_tables(session, workshop.id)
    people = {p.id: p for p in people_of(session, workshop.id)}
    seating = seating_of_round(session, cafe_round.id)
    items.append(
        ("seating.changed", events.STAFF, {"tables": tables_view(tables, people, seating)})
    )
    return events.record_many(session, workshop.id, items)


def come_back(session: Session, workshop: Workshop, person: Participant) -> list[StoredEvent]:
    """Someone marked as gone is still here after all: seat them again this round."""
    if person.presence != LEFT:
        return []
    session.refresh(workshop, with_for_update=True)
    cafe_round = require_round(session, workshop)
    tables = list_tables(session, workshop.id)
    table = pick_table(session, tables, cafe_round.id, wants_to_host=False)
    person.presence = "connected"
    session.add(Seat(round_id=cafe_round.id, participant_id=person.id, table_id=table.id))
    session.flush()
    check_seating(session, workshop, cafe_round.id)
    presence = {"public_id": person.public_id, "presence": "connected"}
    stored = events.record_many(
        session, workshop.id, [("participant.presence", events.STAFF, presence)]
    )
    return stored + _seat_events(session, workshop, cafe_round, {person.id: table.id}, tables)


def _seat_events(
    session: Session,
    workshop: Workshop,
    cafe_round: Round,
    plan: Mapping[int, int],
    tables: list[CafeTable],
) -> list[StoredEvent]:
    """After a move: the staff's table map (stored) and each moved person's new seat.

    The personal `seat.assigned` events are sent, not stored: the stored
    `seating.changed` stands for them (a phone that missed one gets a snapshot).
    """
    people = {p.id: p for p in people_of(session, workshop.id)}
    seating = seating_of_round(session, cafe_round.id)
    table_map = {"tables": tables_view(tables, people, seating)}
    stored = events.record_many(
        session, workshop.id, [("seating.changed", events.STAFF, table_map)]
    )
    seq = stored[-1].seq
    seats = _seats_by_table(tables, people, cafe_round.number)
    for person_id, table_id in plan.items():
        audience = events.participant_audience(person_id)
        seat = seats[table_id]
        stored.append(
            events.transient(session, workshop.id, seq, "seat.assigned", audience, {"seat": seat})
        )
    return stored


def _round_change_events(
    session: Session,
    workshop: Workshop,
    new: Round,
    plan: Mapping[int, int],
    tables: list[CafeTable],
    people: Mapping[int, Person],
) -> list[StoredEvent]:
    """A new round: stored for the staff, and one message per new table for the phones.

    One message per new table, sent to the personal rooms of the people who sit there
    now: their seat, and the table's notes, insight, photos and (for its host) the
    briefing of earlier rounds, so a phone shows its new table without a snapshot. A
    few hundred encodes for thousands of phones instead of one snapshot per phone.
    """
    round_data = {"round": round_view(new)}
    table_map = {"tables": tables_view(tables, people, plan)}
    stored = events.record_many(
        session,
        workshop.id,
        [("round.updated", events.STAFF, round_data), ("seating.changed", events.STAFF, table_map)],
    )
    seq = stored[-1].seq
    seats = _seats_by_table(tables, people, new.number)
    contents = table_contents(session, new, tables)
    by_new_table: dict[int, list[int]] = {}
    for person_id, table_id in plan.items():
        by_new_table.setdefault(table_id, []).append(person_id)
    for table_id, group in by_new_table.items():
        audience = events.people_audience(group)
        seat = seats[table_id]
        by_public_id = {people[p].public_id: seat for p in group}
        data = {"round": round_data["round"], "seats": by_public_id, **contents[table_id]}
        stored.append(events.transient(session, workshop.id, seq, "round.seats", audience, data))
    return stored


def _seats_by_table(
    tables: list[CafeTable], people: Mapping[int, PersonLike], round_number: int
) -> dict[int, dict[str, Any]]:
    """Each table's seat as its people see it (table id -> seat): the same for all of
    them, so built once per table, not once per person."""
    return {
        table.id: seat_view(
            table, people.get(table.host_id) if table.host_id else None, round_number
        )
        for table in tables
    }
