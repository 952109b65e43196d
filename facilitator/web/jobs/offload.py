"""CPU work (planning, later word clouds and charts) in worker processes, off the hub.

A few persistent worker processes, started with the spawn method, each fed through a
pipe. The calling greenthread polls its pipe with `socketio.sleep`, so the hub keeps
serving everyone else while a worker computes. No threads are involved:
`multiprocessing.Pool` breaks under eventlet, and `ProcessPoolExecutor`'s manager
thread (a green thread there) kept the server from exiting.

A worker that dies (killed, out of memory, a crash in C code, `os._exit`) is replaced
by a fresh process at once; a call it was running is tried once more on the fresh one,
and a second death raises `WorkerDied`, so no caller waits on a dead pipe.
"""

from __future__ import annotations

import collections
import logging
import multiprocessing
import os
import queue
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import Any, TypeVar

from facilitator.errors import DomainError

T = TypeVar("T")

POLL_SECONDS = 0.005
REAP_SECONDS = 5.0  # how long a killed process gets to go before we stop waiting for it
_pools: dict[int, Pool] = {}  # per pool size; infrastructure, not state
log = logging.getLogger(__name__)


class WorkerDied(DomainError, RuntimeError):
    """A worker process died running a call, and died again when it was tried once more.

    A DomainError (`worker_failed`), so the socket handlers answer the caller (a console's
    `plan.preview` gets a refusal, not an acknowledgement that never comes) and pages
    refuse the request; a RuntimeError for anyone else.
    """

    def __init__(self, what: str, exitcode: int | None) -> None:
        super().__init__("worker_failed", function=what, exitcode=exitcode)
        self.args = (f"a worker process died twice running {what} (exit code {exitcode})",)


class _Died(Exception):
    """The worker's process went away during one call."""


