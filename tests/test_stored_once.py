"""Stored once per client id (cafe/once.py): two sends of one id at the same moment.

Both requests get past the "stored before?" look-up before either inserts (a barrier
holds each at its INSERT until the other is there too), on SQLite and PostgreSQL: the
database lets one row in, and both requests get that row back, none an error.
"""

from __future__ import annotations

import io
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import event, func, select

from facilitator.cafe import commitments, notes, once
from facilitator.errors import DomainError
from facilitator.store.models import Commitment, Contribution, Participant, Photo, Workshop
from facilitator.web import on_commit
from facilitator.web.jobs import offload
from tests.conftest import Helpers

RACERS = 2


@pytest.fixture
def helpers_any(app_any_store, monkeypatch) -> Helpers:
    """Helpers on SQLite and PostgreSQL; no harvest walls drawn (not what is tested)."""
    monkeypatch.setattr(on_commit, "request_wall", lambda _app, _workshop_id: None)
    return Helpers(app_any_store)


@contextmanager
def inserts_meet(app: Any, table: str) -> Iterator[list[int]]:
    """Hold every INSERT into `table` until RACERS of them are waiting, then let all go.

    Yields the number of inserts seen (a list of one, filled in as they come)."""
    engine = app.extensions["facilitator.engine"]
    barrier = threading.Barrier(RACERS, timeout=20)
    seen = [0]

    def before(_conn, _cursor, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()} "):
            seen[0] += 1
            barrier.wait()

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def race(work: Callable[[], Any]) -> list[Any]:
    """Run `work` in RACERS threads at once; their results (or exceptions) in order."""
    results: list[Any] = [None] * RACERS

    def run(i: int) -> None:
        try:
            results[i] = work()
        except BaseException as exc:  # noqa: BLE001  (reported by the test)
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def rows(helpers: Helpers, model: Any) -> int:
    with helpers.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def ids(helpers: Helpers, links: Any, phone: Any) -> tuple[int, int]:
    with helpers.session() as session:
        workshop = session.scalar(select(Workshop).where(Workshop.join_code == links.join_code))
        person = session.scalar(select(Participant).where(Participant.public_id == phone.public_id))
        return workshop.id, person.id


def test_two_sends_of_one_note_at_once_store_it_once_and_both_get_it(helpers_any):
    helpers = helpers_any
    links = helpers.make_workshop()
    phone = helpers.join(links.join_code)
    table = phone.snapshot()["seat"]["table"]
    workshop_id, person_id = ids(helpers, links, phone)
    client_id = str(uuid.uuid4())

    def send() -> notes.PostResult:
        with helpers.session() as session:
            workshop = session.get(Workshop, workshop_id)
            author = session.get(Participant, person_id)
            return notes.post_note(session, workshop, author, client_id, "Samen koken", table)

    with inserts_meet(helpers.app, "contributions") as seen:
        results = race(send)
    assert seen[0] == RACERS  # both got past the look-up: a real race on the insert
    assert all(isinstance(r, notes.PostResult) for r in results), results
    assert {r.note["id"] for r in results} == {results[0].note["id"]}
    assert sorted(r.duplicate for r in results) == [False, True]
    assert rows(helpers, Contribution) == 1
    # Exactly one `note.posted`: the second send was a resend.
    assert [e["name"] for e in phone.received("note.posted")] == ["note.posted"]


def test_two_sends_of_one_commitment_at_once_store_it_once(helpers_any):
    helpers = helpers_any
    links = helpers.make_workshop()
    phone = helpers.join(links.join_code)
    workshop_id, person_id = ids(helpers, links, phone)
    client_id = str(uuid.uuid4())

    def send() -> tuple[dict[str, Any], bool, list[Any]]:
        with helpers.session() as session:
            workshop = session.get(Workshop, workshop_id)
            author = session.get(Participant, person_id)
            return commitments.post_commitment(
                session, workshop, author, client_id, "Ik bel mijn buren", None, False
            )

    with inserts_meet(helpers.app, "commitments") as seen:
        results = race(send)
    assert seen[0] == RACERS
    assert all(isinstance(r, tuple) for r in results), results
    assert {view["id"] for view, _dup, _events in results} == {results[0][0]["id"]}
    assert sorted(dup for _view, dup, _events in results) == [False, True]
    assert rows(helpers, Commitment) == 1


