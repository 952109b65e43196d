"""The harvest wall under a stream of notes: the server's event-loop lag and freshness.

Two server configurations, measured in the same run, each a fresh `python -m facilitator
serve` process (eventlet, SQLite in a temporary folder):
- `A`: FACILITATOR_OFFLOAD_WORKERS=1, the product's default: the wall is rendered in a
  worker process while the hub polls its pipe;
- `B`: FACILITATOR_OFFLOAD_WORKERS=0, the baseline: `render_wall` runs in place, on
  the hub.

The workshop is seeded straight into the SQLite file (`bench.fanout.seed`: tables of 5,
one host each) with its first round running. Phones (raw Socket.IO clients on one asyncio
loop in this process, `bench/sio_client.py`, with cookies minted here) connect and `sync`
once; they post `note.post` to the table of their snapshot, in turn, 20 notes a second
for 25 s (texts: the Polis conversations in shared/data/polis, CC BY 4.0, The
Computational Democracy Project, and tests/data/labelled_notes.json). A projector client
is connected and has sent `sync`, so it is in the staff room. Before the load, one note
per table and a wall covering them warm up the renderer (imports, language model).

Measured, for each configuration:
- event-loop lag: the server has no lag probe of its own, so a participant seated at a
  table where nobody posts sends `sync` {last_seq: <the seq of its previous ack>} (a
  cheap handler: a few small queries, an empty list of events), waits for the ack, sleeps
  10 ms, and again. Lag = ack round trip minus the median round trip of the same probe
  measured on the idle server (3 s, after the warm-up), over the probes sent during the
  load. One probe is in flight at a time, so a hub blocked for 1 s costs one late sample,
  as a 10 ms timer inside the hub would record it.
- freshness: from a note's ack at the phone to the projector receiving the first
  `harvest.updated` whose themes include it: its `theme_notes` count (the notes the
  themes were found among; by meaning, those whose vector was made) includes it (the
  database is fresh, notes are never hidden here, the run checks that the acked note
  ids are exactly 1..N, and vectors are made oldest first, so a count >= id includes
  note `id`, unless a note's commit came after a later one's vector).
- also: post-to-wall (from the note's emit, which includes the wait for its ack),
  post-to-ack at the phones, how many `harvest.updated` the projector got during the
  load (and how many distinct digests), and the lateness of this process's own 10 ms
  sleeps (the client's share).

Percentiles are nearest rank. The per-participant limit (12 notes a minute) holds: with
60 phones each posts at most 10 notes in a run; FACILITATOR_NOTES_PER_MINUTE is only
raised (and printed) when the options ask for more.

Run: `.venv/bin/python -m bench.harvest_loop [--seconds 25] [--rate 20] [--tables 12]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.fanout import TABLE_SIZE, _stop, seed
from bench.harvest import pool_of_texts
from bench.sio_client import Phone, connect
from facilitator.cafe import workshops
from facilitator.store.db import make_engine, make_session_factory, session_scope
from facilitator.store.queries import current_round
from facilitator.web.auth import Caller, cookie_name, issue_token
from tests.live import start_serve

HOST = "127.0.0.1"
TICK = 0.010  # the probe's timer, s
IDLE_SECONDS = 3.0  # the probe on the idle server, for its baseline round trip
WARM_UP_TIMEOUT = 60.0  # the first wall (imports, language model) may take a while
DRAIN_TIMEOUT = 20.0  # after the load: until a wall covers the last note
ACK_TIMEOUT = 30.0
CONNECT_CONCURRENCY = 20
DEFAULT_NOTES_PER_MINUTE = 12  # facilitator.config's default


# --- figures -----------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (NaN for no values)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def spread(values: list[float]) -> str:
    """`p50 / p99 / max` in ms, from seconds."""
    return " / ".join(f"{pct(values, q) * 1000:.0f}" for q in (0.5, 0.99, 1.0))


@dataclass(frozen=True)
class Posted:
    """A note the server accepted: when it was sent and acked, and its id."""

    sent: float
    acked: float
    note_id: int


@dataclass
class Log:
    """Everything one configuration's clients saw, on this process's monotonic clock."""

    # arrival, notes the themes were found among, digest
    walls: list[tuple[float, int, str]] = field(default_factory=list)
    probes: list[tuple[float, float]] = field(default_factory=list)  # (sent, round trip)
    client_late: list[tuple[float, float]] = field(default_factory=list)  # (woke, late)
    posted: list[Posted] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def watch_walls(self, _phone: Phone, rest: str, now: float) -> None:
        """The projector's watcher: note each `harvest.updated` and how many notes its
        themes were found among (by meaning: the notes whose vector was made by then)."""
        if rest.startswith('["harvest.updated"'):
            data = json.loads(rest)[1]["data"]
            themed = min(data["notes"], data.get("theme_notes", data["notes"]))
            self.walls.append((now, themed, data["digest"]))

    def widest_wall(self) -> int:
        return max((notes for _at, notes, _digest in self.walls), default=-1)


@dataclass(frozen=True)
class Result:
    """One configuration's figures (seconds)."""

    label: str
    idle_rtt: list[float]
    lag: list[float]
    freshness: list[float]  # from the note's ack
    post_to_wall: list[float]  # from the note's emit
    unseen: int
    post_to_ack: list[float]
    walls: int
    distinct_walls: int  # different digests: a redraw of unchanged notes is only resent
    client_late: list[float]
    posted: int
    refused: int


