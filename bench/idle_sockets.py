"""Idle sockets against one worker: how many it holds while a phone is still served.

Each step opens N raw TCP connections to ONE server worker (`python -m facilitator
serve`: eventlet, SQLite in a temp dir) that send half a request header and then
nothing (a slow-loris, or phones that never close), and times a phone: the join page
GET, a Socket.IO connection (WebSocket, participant cookie) and one `sync` with its
ack, served or not within PHONE_TIMEOUT (the slowest of `--tries` phones one after
another). The phone is timed right after the idle sockets are open ("now") and again
the socket timeout plus a margin later ("later"); each time the bench also counts the
idle sockets the server still holds (has not closed). After each step the bench closes
its idle sockets.

Two servers in the same run, one after the other on the same seeded workshop: the
baseline with the socket timeout off (FACILITATOR_EVENTLET_SOCKET_TIMEOUT=0, eventlet's
default before), then with it on. Both wait the same time before "later". Ratio =
later phone time with the timeout / without. The idle sockets use up eventlet's
`max_size` places (FACILITATOR_EVENTLET_MAX_SIZE, 10,000 as in production unless
`--max-size` says otherwise): a smaller `--max-size` shows, within the open-file limit,
what 10,000 idle sockets do to the production server.

Everything runs on 127.0.0.1; the steps are capped at MAX_IDLE sockets and by the
open-file limit (raised to the hard limit here: the server inherits it), and opening
a step's sockets stops after OPEN_DEADLINE (beyond `max_size` they wait in the listen
backlog). The bench fails at once if the phone cannot connect, or is not served within
1 s, before any idle socket is opened (after one phone to warm the server up).

Run: `.venv/bin/python -m bench.idle_sockets [--steps 500 1000 2000 5000 9000]
[--timeout 5] [--max-size 10000] [--tries 3]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.fanout import raise_open_file_limit, seed
from bench.sio_client import Phone, connect
from facilitator.config import defaults
from facilitator.web.auth import Caller, cookie_name, issue_token
from tests.live import start_serve

HOST = "127.0.0.1"
MAX_IDLE = 9_500  # per step: bounded, below the production max_size of 10,000
SPARE_FILES = 200  # open files the bench needs besides the idle sockets
CONNECT_CONCURRENCY = 40  # connects in flight at once, as bench.fanout (listen backlog: 50)
OPEN_DEADLINE = 120.0  # for all of a step's idle sockets
PHONE_TIMEOUT = 5.0  # a phone not served by then counts as not served
SERVED_WITHIN = 1.0  # seconds: what "still serving a phone" means
MARGIN = 2.0  # seconds after the timeout before "later"
SETTLE = 1.0  # seconds after closing a step's idle sockets
HALF_A_HEADER = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow"


class Idle(asyncio.Protocol):
    """One connection that sends half a request header, then nothing."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed_by_server = False
        self.closed_by_us = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(HALF_A_HEADER)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed_by_server = not self.closed_by_us

    def close(self) -> None:
        if self.transport is not None and not self.closed_by_server:
            self.closed_by_us = True
            self.transport.abort()  # a reset: the server lets go at once, for the next step


@dataclass(frozen=True)
class Step:
    """One step of one server: sockets asked for, opened and still held; phone times."""

    asked: int
    opened: int
    held_now: int  # not closed by the server when the phone is timed "now"
    held: int  # the same "later"
    now_ms: float | None  # slowest phone right after opening (None: one not served)
    later_ms: float | None  # the same after the timeout and the margin


async def _open_idle(port: int, count: int) -> list[Idle]:
    """Open `count` idle connections, a few at a time; keep the ones that connected."""
    loop = asyncio.get_running_loop()
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one() -> Idle | None:
        async with gate:
            try:
                _transport, idle = await loop.create_connection(Idle, HOST, port)
            except OSError:
                return None
            return idle

    tasks = [asyncio.ensure_future(one()) for _ in range(count)]
    done, pending = await asyncio.wait(tasks, timeout=OPEN_DEADLINE)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return [idle for task in done if (idle := task.result()) is not None]


