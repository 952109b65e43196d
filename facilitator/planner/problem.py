"""From people and tables with ids to the planner's problem on indices, checked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import TYPE_CHECKING

from facilitator.planner.types import Problem

if TYPE_CHECKING:
    from facilitator.planner.types import Constraints, Person, TableInfo


class SeatingError(ValueError):
    """The people do not fit the tables."""


def build_problem(
    people: Sequence[Person],
    tables: Sequence[TableInfo],
    history: Sequence[Mapping[int, int]],
    rounds: int,
    constraints: Constraints,
) -> tuple[Problem, list[int]]:
    """The problem for the present people, and their ids in index order."""
    here = _present(people)
    table_at = {t.id: i for i, t in enumerate(tables)}
    if len(table_at) != len(tables):
        raise SeatingError("two tables have the same id")
    if here and not tables:
        raise SeatingError("no tables")
    capacities = [max(0, t.capacity) for t in tables]
    if len(here) > sum(capacities):
        raise SeatingError("more people than seats")
    index = {p.id: i for i, p in enumerate(here)}
    hosts = _hosts(here, tables, index, table_at)
    locks = _locks(constraints.locked, index, table_at)
    groups = _groups(
        len(here), hosts, [[index[x] for x in g if x in index] for g in constraints.together]
    )
    units, pins = _units(groups, hosts, locks, capacities, rounds)
    _check_pinned(units, pins, capacities, tables)
    units, pins = _fit_groups(units, pins, locks, capacities)
    met, visited, past_tables = _past(history, index, table_at, len(here))
    languages, bridges, pairs = _languages(here)
    role_names = sorted({p.role for p in here if p.role is not None})
    roles = [role_names.index(p.role) if p.role is not None else -1 for p in here]
    problem = Problem(
        capacities=capacities,
        rounds=rounds,
        units=units,
        pins=pins,
        met=met,
        visited=visited,
        apart=_apart(constraints.apart, index, len(here)),
        languages=languages,
        bridges=bridges,
        bridge_languages=pairs,
        roles=roles,
        role_count=len(role_names),
        travellers=_travellers(units, pins, len(here)),
        past_tables=past_tables,
        new_tables=new_tables_rule(constraints, len(history), rounds, capacities),
    )
    return problem, [p.id for p in here]


def new_tables_rule(
    constraints: Constraints, earlier: int, rounds: int, capacities: Sequence[int]
) -> bool:
    """Whether nobody may return to a table: as asked, else when all rounds fit the tables."""
    if constraints.new_tables is not None:
        return constraints.new_tables
    return earlier + rounds <= sum(1 for c in capacities if c > 0)


def _present(people: Sequence[Person]) -> list[Person]:
    seen: set[int] = set()
    for person in people:
        if person.id in seen:
            raise SeatingError(f"person {person.id} is listed twice")
        seen.add(person.id)
    return [p for p in people if p.present]


def _hosts(
    here: list[Person], tables: Sequence[TableInfo], index: dict[int, int], table_at: dict[int, int]
) -> dict[int, int]:
    """Person index -> table index of every present host."""
    hosts = {}
    for i, person in enumerate(here):
        if person.host_table is not None:
            if person.host_table not in table_at:
                raise SeatingError(f"person {person.id} hosts unknown table {person.host_table}")
            hosts[i] = table_at[person.host_table]
    for t, table in enumerate(tables):
        i = index.get(table.host_id) if table.host_id is not None else None
        if i is not None and i not in hosts:
            hosts[i] = t
    return hosts


def _locks(
    locked: Mapping[int, int], index: dict[int, int], table_at: dict[int, int]
) -> dict[int, int]:
    """Person index -> table index for the present people locked to a table."""
    locks = {}
    for person, table in locked.items():
        if person in index:
            if table not in table_at:
                raise SeatingError(f"person {person} is locked to unknown table {table}")
            locks[index[person]] = table_at[table]
    return locks


def _groups(n: int, hosts: dict[int, int], together: list[list[int]]) -> list[list[int]]:
    """Who must share a table: keep-together groups joined with the co-hosts of a table."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_table: dict[int, list[int]] = {}
    for i, t in sorted(hosts.items()):
        by_table.setdefault(t, []).append(i)
    for group in [*together, *by_table.values()]:
        for other in group[1:]:
            parent[root(other)] = root(group[0])
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(root(i), []).append(i)
    return sorted(members.values())