def _between(samples: list[tuple[float, float]], start: float, end: float) -> list[float]:
    return [value for at, value in samples if start <= at < end]


def freshness(log: Log, start: float) -> tuple[list[float], list[float], int]:
    """For the notes sent from `start`: ack-to-wall and post-to-wall times, and how
    many no wall covered."""
    from_ack, from_post, unseen = [], [], 0
    for note in log.posted:
        if note.sent < start:
            continue
        wall = next((at for at, notes, _digest in log.walls if notes >= note.note_id), None)
        if wall is None:
            unseen += 1
        else:
            from_ack.append(wall - note.acked)
            from_post.append(wall - note.sent)
    return from_ack, from_post, unseen


def check_ids(log: Log) -> None:
    """Walls count notes, so the bench relies on note ids being exactly 1..N."""
    ids = sorted(note.note_id for note in log.posted)
    if ids != list(range(1, len(ids) + 1)):
        raise RuntimeError("note ids are not 1..N: a wall's count does not say which it holds")


# --- workshop and server -----------------------------------------------------------


def seed_running(database_url: str, tables: int) -> tuple[str, list[str], str, str]:
    """Seed `tables` tables of phones plus a quiet one; start round 1.

    Returns the code, the public ids of the phones that post, the probe's, and what the
    projector's cookie must remember of its link.
    """
    quiet = tables  # bench.fanout.seed puts participant i at table index i % (tables + 1)
    seeded = seed(database_url, (tables + 1) * TABLE_SIZE, rounds=2)
    posters = [p for i, p in enumerate(seeded.public_ids) if i % (tables + 1) != quiet]
    _start_round(database_url, seeded.code)
    return seeded.code, posters, seeded.public_ids[quiet], seeded.grants["projector"]


def _start_round(database_url: str, code: str) -> None:
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            cafe_round = current_round(session, workshops.get_by_code(session, code))
            now = datetime.now(UTC)
            cafe_round.status = "running"
            cafe_round.started_at = now
            cafe_round.ends_at = now + timedelta(hours=2)
    finally:
        engine.dispose()


