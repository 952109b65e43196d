"""Chaos for the real server: phones that drop and resend, and a worker SIGKILLed mid-run.

`tests/test_chaos.py` runs it small (40 phones x 10 notes) in the suite, `bench/chaos.py`
large (500 x 20) with a calm baseline. One run (`run_chaos`):

1. A workshop is seeded and one or two `facilitator serve` workers start on it
   (`tests/chaos_servers.py`); phone `i` lives on worker `i % workers`.
2. Each phone (`bench/sio_client.py`: raw WebSocket, Engine.IO v4, Socket.IO v5, its
   participant cookie minted with the servers' secret key) connects, sends `sync`, and
   writes its notes one after the other. Like `static/js/outbox.js`, a note goes
   into an outbox with a client-made UUID first and stays there until acknowledged; on
   every reconnection the outbox is sent again, same ids, same texts, before anything
   new. The chaos: after sending a note the phone sometimes closes its socket at once
   (the note reached the server, the ack is lost), sometimes aborts the connection
   while idle (a reset), sometimes sends the same note twice without waiting (its resend
   timer firing while the first send is under way). A lost connection is retried with
   backoff, on its own worker first and then on the other.
3. When a share of all notes is acknowledged, worker 0 gets SIGKILL and is started again
   at once on the same port and database; the time from the kill to its `/healthz`
   answering again is measured.
4. When every phone has emptied its outbox, each connects once more and asks for a
   fresh snapshot (`sync` from 0). Then the database is read directly.

`ChaosResult` (`tests/chaos_judge.py`) holds what to check, read from the database and
the servers' logs, and the figures (ack latencies, recovery time). Only 127.0.0.1 is
used; every loop is bounded by `ChaosConfig.deadline`.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.sio_client import Phone
from facilitator.web.auth import Caller, cookie_name, issue_token
from tests.chaos_judge import ChaosResult, judge
from tests.chaos_servers import HOST, Cluster, healthy

RETRY_LATER = {"server_busy", "too_many_notes"}  # the phone keeps the note and tries again
CONNECT_CONCURRENCY = 40  # below eventlet's listen backlog of 50: no SYN retries


@dataclass(frozen=True)
class ChaosConfig:
    phones: int = 40
    notes: int = 10  # per phone
    workers: int = 1
    close_after_send: float = 0.10  # per send: close the socket right after it (ack lost)
    abort_when_idle: float = 0.05  # per note: reset the connection between two notes
    double_send: float = 0.05  # per send: the same note again without waiting
    kill_at: float | None = 0.4  # share of notes acknowledged when worker 0 is SIGKILLed
    think: tuple[float, float] = (0.02, 0.12)  # seconds between two notes of a phone
    ack_timeout: float = 15.0
    deadline: float = 90.0  # the whole posting phase
    seed: int = 1


@dataclass
class PhoneState:
    """What one phone knows: its outbox, what it sent, what came back."""

    index: int
    public_id: str
    cookie: str
    home: int  # its worker
    outbox: dict[str, str] = field(default_factory=dict)  # client id -> text, not yet acked
    texts: dict[str, str] = field(default_factory=dict)  # every note written: id -> text
    sent: set[str] = field(default_factory=set)
    written: int = 0
    acked: dict[str, int] = field(default_factory=dict)  # client id -> stored note id
    duplicates: int = 0  # acks saying "stored before" (a resend found its note)
    latencies: list[float] = field(default_factory=list)  # ms, per acknowledged send
    resends: int = 0
    closes: int = 0  # closed right after a send
    aborts: int = 0  # reset while idle
    reconnects: int = 0
    lost: int = 0  # connections lost under it (the worker killed, a timeout)
    timeouts: int = 0  # of which: an ack (or sync) that did not come in `ack_timeout`
    finished_at: float | None = None  # monotonic, when its outbox was empty
    incidents: list[tuple[float, str]] = field(default_factory=list)  # (monotonic, what)
    step: str = ""  # what it was doing (for the incidents)
    retried: Counter[str] = field(default_factory=Counter)  # server_busy, too_many_notes
    refused: list[str] = field(default_factory=list)  # notes or connections refused for good
    table: int | None = None
    snapshot: set[str] | None = None  # client ids in the final snapshot
    snapshot_table: int | None = None


@dataclass
class Progress:
    total: int
    acked: int = 0
    killed_at: float | None = None  # monotonic
    recovered_after: float | None = None  # seconds from SIGKILL to /healthz answering
    connect_gate: asyncio.Semaphore | None = None  # made inside the event loop


def _ignore(_phone: Phone, _rest: str, _now: float) -> None:
    return None


def _retrieve(future: asyncio.Future[Any]) -> None:
    """Mark a future's exception as seen: a lost connection fails every ack it waited on."""
    if not future.cancelled():
        future.exception()


