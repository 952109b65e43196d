"""Worker processes are handed out in turn: a busy caller cannot starve a waiting one."""

from __future__ import annotations

import threading
import time

from facilitator.web.jobs import offload


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