async def _get(port: int, path: str) -> int:
    """The status of one plain HTTP GET, on its own connection."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        request = f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nConnection: close\r\n\r\n"
        writer.write(request.encode())
        data = await reader.read()  # until the server closes (Connection: close)
    finally:
        writer.close()
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0


async def _phone_once(port: int, code: str, cookie: str) -> float | None:
    """Milliseconds for the join page, a Socket.IO connection and a `sync` (None: failed)."""
    started = time.monotonic()
    phone: Phone | None = None
    try:
        async with asyncio.timeout(PHONE_TIMEOUT):
            if await _get(port, f"/j/{code}") != 200:
                return None
            phone = await connect(
                HOST,
                port,
                cookie=cookie,
                auth={"code": code, "role": "participant"},
                watch=lambda *_: None,
                timeout=PHONE_TIMEOUT,
            )
            _at, (ack,) = await phone.emit("sync", {"last_seq": 0})
            if not ack.get("ok"):
                return None
    except (TimeoutError, OSError):  # refusals are ConnectionErrors
        return None
    finally:
        if phone is not None:
            phone.close()
    return (time.monotonic() - started) * 1000


async def _phone(port: int, code: str, cookie: str, tries: int) -> float | None:
    """The slowest of `tries` phones one after another; None if any was not served."""
    # Not a median: a first phone that waited for a place to free up would hide behind
    # the ones served quickly after it.
    times = [await _phone_once(port, code, cookie) for _ in range(tries)]
    served = [t for t in times if t is not None]
    return max(served) if len(served) == len(times) else None


async def _measure(
    port: int, code: str, cookie: str, steps: list[int], wait: float, tries: int
) -> list[Step]:
    """Every step on one running server."""
    # The first page a fresh server renders loads its templates and translations.
    if await _phone_once(port, code, cookie) is None:
        raise SystemExit(f"the phone could not connect at all (within {PHONE_TIMEOUT} s)")
    start = await _phone(port, code, cookie, tries)
    if start is None or start > SERVED_WITHIN * 1000:
        raise SystemExit(
            f"the phone was not served within {SERVED_WITHIN} s before any idle socket was"
            f" opened ({start} ms): nothing to measure"
        )
    print(f"  phone with no idle socket: {start:.0f} ms", file=sys.stderr, flush=True)
    results = []
    for count in steps:
        started = time.monotonic()
        idle = await _open_idle(port, count)
        opened_at = time.monotonic()
        held_now = sum(not i.closed_by_server for i in idle)
        now = await _phone(port, code, cookie, tries)
        # From the last one opened: each is closed the timeout after its own accept.
        await asyncio.sleep(max(0.0, opened_at + wait - time.monotonic()))
        held = sum(not i.closed_by_server for i in idle)
        later = await _phone(port, code, cookie, tries)
        for i in idle:
            i.close()
        step = Step(count, len(idle), held_now, held, now, later)
        print(f"  {step} (opened in {opened_at - started:.1f} s)", file=sys.stderr, flush=True)
        results.append(step)
        await asyncio.sleep(SETTLE)
    return results


@contextmanager
def _server(tmp: Path, name: str, env: dict[str, str]) -> Iterator[int]:
    """Run `python -m facilitator serve` on the seeded SQLite file; yield its port."""
    process, base, log = start_serve(tmp, name, env)
    try:
        yield int(base.rsplit(":", 1)[1])
    except BaseException:
        print((tmp / f"{name}.log").read_text(errors="replace")[-3000:], file=sys.stderr)
        raise
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _usable_steps(steps: list[int]) -> list[int]:
    """The steps that fit MAX_IDLE and the open-file limit (the server has the same)."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    fits = [s for s in steps if 0 < s <= min(MAX_IDLE, soft - SPARE_FILES)]
    for s in steps:
        if s not in fits:
            print(f"step {s} skipped: more than {MAX_IDLE} or the open-file limit {soft}")
    return fits


