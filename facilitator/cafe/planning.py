"""Planning the next round: what the planner needs, read in one short transaction.

The planner itself (`rotation`) is pure; `PlanRequest` carries its input so the console
can run it in a worker process, then turns the result back into public ids and table
numbers. Applying a plan is `seating.next_round`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from facilitator.cafe.participants import LEFT
from facilitator.cafe.rounds import require_round
from facilitator.errors import DomainError
from facilitator.planner import rotation
from facilitator.store.models import Round, Seat, Workshop
from facilitator.store.queries import Person, list_tables, people_of


def history_of(session: Session, workshop: Workshop, up_to_number: int) -> list[dict[int, int]]:
    """Seatings of rounds 1..up_to_number, oldest first (two queries, whatever the rounds)."""
    round_ids = session.scalars(
        select(Round.id)
        .where(Round.workshop_id == workshop.id, Round.number <= up_to_number)
        .order_by(Round.number)
    ).all()
    seatings: dict[int, dict[int, int]] = {round_id: {} for round_id in round_ids}
    rows = session.execute(
        select(Seat.round_id, Seat.participant_id, Seat.table_id)
        .where(Seat.round_id.in_(round_ids))
        .order_by(Seat.round_id, Seat.participant_id)
    )
    for round_id, participant_id, table_id in rows:
        seatings[round_id][participant_id] = table_id
    return list(seatings.values())


def planning_input(
    session: Session, workshop: Workshop, everyone: Sequence[Person] | None = None
) -> tuple[list[rotation.Person], list[rotation.TableInfo], list[dict[int, int]]]:
    """What the planner needs: the people present, the tables, the rounds so far.

    `everyone`: the workshop's participants when the caller has loaded them already.
    """
    cafe_round = require_round(session, workshop)
    tables = list_tables(session, workshop.id)
    hosts = {t.host_id: t.id for t in tables if t.host_id is not None}
    people = [
        rotation.Person(
            p.id,
            languages=frozenset(filter(None, (p.spoken or p.language).split(","))),
            role=p.role,
            host_table=hosts.get(p.id),
            present=p.presence != LEFT,
        )
        for p in (people_of(session, workshop.id) if everyone is None else everyone)
    ]
    infos = [rotation.TableInfo(t.id, t.capacity, t.host_id) for t in tables]
    return people, infos, history_of(session, workshop, cafe_round.number)


def propose(
    session: Session,
    workshop: Workshop,
    constraints: rotation.Constraints = rotation.NO_CONSTRAINTS,
    everyone: Sequence[Person] | None = None,
) -> rotation.Plan:
    """The planner's seating for the next round (participant id -> table id) and its score.

    `everyone`: the workshop's participants when the caller has loaded them already.
    """
    people, tables, history = planning_input(session, workshop, everyone)
    return rotation.plan_round(people, tables, history, constraints)


@dataclass(frozen=True)
class PlanRequest:
    """Everything the planner needs for the next round, read in one short transaction.

    Planning itself can then run anywhere (a worker process), and its result is turned
    back into public ids and table numbers for the console.
    """

    round_number: int
    people: list[rotation.Person]
    tables: list[rotation.TableInfo]
    history: list[dict[int, int]]
    constraints: rotation.Constraints
    public_ids: dict[int, str]
    numbers: dict[int, int]

    def plan(self) -> rotation.Plan:
        """Plan here (the domain API); the console runs this in a worker process."""
        return rotation.plan_round(self.people, self.tables, self.history, self.constraints)

    def describe(self, plan: rotation.Plan) -> dict[str, Any]:
        """The plan as the console shows it: public ids, table numbers, the score, and
        whether the new-tables rule held (asked for, or on by default)."""
        return {
            "round": self.round_number + 1,
            "seating": {self.public_ids[p]: self.numbers[t] for p, t in plan.seating.items()},
            "score": plan.score.as_dict(),
            "new_tables": self.new_tables(),
        }

    def new_tables(self) -> bool:
        """Whether nobody but a host may return to a table in the round planned."""
        capacities = [t.capacity for t in self.tables]
        return rotation.new_tables_rule(self.constraints, len(self.history), 1, capacities)


def plan_request(
    session: Session,
    workshop: Workshop,
    locks_by_public_id: Mapping[str, int],
    together: list[list[str]] | None = None,
    apart: list[list[str]] | None = None,
    new_tables: bool | None = None,
) -> PlanRequest:
    """Read what planning the next round needs; hand-placed people become locks.

    Keep-together groups and keep-apart pairs are wishes the planner honours where the
    numbers allow. `new_tables`: nobody but a host returns to a table (None: the
    planner's default, on while the rounds fit the tables).
    """
    cafe_round = require_round(session, workshop)
    everyone = people_of(session, workshop.id)
    people_rows = {p.public_id: p for p in everyone}
    tables = list_tables(session, workshop.id)
    by_number = {t.number: t.id for t in tables}

    def ids(public_ids: list[str]) -> frozenset[int]:
        if any(pid not in people_rows or people_rows[pid].presence == LEFT for pid in public_ids):
            raise DomainError("stale_plan")
        return frozenset(people_rows[pid].id for pid in public_ids)

    locks: dict[int, int] = {}
    for public_id, number in locks_by_public_id.items():
        if number not in by_number:
            raise DomainError("unknown_table")
        (person,) = ids([public_id])
        locks[person] = by_number[number]
    constraints = rotation.Constraints(
        together=tuple(ids(group) for group in together or []),
        apart=tuple(ids(pair) for pair in apart or []),
        locked=locks,
        new_tables=new_tables,
    )
    people, infos, history = planning_input(session, workshop, everyone)
    return PlanRequest(
        round_number=cafe_round.number,
        people=people,
        tables=infos,
        history=history,
        constraints=constraints,
        public_ids={p.id: p.public_id for p in people_rows.values()},
        numbers={t.id: t.number for t in tables},
    )


def preview(
    session: Session,
    workshop: Workshop,
    locks_by_public_id: Mapping[str, int],
    together: list[list[str]] | None = None,
    apart: list[list[str]] | None = None,
) -> dict[str, Any]:
    """The next round's proposed seating by public id and table number, with its score."""
    request = plan_request(session, workshop, locks_by_public_id, together, apart)
    return request.describe(request.plan())
