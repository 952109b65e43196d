"""Derived work once across workers: a Redis lease per job, and no request lost."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from flask import Flask

from facilitator.config import defaults
from facilitator.web.jobs import leases
from tests.conftest import REDIS_URL, need


def redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def workers() -> Iterator[Callable[..., Flask]]:
    """Apps standing for worker processes that share one message queue channel."""
    channel = f"facilitator-test-{secrets.token_hex(4)}"
    made: list[Flask] = []

    def make(**config: Any) -> Flask:
        app = Flask("leases-test")
        app.config.update(defaults() | {"MESSAGE_QUEUE": REDIS_URL} | config)
        app.config["MESSAGE_QUEUE_CHANNEL"] = channel
        made.append(app)
        return app

    yield make
    for app in made:
        client = app.extensions.get("facilitator.leases.redis")
        if client is not None and app.config["MESSAGE_QUEUE"] == REDIS_URL:
            for key in client.scan_iter(f"LEASE:{channel}:*"):
                client.delete(key)
        if client is not None:
            client.close()


@pytest.fixture
def need_redis() -> None:
    if not redis_reachable():
        need(f"Redis is not reachable at {REDIS_URL}")


class Drawing:
    """A job that counts its runs and can be held in the middle of its first one."""

    def __init__(self) -> None:
        self.runs = 0
        self.started = threading.Event()
        self.go_on = threading.Event()

    def __call__(self) -> None:
        self.runs += 1
        if self.runs == 1:
            self.started.set()
            assert self.go_on.wait(10)


def test_a_second_worker_does_not_draw_while_the_first_does_and_the_first_draws_again(
    workers, need_redis
):
    first, second = workers(), workers()
    drawing = Drawing()
    holder = threading.Thread(target=leases.run_alone, args=(first, "wall:1", drawing))
    holder.start()
    assert drawing.started.wait(10)
    elsewhere: list[int] = []
    leases.run_alone(second, "wall:1", lambda: elsewhere.append(1))  # returns at once
    assert elsewhere == []
    drawing.go_on.set()
    holder.join(10)
    # The change the second worker heard about is drawn: by the holder, once more.
    assert drawing.runs == 2


def test_one_request_while_nobody_draws_is_drawn_once(workers, need_redis):
    runs: list[int] = []
    leases.run_alone(workers(), "wall:1", lambda: runs.append(1))
    leases.run_alone(workers(), "wall:1", lambda: runs.append(2))
    assert runs == [1, 2]  # one after the other: each free lease is taken


def test_different_workshops_draw_at_the_same_time(workers, need_redis):
    first, second = workers(), workers()
    drawing = Drawing()
    holder = threading.Thread(target=leases.run_alone, args=(first, "wall:1", drawing))
    holder.start()
    assert drawing.started.wait(10)
    other: list[int] = []
    leases.run_alone(second, "wall:2", lambda: other.append(1))
    drawing.go_on.set()
    holder.join(10)
    assert other == [1]
    assert drawing.runs == 1


def test_an_expired_lease_is_not_freed_by_its_old_holder(workers, need_redis, monkeypatch):
    monkeypatch.setattr(leases, "LEASE_MS", 300)
    first, second = workers(), workers()
    drawing = Drawing()
    holder = threading.Thread(target=leases.run_alone, args=(first, "wall:1", drawing))
    holder.start()
    assert drawing.started.wait(10)
    taken_over = threading.Event()
    release_second = threading.Event()

    def slow_second() -> None:
        taken_over.set()
        assert release_second.wait(10)

    # The first holder is stuck past its lease: a second worker may take the job over.
    monkeypatch.setattr(leases, "LEASE_MS", 10_000)
    threading.Event().wait(0.5)
    other = threading.Thread(target=leases.run_alone, args=(second, "wall:1", slow_second))
    other.start()
    assert taken_over.wait(10)
    drawing.go_on.set()  # the first one ends now and lets "its" lease go
    holder.join(10)
    third: list[int] = []
    leases.run_alone(workers(), "wall:1", lambda: third.append(1))
    assert third == []  # the second worker's lease still stands
    release_second.set()
    other.join(10)


def test_without_a_redis_message_queue_the_job_just_runs(workers):
    runs: list[int] = []
    leases.run_alone(workers(MESSAGE_QUEUE=None), "wall:1", lambda: runs.append(1))
    assert runs == [1]


def test_when_redis_is_unreachable_the_job_runs_here(workers, caplog):
    app = workers(MESSAGE_QUEUE="redis://127.0.0.1:1/0")
    runs: list[int] = []
    with caplog.at_level(logging.WARNING):
        leases.run_alone(app, "wall:1", lambda: runs.append(1))
    assert runs == [1]
    assert "no lease for wall:1" in caplog.text
