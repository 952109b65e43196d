"""Chaos at scale: N phones x M notes through dropped connections and a SIGKILLed worker.

The same run as `tests/test_chaos.py` (`tests/chaos_phones.py`), larger: 500 phones x 20
notes by default, on SQLite with one worker and on PostgreSQL with two workers and Redis
as the message queue. For each store, first a baseline (the same phones and notes, no
drops, no twin sends, no kill), then the chaos run (connections closed right after a
`note.post` or reset while idle, notes sent twice at once, worker 0 SIGKILLed when 40 %
of the notes are acknowledged and restarted on the same port and database). Each run
gets a fresh database and fresh server processes.

Printed per run: notes stored / written (counted by client id in the database itself),
duplicates (rows beyond one per client id), note ack latency p50 / p99 in ms (from each
send to its acknowledgement, over acknowledged sends, nearest rank), the time from the
SIGKILL to the restarted worker answering `/healthz`, the posting phase's duration, and
the chaos run's figures as ratios of the baseline's. The run fails loudly (exit 1) when
phones could not connect or finish, a note is missing or duplicated, or a server logged
a traceback.

The rate limit is raised for these runs (`FACILITATOR_NOTES_PER_MINUTE`, default 1000
here): each phone writes its notes within seconds, far above a person's 12 a minute,
and the point is delivery, not the limiter.

Run: `.venv/bin/python -m bench.chaos [--phones 500] [--notes 20] [--stores sqlite postgres]`.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

from bench.fanout import raise_open_file_limit
from tests.chaos_judge import ChaosResult
from tests.chaos_phones import ChaosConfig, run_chaos
from tests.chaos_servers import start_cluster
from tests.conftest import (
    REDIS_URL,
    _drop_postgres_schema,
    _fresh_postgres_schema,
    postgres_available,
    redis_available,
)


def run_store(store: str, cfg: ChaosConfig, notes_per_minute: int) -> ChaosResult:
    """One run on a fresh database and fresh servers."""
    env = {"FACILITATOR_NOTES_PER_MINUTE": str(notes_per_minute)}
    with tempfile.TemporaryDirectory(prefix=f"chaos-{store}-") as folder:
        tmp = Path(folder)
        if store == "sqlite":
            cluster = start_cluster(tmp, f"sqlite:///{tmp}/chaos.sqlite3", cfg.phones, 1, env)
            return run_chaos(cluster, cfg)
        schema, url = _fresh_postgres_schema()
        env |= {
            "FACILITATOR_MESSAGE_QUEUE": REDIS_URL,
            "FACILITATOR_MESSAGE_QUEUE_CHANNEL": f"facilitator-bench-{secrets.token_hex(4)}",
        }
        try:
            cluster = start_cluster(tmp, url, cfg.phones, 2, env)
            return run_chaos(cluster, cfg)
        finally:
            _drop_postgres_schema(schema)


def problems(result: ChaosResult) -> list[str]:
    found = []
    if result.connected < result.config.phones or result.failures:
        found.append(f"{result.config.phones - result.connected} phones could not finish")
        found += result.failures[:5]
    if result.stored != result.expected or result.missing:
        found.append(f"stored {result.stored} of {result.expected} notes")
    if result.duplicates:
        found.append(f"{result.duplicates} duplicate rows")
    if result.refused:
        found.append(f"{len(result.refused)} notes refused: {result.refused[:3]}")
    if result.wrong_author or result.wrong_text or result.unknown:
        found.append("rows with the wrong author or text, or nobody's client id")
    if result.snapshot_gaps:
        found.append(f"{len(result.snapshot_gaps)} snapshots lack notes of their table")
    if result.log_problems:
        found.append(f"{len(result.log_problems)} tracebacks in the server logs")
        found.append(result.log_problems[0][:1500])
    if result.survivors:
        found.append(f"offload processes outlived their server: {result.survivors}")
    return found


HEADER = (
    f"{'store':<9} {'run':<9} {'phones':>6} {'notes':>5} {'stored/written':>15} {'dup':>4}"
    f" {'p50 ms':>7} {'p99 ms':>7} {'kill->up s':>10} {'posting s':>9} {'connected':>10}"
)


def line(store: str, label: str, result: ChaosResult) -> str:
    cfg = result.config
    recovered = f"{result.recovered_after:.2f}" if result.recovered_after is not None else "-"
    return (
        f"{store:<9} {label:<9} {cfg.phones:>6} {cfg.notes:>5}"
        f" {f'{result.stored}/{result.expected}':>15} {result.duplicates:>4}"
        f" {result.pct(0.5):>7.0f} {result.pct(0.99):>7.0f} {recovered:>10}"
        f" {result.seconds:>9.1f} {f'{result.connected}/{cfg.phones}':>10}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=500)
    parser.add_argument("--notes", type=int, default=20)
    parser.add_argument("--stores", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--notes-per-minute", type=int, default=1000)
    parser.add_argument("--deadline", type=float, default=900.0, help="seconds per run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=list(ChaosConfig.think),
        metavar=("MIN", "MAX"),
        help="seconds a phone waits between two notes (default: back to back, a stress)",
    )
    args = parser.parse_args()
    raise_open_file_limit()
    chaos = ChaosConfig(
        phones=args.phones,
        notes=args.notes,
        deadline=args.deadline,
        seed=args.seed,
        think=(args.think[0], args.think[1]),
    )
    calm = dataclasses.replace(
        chaos, close_after_send=0.0, abort_when_idle=0.0, double_send=0.0, kill_at=None
    )
    started = time.monotonic()
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores: others' work counts)")
    print(HEADER, flush=True)
    failed = []
    for store in args.stores:
        if store == "postgres" and not (postgres_available() and redis_available()):
            print(f"{store:<9} skipped: PostgreSQL or Redis is not reachable", flush=True)
            failed.append(f"{store}: PostgreSQL or Redis is not reachable")
            continue
        workers = 2 if store == "postgres" else 1
        results = {}
        for label, cfg in (("baseline", calm), ("chaos", chaos)):
            cfg = dataclasses.replace(cfg, workers=workers)
            result = run_store(store, cfg, args.notes_per_minute)
            results[label] = result
            print(line(store, label, result), flush=True)
            print(f"  {result.summary()}", file=sys.stderr, flush=True)
            failed += [f"{store} {label}: {p}" for p in problems(result)]
        base, hit = results["baseline"], results["chaos"]
        print(
            f"{store:<9} ratio chaos/baseline: p50 {hit.pct(0.5) / base.pct(0.5):.2f},"
            f" p99 {hit.pct(0.99) / base.pct(0.99):.2f},"
            f" posting time {hit.seconds / base.seconds:.2f}",
            flush=True,
        )
    print(f"total {time.monotonic() - started:.0f} s, load average after: {os.getloadavg()[0]:.2f}")
    if failed:
        print("FAILED:\n  " + "\n  ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
