"""Background work per key (a workshop), coalesced: at most one pass runs and one waits.

A burst of 200 requests while a pass runs asks for one more pass, not 200: the next pass
reads the state as it is then, which serves every request made before it started.
Per server process; a green lock under eventlet, a real one in threading mode.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask
from sqlalchemy.exc import TimeoutError as PoolTimeout

from facilitator.web.extensions import socketio
from facilitator.web.jobs import leases

_log = logging.getLogger(__name__)


class Coalescer:
    """Runs a key's task in a background task, never twice at once for one key."""

    def __init__(self) -> None:
        self._running: set[Hashable] = set()
        self._waiting: set[Hashable] = set()
        self._lock = threading.Lock()

    def request(self, key: Hashable, task: Callable[[], None]) -> None:
        """Ask for a pass; returns at once. While a pass runs, this asks for one more of
        the running task (the task given now is then not needed: it would do the same)."""
        with self._lock:
            if key in self._running:
                self._waiting.add(key)
                return
            self._running.add(key)
        socketio.start_background_task(self._keep_going, key, task)

    def again(self, key: Hashable) -> None:
        """From inside a pass: go once more after this one (it could not finish)."""
        with self._lock:
            self._waiting.add(key)

    def is_running(self, key: Hashable) -> bool:
        """Whether a pass runs (or is about to) for this key."""
        with self._lock:
            return key in self._running

    def is_busy(self, key: Hashable) -> bool:
        """Whether a pass runs for this key or another is asked for."""
        with self._lock:
            return key in self._running or key in self._waiting

    def is_waiting(self, key: Hashable) -> bool:
        """Whether another pass is asked for after the running one."""
        with self._lock:
            return key in self._waiting

    def any_running(self) -> bool:
        """Whether any pass runs (a shutdown or a test waits for them)."""
        with self._lock:
            return bool(self._running)

    def _keep_going(self, key: Hashable, task: Callable[[], None]) -> None:
        while True:
            with self._lock:
                # This pass reads the state as it is now: earlier requests are served.
                self._waiting.discard(key)
            try:
                task()
            except Exception:  # noqa: BLE001  (a failed pass must not stop later ones)
                _log.exception("a background pass for %r failed", key)
            with self._lock:
                if key not in self._waiting:
                    self._running.discard(key)
                    return


BUSY_RETRY_SECONDS = 2.0


def pass_alone(
    app: Flask, coalescer: Coalescer, key: Hashable, lease: str, work: Callable[[], Any], what: str
) -> bool:
    """One pass of `work`, by one of the server's workers at a time (the lease); whether it
    ran to its end. When every pooled database connection serves phones (they come
    first: a burst of notes fills the pool, and it passes), wait a little and ask for
    another pass; a failure is logged and the next request tries again."""
    try:
        leases.run_alone(app, lease, work)
    except PoolTimeout:
        app.logger.warning("%s waits: the database pool is busy", what)
        socketio.sleep(BUSY_RETRY_SECONDS)
        coalescer.again(key)
        return False
    except Exception:  # noqa: BLE001  (a failed pass must not stop later ones)
        app.logger.exception("%s failed", what)
    return True
