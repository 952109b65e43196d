"""Coalesced background passes: a burst while a pass runs asks for one more pass, a key
never runs twice at once, and a failing pass leaves the key free for the next request.
Each test takes the `app` fixture: it starts socketio, which runs the background tasks."""

from __future__ import annotations

import threading
import time

from facilitator.web.jobs.coalesce import Coalescer


def settle(coalescer: Coalescer, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while coalescer.any_running() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not coalescer.any_running()


def test_a_burst_while_a_pass_runs_causes_one_more_pass(app):
    passes: list[str] = []
    release = threading.Event()

    def task() -> None:
        passes.append("pass")
        release.wait(2)

    coalescer = Coalescer()
    for _ in range(200):
        coalescer.request("w", task)
    assert coalescer.is_running("w") and coalescer.is_waiting("w")
    release.set()
    settle(coalescer)
    assert passes == ["pass", "pass"]
    assert not coalescer.is_busy("w")


def test_keys_run_side_by_side_but_never_one_key_twice(app):
    active: dict[str, int] = {"a": 0, "b": 0}
    most: dict[str, int] = {"a": 0, "b": 0}
    lock = threading.Lock()

    def task_for(key: str):
        def task() -> None:
            with lock:
                active[key] += 1
                most[key] = max(most[key], active[key])
            time.sleep(0.05)
            with lock:
                active[key] -= 1

        return task

    coalescer = Coalescer()
    for _ in range(20):
        coalescer.request("a", task_for("a"))
        coalescer.request("b", task_for("b"))
    assert coalescer.is_running("a") and coalescer.is_running("b")
    settle(coalescer)
    assert most == {"a": 1, "b": 1}


def test_a_failing_pass_frees_its_key_for_the_next_request(app):
    ran: list[int] = []

    def failing() -> None:
        raise RuntimeError("drawing failed")

    coalescer = Coalescer()
    coalescer.request("w", failing)
    settle(coalescer)
    coalescer.request("w", lambda: ran.append(1))
    settle(coalescer)
    assert ran == [1]


def test_a_pass_may_ask_to_go_again(app):
    ran: list[int] = []
    coalescer = Coalescer()

    def task() -> None:
        ran.append(1)
        if len(ran) < 3:
            coalescer.again("w")

    coalescer.request("w", task)
    settle(coalescer)
    assert ran == [1, 1, 1]
