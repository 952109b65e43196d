"""The planner's value types: tables, people, the organiser's wishes, the indexed problem."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TableInfo:
    """A table as the planner sees it."""

    id: int
    capacity: int
    host_id: int | None = None


@dataclass(frozen=True)
class Person:
    """Someone to seat: the languages they speak, their role, the table they host."""

    id: int
    languages: frozenset[str] = frozenset()
    role: str | None = None
    host_table: int | None = None
    present: bool = True


@dataclass(frozen=True)
class Constraints:
    """Wishes of the organiser: groups kept together, pairs kept apart, people locked.

    `locked` maps person -> table for the first round planned (the next one).
    `new_tables`: everyone who moves visits each table at most once (hosts stay at
    theirs); None turns it on when the rounds so far and those planned fit the tables.
    """

    together: tuple[frozenset[int], ...] = ()
    apart: tuple[frozenset[int], ...] = ()
    locked: Mapping[int, int] = field(default_factory=dict)
    new_tables: bool | None = None


NO_CONSTRAINTS = Constraints()


@dataclass
class Problem:
    """A planning problem on indices; `units` move as one (keep-together groups, co-hosts)."""

    capacities: list[int]
    rounds: int
    units: list[tuple[int, ...]]
    pins: list[list[int]]  # [round][unit] -> table, or -1 when the unit may move
    met: list[dict[int, int]]  # earlier encounters, 1 per pair
    visited: list[set[int]]  # tables each person sat at before
    apart: list[tuple[int, ...]]
    languages: list[tuple[int, ...]]
    bridges: list[tuple[int, ...]]  # ids of the language pairs a person speaks both of
    bridge_languages: list[tuple[int, int]]
    roles: list[int]  # role id, -1 for none
    role_count: int
    travellers: list[bool]  # False for people who never move (hosts): no revisits
    past_tables: list[list[list[int]]]  # who sat together in each earlier round
    new_tables: bool = False  # a traveller back at a table weighs above any repeat
