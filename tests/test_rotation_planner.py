"""The rotation planner: its promises on random instances, and the quality it reaches."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.planner.problem import build_problem
from facilitator.planner.rotation import (
    Constraints,
    Person,
    SeatingError,
    TableInfo,
    plan_round,
    plan_rounds,
    score_plan,
)
from facilitator.planner.start import construct, water_fill
from facilitator.planner.state import State

SPOKEN = [
    frozenset({"nl"}),
    frozenset({"fr"}),
    frozenset({"en"}),
    frozenset({"nl", "fr"}),
    frozenset({"fr", "en"}),
    frozenset(),
]
ROLES = [None, "resident", "volunteer", "local_government"]


@st.composite
def instances(draw):
    """Tables, people (some hosts, some absent), history and feasible constraints."""
    rng = random.Random(draw(st.integers(0, 10**6)))
    plain = draw(st.booleans())  # encounters only: the planner may start from a lattice
    count = draw(st.integers(1, 7))
    capacities = [rng.randint(3, 6) for _ in range(count)]
    tables = [TableInfo(100 + t, c) for t, c in enumerate(capacities)]
    people_count = draw(st.integers(0, sum(capacities)))
    people = []
    for i in range(people_count):
        hosts_here = i < count and rng.random() < 0.5
        people.append(
            Person(
                1000 + i,
                frozenset() if plain else rng.choice(SPOKEN),
                None if plain else rng.choice(ROLES),
                host_table=100 + i if hosts_here else None,
                present=rng.random() < 0.9,
            )
        )
    present = [p for p in people if p.present]
    history = []
    for _ in range(draw(st.integers(0, 2))):
        order = [p.id for p in present]
        rng.shuffle(order)
        history.append({pid: tables[k % count].id for k, pid in enumerate(order)})
    wishes = Constraints() if plain else _constraints(rng, tables, present)
    return tables, people, history, wishes


def _constraints(rng, tables, present):
    """Locks, pairs kept together and pairs kept apart that can all be honoured."""
    free = [p.id for p in present if p.host_table is None]
    rng.shuffle(free)
    pinned = Counter(p.host_table for p in present if p.host_table is not None)
    locked = {}
    for person in free[:2]:
        table = rng.choice(tables)
        if pinned[table.id] + 3 <= table.capacity:  # room stays for a pair anywhere
            locked[person] = table.id
            pinned[table.id] += 1
    loose = [p for p in free if p not in locked]
    pairs = [frozenset(loose[k : k + 2]) for k in range(0, 4, 2) if len(loose[k : k + 2]) == 2]
    together = tuple(pairs[: len(tables) - 1])
    apart = (frozenset(loose[4:6]),) if len(loose) >= 6 and len(tables) >= 2 else ()
    return Constraints(together=together, apart=apart, locked=locked)


@settings(max_examples=100, deadline=None)
@given(instances(), st.integers(1, 3), st.integers(0, 3))
def test_every_plan_keeps_the_promises(instance, rounds, seed):
    tables, people, history, constraints = instance
    routes = plan_rounds(people, tables, history, rounds, constraints, seed=seed, effort=0.05)
    present = {p.id for p in people if p.present}
    capacity = {t.id: t.capacity for t in tables}
    assert len(routes.seatings) == rounds
    for number, seating in enumerate(routes.seatings):
        assert set(seating) == present  # nobody lost, nobody absent, nobody twice
        assert all(n <= capacity[t] for t, n in Counter(seating.values()).items())
        for p in people:
            if p.present and p.host_table is not None:
                assert seating[p.id] == p.host_table
        if number == 0:
            assert all(seating[p] == t for p, t in constraints.locked.items())
        for group in constraints.together:
            assert len({seating[p] for p in group}) == 1
        for x, y in constraints.apart:
            assert seating[x] != seating[y]
    assert routes.score.violations == 0
    again = plan_rounds(people, tables, history, rounds, constraints, seed=seed, effort=0.05)
    assert again.seatings == routes.seatings


def test_the_incremental_cost_matches_a_recount_after_any_move():
    rng = random.Random(7)
    people = [
        Person(i, rng.choice(SPOKEN), rng.choice(ROLES), host_table=i if i < 3 else None)
        for i in range(28)
    ]
    constraints = Constraints(together=(frozenset({10, 11}),), apart=(frozenset({12, 13}),))
    history = [{p.id: p.id % 6 for p in people}]
    problem, _ids = build_problem(
        people, [TableInfo(t, 6) for t in range(6)], history, 3, constraints
    )
    state = State(problem)
    for r in range(3):
        construct(state, r, rng)
    for _ in range(400):
        r, u = rng.randrange(3), rng.randrange(len(problem.units))
        unit = problem.units[u]
        a, b = state.seat[r][unit[0]], rng.randrange(6)
        partners = [problem.units[state.unit_of[y]] for y in state.members[r][b]]
        options = [()] + [g for g in partners if len(g) == len(unit)]
        partner = rng.choice(options)
        if (
            problem.pins[r][u] >= 0
            or a == b
            or any(problem.pins[r][state.unit_of[y]] >= 0 for y in partner)
        ):
            continue
        change = state.delta(r, a, b, unit, partner)
        if len(unit) == 1:
            assert change == state.delta1(r, a, b, unit[0], partner[0] if partner else -1)
        if change is None:
            continue
        before = state.cost()
        state.move(r, a, b, unit, partner)
        assert state.cost() - before == change
    recount = State(problem)
    for r in range(3):
        for t in range(6):
            for i in state.members[r][t]:
                recount.add(r, i, t)
    assert recount.cost() == state.cost()


def test_kirkmans_fifteen_schoolgirls_never_walk_twice_with_the_same_girl():
    girls = [Person(i) for i in range(15)]
    routes = plan_rounds(girls, [TableInfo(t, 3) for t in range(5)], [], 7)
    assert routes.score.repeats == 0
    assert routes.score.new_encounters_min == 14  # everybody met everybody


@pytest.mark.parametrize(("tables", "seats"), [(7, 5), (8, 4), (9, 6)])
def test_with_a_prime_power_of_tables_nobody_meets_twice_for_as_many_rounds(tables, seats):
    people = [Person(i, host_table=i if i < tables else None) for i in range(tables * seats - 1)]
    routes = plan_rounds(people, [TableInfo(t, seats) for t in range(tables)], [], tables)
    assert routes.score.repeats == 0 and routes.score.revisits == 0
    assert routes.score.size_spread <= 1


def test_32_golfers_play_nine_rounds_without_meeting_twice():
    golfers = [Person(i) for i in range(32)]
    routes = plan_rounds(golfers, [TableInfo(t, 4) for t in range(8)], [], 9)
    assert routes.score.repeats == 0


def cafe(people_count, tables_count, seed=0):
    """A café: a host per table, Dutch and French speakers, mixed roles; as many
    bilinguals as tables, so that every table can have a language in common."""
    rng = random.Random(seed)
    people = []
    for i in range(people_count):
        host = i < tables_count
        bilingual = tables_count <= i < 2 * tables_count
        spoken = {"nl", "fr"} if bilingual else rng.choice([{"nl"}, {"fr"}])
        role = rng.choice(ROLES[1:])
        people.append(Person(i, frozenset(spoken), role, host_table=i if host else None))
    return people, [TableInfo(t, 6) for t in range(tables_count)]


def test_a_cafe_gets_new_faces_at_every_table_and_a_language_everywhere():
    people, tables = cafe(60, 12)
    routes = plan_rounds(people, tables, [], 4)
    score = routes.score
    assert score.repeats == 0 and score.revisits == 0 and score.violations == 0
    assert score.size_spread == 0 and score.new_encounters_min == 16
    assert score.language_coverage == 1.0 and score.role_mix == 1.0


def test_the_planner_beats_a_random_shuffle():
    people, tables = cafe(120, 24, seed=3)
    ours = plan_rounds(people, tables, [], 4).score
    rng = random.Random(3)
    seatings = []
    for _ in range(4):
        seats = [t.id for t in tables for _ in range(5)]
        travellers = [p.id for p in people if p.host_table is None]
        free = seats[:]
        for p in people:
            if p.host_table is not None:
                free.remove(p.host_table)
        rng.shuffle(free)
        seating = {p.id: p.host_table for p in people if p.host_table is not None}
        seating.update(zip(travellers, free, strict=True))
        seatings.append(seating)
    shuffled = score_plan(people, tables, [], seatings)
    assert shuffled.repeats > 0 and ours.repeats == 0
    assert ours.new_encounters_min > shuffled.new_encounters_min
    assert ours.language_coverage > shuffled.language_coverage


def test_language_needs_a_bridge_when_nobody_shares_one():
    # Four tables, each hosted by a Dutch speaker; French speakers need the bilinguals.
    people = [Person(i, frozenset({"nl"}), host_table=i) for i in range(4)]
    people += [Person(4 + i, frozenset({"fr"})) for i in range(8)]
    people += [Person(12 + i, frozenset({"nl", "fr"})) for i in range(4)]
    tables = [TableInfo(t, 4) for t in range(4)]
    routes = plan_rounds(people, tables, [], 2)
    assert routes.score.language_coverage == 1.0
    for seating in routes.seatings:
        for table in tables:
            at = {p for p, t in seating.items() if t == table.id}
            assert at & set(range(12, 16)), "every table needs its bilingual bridge"


def test_replanning_mid_workshop_welcomes_late_arrivals_and_forgets_leavers():
    people, tables = cafe(40, 8, seed=5)
    first = plan_rounds(people, tables, [], 2)
    gone = {people[20].id, people[21].id}
    late = [Person(100 + i, frozenset({"nl"})) for i in range(5)]
    now = [Person(p.id, p.languages, p.role, p.host_table, p.id not in gone) for p in people]
    plan = plan_round(now + late, tables, first.seatings)
    assert set(plan.seating) == {p.id for p in now if p.present} | {p.id for p in late}
    assert plan.score.repeats == 0 and plan.score.revisits == 0


def test_wishes_are_honoured_and_forced_pairs_are_not_repeats():
    people = [Person(i, host_table=i if i < 3 else None) for i in range(15)]
    wishes = Constraints(
        together=(frozenset({5, 6}),), apart=(frozenset({7, 8}),), locked={9: 2, 10: 2}
    )
    routes = plan_rounds(people, [TableInfo(t, 5) for t in range(3)], [], 3, wishes, effort=0.2)
    assert routes.seatings[0][9] == routes.seatings[0][10] == 2
    assert all(s[5] == s[6] and s[7] != s[8] for s in routes.seatings)
    assert routes.score.violations == 0


def test_impossible_wishes_are_counted_not_obeyed_blindly():
    people = [Person(0, host_table=0), Person(1, host_table=1), Person(2), Person(3)]
    tables = [TableInfo(0, 2), TableInfo(1, 2)]
    wishes = Constraints(together=(frozenset({0, 1}),), locked={0: 1})
    plan = plan_round(people, tables, [], wishes)
    assert plan.seating[0] == 0 and plan.seating[1] == 1  # hosts first
    assert plan.score.violations == 2  # the pair is split, the host's lock ignored


@pytest.mark.parametrize(
    ("people", "tables", "message"),
    [
        (
            [Person(i) for i in range(5)],
            [TableInfo(0, 2), TableInfo(1, 2)],
            "more people than seats",
        ),
        ([Person(1), Person(1)], [TableInfo(0, 4)], "listed twice"),
        ([Person(1, host_table=9)], [TableInfo(0, 4)], "unknown table"),
        ([Person(1)], [], "no tables"),
        (
            [Person(1, host_table=0), Person(2, host_table=0)],
            [TableInfo(0, 1), TableInfo(1, 4)],
            "more hosts and locked people than seats",
        ),
    ],
)
def test_seating_errors_say_what_is_wrong(people, tables, message):
    with pytest.raises(SeatingError, match=message):
        plan_round(people, tables, [])


def test_absent_people_are_not_seated_and_nobody_is_fine():
    people = [Person(1, present=False), Person(2, present=False)]
    assert plan_round(people, [TableInfo(0, 4)], []).seating == {}
    assert plan_rounds([], [TableInfo(0, 4)], [], 2).seatings == [{}, {}]


def test_the_score_counts_what_it_says():
    people = [
        Person(1, frozenset({"nl"}), "resident", host_table=10),
        Person(2, frozenset({"fr"}), "resident"),
        Person(3, frozenset({"nl", "fr"}), "volunteer"),
        Person(4, frozenset({"en"}), "resident", host_table=20),
        Person(5, frozenset({"nl"}), "resident"),
    ]
    tables = [TableInfo(10, 4), TableInfo(20, 4)]
    history = [{1: 10, 2: 10, 4: 20, 3: 20, 5: 20}]
    seating = {1: 10, 2: 10, 3: 10, 4: 20, 5: 20}
    score = score_plan(people, tables, history, [seating], Constraints(apart=(frozenset({1, 2}),)))
    assert score.repeats == 2  # 1-2 and 4-5 sat together before
    assert score.new_encounters_mean == pytest.approx(4 / 5) and score.new_encounters_min == 0
    assert score.size_spread == 1
    assert score.language_coverage == 0.5  # 3 bridges nl-fr; en and nl share nothing
    assert score.role_mix == 0.5
    assert score.revisits == 2  # 2 and 5 are back; hosts stay and 3 moved on
    assert score.violations == 1


@given(
    st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8)), min_size=1, max_size=12), st.data()
)
def test_even_sizes_keep_floors_and_capacities(tables, data):
    capacities = [max(c, f) for c, f in tables]
    floors = [f for _c, f in tables]
    total = data.draw(st.integers(sum(floors), sum(capacities)))
    sizes = water_fill(capacities, floors, total)
    assert sum(sizes) == total
    assert all(f <= s <= c for f, s, c in zip(floors, sizes, capacities, strict=True))
    # Even: a table above another could only pass a person down if floors or seats forbid.
    for s, f in zip(sizes, floors, strict=True):
        for other, c in zip(sizes, capacities, strict=True):
            assert s <= other + 1 or s == f or other == c


def _cafe_of(people: int, tables: int, hosts: bool) -> tuple[list[Person], list[TableInfo]]:
    guests = [Person(i, host_table=i if hosts and i < tables else None) for i in range(people)]
    return guests, [TableInfo(t, -(-people // tables)) for t in range(tables)]


@pytest.mark.parametrize("hosts", [False, True])
def test_with_no_more_rounds_than_tables_nobody_returns_to_a_table(hosts):
    people, tables = _cafe_of(30, 6, hosts)
    routes = plan_rounds(people, tables, [], 6, effort=0.2)
    assert routes.score.revisits == 0 and routes.score.size_spread == 0
    for person in people:
        visited = [seating[person.id] for seating in routes.seatings]
        expected = 1 if person.host_table is not None else 6
        assert len(set(visited)) == expected  # hosts stay, travellers see every table


def test_the_new_tables_rule_can_be_turned_off_for_fewer_repeats():
    people, tables = _cafe_of(30, 6, False)
    free = plan_rounds(people, tables, [], 6, Constraints(new_tables=False), effort=0.2)
    ruled = plan_rounds(people, tables, [], 6, Constraints(new_tables=True), effort=0.2)
    assert free.score.revisits > 0 and ruled.score.revisits == 0
    assert free.score.repeats < ruled.score.repeats  # the price of new tables


def test_the_rule_counts_the_rounds_already_held():
    people, tables = _cafe_of(12, 3, False)
    first = plan_rounds(people, tables, [], 2, effort=0.2).seatings
    third = plan_round(people, tables, first, effort=0.2)  # round 3 of 3 tables: still on
    assert third.score.revisits == 0
    fourth = plan_round(people, tables, [*first, third.seating], effort=0.2)
    assert fourth.score.revisits > 0  # a fourth round on three tables cannot avoid it
