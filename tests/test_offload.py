"""Worker processes: handed out in turn (a busy caller cannot starve a waiting one), and
a worker that dies is replaced, its call tried once more."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from facilitator.web.jobs import offload

T = TypeVar("T")


def test_a_caller_running_again_and_again_lets_a_waiting_one_in():
    offload.warm_up(1)
    finished: list[str] = []
    stop = threading.Event()

    def redraw_forever() -> None:  # the harvest wall under a stream of notes
        while not stop.is_set():
            offload.run(time.sleep, 1, time.sleep, 0.05)
            finished.append("wall")

    wall = threading.Thread(target=redraw_forever)
    wall.start()
    time.sleep(0.3)
    walls_before = finished.count("wall")
    offload.run(time.sleep, 1, time.sleep, 0.01)  # a round change's plan
    walls_waited = finished.count("wall") - walls_before
    stop.set()
    wall.join(timeout=10)
    # Its turn comes after the drawing under way (and perhaps one more), not after all.
    assert walls_waited <= 2


def test_with_no_workers_the_call_runs_in_place():
    assert offload.run(time.sleep, 0, sum, [1, 2, 3]) == 6


def test_an_error_in_the_worker_comes_back_and_the_worker_serves_on():
    try:
        offload.run(time.sleep, 1, int, "not a number")
    except ValueError as error:
        assert "not a number" in str(error)
    else:
        raise AssertionError("the worker's error was lost")
    assert offload.run(time.sleep, 1, sum, [4, 5]) == 9


# --- a worker process that dies ---------------------------------------------------------
# Module-level functions: the spawned worker imports this module to unpickle them.


def exit_the_first_time(marker: str, value: int) -> int:
    """Die as a crash in C code or the out-of-memory killer would, once (the marker)."""
    path = Path(marker)
    if not path.exists():
        path.touch()
        os._exit(1)
    return value * 2


def always_exit() -> None:
    """Die on every call: a function that kills whatever process runs it."""
    os._exit(3)


def bounded(action: Callable[[], T], seconds: float = 60) -> T:
    """Run `action` in a thread and fail (not hang) if it takes longer than `seconds`."""
    outcome: list[Any] = []

    def target() -> None:
        try:
            outcome.append((True, action()))
        except BaseException as error:  # noqa: BLE001  (re-raised in the test's thread)
            outcome.append((False, error))

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"the call was still waiting after {seconds} s"
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


def test_a_call_whose_worker_dies_runs_again_on_a_fresh_one(tmp_path):
    offload.warm_up(1)
    before = offload.run(time.sleep, 1, os.getpid)
    marker = str(tmp_path / "died")
    assert bounded(lambda: offload.run(time.sleep, 1, exit_the_first_time, marker, 21)) == 42
    after = offload.run(time.sleep, 1, os.getpid)
    assert after != before  # a fresh process, not the dead one
    assert offload.run(time.sleep, 1, sum, [1, 2]) == 3


def test_a_call_that_kills_every_worker_fails_clearly_and_the_next_call_works():
    offload.warm_up(1)
    with pytest.raises(offload.WorkerDied) as died:
        bounded(lambda: offload.run(time.sleep, 1, always_exit))
    assert isinstance(died.value, RuntimeError)
    assert died.value.code == "worker_failed"  # what the socket handlers answer with
    assert "always_exit" in str(died.value) and "exit code 3" in str(died.value)
    assert bounded(lambda: offload.run(time.sleep, 1, sum, [4, 5])) == 9


def test_a_worker_killed_between_calls_is_replaced():
    offload.warm_up(1)
    pid = offload.run(time.sleep, 1, os.getpid)
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)  # gone before the next call, as when the out-of-memory killer struck
    assert bounded(lambda: offload.run(time.sleep, 1, sum, [6, 7])) == 13
    assert offload.run(time.sleep, 1, os.getpid) != pid


def test_a_caller_waiting_for_a_dying_worker_is_served():
    offload.warm_up(1)
    results: dict[str, Any] = {}

    def dying() -> None:
        try:
            offload.run(time.sleep, 1, always_exit)
        except offload.WorkerDied as error:
            results["dying"] = error

    first = threading.Thread(target=dying)
    first.start()
    time.sleep(0.05)  # the dying call holds the worker; this one waits its turn
    results["waiting"] = bounded(lambda: offload.run(time.sleep, 1, sum, [1, 1]))
    first.join(timeout=60)
    assert isinstance(results["dying"], offload.WorkerDied)
    assert results["waiting"] == 2


def test_an_answer_that_cannot_be_pickled_comes_back_as_an_error():
    offload.warm_up(1)
    with pytest.raises(RuntimeError, match="could not be sent back"):
        bounded(lambda: offload.run(time.sleep, 1, threading.Lock))
    assert offload.run(time.sleep, 1, sum, [2, 2]) == 4


def test_dead_workers_are_replaced_in_the_patched_hub_without_stalling_it(tmp_path):
    probe = Path(__file__).with_name("offload_probe.py")
    out = subprocess.run(
        [sys.executable, str(probe), "dies", str(tmp_path)],
        env=os.environ | {"PYTHONPATH": str(probe.parent.parent)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["once"] == "answered"
    assert result["always"] == "worker_failed"
    assert result["killed"] == 42
    # Noticing a death and starting a process never holds the hub for long.
    assert result["max_lateness"] < 0.2, result
