"""A phone's snapshot, and a round change's seat messages, against the old way.

Seeds a workshop of N phones (`bench.fanout.seed`: tables of 5, one host each) with
three notes per phone in round 1 and moves it to round 2 in-process (SQLite in a temp
dir). Then, in the same run:

- one fresh snapshot per phone (`participant_snapshot`): p50/p99 ms and the SQL
  statements each takes (counted with SQLAlchemy's `before_cursor_execute`);
- what the old protocol cost per round change: one snapshot for every phone (the sum);
- what the round change now builds instead: every table's contents at once
  (`table_contents`, once per round change, not per phone).

Run: `nice -n 10 .venv/bin/python -m bench.snapshots [--people 1000 3000]`.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import event, insert, select

from bench.fanout import seed
from facilitator.cafe import seating, workshops
from facilitator.cafe.snapshots import participant_snapshot, table_contents
from facilitator.store.db import make_engine, make_session_factory, session_scope
from facilitator.store.models import Contribution, Participant, Seat
from facilitator.store.queries import current_round, list_tables

NOTES_EACH = 3


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered)) - 1))]


def run(people: int) -> None:
    """Seed, change round, then time snapshots and the round change's contents."""
    with tempfile.TemporaryDirectory(prefix="snapshots-") as folder:
        url = f"sqlite:///{Path(folder)}/db.sqlite3"
        seeded = seed(url, people, rounds=3)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        with session_scope(factory) as s:
            workshop = workshops.get_by_code(s, seeded.code)
            cafe_round = current_round(s, workshop)
            seats = s.execute(select(Seat.participant_id, Seat.table_id)).all()
            rows = [
                {
                    "workshop_id": workshop.id,
                    "client_id": str(uuid.uuid4()),
                    "kind": "note",
                    "text": "an idea worth keeping",
                    "round_id": cafe_round.id,
                    "table_id": table_id,
                    "participant_id": pid,
                }
                for pid, table_id in seats
                for _ in range(NOTES_EACH)
            ]
            s.execute(insert(Contribution), rows)
        with session_scope(factory) as s:
            seating.next_round(s, workshops.get_by_code(s, seeded.code), 1)
        statements: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        times, counts = [], []
        with session_scope(factory) as s:
            workshop = workshops.get_by_code(s, seeded.code)
            ids = s.scalars(select(Participant.id).where(Participant.workshop_id == workshop.id))
            for person_id in list(ids):
                s.expunge_all()  # as a fresh request: nothing cached from the last phone
                workshop = workshops.get_by_code(s, seeded.code)
                person = s.get(Participant, person_id)
                statements.clear()
                started = time.perf_counter()
                participant_snapshot(s, workshop, person)
                times.append((time.perf_counter() - started) * 1000)
                counts.append(len(statements))
        with session_scope(factory) as s:
            workshop = workshops.get_by_code(s, seeded.code)
            cafe_round, tables = current_round(s, workshop), list_tables(s, workshop.id)
            statements.clear()
            started = time.perf_counter()
            table_contents(s, cafe_round, tables)
            contents_ms = (time.perf_counter() - started) * 1000
            contents_queries = len(statements)
        engine.dispose()
    every = sum(times)
    print(
        f"{people:>6} {_pct(times, 0.5):8.2f} {_pct(times, 0.99):8.2f} {max(counts):>8}"
        f" {every:10.0f} {contents_ms:10.1f} {contents_queries:>8} {every / contents_ms:8.0f}x",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, nargs="+", default=[1000, 3000])
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores shared with other work)")
    print(
        f"{'phones':>6} {'snap p50':>8} {'snap p99':>8} {'queries':>8} {'all snaps':>10}"
        f" {'contents':>10} {'queries':>8} {'ratio':>9}   (ms)"
    )
    for people in args.people:
        run(people)


if __name__ == "__main__":
    main()
