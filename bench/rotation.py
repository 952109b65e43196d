"""The rotation planner against simple rivals, on the same instances in the same run.

Rivals: `random` (hosts stay, the others shuffled over even table sizes), `greedy`
(round by round, each traveller to the table where they know fewest, sizes even) and
`shift` (`rotate` as it was before the planner: the k-th traveller of a table moves
k+1 tables on). All are scored by `rotation.score_plan`.

Instances: Kirkman's 15 schoolgirls (5 tables of 3, 7 rounds); 32 golfers (8 tables
of 4, up to 10 rounds); cafés of 30 to 3,000 people with a host per table, tables of
4 to 6 seats, 4 rounds, Dutch, French and English speakers (some bilingual) and six
roles; and one round change as the server makes it. Run:
`.venv/bin/python -m bench.rotation [--repeats N] [--only new-tables]`.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from collections.abc import Callable, Mapping, Sequence

from facilitator.planner.rotation import (
    Constraints,
    Person,
    PlanScore,
    TableInfo,
    balanced_quotas,
    plan_rounds,
    rotate,
    score_plan,
)

Seatings = list[dict[int, int]]
Planner = Callable[[list[Person], list[TableInfo], int, int], Seatings]

SPOKEN = [
    ({"nl"}, 40),
    ({"fr"}, 30),
    ({"en"}, 8),
    ({"nl", "fr"}, 14),
    ({"nl", "en"}, 4),
    ({"fr", "en"}, 4),
]
ROLES = [
    ("resident", 40),
    ("care_organisation", 15),
    ("welfare_organisation", 15),
    ("local_government", 10),
    ("volunteer", 15),
    ("other", 5),
]


def cafe(people: int, seed: int = 0) -> tuple[list[Person], list[TableInfo]]:
    """A café of `people`: a host per table, about five people a table (4 to 6 seats)."""
    rng = random.Random(seed)
    count = math.ceil(people / 5)
    tables = [TableInfo(t, (6, 5, 6, 4)[t % 4]) for t in range(count)]
    spoken = [frozenset(s) for s, _ in SPOKEN]
    guests = [
        Person(
            i,
            rng.choices(spoken, [w for _, w in SPOKEN])[0],
            rng.choices([r for r, _ in ROLES], [w for _, w in ROLES])[0],
            host_table=i if i < count else None,
        )
        for i in range(people)
    ]
    return guests, tables


def golfers(people: int, tables: int) -> tuple[list[Person], list[TableInfo]]:
    """Equal tables, no hosts, nothing but encounters to care about."""
    seats = people // tables
    return [Person(i) for i in range(people)], [TableInfo(t, seats) for t in range(tables)]


def planner(people: list[Person], tables: list[TableInfo], rounds: int, seed: int) -> Seatings:
    return plan_rounds(people, tables, [], rounds, seed=seed).seatings


def shuffled(people: list[Person], tables: list[TableInfo], rounds: int, seed: int) -> Seatings:
    rng = random.Random(seed)
    seatings = []
    for _ in range(rounds):
        seating, seats = _hosts_and_free_seats(people, tables)
        travellers = [p.id for p in people if p.host_table is None]
        rng.shuffle(travellers)
        seating.update(zip(travellers, seats, strict=True))
        seatings.append(seating)
    return seatings


def greedy(people: list[Person], tables: list[TableInfo], rounds: int, seed: int) -> Seatings:
    rng = random.Random(seed)
    met: dict[int, set[int]] = {p.id: set() for p in people}
    seatings = []
    for _ in range(rounds):
        seating, seats = _hosts_and_free_seats(people, tables)
        room = {t.id: seats.count(t.id) for t in tables}
        at: dict[int, list[int]] = {t.id: [] for t in tables}
        for person, table in seating.items():
            at[table].append(person)
        travellers = [p.id for p in people if p.host_table is None]
        rng.shuffle(travellers)
        for person in travellers:
            open_tables = [t for t in room if room[t]]
            rng.shuffle(open_tables)
            table = min(open_tables, key=lambda t: (len(met[person] & set(at[t])), len(at[t])))
            seating[person] = table
            at[table].append(person)
            room[table] -= 1
        for group in at.values():
            for person in group:
                met[person].update(group)
        seatings.append(seating)
    return seatings


def shift(people: list[Person], tables: list[TableInfo], rounds: int, seed: int) -> Seatings:
    """The old `rotate` after a first round shuffled like `random`."""
    seatings = shuffled(people, tables, 1, seed)
    hosts = {p.id: p.host_table for p in people if p.host_table is not None}
    for _ in range(rounds - 1):
        seatings.append(old_rotate(tables, seatings[-1], hosts))
    return seatings


def old_rotate(
    tables: Sequence[TableInfo], current: Mapping[int, int], hosts: Mapping[int, int]
) -> dict[int, int]:
    """`rotation.rotate` as it was before the planner (commit 16e816d), unchanged."""
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
    ring = (order[(start + i) % len(order)] for i in range(len(order)))
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
    raise ValueError("no table has room")


def _hosts_and_free_seats(
    people: Sequence[Person], tables: Sequence[TableInfo]
) -> tuple[dict[int, int], list[int]]:
    """Hosts at their tables, and the seats left for the others at even table sizes."""
    quotas = balanced_quotas(tables, len(people))
    seating = {p.id: p.host_table for p in people if p.host_table is not None}
    seats = []
    for table in tables:
        hosted = sum(1 for t in seating.values() if t == table.id)
        seats += [table.id] * max(0, quotas[table.id] - hosted)
    return seating, seats


RIVALS: dict[str, Planner] = {
    "planner": planner,
    "greedy": greedy,
    "shift": shift,
    "random": shuffled,
}


def measure(
    plan: Planner, people: list[Person], tables: list[TableInfo], rounds: int, repeats: int
) -> tuple[PlanScore, float]:
    """The score of seed 0's plan, and the median time over `repeats` runs, in seconds."""
    times = []
    seatings: Seatings = []
    for _ in range(repeats):
        start = time.perf_counter()
        seatings = plan(people, tables, rounds, 0)
        times.append(time.perf_counter() - start)
    return score_plan(people, tables, [], seatings), statistics.median(times)


