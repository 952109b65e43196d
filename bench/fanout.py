"""Round-change fan-out: from the facilitator's "apply" to the last phone's new seat.

For N simulated phones (1,000 and 3,000 by default) connected to ONE server worker
(`python -m facilitator serve`: eventlet, SQLite in a temp dir), measures the time from
the moment the facilitator's client emits `plan.apply` (with the plan it previewed just
before, as the console does) to the arrival of each phone's
new table with its contents (its table's `round.seats` message naming it and carrying
the table's notes, insight, photos and briefing: what the phone's reducer applies to
show it, with no snapshot), and reports p50/p99/max (nearest rank, over the phones
served) and how many phones got it; it exits non-zero when any phone did not. The
facilitator's ack (sent by the server once the round change is stored and every emit
queued) splits that into handler and write-out time.

In the same run, the floor: the same N clients connected to a bare python-socketio
server on eventlet (`bench/fanout_floor.py`, its own process) receiving ONE broadcast,
timed from the emit of the trigger to each client's arrival. Ratio = p99 / floor p99.

All clients (phones and facilitator) live in this process on one asyncio loop
(`bench/sio_client.py`, raw WebSocket speaking Engine.IO v4 / Socket.IO v5), so t0 and
every arrival come from the same monotonic clock; the servers are separate processes
on 127.0.0.1. Every measurement is repeated (3 times by default; successive rounds on
the same connected phones) and the medians are printed.

The workshop is seeded before the server starts, straight into its SQLite file: tables
of 5 (capacity 6, one host each), one round per repeat plus one, every phone seated in
round 1 and marked away. Phones authenticate with cookies minted here with the secret
key the server is given, connect (presence becomes connected) and `sync` once, like a
browser.

Run: `.venv/bin/python -m bench.fanout [--sizes 1000 3000] [--repeats 3]`.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import itertools
import math
import os
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from bench.measure import server_cpu
from bench.sio_client import Phone, connect
from facilitator.cafe import workshops
from facilitator.organise.demo import template
from facilitator.store.db import make_engine, make_session_factory, migrate, session_scope
from facilitator.store.models import CafeTable, Participant, Seat
from facilitator.store.queries import current_round, list_tables
from facilitator.web.auth import Caller, cookie_name, grant_of, issue_token
from tests.live import free_port, start_serve

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
TABLE_SIZE, TABLE_CAPACITY = 5, 6
CONNECT_CONCURRENCY = 40  # below eventlet's listen backlog of 50: no SYN retries
CONNECT_TIMEOUT = 120.0  # for all N phones
FANOUT_TIMEOUT = 30.0  # for one round change or broadcast to reach everyone
SETTLE = 1.0  # seconds between repeats


@dataclass(frozen=True)
class Sample:
    """One fan-out: latencies in ms over the phones that got the event."""

    total: int
    latencies: list[float]
    ack: float | None = None  # ms until the trigger's ack arrived
    cpu: float | None = None  # the server's CPU ms from the emit to the last arrival

    @property
    def served(self) -> int:
        return len(self.latencies)

    def pct(self, q: float) -> float:
        """Nearest-rank percentile in ms (NaN when nobody was served)."""
        ordered = sorted(self.latencies)
        if not ordered:
            return math.nan
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass(frozen=True)
class Summary:
    """Medians over repeats of a Sample's figures."""

    p50: float
    p99: float
    max: float
    served: int  # the fewest served in any repeat
    total: int
    ack: float | None
    cpu: float | None  # the server's CPU ms per fan-out

    @classmethod
    def of(cls, samples: list[Sample]) -> Summary:
        acks = [s.ack for s in samples if s.ack is not None]
        cpus = [s.cpu for s in samples if s.cpu is not None]
        return cls(
            p50=statistics.median(s.pct(0.50) for s in samples),
            p99=statistics.median(s.pct(0.99) for s in samples),
            max=statistics.median(s.pct(1.0) for s in samples),
            served=min(s.served for s in samples),
            total=samples[0].total,
            ack=statistics.median(acks) if acks else None,
            cpu=statistics.median(cpus) if cpus else None,
        )


# --- seeding ---------------------------------------------------------------------


@dataclass(frozen=True)
class Seeded:
    code: str
    public_ids: list[str]
    grants: dict[str, str]  # role -> what a staff cookie from its link remembers


