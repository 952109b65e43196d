"""Scale-out through real nginx: 1 worker against N, same phones, same load, one run.

Each configuration is started by `deploy/run_local.py` (nginx + `facilitator serve`
workers on PostgreSQL, a fresh schema each, and Redis, a channel each). The workshop
is seeded straight into PostgreSQL (`bench.fanout.seed`: tables of 5, round 1
running). Phones are raw Socket.IO clients on one asyncio loop here
(`bench/sio_client.py`) with minted participant cookies and a `facilitator_worker`
cookie of their own, as a browser holds after its first page, so nginx spreads them.

Measured per configuration:
- connect: wall time until every phone is connected and has sent `sync` once;
- note ack: `rate` notes a second for `seconds` (phones in turn, on a fixed schedule,
  FACILITATOR_NOTES_PER_MINUTE raised so none is over its limit), emit to ack, p50/p99
  of the stored ones, and `busy`: how many were answered `server_busy` (no pool
  connection within DB_POOL_TIMEOUT; a phone keeps those and sends them again);
- round change: `plan.apply` from the facilitator to each phone's `round.seats`
  naming it, p99 (median of `repeats` round changes);
- CPU: each worker's user+system seconds (from /proc) during the note load and the
  round changes, and how many phones each worker holds (nginx's access log).
The run fails when a phone did not connect, a note was not acked or refused for another
reason than `server_busy`, or a phone did not get its seat.

Run: `nice -n 10 .venv/bin/python -m bench.scaleout [--workers 3] [--phones 300]
[--rate 50] [--seconds 10] [--repeats 3]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bench.fanout import (
    Tally,
    _auth,
    _fan_out,
    _participant_cookie,
    _preview,
    raise_open_file_limit,
    seed,
)
from bench.harvest_loop import _start_round
from bench.sio_client import Phone, connect
from facilitator.web.auth import Caller, cookie_name, issue_token

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
POSTGRES = os.environ.get("FACILITATOR_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("FACILITATOR_TEST_REDIS", "redis://127.0.0.1:6379/0")
CONNECT_CONCURRENCY = 40
ACK_TIMEOUT = 30.0


@dataclass
class Result:
    workers: int
    connect_s: float
    ack_p50: float
    ack_p99: float
    seats_p99: float
    busy: int  # notes answered server_busy
    cpu: list[float]  # seconds per worker, during notes and round changes
    phones_per_worker: list[int]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else math.nan


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- processes ---------------------------------------------------------------------


def _schema(action: str, name: str) -> None:
    engine = create_engine(POSTGRES.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(text(f"{action} SCHEMA {name}" + (" CASCADE" if action == "DROP" else "")))
    engine.dispose()


def start_deployment(workers: int, url: str, secret: str, env: dict[str, str]) -> Any:
    """deploy/run_local.py with `workers` workers; (process, its state)."""
    process = subprocess.Popen(
        [sys.executable, "deploy/run_local.py", "--workers", str(workers)],
        cwd=ROOT,
        env=os.environ | env | {"DATABASE_URL": url, "FACILITATOR_SECRET_KEY": secret},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()))
    reader.start()
    reader.join(120)
    if not line or not line[0].strip():
        process.kill()
        raise SystemExit("deploy/run_local.py did not start")
    return process, json.loads(line[0])


def stop_deployment(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()


# --- clients -----------------------------------------------------------------------


def _ignore(_phone: Phone, _rest: str, _now: float) -> None:
    return None


async def _phone(port: int, secret: str, code: str, public_id: str, tally: Tally) -> Phone:
    sticky = f"facilitator_worker={secrets.token_hex(16)}"
    cookie = f"{_participant_cookie(secret, code, public_id)}; {sticky}"
    phone = await connect(HOST, port, cookie=cookie, auth=_auth(code), watch=tally)
    phone.key = public_id  # type: ignore[attr-defined]
    _at, (ack,) = await asyncio.wait_for(phone.emit("sync", {"last_seq": 0}), ACK_TIMEOUT)
    if not ack.get("ok"):
        raise RuntimeError(f"sync refused: {ack}")
    phone.table = ack["snapshot"]["seat"]["table"]  # type: ignore[attr-defined]
    return phone


async def _phones(port: int, secret: str, code: str, ids: list[str], tally: Tally) -> list[Phone]:
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one(public_id: str) -> Phone:
        async with gate:
            return await _phone(port, secret, code, public_id, tally)

    return list(await asyncio.gather(*(one(p) for p in ids)))


async def note_load(phones: list[Phone], rate: float, seconds: float) -> tuple[list[float], int]:
    """Post `rate` notes a second; each stored note's emit-to-ack ms, and how many were
    answered `server_busy` (a phone keeps those and sends them again)."""
    futures, sent = [], []
    start = time.monotonic()
    for i in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
        phone = phones[i % len(phones)]
        payload = {"client_id": str(uuid.uuid4()), "text": f"Notitie {i}", "table": phone.table}
        sent.append(time.monotonic())
        futures.append(phone.emit("note.post", payload))  # type: ignore[attr-defined]
    acks = await asyncio.wait_for(asyncio.gather(*futures), ACK_TIMEOUT + seconds)
    refused = [ack for _at, (ack,) in acks if not ack.get("ok")]
    if any(ack.get("error") != "server_busy" for ack in refused):
        raise SystemExit(f"notes refused: {refused[:3]}")
    stored = [(at - t0) * 1000 for t0, (at, (ack,)) in zip(sent, acks, strict=True) if ack["ok"]]
    return stored, len(refused)


async def measure(state: dict[str, Any], secret: str, seeded: Any, options: Any) -> Result:
    port = int(state["base"].rsplit(":", 1)[1])
    code = seeded.code
    staff = issue_token(secret, Caller("facilitator", code, grant=seeded.grants["facilitator"]))
    facilitator = await connect(
        HOST,
        port,
        cookie=f"{cookie_name('facilitator', code)}={staff}",
        auth={"code": code, "role": "facilitator"},
        watch=_ignore,
    )
    tally = Tally("round.seats", keyed=True)
    started = time.monotonic()
    phones = await _phones(port, secret, code, seeded.public_ids, tally)
    connect_s = time.monotonic() - started
    if len(phones) != len(seeded.public_ids):
        raise SystemExit(f"only {len(phones)} of {len(seeded.public_ids)} phones connected")
    before = [cpu_seconds(pid) for pid in state["pids"]]
    acks, busy = await note_load(phones, options.rate, options.seconds)
    p99s = []
    for number in range(1, options.repeats + 1):
        await asyncio.sleep(1.0)
        plan = {"expected": number, "seating": await _preview(facilitator)}
        sample = await _fan_out(facilitator, phones, tally, "plan.apply", plan, len(phones))
        if sample.served != len(phones):
            raise SystemExit(f"round change {number}: {sample.served}/{len(phones)} got a seat")
        p99s.append(sample.pct(0.99))
    cpu = [cpu_seconds(pid) - b for pid, b in zip(state["pids"], before, strict=True)]
    for phone in [facilitator, *phones]:
        phone.close()
    await asyncio.sleep(1.0)  # nginx logs a WebSocket when it closes
    held = Counter(
        line.split("upstream=")[1].split()[0]
        for line in Path(state["access_log"]).read_text().splitlines()
        if "/socket.io/" in line and '" 101 ' in line
    )
    return Result(
        len(state["pids"]),
        connect_s,
        pct(acks, 0.5),
        pct(acks, 0.99),
        statistics.median(p99s),
        busy,
        cpu,
        [held.get(w, 0) for w in state["workers"]],
    )


def run(workers: int, options: Any) -> Result:
    schema = f"bench_{secrets.token_hex(4)}"
    _schema("CREATE", schema)
    url = f"{POSTGRES}?options=-csearch_path%3D{schema}"
    try:
        seeded = seed(url, options.phones, options.repeats + 1)
        _start_round(url, seeded.code)
        secret = secrets.token_urlsafe(32)
        per_phone = math.ceil(options.rate * options.seconds / options.phones) + 12
        env = {
            "FACILITATOR_MESSAGE_QUEUE": REDIS,
            "FACILITATOR_MESSAGE_QUEUE_CHANNEL": f"bench-{schema}",
            "FACILITATOR_NOTES_PER_MINUTE": str(per_phone),
        }
        process, state = start_deployment(workers, url, secret, env)
        try:
            return asyncio.run(measure(state, secret, seeded, options))
        finally:
            stop_deployment(process)
    finally:
        _schema("DROP", schema)


def report(result: Result) -> None:
    cpu = " ".join(f"{c:.1f}" for c in result.cpu)
    print(
        f"{result.workers:>7} {result.connect_s:9.1f} {result.ack_p50:9.0f} {result.ack_p99:9.0f}"
        f" {result.seats_p99:10.0f} {result.busy:5}"
        f"   cpu s/worker [{cpu}] (sum {sum(result.cpu):.1f})"
        f"   sockets/worker {result.phones_per_worker}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--rate", type=float, default=50.0, help="notes a second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=3, help="round changes")
    options = parser.parse_args()
    raise_open_file_limit()
    print(f"load average before: {os.getloadavg()[0]:.2f}; {options.phones} phones,")
    print(f"{options.rate:g} notes/s for {options.seconds:g} s, {options.repeats} round changes")
    heads = ("workers", "connect s", "ack p50", "ack p99", "seats p99", "busy")
    print(" ".join(f"{h:>{w}}" for h, w in zip(heads, (7, 9, 9, 9, 10, 5), strict=True)), "(ms)")
    results = [run(1, options), run(options.workers, options)]
    for result in results:
        report(result)
    one, many = results
    print(
        f"ratios {many.workers}/1: ack p99 {many.ack_p99 / one.ack_p99:.2f},"
        f" seats p99 {many.seats_p99 / one.seats_p99:.2f},"
        f" cpu sum {sum(many.cpu) / sum(one.cpu):.2f}"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