class Worker:
    """One spawned daemon process that runs the functions it is sent, one at a time.

    It heals itself: when its process dies, `call` starts a fresh one in its place.
    """

    def __init__(self) -> None:
        self._start()

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child_end = context.Pipe()
        self.process = context.Process(target=_serve, args=(child_end,), daemon=True)
        self.process.start()
        child_end.close()

    def call(self, sleep: Callable[[float], Any], fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        """Run `fn(*args)` in the worker; `sleep` yields while it works.

        If the process dies before answering, the call runs once more on a fresh process;
        if that dies too, WorkerDied (and a fresh process is ready for the next call).
        """
        # Pickled here, once: a function that cannot be sent is the caller's error, and
        # must not be taken for a dead worker.
        message = ForkingPickler.dumps((fn, args))
        what = getattr(fn, "__qualname__", None) or repr(fn)
        exitcode = None
        for attempt in (1, 2):
            if not self.process.is_alive():  # killed while idle: nothing of ours was lost
                self._replace(sleep)
            try:
                ok, value = self._call_once(sleep, message)
            except _Died:
                exitcode = self.process.exitcode
                log.warning(
                    "worker process %s died running %s (exit code %s, attempt %s)",
                    self.process.pid,
                    what,
                    exitcode,
                    attempt,
                )
                self._replace(sleep)
                continue
            except BaseException:
                # Given up while the worker computes (the greenthread killed): its late
                # answer would be read as the next caller's, so the process goes.
                self._replace(None)
                raise
            if not ok:
                raise value
            return value
        raise WorkerDied(what, exitcode)

    def _call_once(self, sleep: Callable[[float], Any], message: memoryview) -> tuple[bool, Any]:
        """Send one pickled call and wait for its answer; _Died if the process went."""
        try:
            self.connection.send_bytes(message)
            # A dead child closes its end of the pipe, so poll() turns true with an EOF to
            # read; is_alive() is there in case something else kept that end open.
            while not self.connection.poll():
                if not self.process.is_alive() and not self.connection.poll():
                    raise _Died
                sleep(POLL_SECONDS)
            return self.connection.recv()
        except (EOFError, OSError) as error:  # BrokenPipe, reset, end of file mid-answer
            raise _Died from error

    def _replace(self, sleep: Callable[[float], Any] | None) -> None:
        """Put a fresh process in place of this one (killed first, if it lingers)."""
        self.connection.close()
        if self.process.is_alive():
            self.process.kill()
        waited = 0.0
        # is_alive() reaps it once it is gone (else the next start() does): no zombie.
        while sleep is not None and self.process.is_alive() and waited < REAP_SECONDS:
            sleep(POLL_SECONDS)
            waited += POLL_SECONDS
        self._start()


def _serve(connection: Connection) -> None:
    """The worker's loop: receive a call, send back its result or its exception."""
    # The pipe was made in an eventlet-patched server, which makes sockets
    # non-blocking; this plain process wants to wait for its next call.
    os.set_blocking(connection.fileno(), True)
    while True:
        try:
            message = connection.recv_bytes()
        except (EOFError, OSError):
            return  # the server went away
        try:
            # Unpickled here, not by recv(): a function this process cannot import is
            # an error to send back, not a reason to die.
            fn, args = ForkingPickler.loads(message)
            reply = (True, fn(*args))
        except Exception as error:  # noqa: BLE001  (handed back to the caller)
            reply = (False, error)
        try:
            connection.send_bytes(_pickled(reply))
        except OSError:  # BrokenPipeError: the server died (or was killed) meanwhile
            return


def _pickled(reply: tuple[bool, Any]) -> memoryview:
    """The reply as bytes; one that cannot be pickled becomes an error that can."""
    try:
        return ForkingPickler.dumps(reply)
    except Exception as error:  # noqa: BLE001  (a crash here would pass for a dead worker)
        failure = RuntimeError(f"the worker's answer could not be sent back: {error!r}")
        return ForkingPickler.dumps((False, failure))


class Pool:
    """Idle workers, handed out first come, first served.

    Without turns, a caller that runs again and again (the harvest wall redrawing under a
    stream of notes) gives its worker back and takes it again before a waiting caller
    (a round change's plan) wakes up: the waiting one could starve.
    """

    def __init__(self, workers: int) -> None:
        self.idle: queue.Queue[Worker] = queue.Queue()
        for _ in range(workers):
            self.idle.put(Worker())
        self.turns: collections.deque[object] = collections.deque()
        self.lock = threading.Lock()  # a green lock under eventlet

    def take(self, sleep: Callable[[float], Any]) -> Worker:
        """Wait for this caller's turn and a free worker, yielding while waiting."""
        ticket = object()
        with self.lock:
            self.turns.append(ticket)
        try:
            while True:
                with self.lock:
                    if self.turns[0] is ticket and not self.idle.empty():
                        self.turns.popleft()
                        return self.idle.get_nowait()
                sleep(POLL_SECONDS)
        except BaseException:
            with self.lock:
                if ticket in self.turns:
                    self.turns.remove(ticket)
            raise

    def give_back(self, worker: Worker) -> None:
        self.idle.put(worker)


def _pool(workers: int) -> Pool:
    if workers not in _pools:
        _pools[workers] = Pool(workers)
    return _pools[workers]


def run(sleep: Callable[[float], Any], workers: int, fn: Callable[..., T], *args: Any) -> T:
    """Run `fn(*args)` in one of `workers` processes (0: right here, e.g. in tests)."""
    if workers <= 0:
        return fn(*args)
    pool = _pool(workers)
    worker = pool.take(sleep)  # all busy: wait our turn without holding the hub
    try:
        # A death is retried on the same (replaced) worker, still in our turn: the
        # retry does not queue behind callers who came later.
        return worker.call(sleep, fn, args)
    finally:
        pool.give_back(worker)  # alive: a dead process was replaced before this


class OwnWorker:
    """One kind of work with a process of its own, started at its first call.

    In the shared pool a long job (a 20 s poster) would hold up a round change's
    planning, and work that runs back to back (the wall redrawing while notes come in)
    would take the free worker again before a waiting job ever got it.
    """

    def __init__(self) -> None:
        self._worker: Worker | None = None
        self._lock = threading.Lock()  # a green lock under eventlet: one call at a time

    def run(
        self, sleep: Callable[[float], Any], workers: int, fn: Callable[..., T], *args: Any
    ) -> T:
        """Run `fn(*args)` in this work's process (`workers` 0: right here, e.g. in tests)."""
        if workers <= 0:
            return fn(*args)
        with self._lock:
            if self._worker is None:
                self._worker = Worker()
            return self._worker.call(sleep, fn, args)  # a dead process is replaced there


def warm_up(workers: int) -> None:
    """Start the worker processes now, not at the first round change."""
    if workers > 0:
        _pool(workers)