def _spec(people: int, rounds: int) -> dict[str, Any]:
    """The demo template with enough tables for `people` and `rounds` café rounds."""
    spec = copy.deepcopy(template())
    spec["tables"] = {"count": math.ceil(people / TABLE_SIZE), "capacity": TABLE_CAPACITY}
    cafe = next(p for p in spec["phases"] if p.get("rounds"))
    while len(cafe["rounds"]) < rounds:
        cafe["rounds"].append(copy.deepcopy(cafe["rounds"][-1]))
    for phase in spec["phases"]:
        if phase is not cafe:
            phase.pop("rounds", None)
    return spec


def seed(database_url: str, people: int, rounds: int) -> Seeded:
    """A workshop with `people` seated in round 1, one host per table (bulk inserts)."""
    engine = make_engine(database_url)
    migrate(engine)
    try:
        with session_scope(make_session_factory(engine)) as s:
            links = workshops.create_workshop(s, _spec(people, rounds))
            code = links.join_code
            grants = {
                "facilitator": grant_of(workshops.hash_secret(links.facilitator_secret)),
                "projector": grant_of(workshops.hash_secret(links.projector_secret)),
            }
            workshop = workshops.get_by_code(s, code)
            tables = list_tables(s, workshop.id)
            public_ids = [secrets.token_hex(8) for _ in range(people)]
            s.execute(insert(Participant), _participant_rows(workshop, public_ids, len(tables)))
            ids = s.scalars(
                select(Participant.id)
                .where(Participant.workshop_id == workshop.id)
                .order_by(Participant.id)
            ).all()
            round_id = current_round(s, workshop).id
            seats = [
                {"round_id": round_id, "participant_id": pid, "table_id": table.id}
                for pid, table in zip(ids, itertools.cycle(tables), strict=False)
            ]
            s.execute(insert(Seat), seats)
            for table, host_id in zip(tables, ids, strict=False):
                s.execute(update(CafeTable).where(CafeTable.id == table.id).values(host_id=host_id))
    finally:
        engine.dispose()
    return Seeded(code, public_ids, grants)


def _participant_rows(workshop: Any, public_ids: list[str], tables: int) -> list[dict[str, Any]]:
    languages = workshop.languages.split(",")
    return [
        {
            "workshop_id": workshop.id,
            "public_id": public_id,
            "display_name": f"Phone {i}",
            "language": languages[i % len(languages)],
            "is_host": i < tables,  # participant i sits at table i % tables
            "is_bot": False,
            "presence": "away",
            "joined_at": workshop.created_at,
        }
        for i, public_id in enumerate(public_ids)
    ]


# --- processes -------------------------------------------------------------------