def _ms(value: float | None) -> str:
    return f"{value:8.0f}" if value is not None else f"{'failed':>8}"


def _ratio(on: float | None, off: float | None) -> str:
    if on is None or off is None:
        return f"{'-':>6}"
    return f"{on / off:6.2f}"


def _report(baseline: list[Step], timed: list[Step], timeout: int) -> None:
    print(f"{'':>6} {'timeout off (baseline)':^44} | {f'timeout {timeout} s':^44} |")
    header = f"{'opened':>8} {'held':>8} {'now ms':>8} {'held':>8} {'later ms':>8}"
    print(f"{'idle':>6} {header} | {header} | {'ratio':>6}")
    for off, on in zip(baseline, timed, strict=True):
        print(
            f"{off.asked:>6} {_columns(off)} | {_columns(on)} | {_ratio(on.later_ms, off.later_ms)}"
        )
    for label, steps in (("off", baseline), ("on", timed)):
        fast = [s for s in steps if s.later_ms is not None and s.later_ms < SERVED_WITHIN * 1000]
        print(
            f"timeout {label}: phone served 'later' in < {SERVED_WITHIN:.0f} s at"
            f" {len(fast)} of {len(steps)} steps"
            f" ({', '.join(str(s.asked) for s in fast) or 'none'} idle sockets asked);"
            f" the server held {max((s.held for s in steps), default=0)} at most 'later'"
        )


def _columns(step: Step) -> str:
    return (
        f"{step.opened:>8} {step.held_now:>8} {_ms(step.now_ms)} {step.held:>8}"
        f" {_ms(step.later_ms)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, nargs="+", default=[500, 1000, 2000, 5000, 9000])
    parser.add_argument("--timeout", type=int, default=5, help="the socket timeout, seconds")
    parser.add_argument("--max-size", type=int, default=10_000, help="eventlet's max_size")
    parser.add_argument("--tries", type=int, default=3, help="phones timed per measure")
    args = parser.parse_args()
    # Undeclared, the variable would be ignored and both servers run with the default.
    if "EVENTLET_SOCKET_TIMEOUT" not in defaults():
        raise SystemExit("facilitator/config.py does not declare EVENTLET_SOCKET_TIMEOUT")
    raise_open_file_limit()
    steps = _usable_steps(sorted(args.steps))
    if not steps or args.timeout <= 0:
        raise SystemExit("nothing to measure: give steps that fit and a timeout above 0")
    wait = args.timeout + MARGIN
    started = time.monotonic()
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores: keep other work off)")
    print(
        f"max_size {args.max_size}; phone = join page + Socket.IO connect + sync, slowest of"
        f" {args.tries}; 'now' right after opening, 'later' {wait:.0f} s after; "
        f"ratio = later with timeout / without"
    )
    secret = secrets.token_urlsafe(32)
    with tempfile.TemporaryDirectory(prefix="idle-") as folder:
        tmp = Path(folder)
        seeded = seed(f"sqlite:///{tmp}/db.sqlite3", 1, 1)
        code = seeded.code
        token = issue_token(secret, Caller("participant", code, seeded.public_ids[0]))
        cookie = f"{cookie_name('participant', code)}={token}"
        results = []
        for name, timeout in (("baseline", 0), ("timeout", args.timeout)):
            env = {
                "FACILITATOR_SECRET_KEY": secret,
                "FACILITATOR_EVENTLET_MAX_SIZE": str(args.max_size),
                "FACILITATOR_EVENTLET_SOCKET_TIMEOUT": str(timeout),
            }
            with _server(tmp, name, env) as port:
                print(f"{name}: timeout {timeout or 'off'}", file=sys.stderr, flush=True)
                results.append(asyncio.run(_measure(port, code, cookie, steps, wait, args.tries)))
    _report(results[0], results[1], args.timeout)
    print(f"total {time.monotonic() - started:.0f} s, load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