@contextmanager
def server(tmp: Path, name: str, env: dict[str, str]) -> Iterator[int]:
    """`python -m facilitator serve` on the seeded database; yield its port."""
    process, base, log = start_serve(tmp, name, env)
    try:
        yield int(base.rsplit(":", 1)[1])
    except BaseException:
        print((tmp / f"{name}.log").read_text(errors="replace")[-3000:], file=sys.stderr)
        raise
    finally:
        _stop(process)
        log.close()


# --- clients -----------------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    """A connected phone, the table its snapshot names, and the seq it last saw."""

    phone: Phone
    table: int
    seq: int


def _ignore(_phone: Phone, _rest: str, _now: float) -> None:
    return None


async def _sync(phone: Phone, last_seq: int) -> dict[str, Any]:
    _at, (ack,) = await asyncio.wait_for(phone.emit("sync", {"last_seq": last_seq}), ACK_TIMEOUT)
    if not ack.get("ok"):
        raise RuntimeError(f"sync refused: {ack}")
    return ack


async def join_phone(port: int, secret: str, code: str, public_id: str) -> Seat:
    """Connect a participant with a minted cookie and take its table from `sync`."""
    token = issue_token(secret, Caller("participant", code, public_id))
    phone = await connect(
        HOST,
        port,
        cookie=f"{cookie_name('participant', code)}={token}",
        auth={"code": code, "role": "participant"},
        watch=_ignore,
    )
    snapshot = (await _sync(phone, 0))["snapshot"]
    return Seat(phone, snapshot["seat"]["table"], snapshot["seq"])


async def join_phones(port: int, secret: str, code: str, public_ids: list[str]) -> list[Seat]:
    """Connect the phones a few at a time (eventlet's listen backlog is 50)."""
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one(public_id: str) -> Seat:
        async with gate:
            return await join_phone(port, secret, code, public_id)

    return list(await asyncio.gather(*(one(p) for p in public_ids)))


async def join_projector(port: int, secret: str, code: str, grant: str, log: Log) -> Phone:
    """The projector: staff cookie, `sync` once to be in the staff room."""
    token = issue_token(secret, Caller("projector", code, grant=grant))
    phone = await connect(
        HOST,
        port,
        cookie=f"{cookie_name('projector', code)}={token}",
        auth={"code": code, "role": "projector"},
        watch=log.watch_walls,
    )
    await _sync(phone, 0)
    return phone


def post(seat: Seat, text: str, log: Log) -> asyncio.Future[tuple[float, Any]]:
    """Send one note to the phone's table; its ack lands in the log."""
    sent = time.monotonic()
    payload = {"client_id": str(uuid.uuid4()), "text": text, "table": seat.table}
    future = seat.phone.emit("note.post", payload)

    def record(done: asyncio.Future[tuple[float, Any]]) -> None:
        if done.cancelled() or done.exception() is not None:
            log.refused.append("no ack")
            return
        acked, (ack,) = done.result()
        if ack.get("ok"):
            log.posted.append(Posted(sent, acked, ack["note"]["id"]))
        else:
            log.refused.append(ack.get("error", "?"))

    future.add_done_callback(record)
    return future


async def post_load(
    seats: list[Seat], texts: list[str], rate: float, seconds: float, log: Log
) -> list[asyncio.Future[tuple[float, Any]]]:
    """`rate` notes a second for `seconds`, the phones in turn, on a fixed schedule."""
    start, sent = time.monotonic(), []
    for n in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
        sent.append(post(seats[n % len(seats)], texts[n % len(texts)], log))
    return sent


async def probe(seat: Seat, stop: asyncio.Event, log: Log) -> None:
    """Sleep 10 ms, `sync` from the current seq, time the ack; until told to stop."""
    seq = seat.seq
    while not stop.is_set():
        before = time.monotonic()
        await asyncio.sleep(TICK)
        sent = time.monotonic()
        log.client_late.append((sent, sent - before - TICK))
        future = seat.phone.emit("sync", {"last_seq": seq})
        acked, (ack,) = await asyncio.wait_for(future, ACK_TIMEOUT)
        seq = ack.get("seq", seq)
        log.probes.append((sent, acked - sent))