def raise_open_file_limit() -> None:
    """Thousands of sockets: lift the soft limit to the hard one (children inherit it)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("server did not open its port in time")


def _stop(process: subprocess.Popen[Any]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def floor_server(tmp: Path) -> Iterator[int]:
    """Run bench/fanout_floor.py on a free port; yield the port."""
    port = free_port()
    with (tmp / "floor.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.fanout_floor", str(port)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for_port(port, process)
            yield port
        finally:
            _stop(process)


@contextmanager
def app_server(tmp: Path, secret: str) -> Iterator[int]:
    """Run `python -m facilitator serve` on the seeded SQLite file; yield the port."""
    env = {"FACILITATOR_SECRET_KEY": secret, "FACILITATOR_EVENTLET_MAX_SIZE": "10000"}
    process, base, log = start_serve(tmp, "server", env)
    try:
        yield int(base.rsplit(":", 1)[1])
    except BaseException:
        print((tmp / "server.log").read_text(errors="replace")[-3000:], file=sys.stderr)
        raise
    finally:
        _stop(process)
        log.close()


# --- clients ---------------------------------------------------------------------


class Tally:
    """A watcher that stamps each phone once when the awaited event arrives, if armed."""

    def __init__(self, event: str, keyed: bool = False, contents: bool = False) -> None:
        self.head = f'["{event}"'
        self.keyed = keyed  # the message must name the phone (its public id)
        self.contents = contents  # ... and carry its new table's notes and briefing
        self.pending = 0
        self.armed = False
        self.done = asyncio.Event()

    def arm(self, phones: list[Phone]) -> None:
        for phone in phones:
            phone.mark = None
        self.pending, self.armed = len(phones), True
        self.done.clear()

    def __call__(self, phone: Phone, rest: str, now: float) -> None:
        if self.keyed and f'"{getattr(phone, "key", "")}"' not in rest:
            return
        if self.contents and '"notes":' not in rest:
            return  # a seat without its table's contents: the phone would still need a sync
        if self.armed and phone.mark is None and rest.startswith(self.head):
            phone.mark = now
            self.pending -= 1
            if self.pending == 0:
                self.armed = False
                self.done.set()


def _ignore(_phone: Phone, _rest: str, _now: float) -> None:
    return None


async def _bounded(jobs: list[Awaitable[Phone | None]]) -> list[Phone]:
    """Run connection jobs a few at a time; keep the ones that succeeded."""
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def run(job: Awaitable[Phone | None]) -> Phone | None:
        async with gate:
            return await job

    tasks = [asyncio.ensure_future(run(job)) for job in jobs]
    done, pending = await asyncio.wait(tasks, timeout=CONNECT_TIMEOUT)
    for task in pending:
        task.cancel()
    return [p for t in done if not t.cancelled() and (p := t.result()) is not None]


async def _phone(
    port: int, cookie: str | None, auth: dict[str, Any] | None, watch: Tally, key: str = ""
) -> Phone | None:
    """Connect one phone and, for the app, `sync` once; None when that failed."""
    try:
        phone = await connect(HOST, port, cookie=cookie, auth=auth, watch=watch)
        phone.key = key  # type: ignore[attr-defined]
        if auth is not None:
            _at, (ack,) = await asyncio.wait_for(phone.emit("sync", {"last_seq": 0}), 30)
            if not ack.get("ok"):
                raise ConnectionError(f"sync refused: {ack}")
        return phone
    except (TimeoutError, OSError) as exc:  # refusals are ConnectionErrors
        print(f"  phone failed: {exc!r}", file=sys.stderr)
        return None


async def _fan_out(
    trigger: Phone,
    phones: list[Phone],
    tally: Tally,
    event: str,
    data: Any,
    total: int,
    cpu_of_port: int | None = None,
) -> Sample:
    """Emit `event` from the trigger; wait until every phone is stamped or time runs out.
    With `cpu_of_port`, that server's CPU is read from /proc before the emit and once
    every phone and the trigger's ack are in: what it spent on this fan-out."""
    tally.arm(phones)
    cpu_before = server_cpu(cpu_of_port) if cpu_of_port else 0.0
    t0 = time.monotonic()
    ack_future = trigger.emit(event, data)
    try:
        await asyncio.wait_for(tally.done.wait(), FANOUT_TIMEOUT)
    except TimeoutError:
        print(f"  {tally.pending} phones never got it", file=sys.stderr)
    tally.armed = False
    ack_at, (ack,) = await asyncio.wait_for(ack_future, FANOUT_TIMEOUT)
    cpu = (server_cpu(cpu_of_port) - cpu_before) * 1000 if cpu_of_port else None
    if not ack.get("ok"):
        raise RuntimeError(f"{event} refused: {ack}")
    latencies = [(p.mark - t0) * 1000 for p in phones if p.mark is not None]
    return Sample(total, latencies, (ack_at - t0) * 1000, cpu)


async def _preview(facilitator: Phone) -> dict[str, int]:
    """The console's plan for the next round, asked for before the clock starts."""
    _at, (ack,) = await asyncio.wait_for(facilitator.emit("plan.preview", {}), FANOUT_TIMEOUT)
    if not ack.get("ok"):
        raise RuntimeError(f"plan.preview refused: {ack}")
    return ack["seating"]


def _connected(label: str, count: int, total: int, started: float) -> None:
    elapsed = time.monotonic() - started
    print(f"  {label}: {count}/{total} connected in {elapsed:.1f} s", file=sys.stderr)


def _close(phones: list[Phone]) -> None:
    for phone in phones:
        phone.close()


async def measure_floor(port: int, people: int, repeats: int) -> list[Sample]:
    """N bare clients, one broadcast per repeat."""
    trigger = await connect(HOST, port, watch=_ignore)
    tally = Tally("tick")
    started = time.monotonic()
    phones = await _bounded([_phone(port, None, None, tally) for _ in range(people)])
    _connected("floor", len(phones), people, started)
    samples = []
    payload = {"seq": 1, "data": {"seat": {"round": 2, "table": 17, "table_name": None}}}
    try:
        for _ in range(repeats):
            await asyncio.sleep(SETTLE)
            sample = await _fan_out(trigger, phones, tally, "broadcast", payload, people, port)
            samples.append(sample)
    finally:
        _close([trigger, *phones])
    return samples


