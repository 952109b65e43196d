"""CPU work (planning, later word clouds and charts) in worker processes, off the hub.

A few persistent worker processes, started with the spawn method, each fed through a
pipe. The calling greenthread polls its pipe with `socketio.sleep`, so the hub keeps
serving everyone else while a worker computes. No threads are involved:
`multiprocessing.Pool` breaks under eventlet, and `ProcessPoolExecutor`'s manager
thread (a green thread there) kept the server from exiting.
"""

from __future__ import annotations

import collections
import multiprocessing
import os
import queue
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")

POLL_SECONDS = 0.005
_pools: dict[int, Pool] = {}  # per pool size; infrastructure, not state


class Worker:
    """One spawned daemon process that runs the functions it is sent, one at a time."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child_end = context.Pipe()
        self.process = context.Process(target=_serve, args=(child_end,), daemon=True)
        self.process.start()
        child_end.close()

    def call(self, sleep: Callable[[float], Any], fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        """Run `fn(*args)` in the worker; `sleep` yields while it works."""
        self.connection.send((fn, args))
        while not self.connection.poll():
            sleep(POLL_SECONDS)
        ok, value = self.connection.recv()
        if not ok:
            raise value
        return value


def _serve(connection: Connection) -> None:
    """The worker's loop: receive a call, send back its result or its exception."""
    # The pipe was made in an eventlet-patched server, which makes sockets
    # non-blocking; this plain process wants to wait for its next call.
    os.set_blocking(connection.fileno(), True)
    while True:
        try:
            fn, args = connection.recv()
        except EOFError:
            return  # the server went away
        try:
            connection.send((True, fn(*args)))
        except Exception as error:  # noqa: BLE001  (handed back to the caller)
            connection.send((False, error))


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
        return worker.call(sleep, fn, args)
    finally:
        pool.give_back(worker)


def warm_up(workers: int) -> None:
    """Start the worker processes now, not at the first round change."""
    if workers > 0:
        _pool(workers)
