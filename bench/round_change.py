"""How long the server's share of a round change takes, by store and room size.

For N participants at tables of 5, measures in one process:
- `plan`: the planner alone (`rotation.plan_round` with the history so far);
- `next_round`: the whole domain call (planning, N seats, 2 numbered events, commit);
- `floor`: a bare bulk insert of the same N seat rows and 2 event rows, then commit,
  the least any store-backed round change must cost;
and prints next_round / floor. Run: `.venv/bin/python -m bench.round_change [--postgres]`.
"""

from __future__ import annotations

import argparse
import math
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, insert, text

from facilitator.cafe import planning, seating, workshops
from facilitator.organise.demo import template
from facilitator.store.db import make_engine, make_session_factory, migrate, session_scope
from facilitator.store.models import Event, Participant, Seat
from facilitator.store.queries import current_round, list_tables, seating_of_round

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def seed(factory, people: int) -> str:
    """A workshop with `people` seated in round 1 (bulk, to keep set-up quick)."""
    spec = dict(template()) | {"tables": {"count": math.ceil(people / 5), "capacity": 6}}
    with session_scope(factory) as s:
        code = workshops.create_workshop(s, spec).join_code
        workshop = workshops.get_by_code(s, code)
        tables = list_tables(s, workshop.id)
        round_id = current_round(s, workshop).id
        rows = [
            {
                "workshop_id": workshop.id,
                "public_id": secrets.token_hex(8),
                "language": "nl",
                "is_host": False,
                "is_bot": True,
                "presence": "connected",
                "joined_at": workshop.created_at,
            }
            for _ in range(people)
        ]
        s.execute(insert(Participant), rows)
        ids = s.scalars(
            text("select id from participants where workshop_id = :w order by id"),
            {"w": workshop.id},
        ).all()
        s.execute(
            insert(Seat),
            [
                {
                    "round_id": round_id,
                    "participant_id": pid,
                    "table_id": tables[i % len(tables)].id,
                }
                for i, pid in enumerate(ids)
            ],
        )
    return code


def time_next_round(factory, code: str) -> float:
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        number = current_round(s, workshop).number
        start = time.perf_counter()
        seating.next_round(s, workshop, number)
        s.commit()
        return time.perf_counter() - start


def time_plan(factory, code: str) -> float:
    with session_scope(factory) as s:
        request = planning.plan_request(s, workshops.get_by_code(s, code), {})
    start = time.perf_counter()
    request.plan()
    return time.perf_counter() - start


def time_floor(factory, code: str, people: int) -> float:
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        cafe_round = current_round(s, workshop)
        current = seating_of_round(s, cafe_round.id)
        seats = [
            {"round_id": cafe_round.id + 1, "participant_id": p, "table_id": t}
            for p, t in current.items()
        ]
        base = workshop.last_seq + 10_000
        evs = [
            {
                "workshop_id": workshop.id,
                "seq": base + i,
                "name": "seat.assigned",
                "audience": f"p:{p}",
                "data": {"seat": {"round": 2, "table": 1}},
                "created_at": workshop.created_at,
            }
            for i, p in enumerate(current)
        ]
        start = time.perf_counter()
        s.execute(insert(Seat), seats)
        s.execute(insert(Event), evs)
        s.commit()
        elapsed = time.perf_counter() - start
        s.rollback()
    return elapsed


def run(url: str, sizes: list[int], repeats: int) -> None:
    print(f"store: {url.split(':')[0]}")
    print(f"{'people':>7} {'plan ms':>10} {'next_round ms':>14} {'floor ms':>9} {'ratio':>6}")
    for people in sizes:
        rot, full, floor = [], [], []
        for _ in range(repeats):
            engine, cleanup = fresh_engine(url)
            factory = make_session_factory(engine)
            code = seed(factory, people)
            rot.append(time_plan(factory, code))
            floor.append(time_floor(factory, seed(factory, people), people))
            full.append(time_next_round(factory, code))
            engine.dispose()
            cleanup()
        med = [statistics.median(x) * 1000 for x in (rot, full, floor)]
        print(f"{people:>7} {med[0]:>10.2f} {med[1]:>14.1f} {med[2]:>9.1f} {med[1] / med[2]:>6.2f}")


def fresh_engine(url: str):
    if url.startswith("sqlite"):
        folder = tempfile.mkdtemp()
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        migrate(engine)
        return engine, lambda: None
    schema = f"bench_{secrets.token_hex(4)}"
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with admin.begin() as c:
        c.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(f"{url}?options=-csearch_path%3D{schema}")
    migrate(engine)

    def cleanup() -> None:
        with admin.begin() as c:
            c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    return engine, cleanup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", action="store_true", help=f"also run on {POSTGRES}")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    sizes = [30, 300, 3000]
    run("sqlite://", sizes, args.repeats)
    if args.postgres:
        run(POSTGRES, sizes, args.repeats)


if __name__ == "__main__":
    main()
