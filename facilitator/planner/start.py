"""Where the planner's search starts: a greedy seating, and how good it could get.

The greedy seats the pinned first, then each unit (a person or a group kept together)
at the cheapest of a few tables still under their even size; the lower bounds tell the
search when nothing is left to gain.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from facilitator.planner.state import REPEAT, SIZE, State, revisit_weight
from facilitator.planner.types import Problem

SAMPLE = 10  # tables tried per newcomer (and per search step) when there are more


class Unplaceable(Exception):
    """A keep-together group found no table with room for all of it."""


@dataclass(frozen=True)
class Bound:
    """Lower bounds on the cost: reaching them means nothing is left to gain."""

    cost: int
    repeats: int
    size_sq: int


def water_fill(capacities: list[int], floors: list[int], total: int) -> list[int]:
    """Table sizes within floors and capacities adding up to `total`, as even as can be."""
    low, high = 0, max(capacities, default=0)
    while low < high:  # the lowest level whose filling seats everybody
        level = (low + high) // 2
        if sum(max(f, min(c, level)) for f, c in zip(floors, capacities, strict=True)) >= total:
            high = level
        else:
            low = level + 1
    sizes = [max(f, min(c, low - 1)) for f, c in zip(floors, capacities, strict=True)]
    missing = total - sum(sizes)
    for t, (f, c) in enumerate(zip(floors, capacities, strict=True)):
        if missing <= 0:
            break
        if max(f, min(c, low)) > sizes[t]:
            sizes[t] += 1
            missing -= 1
    return sizes


def place(state: State, r: int, seats: list[int]) -> list[int]:
    """Seat round `r` as given (table per person); the even table sizes, as `construct`."""
    p = state.problem
    floors = [0] * state.tables
    for u, members in enumerate(p.units):
        if p.pins[r][u] >= 0:
            floors[p.pins[r][u]] += len(members)
    for i, t in enumerate(seats):
        state.add(r, i, t)
    return water_fill(state.capacities, floors, len(p.languages))


def construct(state: State, r: int, rng: random.Random) -> list[int]:
    """Seat round `r` greedily: pinned units first, then each unit where it costs least."""
    p = state.problem
    floors = [0] * state.tables
    free = []
    for u, members in enumerate(p.units):
        t = p.pins[r][u]
        if t < 0:
            free.append(u)
            continue
        for i in members:
            state.add(r, i, t)
        floors[t] += len(members)
    targets = water_fill(state.capacities, floors, len(p.languages))
    rng.shuffle(free)
    free.sort(key=lambda u: -len(p.units[u]))  # big groups first, while tables have room
    open_tables = [t for t in range(state.tables) if floors[t] < targets[t]]
    for u in free:
        unit = p.units[u]
        t = _cheapest_table(state, r, unit, targets, open_tables, rng)
        for i in unit:
            state.add(r, i, t)
        if len(state.members[r][t]) >= targets[t] and t in open_tables:
            open_tables.remove(t)
    return targets


def _cheapest_table(
    state: State,
    r: int,
    unit: tuple[int, ...],
    targets: list[int],
    open_tables: list[int],
    rng: random.Random,
) -> int:
    """Among (a sample of) the tables below their target size, the cheapest for `unit`."""
    members, k = state.members[r], len(unit)
    if len(open_tables) > SAMPLE:
        sample = sorted({open_tables[rng.randrange(len(open_tables))] for _ in range(SAMPLE)})
    else:
        sample = open_tables
    fits = [t for t in sample if len(members[t]) + k <= targets[t]]
    if not fits:
        fits = [t for t in open_tables if len(members[t]) + k <= targets[t]]
    if not fits:
        # Groups can leave no table with room under its target: take any free seats.
        fits = [t for t in range(state.tables) if len(members[t]) + k <= state.capacities[t]]
    if not fits:
        raise Unplaceable
    return min(fits, key=lambda t: state.insertion(r, t, unit))


def bound(problem: Problem, targets: list[list[int]]) -> Bound:
    """Lower bounds on repeats, table sizes and revisits from counting alone."""
    n, usable = len(problem.languages), sum(1 for c in problem.capacities if c > 0)
    smallest = [min((s for s in sizes if s), default=0) for sizes in targets]
    excess = revisits = 0
    for members in problem.units:
        k = len(members)
        meetings = sum(max(0, s - k) for s in smallest)
        for i in members:
            unmet = n - k - sum(1 for y, c in problem.met[i].items() if c and y not in members)
            excess += max(0, meetings - unmet)
            if problem.travellers[i]:
                revisits += max(0, problem.rounds + len(problem.visited[i]) - usable)
    repeats = max((excess + 1) // 2, _crowding(problem, targets, usable))
    size_sq = sum(s * s for sizes in targets for s in sizes)
    cost = SIZE * size_sq + REPEAT * repeats + revisit_weight(problem) * revisits
    return Bound(cost, repeats, size_sq)


def _crowding(problem: Problem, targets: list[list[int]], usable: int) -> int:
    """Repeats the rounds must have: people who sat together, more than there are tables,
    cannot all be apart again (pigeonhole), be it after an earlier or a planned round."""
    unit_of = {i: u for u, members in enumerate(problem.units) for i in members}
    earlier = 0
    for groups in problem.past_tables:
        sizes = [len({unit_of[i] for i in group}) for group in groups]
        earlier = max(earlier, sum(_pigeonhole(size, usable) for size in sizes))
    total = earlier
    if all(len(members) == 1 for members in problem.units):
        # Planned tables are as big as their targets (a multi-person unit could shrink one).
        for sizes in targets[:-1]:
            total += max(earlier, sum(_pigeonhole(size, usable) for size in sizes))
    else:
        total += earlier * (problem.rounds - 1)
    return total


def _pigeonhole(people: int, tables: int) -> int:
    """The fewest pairs sharing a table when `people` spread over `tables`."""
    q, rest = divmod(people, max(1, tables))
    return rest * (q + 1) * q // 2 + (tables - rest) * q * (q - 1) // 2
