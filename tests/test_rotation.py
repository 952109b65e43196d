"""The seating functions on their own: no Flask, no database."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.planner.rotation import (
    SeatingError,
    TableInfo,
    balanced_quotas,
    choose_table_for_newcomer,
    plan_round,
    rotate,
)
from facilitator.planner.types import Constraints, Person


def tables(count, capacity=5, hosts=None):
    hosts = hosts or {}
    return [TableInfo(i, capacity, hosts.get(i)) for i in range(1, count + 1)]


def test_a_newcomer_gets_the_least_filled_table_with_room():
    assert choose_table_for_newcomer(tables(3), {1: 2, 2: 1, 3: 1}, as_host=False) == 2
    assert choose_table_for_newcomer(tables(2, capacity=1), {1: 1, 2: 1}, as_host=False) is None


def test_a_host_gets_a_table_without_host():
    layout = tables(3, hosts={1: 100, 2: 101})
    assert choose_table_for_newcomer(layout, {1: 1, 2: 1, 3: 4}, as_host=True) == 3
    full_of_hosts = tables(2, hosts={1: 100, 2: 101})
    assert choose_table_for_newcomer(full_of_hosts, {}, as_host=True) is None


def test_quotas_are_even_and_respect_capacity():
    assert sorted(balanced_quotas(tables(6), 20).values()) == [3, 3, 3, 3, 4, 4]
    uneven = [TableInfo(1, 2), TableInfo(2, 10)]
    assert balanced_quotas(uneven, 10) == {1: 2, 2: 8}
    with pytest.raises(SeatingError):
        balanced_quotas(tables(2, capacity=2), 5)


def test_travellers_from_one_table_scatter_to_different_tables():
    layout = tables(5)
    current = {p: 1 for p in range(4)} | {10 + p: 2 for p in range(4)}
    plan = rotate(layout, current, hosts={})
    assert len({plan[p] for p in range(4)}) == 4
    assert all(plan[p] != 1 for p in range(4))


def test_nobody_meets_a_former_tablemate_when_that_can_be_avoided():
    layout = tables(4, capacity=4, hosts={t: 100 + t for t in range(1, 5)})
    current = {100 + t: t for t in range(1, 5)} | {
        10 * t + k: t for t in range(1, 5) for k in range(3)
    }
    hosts = {100 + t: t for t in range(1, 5)}
    plan = rotate(layout, current, hosts)
    for table in range(1, 5):
        seated = [p for p, t in plan.items() if t == table]
        assert len({current[p] for p in seated}) == len(seated) == 4


@settings(deadline=None)  # a rotation may search for a few tenths of a second
@given(
    table_count=st.integers(1, 12),
    capacity=st.integers(2, 8),
    fill=st.floats(0.1, 1.0),
    host_share=st.floats(0, 1),
    seed=st.integers(0, 10_000),
)
def test_rotation_keeps_hosts_loses_nobody_and_respects_capacity(
    table_count, capacity, fill, host_share, seed
):
    import random

    rng = random.Random(seed)
    people = max(1, int(table_count * capacity * fill))
    layout_ids = list(range(1, table_count + 1))
    current = {}
    for person in range(people):
        open_tables = [t for t in layout_ids if Counter(current.values())[t] < capacity]
        current[person] = rng.choice(open_tables)
    hosts = {}
    for table in layout_ids:
        seated = [p for p, t in current.items() if t == table]
        if seated and rng.random() < host_share:
            hosts[seated[0]] = table
    layout = [
        TableInfo(t, capacity, next((p for p, h in hosts.items() if h == t), None))
        for t in layout_ids
    ]
    plan = rotate(layout, current, hosts)
    assert set(plan) == set(current)
    assert all(plan[h] == t for h, t in hosts.items())
    assert max(Counter(plan.values()).values()) <= capacity
    if table_count > 1 and not hosts and people <= (table_count - 1) * capacity:
        # Even tables, where the new-tables rule does not force a side (two people who
        # both sat at table 1 of 2 may only go to table 2 together).
        movers = [Person(p) for p in current]
        free = plan_round(movers, layout, [current], Constraints(new_tables=False)).seating
        sizes = Counter(free.values())
        assert max(sizes.values()) - min(sizes.get(t, 0) for t in layout_ids) <= 1
