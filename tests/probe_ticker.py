"""A 10 ms timer in the eventlet hub that records how late it fires (for the probes)."""

from __future__ import annotations

import time
from typing import Any


def start(eventlet: Any) -> tuple[list[float], Any]:
    """Start ticking; returns the lateness list and a stop() that waits for the ticker."""
    lateness: list[float] = []
    running = [True]

    def ticker() -> None:
        while running[0]:
            start_at = time.perf_counter()
            eventlet.sleep(0.01)
            lateness.append(time.perf_counter() - start_at - 0.01)

    thread = eventlet.spawn(ticker)
    eventlet.sleep(0.05)

    def stop() -> None:
        running[0] = False
        thread.wait()

    return lateness, stop