async def wait_for_wall(log: Log, notes: int, timeout: float) -> bool:
    """Poll until the projector got a wall of at least `notes` notes."""
    deadline = time.monotonic() + timeout
    while log.widest_wall() < notes:
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def settle(futures: list[asyncio.Future[tuple[float, Any]]]) -> None:
    """Wait (bounded) for outstanding acks."""
    if futures:
        await asyncio.wait(futures, timeout=ACK_TIMEOUT)


# --- one configuration -------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What to run against one server."""

    port: int
    secret: str
    code: str
    grant: str
    posters: list[str]
    probe_id: str
    texts: list[str]
    rate: float
    seconds: float


async def warm_up(seats: list[Seat], texts: list[str], log: Log) -> None:
    """One note per table, then a wall that covers them (loads the renderer)."""
    first_at: dict[int, Seat] = {}
    for seat in seats:
        first_at.setdefault(seat.table, seat)
    await settle(
        [post(seat, text, log) for seat, text in zip(first_at.values(), texts, strict=False)]
    )
    if not await wait_for_wall(log, len(log.posted), WARM_UP_TIMEOUT):
        raise RuntimeError("no wall after the warm-up notes")


async def measure(plan: Plan, label: str) -> Result:
    """Connect, warm up, probe idle, then probe under load; the figures."""
    log = Log()
    projector = await join_projector(plan.port, plan.secret, plan.code, plan.grant, log)
    seats = await join_phones(plan.port, plan.secret, plan.code, plan.posters)
    prober = await join_phone(plan.port, plan.secret, plan.code, plan.probe_id)
    if prober.table in {seat.table for seat in seats}:
        raise RuntimeError("the probe must sit at a table where nobody posts")
    try:
        await warm_up(seats, plan.texts[-len(seats) :], log)
        stop = asyncio.Event()
        probing = asyncio.ensure_future(probe(prober, stop, log))
        idle_start = time.monotonic()
        await asyncio.sleep(IDLE_SECONDS)
        load_start = time.monotonic()
        futures = await post_load(seats, plan.texts, plan.rate, plan.seconds, log)
        load_end = time.monotonic()
        stop.set()
        await asyncio.wait_for(probing, ACK_TIMEOUT)
        await settle(futures)
        await wait_for_wall(log, max(n.note_id for n in log.posted), DRAIN_TIMEOUT)
    finally:
        for phone in [projector, prober.phone, *(seat.phone for seat in seats)]:
            phone.close()
    return summarise(log, label, (idle_start, load_start, load_end))


def summarise(log: Log, label: str, marks: tuple[float, float, float]) -> Result:
    """Cut the log into the idle and load windows and compute the figures."""
    idle_start, load_start, load_end = marks
    check_ids(log)
    idle_rtt = _between(log.probes, idle_start, load_start)
    baseline = statistics.median(idle_rtt)
    fresh, post_to_wall, unseen = freshness(log, load_start)
    digests = [digest for at, _notes, digest in log.walls if load_start <= at < load_end]
    loaded = [n for n in log.posted if n.sent >= load_start]
    return Result(
        label=label,
        idle_rtt=idle_rtt,
        lag=[rtt - baseline for rtt in _between(log.probes, load_start, load_end)],
        freshness=fresh,
        post_to_wall=post_to_wall,
        unseen=unseen,
        post_to_ack=[n.acked - n.sent for n in loaded],
        walls=len(digests),
        distinct_walls=len(set(digests)),
        client_late=_between(log.client_late, load_start, load_end),
        posted=len(loaded),
        refused=len(log.refused),
    )