async def measure_app(port: int, secret: str, seeded: Seeded, repeats: int) -> list[Sample]:
    """N phones of the seeded workshop; per repeat a preview, then the timed apply."""
    code = seeded.code
    staff = issue_token(secret, Caller("facilitator", code, grant=seeded.grants["facilitator"]))
    facilitator = await connect(
        HOST,
        port,
        cookie=f"{cookie_name('facilitator', code)}={staff}",
        auth={"code": code, "role": "facilitator"},
        watch=_ignore,
    )
    tally = Tally("round.seats", keyed=True, contents=True)
    jobs = [
        _phone(port, _participant_cookie(secret, code, pid), _auth(code), tally, pid)
        for pid in seeded.public_ids
    ]
    started = time.monotonic()
    phones = await _bounded(jobs)
    _connected("app", len(phones), len(jobs), started)
    samples = []
    try:
        for number in range(1, repeats + 1):
            await asyncio.sleep(SETTLE)
            sample = await _fan_out(
                facilitator,
                phones,
                tally,
                "plan.apply",
                {"expected": number, "seating": await _preview(facilitator)},
                len(jobs),
                port,
            )
            samples.append(sample)
    finally:
        _close([facilitator, *phones])
    return samples


def _participant_cookie(secret: str, code: str, public_id: str) -> str:
    token = issue_token(secret, Caller("participant", code, public_id))
    return f"{cookie_name('participant', code)}={token}"


def _auth(code: str) -> dict[str, str]:
    return {"code": code, "role": "participant"}


# --- report ----------------------------------------------------------------------


def _line(label: str, people: int, summary: Summary) -> str:
    ack = f"{summary.ack:8.1f}" if summary.ack is not None else f"{'-':>8}"
    return (
        f"{label:>6} {people:>6} {summary.p50:8.1f} {summary.p99:8.1f} {summary.max:8.1f}"
        f" {ack} {summary.served:>6}/{summary.total}"
    )


def _print_samples(label: str, samples: list[Sample]) -> None:
    for i, s in enumerate(samples, 1):
        print(
            f"  {label} #{i}: p50 {s.pct(0.5):.1f} p99 {s.pct(0.99):.1f} max {s.pct(1):.1f}"
            f" ack {s.ack:.1f} ms, {s.served}/{s.total}, server CPU {s.cpu or 0:.0f} ms",
            file=sys.stderr,
        )


def run_size(people: int, repeats: int) -> tuple[Summary, Summary]:
    """Floor then app for one size, each on its own fresh server process."""
    secret = secrets.token_urlsafe(32)
    with tempfile.TemporaryDirectory(prefix="fanout-") as folder:
        tmp = Path(folder)
        with floor_server(tmp) as port:
            floor = asyncio.run(measure_floor(port, people, repeats))
        _print_samples("floor", floor)
        seeded = seed(f"sqlite:///{tmp}/db.sqlite3", people, repeats + 1)
        with app_server(tmp, secret) as port:
            app = asyncio.run(measure_app(port, secret, seeded, repeats))
        _print_samples("app", app)
    return Summary.of(floor), Summary.of(app)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    raise_open_file_limit()
    started = time.monotonic()
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores: keep other work off)")
    print(f"medians of {args.repeats} runs, ms from emit to arrival; served = fewest in a run")
    print(f"{'':>6} {'phones':>6} {'p50':>8} {'p99':>8} {'max':>8} {'ack':>8} {'served':>10}")
    short = []
    for people in args.sizes:
        floor, app = run_size(people, args.repeats)
        print(_line("floor", people, floor))
        print(_line("app", people, app))
        print(f"{'':>6} {people:>6} p99 ratio app/floor: {app.p99 / floor.p99:.2f}", flush=True)
        if app.cpu is not None and floor.cpu:
            print(
                f"{'':>6} {people:>6} server CPU per fan-out: app {app.cpu:.0f} ms,"
                f" floor {floor.cpu:.0f} ms, ratio {app.cpu / floor.cpu:.2f}",
                flush=True,
            )
        for label, summary in (("floor", floor), ("app", app)):
            if summary.served < summary.total or summary.total < people:
                short.append(f"{label} at {people}: {summary.served}/{people} phones served")
    print(f"total {time.monotonic() - started:.0f} s, load average after: {os.getloadavg()[0]:.2f}")
    if short:
        # Figures over the phones that made it would flatter the server: no result.
        sys.exit("FAILED: not every phone connected and reached its new table: " + "; ".join(short))


if __name__ == "__main__":
    main()