def first_repeat(seatings: Seatings, people: list[Person], tables: list[TableInfo]) -> int:
    """How many rounds, from the start, have no repeated encounter."""
    for rounds in range(1, len(seatings) + 1):
        if score_plan(people, tables, [], seatings[:rounds]).repeats:
            return rounds - 1
    return len(seatings)


def cafes(sizes: list[int], rounds: int, repeats: int) -> None:
    print(f"\n### Cafés, {rounds} rounds\n")
    print(
        "| people | tables | method | repeats | new (mean) | new (min) | language | roles | time |"
    )
    print("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in sizes:
        people, tables = cafe(size)
        for name, plan in RIVALS.items():
            score, seconds = measure(plan, people, tables, rounds, repeats)
            print(
                f"| {size:,} | {len(tables)} | {name} | {score.repeats} |"
                f" {score.new_encounters_mean:.2f} | {score.new_encounters_min} |"
                f" {score.language_coverage:.3f} | {score.role_mix:.3f} | {_ms(seconds)} |"
            )


def kirkman(repeats: int) -> None:
    people, tables = golfers(15, 5)
    print("\n### Kirkman's 15 schoolgirls (5 tables of 3, 7 rounds)\n")
    print("| method | repeats | new (min, of 14) | time |")
    print("| --- | ---: | ---: | ---: |")
    for name, plan in RIVALS.items():
        score, seconds = measure(plan, people, tables, 7, repeats)
        print(f"| {name} | {score.repeats} | {score.new_encounters_min} | {_ms(seconds)} |")
    times, solved = [], 0
    for seed in range(30):
        start = time.perf_counter()
        solved += plan_rounds(people, tables, [], 7, seed=seed).score.repeats == 0
        times.append(time.perf_counter() - start)
    print(
        f"\nThe planner with seeds 0 to 29: {solved} of 30 without a repeat; time median"
        f" {_ms(statistics.median(times))}, slowest {_ms(max(times))}."
    )


def golf(repeats: int, most: int = 10) -> None:
    people, tables = golfers(32, 8)
    print("\n### 32 golfers (8 tables of 4)\n")
    print("Rivals plan round by round: the rounds before the first repeat, and repeats in 10.\n")
    print("| method | rounds without a repeat | repeats in 10 rounds | time for 10 |")
    print("| --- | ---: | ---: | ---: |")
    for name, plan in RIVALS.items():
        if name == "planner":
            continue
        score, seconds = measure(plan, people, tables, most, repeats)
        clean = first_repeat(plan(people, tables, most, 0), people, tables)
        print(f"| {name} | {clean} | {score.repeats} | {_ms(seconds)} |")
    print("\nThe planner plans all rounds at once, so each number of rounds is its own run.\n")
    print("| rounds | repeats | time |")
    print("| ---: | ---: | ---: |")
    for rounds in range(6, most + 1):
        score, seconds = measure(planner, people, tables, rounds, repeats)
        print(f"| {rounds} | {score.repeats} | {_ms(seconds)} |")


def one_round(repeats: int) -> None:
    """`rotate` as `next_round` calls it, after a round seated table by table."""
    print("\n### One round change (`rotate`, as `next_round` calls it)\n")
    print("Tables of 5 with a host (6 seats); round 1 seated person i at table i mod tables.\n")
    print("| people | method | repeats | revisits | time |")
    print("| ---: | --- | ---: | ---: | ---: |")
    for size in (30, 300, 3000):
        count = math.ceil(size / 5)
        tables = [TableInfo(t, 6, t) for t in range(count)]
        people = [Person(i, host_table=i if i < count else None) for i in range(size)]
        current = {i: i % count for i in range(size)}
        hosts = {t: t for t in range(count)}
        for name, turn in (("planner", rotate), ("shift", old_rotate)):
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                seating = turn(tables, current, hosts)
                times.append(time.perf_counter() - start)
            score = score_plan(people, tables, [current], [seating])
            print(
                f"| {size:,} | {name} | {score.repeats} | {score.revisits} |"
                f" {_ms(statistics.median(times))} |"
            )


def new_tables(repeats: int) -> None:
    """The new-tables rule (nobody but a host back at a table) against the planner without."""
    print("\n### The new-tables rule (on by default when rounds <= tables)\n")
    print("| instance | rule | repeats | revisits | time | time, rule / without |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    cases = {
        "30 people, 6 tables of 5, 6 rounds": (*golfers(30, 6), 6),
        "30 with a host per table, 6 tables, 6 rounds": (*_hosted(30, 6), 6),
        "300 with a host per table, 30 tables of 10, 4 rounds": (*_hosted(300, 30), 4),
    }
    for name, (people, tables, rounds) in cases.items():
        seconds = {}
        for rule in (False, True):
            wishes = Constraints(new_tables=rule)

            def plan(p: list[Person], t: list[TableInfo], r: int, seed: int) -> Seatings:
                return plan_rounds(p, t, [], r, wishes, seed=seed).seatings  # noqa: B023

            score, seconds[rule] = measure(plan, people, tables, rounds, repeats)
            if rule and score.revisits:
                raise SystemExit(f"{name}: the rule left {score.revisits} revisits")
            ratio = f"{seconds[True] / seconds[False]:.2f}x" if rule else ""
            print(
                f"| {name} | {'on' if rule else 'off'} | {score.repeats} | {score.revisits} |"
                f" {_ms(seconds[rule])} | {ratio} |"
            )
    people, tables = golfers(30, 6)
    for rule in (False, True):
        wishes = Constraints(new_tables=rule)
        found = [plan_rounds(people, tables, [], 6, wishes, seed=s).score for s in range(6)]
        print(
            f"\n30/6/6, rule {'on' if rule else 'off'}, seeds 0-5: repeats"
            f" {', '.join(str(f.repeats) for f in found)}; revisits"
            f" {', '.join(str(f.revisits) for f in found)}."
        )


def _hosted(people: int, count: int) -> tuple[list[Person], list[TableInfo]]:
    seats = -(-people // count)
    guests = [Person(i, host_table=i if i < count else None) for i in range(people)]
    return guests, [TableInfo(t, seats) for t in range(count)]


def _ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:,.0f} ms" if ms >= 10 else f"{ms:.1f} ms" if ms >= 1 else f"{ms:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3, help="runs per timing (median)")
    parser.add_argument("--only", choices=["new-tables"], help="run one section only")
    args = parser.parse_args()
    if args.only == "new-tables":
        new_tables(args.repeats)
        return
    new_tables(args.repeats)
    kirkman(args.repeats)
    golf(args.repeats)
    cafes([30, 60, 120, 500, 3000], 4, args.repeats)
    one_round(args.repeats)


if __name__ == "__main__":
    main()