def run_config(label: str, workers: int, options: argparse.Namespace, texts: list[str]) -> Result:
    """A fresh database and server process with OFFLOAD_WORKERS=`workers`; measure."""
    secret = secrets.token_urlsafe(32)
    env = {"FACILITATOR_SECRET_KEY": secret, "FACILITATOR_OFFLOAD_WORKERS": str(workers)}
    env |= notes_limit_env(options)
    with tempfile.TemporaryDirectory(prefix="harvest-loop-") as folder:
        tmp = Path(folder)
        code, posters, probe_id, grant = seed_running(f"sqlite:///{tmp}/db.sqlite3", options.tables)
        with server(tmp, f"server-{label}", env) as port:
            plan = Plan(
                port, secret, code, grant, posters, probe_id, texts, options.rate, options.seconds
            )
            return asyncio.run(measure(plan, label))


def notes_limit_env(options: argparse.Namespace) -> dict[str, str]:
    """Raise the per-participant note limit only if a phone would post more than 12."""
    per_phone = math.ceil(options.rate * options.seconds / (options.tables * TABLE_SIZE)) + 1
    if per_phone <= DEFAULT_NOTES_PER_MINUTE:
        return {}
    return {"FACILITATOR_NOTES_PER_MINUTE": str(per_phone)}


# --- report ------------------------------------------------------------------------


def note_texts() -> list[str]:
    """Distinct note texts that `note.post` accepts (1 to 280 characters)."""
    return [text.strip() for text, _lang in pool_of_texts() if 0 < len(text.strip()) <= 280]


def report(result: Result) -> None:
    """One configuration's figures, in ms."""
    print(f"{result.label}:")
    print(f"  idle probe round trip p50/p99/max: {spread(result.idle_rtt)} ms")
    print(f"  event-loop lag p50/p99/max:        {spread(result.lag)} ms", end="")
    print(f" ({len(result.lag)} probes)")
    print(f"  freshness (ack to themes):         {spread(result.freshness)} ms", end="")
    print(f" ({len(result.freshness)} notes, {result.unseen} never on a wall)")
    print(f"  post to wall p50/p99/max:          {spread(result.post_to_wall)} ms")
    print(f"  post to ack p50/p99/max:           {spread(result.post_to_ack)} ms")
    print(f"  walls during the load:             {result.walls} ({result.distinct_walls} distinct)")
    print(f"  client's own 10 ms sleeps, late:   {spread(result.client_late)} ms")
    print(f"  notes posted under load: {result.posted}, refused or unacked: {result.refused}")


def ratios(a: Result, b: Result) -> None:
    """B against A: lag (p99, max; A's p50 is ~0 after the baseline), freshness."""
    for name, q in (("p99", 0.99), ("max", 1.0)):
        print(f"ratio B/A lag {name}: {pct(b.lag, q) / pct(a.lag, q):.1f}")
    for name, q in (("p50", 0.5), ("p99", 0.99)):
        fresh = pct(b.freshness, q) / pct(a.freshness, q)
        whole = pct(b.post_to_wall, q) / pct(a.post_to_wall, q)
        print(f"ratio B/A {name}: ack to wall {fresh:.2f}, post to wall {whole:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=25.0, help="load duration")
    parser.add_argument("--rate", type=float, default=20.0, help="notes a second")
    parser.add_argument("--tables", type=int, default=12, help="tables of 5 posting phones")
    options = parser.parse_args()
    started = time.monotonic()
    texts = note_texts()
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores: keep other work off)")
    print(
        f"{options.tables * TABLE_SIZE} phones at {options.tables} tables, {options.rate:g}"
        f" notes/s for {options.seconds:g} s, {len(texts)} distinct texts;"
        f" extra env: {notes_limit_env(options) or 'none'}"
    )
    a = run_config("A (OFFLOAD_WORKERS=1)", 1, options, texts)
    report(a)
    b = run_config("B (OFFLOAD_WORKERS=0)", 0, options, texts)
    report(b)
    ratios(a, b)
    print(f"total {time.monotonic() - started:.0f} s, load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
