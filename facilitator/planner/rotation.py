"""Seating: where a newcomer sits, and the planner that rotates people between rounds.

Pure functions on ids, no Flask and no database. The planner's contract, in order:
hosts keep their table, locked people sit where locked, nobody present is lost or seated
twice, capacities hold; then keep-together and keep-apart wishes, then as few repeated
encounters as possible, even tables, a shared language at every table, mixed roles and
no return to a table already visited. Same input and seed, same plan.

The new-tables rule (`Constraints.new_tables`; by default on when the rounds held and
those planned are no more than the tables): a traveller's return to a table then
outweighs any repeat or uneven table, as World Café travellers expect a new table each
round. Hosts stay at their table and never count as returning; with a host at every
table and as many rounds as tables, each traveller meets each host exactly once. Where
the numbers make a return unavoidable (locks, uneven capacities), the fewest are kept
and the score says how many.

The planner's parts: `types` (the value types), `problem` (ids to indices, checks),
`state` and `mix` (seats and costs kept up to date), `lattice` and `start` (where the
search starts), `search` (tabu search), `routes` (exchanges that keep routes new under
the rule), `score` (the measures, from ids alone).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from facilitator.planner.problem import SeatingError, build_problem, new_tables_rule
from facilitator.planner.score import PlanScore, score_plan
from facilitator.planner.search import solve
from facilitator.planner.start import Unplaceable
from facilitator.planner.types import NO_CONSTRAINTS, Constraints, Person, TableInfo

__all__ = [
    "NO_CONSTRAINTS",
    "Constraints",
    "Person",
    "Plan",
    "PlanScore",
    "RoutePlan",
    "SeatingError",
    "TableInfo",
    "balanced_quotas",
    "choose_table_for_newcomer",
    "new_tables_rule",
    "plan_round",
    "plan_rounds",
    "rotate",
    "score_plan",
]


@dataclass(frozen=True)
class Plan:
    """One round's seating (person -> table id, present people only) and its score."""

    seating: dict[int, int]
    score: PlanScore


@dataclass(frozen=True)
class RoutePlan:
    """The seating of each planned round, in order, and their score together."""

    seatings: list[dict[int, int]]
    score: PlanScore


def choose_table_for_newcomer(
    tables: Sequence[TableInfo], occupancy: Mapping[int, int], as_host: bool
) -> int | None:
    """The least-filled table with room (a hostless one for a host); None when all are full."""
    candidates = [
        t
        for t in tables
        if occupancy.get(t.id, 0) < t.capacity and (not as_host or t.host_id is None)
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda t: (occupancy.get(t.id, 0), tables.index(t))).id


def balanced_quotas(tables: Sequence[TableInfo], people: int) -> dict[int, int]:
    """Table sizes as even as the capacities allow, adding up to `people`."""
    if people > sum(t.capacity for t in tables):
        raise SeatingError("more people than seats")
    quotas = {t.id: 0 for t in tables}
    remaining = people
    while remaining:
        open_tables = [t for t in tables if quotas[t.id] < t.capacity]
        share = max(1, remaining // len(open_tables))
        for table in open_tables:
            take = min(share, table.capacity - quotas[table.id], remaining)
            quotas[table.id] += take
            remaining -= take
            if not remaining:
                break
    return quotas


def rotate(
    tables: Sequence[TableInfo], current: Mapping[int, int], hosts: Mapping[int, int]
) -> dict[int, int]:
    """Next round's seating: hosts stay, the others move on to meet new people.

    `current` maps participant -> table now; `hosts` maps host participant -> table.
    """
    if not tables:
        raise SeatingError("no tables")
    people = [Person(p, host_table=hosts.get(p)) for p in current]
    return plan_round(people, tables, [current]).seating


def plan_round(
    people: Sequence[Person],
    tables: Sequence[TableInfo],
    history: Sequence[Mapping[int, int]],
    constraints: Constraints = NO_CONSTRAINTS,
    seed: int = 0,
    effort: float = 1.0,
) -> Plan:
    """The next round's seating, given the rounds so far (each person -> table id)."""
    routes = plan_rounds(people, tables, history, 1, constraints, seed, effort)
    return Plan(routes.seatings[0], routes.score)


def plan_rounds(
    people: Sequence[Person],
    tables: Sequence[TableInfo],
    history: Sequence[Mapping[int, int]],
    rounds: int,
    constraints: Constraints = NO_CONSTRAINTS,
    seed: int = 0,
    effort: float = 1.0,
) -> RoutePlan:
    """The seating of the next `rounds` rounds at once, for routes printed in advance.

    Same input and seed, same plan. `effort` scales how long the search may go on.
    """
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    problem, person_ids = build_problem(people, tables, history, rounds, constraints)
    try:
        seats = solve(problem, seed, effort) if person_ids else [[] for _ in range(rounds)]
    except Unplaceable:
        raise SeatingError("the keep-together groups do not fit at the tables") from None
    table_ids = [t.id for t in tables]
    seatings = [
        {person: table_ids[t] for person, t in zip(person_ids, row, strict=True)} for row in seats
    ]
    return RoutePlan(seatings, score_plan(people, tables, history, seatings, constraints))
