"""The CPU one round change costs the server in the domain: `next_round` and its commit.

For N people seated as `bench.fanout` seeds them (SQLite, tables of 5, one host each),
applies a previewed plan (the console's `plan.apply`) round after round and reads this
process's CPU time (`time.process_time`, so other work on the machine counts less than
in a wall clock) around `seating.next_round` and the commit; the preview is not timed.
Full garbage collections are kept out as `facilitator serve` keeps them out. Prints the
median over the rounds (the first, which warms SQLAlchemy's caches, left out) and the
statements one round change runs. Sending is not included: with no server, nothing is
encoded or written (`bench.fanout` measures the whole server).

Run: `.venv/bin/python -m bench.next_round_cpu [--sizes 1000 3000] [--rounds 6]`.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

from bench.fanout import seed
from facilitator.cafe import planning, seating, workshops
from facilitator.store.db import make_engine, make_session_factory, session_scope


def cpu_per_round_change(people: int, rounds: int) -> tuple[list[float], int]:
    """CPU ms of each round change after the first, and the statements of the last."""
    with tempfile.TemporaryDirectory(prefix="next-round-") as folder:
        url = f"sqlite:///{Path(folder) / 'db.sqlite3'}"
        code = seed(url, people, rounds + 1).code
        engine = make_engine(url)
        factory = make_session_factory(engine)
        statements: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        gc.collect()
        gc.freeze()  # as `facilitator serve` does (cli._schedule_full_collections)
        cpus = []
        for number in range(1, rounds + 1):
            with session_scope(factory) as s:
                workshop = workshops.get_by_code(s, code)
                plan = planning.preview(s, workshop, {})["seating"]
            statements.clear()
            started = time.process_time()
            with session_scope(factory) as s:
                seating.next_round(s, workshops.get_by_code(s, code), number, plan)
            cpus.append((time.process_time() - started) * 1000)
        gc.unfreeze()
        engine.dispose()
    return cpus[1:], len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000])
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, 100_000)
    print(f"{'people':>7} {'median CPU ms':>14} {'min':>7} {'max':>7} {'statements':>11}")
    for people in args.sizes:
        cpus, statements = cpu_per_round_change(people, args.rounds)
        print(
            f"{people:>7} {statistics.median(cpus):>14.1f} {min(cpus):>7.1f}"
            f" {max(cpus):>7.1f} {statements:>11}",
            flush=True,
        )
    gc.set_threshold(young, middle, old)


if __name__ == "__main__":
    main()
