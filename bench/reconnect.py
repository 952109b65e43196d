"""The Wi-Fi blip: N phones lose the venue's Wi-Fi at once and all come back.

For N simulated phones (3,000 by default) of a workshop in its first round, connected
to ONE server worker (`python -m facilitator serve`: eventlet, SQLite in a temp dir),
each having synced once: every connection is cut at the same moment, the server is
given a few seconds to notice (its disconnect handlers run, as after a real blip), then
every phone reconnects the way the browser's Socket.IO client does (its first attempt
after 1 s ± 50%, then again after a failure with a growing delay) and sends
`sync` with the last sequence number it had. A phone counts as back when that `sync`
is answered; the time runs from the moment the Wi-Fi came back. Reported: p50/p99/max
over the phones that made it, how many made it within the deadline, how many
connection attempts failed on the way, and the server's CPU time from the cut to the
last phone back (read from /proc: steadier than the times on a shared machine). The
bench exits non-zero when a phone did not make it: figures over the survivors would
flatter the server.

In the same run, the floor: the same N clients doing the same against a bare
python-socketio server (`bench/fanout_floor.py`), whose `sync` is answered at once.
Ratio = app p99 / floor p99.

Run: `.venv/bin/python -m bench.reconnect [--phones 3000] [--repeats 2]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.fanout import (
    HOST,
    Sample,
    Summary,
    _auth,
    _bounded,
    _connected,
    _ignore,
    _participant_cookie,
    app_server,
    floor_server,
    raise_open_file_limit,
    seed,
)
from bench.measure import server_cpu
from bench.sio_client import Phone, connect

BACK_DEADLINE = 90.0  # seconds after the Wi-Fi returns for every phone to be back
NOTICE = 5.0  # seconds the server is given to see the connections gone
FIRST_DELAY, GROWTH, MOST_DELAY = 1.0, 2.0, 5.0  # socket.io-client's reconnection defaults
JITTER = 0.5
SYNC_TIMEOUT = 20.0


@dataclass
class Device:
    """One phone: how it signs in and the last sequence number it saw."""

    cookie: str | None
    auth: dict[str, Any] | None
    last_seq: int = 0
    phone: Phone | None = None
    failures: int = 0
    back_at: float | None = field(default=None, repr=False)


def _seq_of(ack: dict[str, Any]) -> int:
    snapshot = ack.get("snapshot")
    if isinstance(snapshot, dict):
        return int(snapshot.get("seq", 0))
    events = ack.get("events") or []
    return max((int(e.get("seq", 0)) for e in events if isinstance(e, dict)), default=0)


async def _sign_in(port: int, device: Device) -> Device | None:
    """Connect and sync once from 0 (not timed): the phone before the blip."""
    try:
        device.phone = await connect(
            HOST, port, cookie=device.cookie, auth=device.auth, watch=_ignore
        )
        _at, (ack,) = await asyncio.wait_for(device.phone.emit("sync", {"last_seq": 0}), 30)
        if not ack.get("ok"):
            raise ConnectionError(f"sync refused: {ack}")
        device.last_seq = _seq_of(ack)
        return device
    except (TimeoutError, OSError) as exc:
        print(f"  phone failed before the blip: {exc!r}", file=sys.stderr)
        return None


async def _come_back(port: int, device: Device, deadline: float) -> None:
    """Reconnect like the browser's client until `sync` is answered or time runs out."""
    delay = FIRST_DELAY
    while True:
        await asyncio.sleep(delay * random.uniform(1 - JITTER, 1 + JITTER))
        if time.monotonic() > deadline:
            return
        try:
            device.phone = await connect(
                HOST, port, cookie=device.cookie, auth=device.auth, watch=_ignore
            )
            sync = device.phone.emit("sync", {"last_seq": device.last_seq})
            at, (ack,) = await asyncio.wait_for(sync, SYNC_TIMEOUT)
            if ack.get("ok"):
                device.back_at = at
                return
            raise ConnectionError(f"sync refused: {ack}")
        except (TimeoutError, OSError):
            device.failures += 1
            if device.phone is not None:
                device.phone.close()
            delay = min(delay * GROWTH, MOST_DELAY)


@dataclass(frozen=True)
class Blip:
    """One blip: when each phone was back, failed tries, and the server's CPU seconds."""

    sample: Sample
    failures: int
    cpu: float


async def blip(port: int, devices: list[Device], label: str) -> Blip:
    """Sign every device in, cut them all, bring them back."""
    started = time.monotonic()
    signed = await _bounded([_sign_in(port, d) for d in devices])
    _connected(label, len(signed), len(devices), started)
    cpu_before = server_cpu(port)
    for device in signed:
        assert device.phone is not None
        device.phone.close()
    await asyncio.sleep(NOTICE)
    back = time.monotonic()
    deadline = back + BACK_DEADLINE
    await asyncio.gather(*(_come_back(port, d, deadline) for d in signed))
    cpu = server_cpu(port) - cpu_before
    latencies = [(d.back_at - back) * 1000 for d in signed if d.back_at is not None]
    failures = sum(d.failures for d in signed)
    for device in signed:
        if device.phone is not None:
            device.phone.close()
    return Blip(Sample(len(devices), latencies), failures, cpu)


def run(phones: int, repeats: int) -> list[tuple[str, Blip]]:
    """Floor then app, `repeats` blips each, each on a fresh server process."""
    results: list[tuple[str, Blip]] = []
    secret = secrets.token_urlsafe(32)
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(prefix="reconnect-") as folder:
            tmp = Path(folder)
            with floor_server(tmp) as port:
                bare = [Device(None, None) for _ in range(phones)]
                results.append(("floor", asyncio.run(blip(port, bare, "floor"))))
            seeded = seed(f"sqlite:///{tmp}/db.sqlite3", phones, 2)
            devices = [
                Device(_participant_cookie(secret, seeded.code, pid), _auth(seeded.code))
                for pid in seeded.public_ids
            ]
            with app_server(tmp, secret) as port:
                results.append(("app", asyncio.run(blip(port, devices, "app"))))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    raise_open_file_limit()
    started = time.monotonic()
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores: keep other work off)")
    results = run(args.phones, args.repeats)
    short = []
    summaries, cpus = {}, {}
    for label in ("floor", "app"):
        blips = [b for name, b in results if name == label]
        summary = Summary.of([b.sample for b in blips])
        summaries[label] = summary
        cpus[label] = statistics.median(b.cpu for b in blips)
        print(
            f"{label:>5} {args.phones:>6} phones back: p50 {summary.p50:8.1f}"
            f" p99 {summary.p99:8.1f} max {summary.max:8.1f} ms,"
            f" {summary.served}/{args.phones} back,"
            f" failed tries per blip {[b.failures for b in blips]},"
            f" server CPU {cpus[label]:.2f} s ({cpus[label] / args.phones * 1000:.2f} ms a phone)"
        )
        if summary.served < args.phones:
            short.append(f"{label}: {summary.served}/{args.phones} back")
    print(f"p99 ratio app/floor: {summaries['app'].p99 / summaries['floor'].p99:.2f}")
    print(f"server CPU ratio app/floor: {cpus['app'] / cpus['floor']:.2f}")
    print(f"total {time.monotonic() - started:.0f} s, load average after: {os.getloadavg()[0]:.2f}")
    if short:
        sys.exit("FAILED: not every phone came back after the blip: " + "; ".join(short))


if __name__ == "__main__":
    main()
