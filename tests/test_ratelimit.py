"""Rate limits: one atomic hit per action, real addresses behind a proxy, and never a
dead handler when their storage (Redis) is unreachable."""

from __future__ import annotations

import logging
import secrets
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from limits import strategies
from sqlalchemy import func, select

from facilitator.cafe import notes
from facilitator.config import defaults
from facilitator.store.models import Contribution, Participant
from facilitator.web import ratelimit
from tests.conftest import REDIS_URL, Helpers, close_app, make_app, need, redis_available


def count(helpers: Helpers, model: Any) -> int:
    with helpers.session() as s:
        return s.scalar(select(func.count(model.id))) or 0


@pytest.fixture
def bare_app() -> Iterator[Callable[..., Flask]]:
    """Apps with just what the limiter reads (config, extensions, a logger); their
    Redis connections are closed afterwards."""
    made: list[Flask] = []

    def make(**config: Any) -> Flask:
        app = Flask("ratelimit-test")
        app.config.update(defaults() | config)
        made.append(app)
        return app

    yield make
    for app in made:
        ratelimit.close(app)


def hit_at_once(app: Flask, key: str, per_minute: int, callers: int) -> list[bool]:
    """`callers` threads hit the same key at the same moment."""
    start = threading.Barrier(callers)
    results: list[bool] = []
    lock = threading.Lock()

    def one() -> None:
        start.wait()
        allowed = ratelimit.hit(app, key, per_minute)
        with lock:
            results.append(allowed)

    threads = [threading.Thread(target=one) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_a_hit_tests_and_counts_at_once(bare_app):
    app = bare_app()
    assert [ratelimit.hit(app, "k", 2) for _ in range(3)] == [True, True, False]
    assert not ratelimit.allowed(app, "k", 2)
    assert ratelimit.hit(app, "other", 2)


def test_concurrent_hits_never_pass_more_than_the_limit(bare_app):
    assert sum(hit_at_once(bare_app(), "burst", 5, 20)) == 5


def test_two_joins_at_the_same_moment_cannot_both_take_the_last_place(
    app, helpers, links, monkeypatch
):
    """A test then a separate count let both pass: here both reach the test together."""
    app.config["JOINS_PER_MINUTE"] = 1
    together = threading.Barrier(2, timeout=2)
    original = strategies.MovingWindowRateLimiter.test

    def test_in_step(self: Any, *args: Any, **kwargs: Any) -> bool:
        passed = original(self, *args, **kwargs)
        try:
            together.wait()  # both requests have looked before either counts
        except threading.BrokenBarrierError:
            pass
        return passed

    monkeypatch.setattr(strategies.MovingWindowRateLimiter, "test", test_in_step)
    statuses: list[int] = []

    def join() -> None:
        response = app.test_client().post(f"/j/{links.join_code}", data={"language": "en"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=join) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [302, 429]
    assert count(helpers, Participant) == 1


def test_only_new_notes_count_and_a_resend_is_always_answered(app, helpers, links):
    app.config["NOTES_PER_MINUTE"] = 2
    phone = helpers.join(links.join_code)
    table = phone.snapshot()["seat"]["table"]
    first = str(uuid.uuid4())
    assert phone.post("one", table, first)["ok"]
    assert phone.post("one", table, first)["duplicate"]  # a resend is not a new note
    assert phone.post("two", table)["ok"]
    refused = phone.post("three", table)
    assert refused["error"] == "too_many_notes"
    # Over the limit, the phone's resend of a stored note still gets its ack.
    again = phone.post("one", table, first)
    assert again["ok"] and again["duplicate"]
    assert count(helpers, Contribution) == 2


def test_a_note_whose_write_failed_is_not_counted_again_when_resent(
    app, helpers, links, monkeypatch
):
    """The phone resends a note it got no stored ack for (its write failed, or is still
    running on another connection): that is still one note, not two."""
    app.config["NOTES_PER_MINUTE"] = 2
    phone = helpers.join(links.join_code)
    table = phone.snapshot()["seat"]["table"]
    real_post_note = notes.post_note

    def fails_once(*args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(notes, "post_note", real_post_note)
        raise RuntimeError("the database went away mid-write")

    monkeypatch.setattr(notes, "post_note", fails_once)
    first = str(uuid.uuid4())
    assert phone.post("one", table, first)["error"] == "server_error"
    assert phone.post("one", table, first)["ok"]  # the resend: counted already
    assert phone.post("two", table)["ok"]  # so there is room for a second note
    assert phone.post("three", table)["error"] == "too_many_notes"
    assert count(helpers, Contribution) == 2


# --- counted once per client id, in memory and on Redis ----------------------------------------


@pytest.fixture(params=["memory", "redis"])
def limiter_app(request, bare_app) -> Flask:
    """An app whose limiter counts in this process, or on Redis (with its own keys)."""
    if request.param == "memory":
        return bare_app()
    if not redis_available():
        need(f"Redis is not reachable at {REDIS_URL}")
    channel = f"ratelimit-test-{secrets.token_hex(4)}"
    return bare_app(MESSAGE_QUEUE=REDIS_URL, MESSAGE_QUEUE_CHANNEL=channel)


def test_the_same_client_id_sent_fifty_times_counts_once(limiter_app):
    resent = str(uuid.uuid4())
    assert all(ratelimit.hit(limiter_app, "notes:1", 3, once=resent) for _ in range(50))
    new_ids = [str(uuid.uuid4()) for _ in range(3)]
    # Two new ids still fit in the minute; the third is refused.
    assert [ratelimit.hit(limiter_app, "notes:1", 3, once=i) for i in new_ids] == [
        True,
        True,
        False,
    ]
    # The ids already counted still pass; the refused one is still refused.
    assert ratelimit.hit(limiter_app, "notes:1", 3, once=resent)
    assert ratelimit.hit(limiter_app, "notes:1", 3, once=new_ids[0])
    assert not ratelimit.hit(limiter_app, "notes:1", 3, once=new_ids[2])


def test_one_client_id_counts_apart_for_each_key(limiter_app):
    """A claim is per phone: another phone's note with that id is its own."""
    same = str(uuid.uuid4())
    assert ratelimit.hit(limiter_app, "notes:1", 1, once=same)
    assert ratelimit.hit(limiter_app, "notes:2", 1, once=same)
    assert not ratelimit.hit(limiter_app, "notes:2", 1, once=str(uuid.uuid4()))


def test_concurrent_resends_of_one_id_count_once(limiter_app):
    """Fifty copies of one note at the same moment (a phone reconnecting while its
    first attempts are still running): all pass, and they count as one note."""
    resent = str(uuid.uuid4())
    start = threading.Barrier(50)
    results: list[bool] = []

    def resend() -> None:
        start.wait()
        results.append(ratelimit.hit(limiter_app, "notes:1", 2, once=resent))

    threads = [threading.Thread(target=resend) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == [True] * 50
    assert ratelimit.hit(limiter_app, "notes:1", 2, once=str(uuid.uuid4()))
    assert not ratelimit.hit(limiter_app, "notes:1", 2, once=str(uuid.uuid4()))


def test_a_flood_of_new_ids_is_still_refused_at_the_limit(limiter_app):
    """Twenty new notes at once, each sent twice at once: five notes pass, no more."""
    ids = [str(uuid.uuid4()) for _ in range(20)]
    start = threading.Barrier(40)
    passed: list[str] = []
    lock = threading.Lock()

    def post(client_id: str) -> None:
        start.wait()
        if ratelimit.hit(limiter_app, "notes:1", 5, once=client_id):
            with lock:
                passed.append(client_id)

    threads = [threading.Thread(target=post, args=(i,)) for i in ids + ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(set(passed)) == 5
    assert len(passed) == 10  # both copies of a passing note pass
    assert not ratelimit.allowed(limiter_app, "notes:1", 5)


def test_a_claim_left_pending_by_a_killed_worker_is_waited_for_then_counted(bare_app):
    """A worker SIGKILLed between its claim and its count leaves the claim pending: a
    resend waits at most the Redis timeout for the outcome, then takes the claim."""
    if not redis_available():
        need(f"Redis is not reachable at {REDIS_URL}")
    channel = f"ratelimit-test-{secrets.token_hex(4)}"
    app = bare_app(
        MESSAGE_QUEUE=REDIS_URL, MESSAGE_QUEUE_CHANNEL=channel, RATELIMIT_REDIS_TIMEOUT=0.3
    )
    storage = ratelimit._limiter(app).storage
    resent = str(uuid.uuid4())
    storage.get_connection().set(storage.prefixed_key(f"once/notes:1/{resent}"), b"pending", ex=60)
    assert ratelimit.hit(app, "notes:1", 2, once=resent)
    assert ratelimit.hit(app, "notes:1", 2, once=resent)  # now counted: no second wait
    assert ratelimit.hit(app, "notes:1", 2, once=str(uuid.uuid4()))
    assert not ratelimit.hit(app, "notes:1", 2, once=str(uuid.uuid4()))  # it counted once


# --- behind a proxy -------------------------------------------------------------------------


def join_from(app: Flask, code: str, forwarded_for: str) -> int:
    """A join through a proxy at 10.0.0.1 that says the phone is `forwarded_for`."""
    response = app.test_client().post(
        f"/j/{code}",
        data={"language": "en"},
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    return response.status_code


@pytest.fixture
def proxied_app(sqlite_url, tmp_path):
    application = make_app(sqlite_url, tmp_path, PROXY_HOPS=1, JOINS_PER_MINUTE=1)
    yield application
    close_app(application)


def test_behind_a_proxy_each_phone_has_its_own_join_limit(proxied_app):
    code = Helpers(proxied_app).make_workshop().join_code
    assert join_from(proxied_app, code, "192.0.2.1") == 302
    assert join_from(proxied_app, code, "192.0.2.2") == 302  # another phone
    assert join_from(proxied_app, code, "192.0.2.1") == 429  # the first one again
    # Only the hop the proxy added is trusted: what a phone wrote before it is not.
    assert join_from(proxied_app, code, "198.51.100.7, 192.0.2.1") == 429


def test_without_proxy_hops_the_forwarded_header_is_ignored(app, links):
    app.config["JOINS_PER_MINUTE"] = 1
    assert join_from(app, links.join_code, "192.0.2.1") == 302
    assert join_from(app, links.join_code, "192.0.2.2") == 429  # the same address: 10.0.0.1


# --- Redis ------------------------------------------------------------------------------------


def test_on_redis_the_limit_holds_under_concurrency_with_a_bounded_pool(bare_app):
    if not redis_available():
        need(f"Redis is not reachable at {REDIS_URL}")

    def redis_app(**config: Any) -> Flask:
        channel = f"ratelimit-test-{secrets.token_hex(4)}"
        return bare_app(MESSAGE_QUEUE=REDIS_URL, MESSAGE_QUEUE_CHANNEL=channel, **config)

    app = redis_app(RATELIMIT_REDIS_MAX_CONNECTIONS=3)
    assert sum(hit_at_once(app, "burst", 5, 20)) == 5
    pool = app.extensions["facilitator.limiter.redis_pool"]
    assert pool.max_connections == 3
    assert len(pool._connections) <= 3  # twenty callers shared three connections
    # Keys are per installation (the channel): another one has its own count.
    assert ratelimit.hit(redis_app(), "burst", 5)


@pytest.mark.parametrize("once", [None, "a-client-id"])
def test_an_unreachable_redis_lets_everything_through_with_one_warning(bare_app, caplog, once):
    # Port 1 on localhost: nothing listens, the connection is refused at once.
    app = bare_app(MESSAGE_QUEUE="redis://127.0.0.1:1/0", RATELIMIT_REDIS_TIMEOUT=0.5)
    with caplog.at_level(logging.WARNING):
        results = [ratelimit.hit(app, "k", 1, once=once) for _ in range(5)]
    assert results == [True] * 5
    warnings = [r for r in caplog.records if "rate limits are off" in r.getMessage()]
    assert len(warnings) == 1


def test_an_unreachable_redis_does_not_stop_notes(app, helpers, links, monkeypatch, bare_app):
    phone = helpers.join(links.join_code)
    broken = bare_app(MESSAGE_QUEUE="redis://127.0.0.1:1/0", RATELIMIT_REDIS_TIMEOUT=0.5)
    limiter = ratelimit._limiter(broken)
    monkeypatch.setitem(app.extensions, "facilitator.limiter", limiter)
    assert phone.post("still works")["ok"]