async def _open(port: int, cookie: str, auth: dict[str, Any], timeout: float) -> Phone:
    """`bench.sio_client.connect`, but closing the socket whenever the handshake fails."""
    loop = asyncio.get_running_loop()
    phone: Phone | None = None
    try:
        _transport, phone = await asyncio.wait_for(
            loop.create_connection(lambda: Phone(HOST, port, cookie, _ignore), HOST, port),
            timeout,
        )
        for future in (phone.opened, phone.joined):
            future.add_done_callback(_retrieve)
        await asyncio.wait_for(asyncio.shield(phone.opened), timeout)
        phone.send_connect(auth)
        await asyncio.wait_for(asyncio.shield(phone.joined), timeout)
        return phone
    except BaseException:
        if phone is not None and phone.transport is not None:
            phone.transport.abort()
            phone.closed = True
        raise


def _emit(phone: Phone, event: str, data: Any) -> asyncio.Future[tuple[float, Any]]:
    """Send an event; on a connection already lost, fail at once (`Phone.emit` would
    leave its ack waiting for ever)."""
    if phone.closed:
        raise ConnectionError("connection lost before sending")
    future = phone.emit(event, data)
    future.add_done_callback(_retrieve)
    return future


async def _connect(
    state: PhoneState, cluster: Cluster, progress: Progress, deadline: float
) -> tuple[Phone, int]:
    """A connection on the phone's worker, else another one; with backoff until deadline."""
    order = [state.home] + [n for n in range(len(cluster.workers)) if n != state.home]
    auth = {"code": cluster.code, "role": "participant"}
    attempt = 0
    while True:
        worker = cluster.workers[order[attempt % len(order)]]
        try:
            async with progress.connect_gate:
                phone = await _open(worker.port, state.cookie, auth, timeout=10)
            return phone, order[attempt % len(order)]
        except ConnectionRefusedError as exc:  # a Socket.IO refusal, or nobody listening
            reason = str(exc)
            if reason.startswith("{") and "server_busy" not in reason:
                state.refused.append(f"connect: {reason}")
                raise
        except (OSError, TimeoutError):
            pass
        attempt += 1
        if time.monotonic() > deadline:
            raise TimeoutError(f"phone {state.index} could not reconnect before the deadline")
        await asyncio.sleep(min(0.1 * 2 ** min(attempt, 4), 1.0) * random.uniform(0.5, 1.5))


async def _call(phone: Phone, event: str, data: Any, timeout: float) -> tuple[float, Any]:
    at, args = await asyncio.wait_for(_emit(phone, event, data), timeout)
    return at, args[0]


def _note_text(state: PhoneState, n: int) -> str:
    return f"note {n} of phone {state.index}: chaos {uuid.uuid4().hex[:6]}"