def _units(
    groups: list[list[int]],
    hosts: dict[int, int],
    locks: dict[int, int],
    capacities: list[int],
    rounds: int,
) -> tuple[list[tuple[int, ...]], list[list[int]]]:
    """Units that move as one, with their pinned table per round (-1: free).

    A group that cannot sit together (hosts or locks at different tables, too big for
    any table) falls apart into single people, each keeping their own pin.
    """
    units: list[tuple[int, ...]] = []
    pins: list[list[int]] = [[] for _ in range(rounds)]
    biggest = max(capacities, default=0)
    for group in groups:
        always = {hosts[i] for i in group if i in hosts}
        first = always | {locks[i] for i in group if i in locks and i not in hosts}
        room = capacities[next(iter(first))] if len(first) == 1 else biggest
        if len(group) > 1 and (len(first) > 1 or len(group) > room):
            parts = [[i] for i in group]
        else:
            parts = [group]
        for part in parts:
            always = {hosts[i] for i in part if i in hosts}
            first = always or {locks[i] for i in part if i in locks}
            units.append(tuple(part))
            for r in range(rounds):
                chosen = always if r else first
                pins[r].append(next(iter(chosen)) if chosen else -1)
    return units, pins


def _check_pinned(
    units: list[tuple[int, ...]],
    pins: list[list[int]],
    capacities: list[int],
    tables: Sequence[TableInfo],
) -> None:
    for row in pins:
        pinned = [0] * len(capacities)
        for u, t in enumerate(row):
            if t >= 0:
                pinned[t] += len(units[u])
        for t, count in enumerate(pinned):
            if count > capacities[t]:
                raise SeatingError(
                    f"table {tables[t].id} has more hosts and locked people than seats"
                )


def _fit_groups(
    units: list[tuple[int, ...]],
    pins: list[list[int]],
    locks: dict[int, int],
    capacities: list[int],
) -> tuple[list[tuple[int, ...]], list[list[int]]]:
    """Split free groups until, biggest first, each finds a table with room in every round."""
    while (stuck := _first_unfit(units, pins, capacities)) is not None:
        # A group that moves in some round holds no host; its locked members stay locked.
        for row in pins:
            row.pop(stuck)
        for i in units.pop(stuck):
            units.append((i,))
            for r, row in enumerate(pins):
                row.append(locks.get(i, -1) if r == 0 else -1)
    return units, pins


def _first_unfit(
    units: list[tuple[int, ...]], pins: list[list[int]], capacities: list[int]
) -> int | None:
    for row in pins:
        room = capacities[:]
        for u, t in enumerate(row):
            if t >= 0:
                room[t] -= len(units[u])
        # Single people always fit once the total does; only groups need placing here.
        groups = [u for u, t in enumerate(row) if t < 0 and len(units[u]) > 1]
        for u in sorted(groups, key=lambda u: -len(units[u])):
            t = max(range(len(room)), key=room.__getitem__)
            if room[t] < len(units[u]):
                return u
            room[t] -= len(units[u])
    return None


def _past(
    history: Sequence[Mapping[int, int]], index: dict[int, int], table_at: dict[int, int], n: int
) -> tuple[list[dict[int, int]], list[set[int]], list[list[list[int]]]]:
    """Who met whom, who sat at which table, and who sat together, in the rounds so far."""
    met: list[dict[int, int]] = [{} for _ in range(n)]
    visited: list[set[int]] = [set() for _ in range(n)]
    past_tables = []
    for seating in history:
        at: dict[int, list[int]] = {}
        for person, table in seating.items():
            i = index.get(person)
            if i is None:
                continue  # someone who left
            at.setdefault(table, []).append(i)
            if table in table_at:
                visited[i].add(table_at[table])
        for group in at.values():
            for x, y in combinations(group, 2):
                met[x][y] = met[y][x] = 1
        past_tables.append(list(at.values()))
    return met, visited, past_tables


def _languages(
    here: list[Person],
) -> tuple[list[tuple[int, ...]], list[tuple[int, ...]], list[tuple[int, int]]]:
    """Language ids per person, the pairs each one bridges, and the languages of each pair."""
    names = sorted({name for p in here for name in p.languages})  # sorted: str hashes vary
    number = {name: k for k, name in enumerate(names)}
    languages = [tuple(sorted(number[name] for name in p.languages)) for p in here]
    pairs = sorted({pair for spoken in languages for pair in combinations(spoken, 2)})
    pair_number = {pair: k for k, pair in enumerate(pairs)}
    bridges = [tuple(pair_number[pair] for pair in combinations(spoken, 2)) for spoken in languages]
    return languages, bridges, pairs


def _apart(apart: Sequence[frozenset[int]], index: dict[int, int], n: int) -> list[tuple[int, ...]]:
    partners: list[set[int]] = [set() for _ in range(n)]
    for group in apart:
        members = sorted(index[x] for x in group if x in index)
        for x, y in combinations(members, 2):
            partners[x].add(y)
            partners[y].add(x)
    return [tuple(sorted(p)) for p in partners]


def _travellers(units: list[tuple[int, ...]], pins: list[list[int]], n: int) -> list[bool]:
    """People who move in some round: for them a return to a table counts as a revisit."""
    moving = [False] * n
    for u, members in enumerate(units):
        if any(row[u] < 0 for row in pins):
            for i in members:
                moving[i] = True
    return moving