def test_someone_elses_id_racing_in_is_client_id_taken(helpers_any):
    helpers = helpers_any
    links = helpers.make_workshop()
    first, second = helpers.join(links.join_code), helpers.join(links.join_code)
    people = [ids(helpers, links, first), ids(helpers, links, second)]
    client_id = str(uuid.uuid4())
    turn = iter(range(RACERS))
    lock = threading.Lock()

    def send() -> tuple[dict[str, Any], bool, list[Any]]:
        with lock:
            workshop_id, person_id = people[next(turn)]
        with helpers.session() as session:
            workshop = session.get(Workshop, workshop_id)
            author = session.get(Participant, person_id)
            return commitments.post_commitment(
                session, workshop, author, client_id, "Ik help mee", None, False
            )

    with inserts_meet(helpers.app, "commitments"):
        results = race(send)
    refused = [r for r in results if isinstance(r, DomainError)]
    assert [r.code for r in refused] == ["client_id_taken"]
    assert rows(helpers, Commitment) == 1


def test_a_resend_of_someone_elses_id_is_refused_before_anything_is_built(helpers):
    links = helpers.make_workshop()
    phone, other = helpers.join(links.join_code), helpers.join(links.join_code)
    assert phone.post("Een moestuin", client_id=(client_id := str(uuid.uuid4())))["ok"]
    taken = other.post("Een moestuin", client_id=client_id)
    assert (taken["ok"], taken["error"]) == (False, "client_id_taken")
    with helpers.session() as session:
        workshop_id, _ = ids(helpers, links, phone)
        mine = once.find(session, Contribution, workshop_id, client_id)
        assert mine is not None and mine.text == "Een moestuin"


# --- photos, through the HTTP route ------------------------------------------------


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 190, 180)).save(out, "JPEG")
    return out.getvalue()


def second_tab(app: Any, http: Any) -> Any:
    """Another test client with the same cookies: the same phone's second tab."""
    tab = app.test_client()
    for cookie in http._cookies.values():
        tab.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return tab


def test_two_uploads_of_one_photo_at_once_store_it_once_and_neither_fails(helpers_any, monkeypatch):
    helpers = helpers_any
    # The image work in this thread (not a worker process): the race is in the store.
    monkeypatch.setattr(offload, "run", lambda _sleep, _workers, fn, *args: fn(*args))
    links = helpers.make_workshop()
    phone = helpers.join(links.join_code)
    table = phone.snapshot()["seat"]["table"]
    tabs = iter([phone.http, second_tab(helpers.app, phone.http)])
    lock = threading.Lock()
    client_id, data = str(uuid.uuid4()), jpeg()

    def upload() -> tuple[int, Any]:
        with lock:
            http = next(tabs)
        form = {"client_id": client_id, "table": str(table), "photo": (io.BytesIO(data), "c.jpg")}
        response = http.post(f"/j/{links.join_code}/photos", data=form)
        return response.status_code, response.get_json()

    with inserts_meet(helpers.app, "contributions") as seen:
        results = race(upload)
    assert seen[0] == RACERS
    assert all(isinstance(r, tuple) for r in results), results
    assert [status for status, _body in results] == [200, 200], results
    bodies = [body for _status, body in results]
    assert {b["photo"]["id"] for b in bodies} == {bodies[0]["photo"]["id"]}
    assert sorted(b["duplicate"] for b in bodies) == [False, True]
    assert rows(helpers, Contribution) == rows(helpers, Photo) == 1
    image = phone.http.get(f"/j/{links.join_code}/photos/{bodies[0]['photo']['id']}.jpg")
    assert image.status_code == 200
    image.close()
