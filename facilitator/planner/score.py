"""How good a seating plan is, measured from ids alone (for the planner and its rivals)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from facilitator.planner.types import Constraints, Person, TableInfo


@dataclass(frozen=True)
class PlanScore:
    """The measures of a plan over its rounds.

    Pairs kept together on purpose (a keep-together group, co-hosts of a table) count
    neither as repeats nor as new encounters.
    """

    repeats: int  # pairs seated together who shared a table before
    new_encounters_mean: float  # people met for the first time, per person
    new_encounters_min: int
    size_spread: int  # largest minus smallest table, in the worst round
    language_coverage: float  # share of tables with a common or bridged language
    role_mix: float  # share of tables with two roles, of those that could have them
    revisits: int  # travellers back at a table they sat at before
    violations: int  # keep-together, keep-apart and lock wishes not honoured

    def as_dict(self) -> dict[str, int | float]:
        """The measures by name, rounded for people to read."""
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(self).items()}


def score_plan(
    people: Sequence[Person],
    tables: Sequence[TableInfo],
    history: Sequence[Mapping[int, int]],
    seatings: Sequence[Mapping[int, int]],
    constraints: Constraints | None = None,
) -> PlanScore:
    """Score planned rounds (each person -> table id) against the rounds so far."""
    here = {p.id: p for p in people if p.present}
    hosts = _hosts(here, tables)
    forced = _forced_pairs(here, hosts, constraints)
    met: dict[int, set[int]] = {p: set() for p in here}
    visited: dict[int, set[int]] = {p: set() for p in here}
    for seating in history:
        _meet(seating, met, visited, here)
    counts = _Counts()
    roles_possible = len({p.role for p in here.values() if p.role is not None}) >= 2
    for number, seating in enumerate(seatings):
        by_table = _by_table(seating, here)
        for table, group in by_table.items():
            _score_table(group, table, here, met, visited, hosts, forced, counts)
            counts.language_tables += 1
            counts.covered += _covered([here[p].languages for p in group])
            if roles_possible and sum(here[p].role is not None for p in group) >= 2:
                counts.role_tables += 1
                counts.mixed += len({here[p].role for p in group} - {None}) >= 2
        sizes = [len(by_table.get(t.id, ())) for t in tables if t.capacity > 0]
        counts.spread = max(counts.spread, max(sizes, default=0) - min(sizes, default=0))
        counts.violations += _violations(seating, here, constraints, first=number == 0)
        _meet(seating, met, visited, here)
    new = list(counts.new.values()) or [0]
    return PlanScore(
        repeats=counts.repeats,
        new_encounters_mean=sum(new) / len(new),
        new_encounters_min=min(new),
        size_spread=counts.spread,
        language_coverage=counts.covered / counts.language_tables
        if counts.language_tables
        else 1.0,
        role_mix=counts.mixed / counts.role_tables if counts.role_tables else 1.0,
        revisits=counts.revisits,
        violations=counts.violations,
    )


class _Counts:
    """Running totals while scoring."""

    def __init__(self) -> None:
        self.repeats = self.revisits = self.spread = self.violations = 0
        self.language_tables = self.covered = self.role_tables = self.mixed = 0
        self.new: dict[int, int] = {}


def _score_table(
    group: list[int],
    table: int,
    here: dict[int, Person],
    met: dict[int, set[int]],
    visited: dict[int, set[int]],
    hosts: dict[int, int],
    forced: set[frozenset[int]],
    counts: _Counts,
) -> None:
    for x, y in combinations(group, 2):
        if frozenset((x, y)) in forced:
            continue
        if y in met[x]:
            counts.repeats += 1
        else:
            counts.new[x] = counts.new.get(x, 0) + 1
            counts.new[y] = counts.new.get(y, 0) + 1
    for x in group:
        counts.new.setdefault(x, 0)
        if hosts.get(x) != table and table in visited[x]:
            counts.revisits += 1


def _covered(languages: list[frozenset[str]]) -> bool:
    """Everyone shares a language, or one person speaks two that cover everyone."""
    known = [spoken for spoken in languages if spoken]
    if len(known) <= 1 or frozenset.intersection(*known):
        return True
    for bridge in {spoken for spoken in known if len(spoken) >= 2}:
        for pair in combinations(sorted(bridge), 2):
            if all(spoken.intersection(pair) for spoken in known):
                return True
    return False


def _hosts(here: dict[int, Person], tables: Sequence[TableInfo]) -> dict[int, int]:
    hosts = {p.id: p.host_table for p in here.values() if p.host_table is not None}
    for table in tables:
        if table.host_id in here and table.host_id not in hosts:
            hosts[table.host_id] = table.id
    return hosts


def _forced_pairs(
    here: dict[int, Person], hosts: dict[int, int], constraints: Constraints | None
) -> set[frozenset[int]]:
    groups = [g & here.keys() for g in constraints.together] if constraints else []
    by_table: dict[int, set[int]] = {}
    for person, table in hosts.items():
        by_table.setdefault(table, set()).add(person)
    return {
        frozenset(pair)
        for g in [*groups, *by_table.values()]
        for pair in combinations(sorted(g), 2)
    }


def _by_table(seating: Mapping[int, int], here: dict[int, Person]) -> dict[int, list[int]]:
    by_table: dict[int, list[int]] = {}
    for person, table in seating.items():
        if person in here:
            by_table.setdefault(table, []).append(person)
    return by_table


def _meet(
    seating: Mapping[int, int],
    met: dict[int, set[int]],
    visited: dict[int, set[int]],
    here: dict[int, Person],
) -> None:
    for table, group in _by_table(seating, here).items():
        for x in group:
            met[x].update(group)
            met[x].discard(x)
            visited[x].add(table)


def _violations(
    seating: Mapping[int, int],
    here: dict[int, Person],
    constraints: Constraints | None,
    first: bool,
) -> int:
    if constraints is None:
        return 0
    count = 0
    for group in constraints.together:
        tables = {seating.get(p) for p in group if p in here}
        count += len(tables) > 1
    for group in constraints.apart:
        present = [p for p in group if p in here]
        count += sum(seating.get(x) == seating.get(y) for x, y in combinations(present, 2))
    if first:
        count += sum(seating.get(p) != t for p, t in constraints.locked.items() if p in here)
    return count
