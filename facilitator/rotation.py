"""Seating: where a newcomer sits, and a simple valid rotation between rounds.

Pure functions on ids, no Flask and no database. The optimising planner (fewest
repeated encounters, languages, roles) will replace `rotate`; its contract stays:
hosts keep their table, nobody is lost or seated twice, capacities hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


class SeatingError(ValueError):
    """The people do not fit the tables."""


@dataclass(frozen=True)
class TableInfo:
    """A table as the planner sees it."""

    id: int
    capacity: int
    host_id: int | None = None


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
    """Next round's seating: hosts stay, travellers fan out to other tables.

    `current` maps participant -> table now; `hosts` maps host participant -> table.
    The k-th traveller of a table moves k+1 tables on, so people who sat together
    scatter; a full table passes the traveller to the next one with room.
    """
    if not tables:
        raise SeatingError("no tables")
    order = [t.id for t in tables]
    position = {table_id: i for i, table_id in enumerate(order)}
    capacities = {t.id: t.capacity for t in tables}
    quotas = balanced_quotas(tables, len(current))
    seating: dict[int, int] = {}
    filled = {t.id: 0 for t in tables}
    for person, table in hosts.items():
        if person in current:
            seating[person] = table
            filled[table] += 1
    travellers = sorted(
        (p for p in current if p not in seating), key=lambda p: (position[current[p]], p)
    )
    rank_at_table: dict[int, int] = {}
    for person in travellers:
        origin = position[current[person]]
        rank = rank_at_table.get(origin, 0)
        rank_at_table[origin] = rank + 1
        target = _first_with_room(
            order, origin + 1 + rank, filled, quotas, capacities, avoid=current[person]
        )
        seating[person] = target
        filled[target] += 1
    return seating


def _first_with_room(
    order: list[int],
    start: int,
    filled: dict[int, int],
    quotas: dict[int, int],
    capacities: dict[int, int],
    avoid: int,
) -> int:
    """The first table from `start` on under its quota (else its capacity), not `avoid`."""
    ring = (order[(start + i) % len(order)] for i in range(len(order)))
    # Hosts can push a table past its even share; then any free seat will do.
    for limit in (quotas, capacities):
        fallback = None
        for table in ring:
            if filled[table] < limit[table]:
                if table != avoid:
                    return table
                fallback = table
        if fallback is not None:
            return fallback
        ring = (order[(start + i) % len(order)] for i in range(len(order)))
    raise SeatingError("no table has room")