def _on_ack(
    state: PhoneState, progress: Progress, cid: str, ack: Any, sent_at: float, at: float
) -> None:
    """Take a note out of the outbox when stored or refused for good; keep it on a "later"."""
    if not isinstance(ack, dict):
        state.refused.append(f"{cid}: not an ack: {ack!r:.200}")
        state.outbox.pop(cid, None)
        return
    if ack.get("ok"):
        if cid not in state.acked:
            progress.acked += 1
        state.acked[cid] = ack["note"]["id"]
        state.duplicates += bool(ack.get("duplicate"))
        state.latencies.append((at - sent_at) * 1000)
        state.outbox.pop(cid, None)
    elif ack.get("error") in RETRY_LATER:
        state.retried[ack["error"]] += 1
    else:
        state.refused.append(f"{cid}: {ack.get('error')}")
        state.outbox.pop(cid, None)


def _next_note(state: PhoneState) -> str:
    """The outbox first (resends of what was not acknowledged), then a new note."""
    if state.outbox:
        return next(iter(state.outbox))
    cid = str(uuid.uuid4())
    state.outbox[cid] = state.texts[cid] = _note_text(state, state.written)
    state.written += 1
    return cid


async def _send(
    state: PhoneState, phone: Phone, cfg: ChaosConfig, progress: Progress, rng: random.Random
) -> bool:
    """Send the next note (sometimes twice at once) and wait for its ack; False when the
    chaos closed the connection right after sending."""
    cid = _next_note(state)
    payload = {"client_id": cid, "text": state.outbox[cid], "table": state.table}
    state.step = f"note.post {cid[:8]}"
    state.resends += cid in state.sent
    state.sent.add(cid)
    sends = [(time.monotonic(), _emit(phone, "note.post", payload))]
    if rng.random() < cfg.double_send:
        sends.append((time.monotonic(), _emit(phone, "note.post", payload)))
    if rng.random() < cfg.close_after_send:
        state.closes += 1
        phone.close()  # written, then FIN: the server gets the note, not us the ack
        return False
    for sent_at, future in sends:
        at, (reply,) = await asyncio.wait_for(future, cfg.ack_timeout)
        _on_ack(state, progress, cid, reply, sent_at, at)
    if isinstance(reply, dict) and reply.get("error") in RETRY_LATER:
        await asyncio.sleep(0.5)  # the phone's outbox timer, sooner
    return True


async def _use_connection(
    state: PhoneState, phone: Phone, cfg: ChaosConfig, progress: Progress, rng: random.Random
) -> None:
    """Sync, then send until every note is acknowledged or the chaos drops the connection."""
    state.step = "sync"
    _at, ack = await _call(phone, "sync", {"last_seq": 0}, cfg.ack_timeout)
    if not ack.get("ok"):
        raise ConnectionError(f"sync refused: {ack}")
    state.table = ack["snapshot"]["seat"]["table"]
    while state.written < cfg.notes or state.outbox:
        if not await _send(state, phone, cfg, progress, rng):
            return
        if rng.random() < cfg.abort_when_idle:
            state.aborts += 1
            phone.transport.abort()  # a reset: no close frame, nothing flushed
            phone.closed = True
            return
        await asyncio.sleep(rng.uniform(*cfg.think))


async def _post_all(
    state: PhoneState,
    cluster: Cluster,
    cfg: ChaosConfig,
    progress: Progress,
    rng: random.Random,
    deadline: float,
) -> None:
    """Write every note and keep (re)connecting and (re)sending until all are acknowledged."""
    connections = 0
    while state.written < cfg.notes or state.outbox:
        phone, worker = await _connect(state, cluster, progress, deadline)
        state.reconnects += connections > 0
        connections += 1
        try:
            await _use_connection(state, phone, cfg, progress, rng)
        except (ConnectionError, OSError, TimeoutError) as exc:
            state.lost += 1
            state.timeouts += isinstance(exc, TimeoutError)
            state.incidents.append((time.monotonic(), f"{state.step} on worker {worker}: {exc!r}"))
        finally:
            phone.close()
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"phone {state.index} wrote {state.written} of {cfg.notes} notes,"
                f" {len(state.outbox)} not acknowledged, by the deadline"
            )
    state.finished_at = time.monotonic()


async def _final_snapshot(
    state: PhoneState, cluster: Cluster, cfg: ChaosConfig, progress: Progress
) -> None:
    """A fresh snapshot (`sync` from 0); a `server_busy` answer is asked again, a few times."""
    deadline = time.monotonic() + 30
    phone, _worker = await _connect(state, cluster, progress, deadline)
    try:
        for _attempt in range(10):
            _at, ack = await _call(phone, "sync", {"last_seq": 0}, cfg.ack_timeout)
            if ack.get("ok") or ack.get("error") not in RETRY_LATER:
                break
            state.retried[ack["error"]] += 1
            await asyncio.sleep(0.5)
        if not ack.get("ok"):
            raise ConnectionError(f"final sync refused: {ack}")
        snapshot = ack["snapshot"]
        state.snapshot_table = snapshot["seat"]["table"]
        state.snapshot = {note["client_id"] for note in snapshot["notes"]}
    finally:
        phone.close()


async def _killer(cluster: Cluster, cfg: ChaosConfig, progress: Progress, deadline: float) -> None:
    """SIGKILL worker 0 once `kill_at` of the notes are acknowledged; restart it at once.

    Not before the phones got that far, and not at all if they never do by `deadline`."""
    if cfg.kill_at is None:
        return
    while progress.acked < cfg.kill_at * progress.total:
        if time.monotonic() > deadline:
            return
        await asyncio.sleep(0.02)
    worker = cluster.workers[0]
    progress.killed_at = time.monotonic()
    worker.sigkill()
    worker.launch()  # same port, same database
    while not await healthy(worker.port):
        await asyncio.sleep(0.05)
    progress.recovered_after = time.monotonic() - progress.killed_at
    worker.remember_children()


async def _run(cluster: Cluster, cfg: ChaosConfig) -> ChaosResult:
    rng = random.Random(cfg.seed)
    progress = Progress(total=cfg.phones * cfg.notes)
    progress.connect_gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    states = []
    for i, public_id in enumerate(cluster.public_ids[: cfg.phones]):
        token = issue_token(cluster.secret, Caller("participant", cluster.code, public_id))
        cookie = f"{cookie_name('participant', cluster.code)}={token}"
        states.append(PhoneState(i, public_id, cookie, i % len(cluster.workers)))
    started = time.monotonic()
    deadline = started + cfg.deadline
    killer = asyncio.ensure_future(_killer(cluster, cfg, progress, deadline))
    results = await asyncio.gather(
        *(
            _post_all(s, cluster, cfg, progress, random.Random(rng.random()), deadline)
            for s in states
        ),
        return_exceptions=True,
    )
    seconds = time.monotonic() - started
    await asyncio.wait_for(killer, 90)  # done, or restarting the killed worker
    failures = [
        f"phone {s.index}: {r!r}"
        for s, r in zip(states, results, strict=True)
        if isinstance(r, BaseException)
    ]
    snapshots = await asyncio.gather(
        *(_final_snapshot(s, cluster, cfg, progress) for s in states), return_exceptions=True
    )
    failures += [
        f"phone {s.index} snapshot: {r!r}"
        for s, r in zip(states, snapshots, strict=True)
        if isinstance(r, BaseException)
    ]
    return judge(cluster, cfg, states, failures, seconds, progress.recovered_after)


def run_chaos(cluster: Cluster, cfg: ChaosConfig) -> ChaosResult:
    """Run the phones against a started cluster; stops its workers before judging logs."""
    try:
        return _in_own_loop(lambda: _run(cluster, cfg))
    finally:
        cluster.stop()


def _in_own_loop(make: Any) -> Any:
    """asyncio.run in a thread of its own: the suite's browser tests keep an event loop
    running in the main thread (Playwright's sync API), where asyncio.run refuses."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = asyncio.run(make())
        except BaseException as exc:  # noqa: BLE001  (re-raised in the caller's thread)
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="chaos-phones")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
