"""Who may do what: every Socket.IO event and every HTTP route, for every kind of caller.

Two explicit tables drive this file, so that a change of who may do what shows as a diff:

- `SOCKET_EVENTS`: per event (the handler names, `schemas.SCHEMAS`), what each caller
  gets: `ok` (the event is let through to its handler: the ack is not `unauthorized`),
  `no` (connected, but the event is refused with `unauthorized`), `-` (the caller cannot
  open a Socket.IO connection to THIS workshop at all: refused `unauthorized`).
  Derived from the handlers' `roles=` (`web/sockets/*.py`) and the connection check
  (`core.on_connect`: a signed cookie for the role and the workshop's code).
- `HTTP_ROUTES`: per route of `app.url_map` (one request each, some routes twice), the
  status each caller gets; a redirect is written as where it goes (`login`: the
  organiser's login page, `join`: the workshop's join page, `table`: the participant's
  table page, `moved`: anywhere else). Derived from the views' checks
  (`web/pages/*.py`). Nothing is ever a 500.

The callers (columns): `anon` (no cookie), then a participant, the projector, a
facilitator and the organiser (owner) of THIS workshop, then the same four of ANOTHER
workshop (`x.`). Each row runs on a fresh app with both workshops (`World`).
"""

from __future__ import annotations

import functools
import io
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from socketio import packet
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from facilitator.cafe.workshops import WorkshopLinks, create_workshop, get_by_code, rotate_secrets
from facilitator.coaching import cards
from facilitator.organise import projects
from facilitator.organise.demo import template
from facilitator.store.models import (
    Ballot,
    CoachingDraw,
    Contribution,
    ExportJob,
    Participant,
    Seat,
    User,
)
from facilitator.web.auth import ORGANISER_COOKIE, issue_organiser_token
from facilitator.web.extensions import socketio
from facilitator.web.jobs.wall import wall_path
from facilitator.web.sockets import schemas
from tests.conftest import Helpers, close_app, make_app

PASSWORD = "correct horse battery"
COLUMNS = ("anon", "part", "proj", "faci", "orga", "x.part", "x.proj", "x.faci", "x.orga")
ROLE_OF = {"part": "participant", "proj": "projector", "faci": "facilitator"}
DIGEST = "0123456789abcdef" * 2  # a drawn harvest wall (the file is written by `World`)

# fmt: off
SOCKET_EVENTS: dict[str, tuple[str, ...]] = {
    # event                anon  part  proj  faci  orga  x.part x.proj x.faci x.orga
    "sync":               ("-", "ok", "ok", "ok", "-",  "-",   "-",   "-",   "-"),
    "spotlight.view":     ("-", "ok", "ok", "ok", "-",  "-",   "-",   "-",   "-"),
    "summary.view":       ("-", "no", "ok", "ok", "-",  "-",   "-",   "-",   "-"),
    "note.post":          ("-", "ok", "no", "no", "-",  "-",   "-",   "-",   "-"),
    "insight.post":       ("-", "ok", "no", "no", "-",  "-",   "-",   "-",   "-"),
    "note.paper":         ("-", "ok", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "note.vote":          ("-", "ok", "no", "no", "-",  "-",   "-",   "-",   "-"),
    "participant.leave":  ("-", "ok", "no", "no", "-",  "-",   "-",   "-",   "-"),
    "participant.return": ("-", "ok", "no", "no", "-",  "-",   "-",   "-",   "-"),
    "ballot.dots":        ("-", "ok", "no", "no", "-",  "-",   "-",   "-",   "-"),
    "commitment.post":    ("-", "ok", "no", "no", "-",  "-",   "-",   "-",   "-"),
    "round.start":        ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "round.pause":        ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "round.resume":       ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "round.extend":       ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "round.end":          ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "round.next":         ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "plan.preview":       ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "plan.apply":         ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "seat.move":          ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "participant.remove": ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "phase.start":        ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "note.hide":          ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "note.restore":       ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "message.send":       ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "projector.show":     ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "projector.turn":     ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "harvest.scope":      ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "spotlight.set":      ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "ballot.open":        ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "ballot.close":       ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "harvest.language":   ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "theme.notes":        ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "theme.rename":       ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "theme.merge":        ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "theme.split":        ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "theme.reset":        ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "coaching.view":      ("-", "ok", "ok", "ok", "-",  "-",   "-",   "-",   "-"),
    "selfscan.answer":    ("-", "ok", "no", "no", "-",  "-",   "-",   "-",   "-"),
    "coaching.draw":      ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "coaching.deal":      ("-", "no", "no", "ok", "-",  "-",   "-",   "-",   "-"),
    "coaching.to_question": ("-", "no", "no", "ok", "-", "-",  "-",   "-",   "-"),
}

# (method, url_map rule) -> what each caller gets. `{code}` is THIS workshop's code.
HTTP_ROUTES: dict[tuple[str, str], tuple[str, ...]] = {
    # route
    #    anon     part     proj     faci     orga     x.part   x.proj   x.faci   x.orga
    ("GET", "/"):
        ("200",   "200",   "200",   "200",   "200",   "200",   "200",   "200",   "200"),
    ("GET", "/healthz"):
        ("200",   "200",   "200",   "200",   "200",   "200",   "200",   "200",   "200"),
    ("GET", "/favicon.ico"):
        ("200",   "200",   "200",   "200",   "200",   "200",   "200",   "200",   "200"),
    # The phone's service worker: a script like the others, nobody's data in it.
    ("GET", "/w/sw.js"):
        ("200",   "200",   "200",   "200",   "200",   "200",   "200",   "200",   "200"),
    ("GET", "/static/<path:filename>"):
        ("200",   "200",   "200",   "200",   "200",   "200",   "200",   "200",   "200"),
    ("GET", "/vendor/<name>"):
        ("200",   "200",   "200",   "200",   "200",   "200",   "200",   "200",   "200"),
    ("GET", "/join"):
        ("join",  "join",  "join",  "join",  "join",  "join",  "join",  "join",  "join"),
    ("GET", "/j/<code>"):
        ("200",   "table", "200",   "200",   "200",   "200",   "200",   "200",   "200"),
    ("POST", "/j/<code>"):
        ("table", "table", "table", "table", "table", "table", "table", "table", "table"),
    ("GET", "/w/<code>"):
        ("join",  "200",   "join",  "join",  "join",  "join",  "join",  "join",  "join"),
    ("POST", "/j/<code>/photos"):
        ("403",   "200",   "403",   "403",   "403",   "403",   "403",   "403",   "403"),
    # Only a device that joined people with "shared device" ticked switches between them.
    ("POST", "/j/<code>/device/new"):
        ("403",   "403",   "403",   "403",   "403",   "403",   "403",   "403",   "403"),
    ("POST", "/j/<code>/device/<public_id>"):
        ("403",   "403",   "403",   "403",   "403",   "403",   "403",   "403",   "403"),
    ("GET", "/j/<code>/photos/<int:photo_id>.jpg"):
        ("403",   "200",   "200",   "200",   "403",   "403",   "403",   "403",   "403"),
    ("GET", "/f/<code>"):
        ("403",   "403",   "403",   "200",   "403",   "403",   "403",   "403",   "403"),
    ("GET", "/f/<code>/<secret>"):
        ("403",   "403",   "403",   "403",   "403",   "403",   "403",   "403",   "403"),
    ("GET", "/p/<code>"):
        ("403",   "403",   "200",   "403",   "403",   "403",   "403",   "403",   "403"),
    ("GET", "/p/<code>/<secret>"):
        ("403",   "403",   "403",   "403",   "403",   "403",   "403",   "403",   "403"),
    ("GET", "/p/<code>/harvest/<digest>.png"):
        ("403",   "200",   "200",   "200",   "403",   "403",   "403",   "403",   "403"),
    ("GET", "/x/<code>/exports"):
        ("403",   "403",   "403",   "200",   "200",   "403",   "403",   "403",   "403"),
    ("POST", "/x/<code>/exports"):
        ("403",   "403",   "403",   "400",   "400",   "403",   "403",   "403",   "403"),
    ("GET", "/x/<code>/exports/<int:job_id>"):
        ("403",   "403",   "403",   "200",   "200",   "403",   "403",   "403",   "403"),
    ("GET", "/x/<code>/exports/<int:job_id>/download"):
        ("403",   "403",   "403",   "200",   "200",   "403",   "403",   "403",   "403"),
    ("GET", "/o/"):
        ("login", "login", "login", "login", "200",   "login", "login", "login", "200"),
    ("GET", "/o/login"):
        ("200",   "200",   "200",   "200",   "moved", "200",   "200",   "200",   "moved"),
    ("POST", "/o/login"):
        ("400",   "400",   "400",   "400",   "400",   "400",   "400",   "400",   "400"),
    ("POST", "/o/logout"):
        ("login", "login", "login", "login", "login", "login", "login", "login", "login"),
    ("GET", "/o/new"):
        ("login", "login", "login", "login", "200",   "login", "login", "login", "200"),
    ("POST", "/o/new"):
        ("login", "login", "login", "login", "moved", "login", "login", "login", "moved"),
    ("GET", "/o/w/<code>"):
        ("login", "login", "login", "login", "200",   "login", "login", "login", "403"),
    ("POST", "/o/w/<code>"):
        ("login", "login", "login", "login", "200",   "login", "login", "login", "403"),
    ("GET", "/o/w/<code>/delete"):
        ("login", "login", "login", "login", "200",   "login", "login", "login", "403"),
    ("POST", "/o/w/<code>/delete"):
        ("login", "login", "login", "login", "400",   "login", "login", "login", "403"),
    ("POST", "/o/w/<code>/invite"):
        ("login", "login", "login", "login", "200",   "login", "login", "login", "403"),
    ("POST", "/o/w/<code>/projector"):
        ("login", "login", "login", "login", "200",   "login", "login", "login", "403"),
    ("POST", "/o/w/<code>/status"):
        ("login", "login", "login", "login", "400",   "login", "login", "login", "403"),
    # The coaching cards: THIS organiser's set; another organiser's set is unknown (404).
    ("GET", "/o/coaching/"):
        ("login", "login", "login", "login", "200",   "login", "login", "login", "200"),
    ("POST", "/o/coaching/new"):
        ("login", "login", "login", "login", "moved", "login", "login", "login", "moved"),
    ("GET", "/o/coaching/<int:set_id>"):
        ("login", "login", "login", "login", "200",   "login", "login", "login", "404"),
    ("POST", "/o/coaching/<int:set_id>"):
        ("login", "login", "login", "login", "400",   "login", "login", "login", "404"),
    # Neighbourhood projects: THIS organiser coaches the project; another coach's is a 404.
    ("GET", "/o/projects"):
        ("login", "login", "login", "login", "200",   "login", "login", "login", "200"),
    ("GET", "/o/projects/new"):
        ("login", "login", "login", "login", "200",   "login", "login", "login", "200"),
    ("POST", "/o/projects/new"):
        ("login", "login", "login", "login", "moved", "login", "login", "login", "moved"),
    ("GET", "/o/projects/<int:project_id>/edit"):
        ("login", "login", "login", "login", "200",   "login", "login", "login", "404"),
    ("POST", "/o/projects/<int:project_id>/edit"):
        ("login", "login", "login", "login", "400",   "login", "login", "login", "404"),
    ("GET", "/o/projects/<int:project_id>/delete"):
        ("login", "login", "login", "login", "200",   "login", "login", "login", "404"),
    ("POST", "/o/projects/<int:project_id>/delete"):
        ("login", "login", "login", "login", "moved", "login", "login", "login", "404"),
    ("POST", "/o/w/<code>/projects"):
        ("login", "login", "login", "login", "moved", "login", "login", "login", "403"),
    # The portfolio is the coach's own; the programme, in aggregate only, any organiser's.
    ("GET", "/o/portfolio"):
        ("login", "login", "login", "login", "200",   "login", "login", "login", "200"),
    ("GET", "/o/projects/<int:project_id>"):
        ("login", "login", "login", "login", "200",   "login", "login", "login", "404"),
    ("GET", "/o/programme"):
        ("login", "login", "login", "login", "200",   "login", "login", "login", "200"),
    # A coach's exports (JSON): the sheet of THIS organiser's project, the programme's.
    ("GET", "/o/projects/<int:project_id>/exports"):
        ("403",   "403",   "403",   "403",   "200",   "403",   "403",   "403",   "404"),
    ("POST", "/o/projects/<int:project_id>/exports"):
        ("403",   "403",   "403",   "403",   "400",   "403",   "403",   "403",   "404"),
    ("GET", "/o/projects/<int:project_id>/exports/<int:job_id>"):
        ("403",   "403",   "403",   "403",   "200",   "403",   "403",   "403",   "404"),
    ("GET", "/o/projects/<int:project_id>/exports/<int:job_id>/download"):
        ("403",   "403",   "403",   "403",   "200",   "403",   "403",   "403",   "404"),
    ("GET", "/o/programme/exports"):
        ("403",   "403",   "403",   "403",   "200",   "403",   "403",   "403",   "200"),
    ("POST", "/o/programme/exports"):
        ("403",   "403",   "403",   "403",   "400",   "403",   "403",   "403",   "400"),
    ("GET", "/o/programme/exports/<int:job_id>"):
        ("403",   "403",   "403",   "403",   "200",   "403",   "403",   "403",   "404"),
    ("GET", "/o/programme/exports/<int:job_id>/download"):
        ("403",   "403",   "403",   "403",   "200",   "403",   "403",   "403",   "404"),
}
# fmt: on


# --- the world: THIS workshop and ANOTHER, one of each caller ---------------------------


@dataclass
class World:
    app: Flask
    helpers: Helpers
    this: WorkshopLinks
    other: WorkshopLinks
    clients: dict[str, FlaskClient] = field(default_factory=dict)
    public_ids: dict[str, str] = field(default_factory=dict)  # "part"/"x.part" -> public id
    tables: dict[str, int] = field(default_factory=dict)  # "part"/"x.part" -> table number
    note_id: int = 0
    note_client_id: str = ""
    photo_id: int = 0
    job_id: int = 0
    ballot_id: int = 0
    this_id: int = 0
    card_set_id: int = 0
    draw_id: int = 0  # a card drawn in THIS workshop's coaching phase
    project_id: int = 0
    sheet_job_id: int = 0
    programme_job_id: int = 0

    def session(self):  # type: ignore[no-untyped-def]
        return self.helpers.session()


def jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 180, 160)).save(out, "JPEG")
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 0, 0)).save(out, "PNG")
    return out.getvalue()


@functools.cache
def password_hash() -> str:
    return generate_password_hash(PASSWORD)  # scrypt: once per run, not once per world


def _logged_in(app: Flask, user_id: int) -> FlaskClient:
    """An organiser's browser after logging in (`tests/test_organiser.py` logs in for real)."""
    client = app.test_client()
    client.set_cookie(ORGANISER_COOKIE, issue_organiser_token(app.config["SECRET_KEY"], user_id))
    return client


def _opened(app: Flask, prefix: str, code: str, secret: str) -> FlaskClient:
    client = app.test_client()
    assert client.get(f"/{prefix}/{code}/{secret}").status_code == 302
    return client


def build_world(app: Flask, photo: bool = True) -> World:
    """Both workshops and one client per caller; THIS workshop with a note, a ballot, an
    export, a drawn wall and (unless `photo` is false: the upload is the slow part) a
    tablecloth photo."""
    helpers = Helpers(app)
    with helpers.session() as session:
        users = [User(username=name, password_hash=password_hash()) for name in ("alice", "bob")]
        session.add_all(users)
        session.flush()
        alice, bob = users[0].id, users[1].id
        this = create_workshop(session, template(), owner_id=alice)
        other = create_workshop(session, template(), owner_id=bob)
    world = World(app, helpers, this, other)
    world.clients["anon"] = app.test_client()
    for prefix, links, user in (("", this, alice), ("x.", other, bob)):
        phone = helpers.join(links.join_code)
        world.clients[prefix + "part"] = phone.http
        world.public_ids[prefix + "part"] = phone.public_id
        world.tables[prefix + "part"] = phone.snapshot()["seat"]["table"]
        if prefix == "":
            ack = phone.post("A note of THIS workshop")
            assert ack["ok"], ack
            world.note_id, world.note_client_id = ack["note"]["id"], ack["note"]["client_id"]
        if prefix == "" and photo:
            form = {
                "client_id": str(uuid.uuid4()),
                "table": str(world.tables["part"]),
                "photo": (io.BytesIO(jpeg()), "cloth.jpg"),
            }
            uploaded = phone.http.post(f"/j/{links.join_code}/photos", data=form)
            assert uploaded.status_code == 200, uploaded.get_json()
            world.photo_id = uploaded.get_json()["photo"]["id"]
        phone.socket.disconnect()
        world.clients[prefix + "proj"] = _opened(app, "p", links.join_code, links.projector_secret)
        secret = links.facilitator_secret
        world.clients[prefix + "faci"] = _opened(app, "f", links.join_code, secret)
        world.clients[prefix + "orga"] = _logged_in(app, user)
    with helpers.session() as session:
        workshop = get_by_code(session, this.join_code)
        world.this_id = workshop.id
        job = ExportJob(
            workshop_id=workshop.id,
            kind="report",
            options={},
            key="authorisation-test",
            status="done",
            step="done",
            progress=100,
            filename="report.html",
        )
        ballot = Ballot(
            workshop_id=workshop.id,
            status="open",
            dots_per_person=3,
            options=[{"key": "t1", "kind": "theme", "label": "care", "text": "care"}],
        )
        draw = CoachingDraw(
            workshop_id=workshop.id,
            area_key="connection",
            area_title={"en": "Connection among residents"},
            kind="reflection",
            text={"en": "Who has nobody to knock on?"},
        )
        session.add_all([job, ballot, draw])
        session.flush()
        world.job_id, world.ballot_id, world.draw_id = job.id, ballot.id, draw.id
        world.card_set_id = cards.create_set(session, workshop.owner_id, cards.DEFAULT).id
        project = projects.create_project(session, workshop.owner_id, "Kiel", "Antwerpen", ["nl"])
        world.project_id = project.id
        coach_jobs = [
            ExportJob(
                owner_id=workshop.owner_id,
                kind=kind,
                options=options,
                key=f"authorisation-{kind}",
                status="done",
                step="done",
                progress=100,
                filename=f"{kind}.pdf",
            )
            for kind, options in (
                ("coaching_sheet", {"project": str(project.id), "language": "en"}),
                ("programme", {"format": "pdf", "language": "en"}),
            )
        ]
        session.add_all(coach_jobs)
        session.flush()
        world.sheet_job_id, world.programme_job_id = coach_jobs[0].id, coach_jobs[1].id
        coach_folder = Path(app.config["EXPORTS_DIR"]) / f"coach-{workshop.owner_id}"
        coach_folder.mkdir(parents=True, exist_ok=True)
        for job in coach_jobs:
            (coach_folder / f"{job.kind}.pdf").write_bytes(b"%PDF-1.4 authorisation")
    folder = Path(app.config["EXPORTS_DIR"]) / str(world.this_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.html").write_text("<p>report</p>")
    wall = wall_path(app, world.this_id, DIGEST)
    wall.parent.mkdir(parents=True, exist_ok=True)
    wall.write_bytes(png())
    return world


def _app(sqlite_url: str, tmp_path: Path) -> Flask:
    # Logins and joins are rate limited per address, and every test client is 127.0.0.1.
    return make_app(sqlite_url, tmp_path, LOGINS_PER_MINUTE=10_000, JOINS_PER_MINUTE=10_000)


@pytest.fixture
def world(sqlite_url: str, tmp_path: Path) -> Any:
    app = _app(sqlite_url, tmp_path)
    yield build_world(app)
    close_app(app)


@pytest.fixture
def socket_world(sqlite_url: str, tmp_path: Path) -> Any:
    """The world without the photo, for the socket rows (no event names a photo)."""
    app = _app(sqlite_url, tmp_path)
    yield build_world(app, photo=False)
    close_app(app)


# --- sockets -------------------------------------------------------------------------------


def connect_to_this(world: World, column: str) -> tuple[Any, str | None]:
    """The caller's Socket.IO connection to THIS workshop, trying every role; or None."""
    http = world.clients[column]
    for role in ("participant", "projector", "facilitator", "organiser"):
        client = socketio.test_client(
            world.app, flask_test_client=http, auth={"code": world.this.join_code, "role": role}
        )
        if client.is_connected():
            return client, role
    return None, None


def socket_payload(world: World, event: str) -> dict[str, Any]:
    """A payload the event's handler accepts (for THIS workshop's participant/facilitator)."""
    table = world.tables["part"]
    person = world.public_ids["part"]
    payloads: dict[str, dict[str, Any]] = {
        "sync": {"last_seq": 0},
        "spotlight.view": {},
        "summary.view": {},
        "note.post": {"client_id": str(uuid.uuid4()), "text": "authorised?", "table": table},
        "insight.post": {"client_id": str(uuid.uuid4()), "text": "key point", "table": table},
        "note.paper": {
            "client_id": str(uuid.uuid4()),
            "text": "from paper",
            "table": table,
            "language": "nl",
        },
        "note.vote": {"note": world.note_id},
        "participant.leave": {},
        "participant.return": {},
        "ballot.dots": {"ballot": world.ballot_id, "dots": {"t1": 1}},
        "commitment.post": {"client_id": str(uuid.uuid4()), "text": "I will", "theme": None},
        "round.start": {},
        "round.pause": {},
        "round.resume": {},
        "round.extend": {"seconds": 60},
        "round.end": {},
        "round.next": {"expected": 1},
        "plan.preview": {},
        "plan.apply": {"expected": 1, "seating": {}},
        "seat.move": {"participants": [person], "table": 2},
        "participant.remove": {"participant": person},
        "phase.start": {"phase": 1},
        "note.hide": {"note": world.note_id},
        "note.restore": {"note": world.note_id},
        "message.send": {"text": "hello everyone"},
        "projector.show": {"view": "wall", "show_names": True},
        "projector.turn": {"step": 1},
        "harvest.scope": {"scope": "all"},
        "spotlight.set": {"table": 1},
        "ballot.open": {"dots": 3},
        "ballot.close": {},
        "harvest.language": {"language": "fr"},
        "theme.notes": {"notes": [world.note_id]},
        "theme.rename": {"notes": [world.note_id], "title": "Buren"},
        "theme.merge": {"a": [world.note_id], "b": [world.note_id]},
        "theme.split": {"notes": [world.note_id]},
        "theme.reset": {},
        "coaching.view": {},
        "selfscan.answer": {"client_id": str(uuid.uuid4()), "area": "connection", "score": 3},
        "coaching.draw": {},
        "coaching.deal": {},
        "coaching.to_question": {"draw": world.draw_id},
    }
    return payloads[event]


def test_the_socket_table_names_every_event_once():
    assert sorted(SOCKET_EVENTS) == sorted(schemas.SCHEMAS)
    assert all(len(row) == len(COLUMNS) for row in SOCKET_EVENTS.values())


@pytest.mark.parametrize("event", sorted(SOCKET_EVENTS))
def test_who_may_send_each_socket_event(socket_world: World, event: str):
    world = socket_world
    got = []
    for column in COLUMNS:
        client, role = connect_to_this(world, column)
        if client is None:
            got.append("-")
            continue
        assert role == ROLE_OF.get(column), f"{column} connected to THIS workshop as {role}"
        ack = client.emit(event, socket_payload(world, event), callback=True)
        client.disconnect()
        assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), (column, ack)
        assert ack.get("error") != "server_error", (column, ack)
        got.append("no" if ack.get("error") == "unauthorized" else "ok")
    assert dict(zip(COLUMNS, got, strict=True)) == dict(
        zip(COLUMNS, SOCKET_EVENTS[event], strict=True)
    )


def refusal(world: World, http: FlaskClient, auth: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The data of the CONNECT_ERROR the server answers (None when it lets the caller in)."""
    client = socketio.test_client(world.app, flask_test_client=http, auth=auth)
    if client.is_connected():
        client.disconnect()
        return None
    seen: list[Any] = []
    original = socketio.server._send_packet  # the test client's stand-in for the wire

    def record(eio_sid: str, pkt: Any) -> Any:
        if pkt.packet_type == packet.CONNECT_ERROR:
            seen.append(pkt.data)
        return original(eio_sid, pkt)

    monkeypatch.setattr(socketio.server, "_send_packet", record)
    client.connect(auth=auth)  # once more, to read the answer
    monkeypatch.setattr(socketio.server, "_send_packet", original)
    assert not client.is_connected()
    return seen[0] if len(seen) == 1 else seen


def test_a_refused_connection_says_unauthorized(
    socket_world: World, monkeypatch: pytest.MonkeyPatch
):
    """Not a silent drop: the refusal carries the `unauthorized` reason."""
    got = {}
    for column in ("anon", "orga", "x.part", "x.proj", "x.faci", "x.orga"):
        for role in ("participant", "projector", "facilitator", "organiser"):
            auth = {"code": socket_world.this.join_code, "role": role}
            got[(column, role)] = refusal(
                socket_world, socket_world.clients[column], auth, monkeypatch
            )
    assert got == {key: {"message": "unauthorized"} for key in got}


@pytest.mark.parametrize(
    "auth",
    [None, "code", [], {"code": None, "role": "participant"}, {"code": "x" * 13, "role": "x"}],
    ids=["none", "string", "list", "no-code", "long-code"],
)
def test_a_malformed_auth_is_refused(
    socket_world: World, auth: Any, monkeypatch: pytest.MonkeyPatch
):
    answer = refusal(socket_world, socket_world.clients["part"], auth, monkeypatch)
    assert answer == {"message": "unauthorized"}


@pytest.mark.parametrize("column", ["x.part", "x.proj", "x.faci"])
def test_another_workshops_cookie_renamed_for_this_one_is_refused(socket_world: World, column: str):
    """A genuine signed cookie of ANOTHER workshop, put under THIS workshop's cookie name."""
    role = ROLE_OF[column.removeprefix("x.")]
    prefix = {"participant": "fp_", "projector": "fj_", "facilitator": "ff_"}[role]
    stolen = socket_world.clients[column].get_cookie(prefix + socket_world.other.join_code)
    assert stolen is not None
    forged = socket_world.app.test_client()
    forged.set_cookie(prefix + socket_world.this.join_code, stolen.value)
    client = socketio.test_client(
        socket_world.app,
        flask_test_client=forged,
        auth={"code": socket_world.this.join_code, "role": role},
    )
    assert not client.is_connected()
    page = {
        "participant": f"/w/{socket_world.this.join_code}",
        "projector": "/p/",
        "facilitator": "/f/",
    }
    url = page[role] if role == "participant" else page[role] + socket_world.this.join_code
    assert forged.get(url).status_code in (302, 403)


def _this_state(world: World) -> dict[str, Any]:
    with world.session() as session:
        note = session.get(Contribution, world.note_id)
        person = session.scalar(
            select(Participant).where(Participant.public_id == world.public_ids["part"])
        )
        seats = session.scalars(select(Seat.table_id).where(Seat.participant_id == person.id))
        return {
            "hidden": note.hidden,
            "text": note.text,
            "presence": person.presence,
            "seats": sorted(seats),
        }


def test_another_workshops_staff_and_phones_cannot_reach_this_workshops_rows(world: World):
    """Connected to their own workshop, they name THIS workshop's notes, people, ballot."""
    before = _this_state(world)
    other = world.other.join_code
    facilitator = socketio.test_client(
        world.app,
        flask_test_client=world.clients["x.faci"],
        auth={"code": other, "role": "facilitator"},
    )
    phone = socketio.test_client(
        world.app,
        flask_test_client=world.clients["x.part"],
        auth={"code": other, "role": "participant"},
    )
    assert facilitator.is_connected() and phone.is_connected()
    person = world.public_ids["part"]
    staff_cases = {
        "note.hide": ({"note": world.note_id}, "unknown_note"),
        "note.restore": ({"note": world.note_id}, "unknown_note"),
        "seat.move": ({"participants": [person], "table": 1}, "unknown_participant"),
        "participant.remove": ({"participant": person}, "unknown_participant"),
        "plan.apply": ({"expected": 1, "seating": {person: 1}}, "stale_plan"),
        "coaching.to_question": ({"draw": world.draw_id}, "unknown_card"),
    }
    phone_cases = {
        "note.vote": ({"note": world.note_id}, "unknown_note"),
        "ballot.dots": ({"ballot": world.ballot_id, "dots": {"t1": 1}}, "unknown_ballot"),
    }
    got = {}
    for client, cases in ((facilitator, staff_cases), (phone, phone_cases)):
        for event, (payload, _code) in cases.items():
            ack = client.emit(event, payload, callback=True)
            got[event] = ack.get("error") if not ack.get("ok") else "ok"
    expected = {event: code for event, (_p, code) in (staff_cases | phone_cases).items()}
    assert got == expected
    # THIS workshop's note's client id, reused in ANOTHER workshop: a note of its own there.
    ack = phone.emit(
        "note.post",
        {"client_id": world.note_client_id, "text": "mine", "table": world.tables["x.part"]},
        callback=True,
    )
    assert ack["ok"] and ack["note"]["id"] != world.note_id and ack["note"]["text"] == "mine"
    facilitator.disconnect()
    phone.disconnect()
    assert _this_state(world) == before
    # Over HTTP: THIS workshop's photo, export and wall under ANOTHER workshop's code.
    assert world.clients["x.part"].get(f"/j/{other}/photos/{world.photo_id}.jpg").status_code == 404
    assert world.clients["x.faci"].get(f"/x/{other}/exports/{world.job_id}").status_code == 404
    download = f"/x/{other}/exports/{world.job_id}/download"
    assert world.clients["x.faci"].get(download).status_code == 404
    assert world.clients["x.proj"].get(f"/p/{other}/harvest/{DIGEST}.png").status_code == 404


@pytest.mark.parametrize("role", ["facilitator", "projector"])
def test_a_screen_of_a_replaced_link_is_refused_every_event(socket_world: World, role: str):
    """Connected before the link was replaced (as on a worker that missed the revocation):
    every event it still sends is `unauthorized`, and it cannot connect again."""
    column = "faci" if role == "facilitator" else "proj"
    client, connected_as = connect_to_this(socket_world, column)
    assert connected_as == role
    with socket_world.session() as session:
        rotate_secrets(session, get_by_code(session, socket_world.this.join_code))
    got = {}
    for event in sorted(schemas.SCHEMAS):
        ack = client.emit(event, socket_payload(socket_world, event), callback=True)
        got[event] = ack.get("error") if isinstance(ack, dict) else repr(ack)
    assert got == {event: "unauthorized" for event in schemas.SCHEMAS}
    client.disconnect()
    again, _ = connect_to_this(socket_world, column)
    assert again is None


def test_the_organisers_new_link_disconnects_the_old_links_screens(socket_world: World):
    client, _ = connect_to_this(socket_world, "faci")
    assert client.is_connected()
    code = socket_world.this.join_code
    assert socket_world.clients["orga"].post(f"/o/w/{code}/invite").status_code == 200
    assert not client.is_connected()  # disconnected by the server
    revoked = [item["args"] for item in client.queue if item["name"] == "session.revoked"]
    assert revoked == [[{"seq": None, "data": {"role": "facilitator"}}]]
    assert socket_world.clients["faci"].get(f"/f/{code}").status_code == 403


# --- HTTP ----------------------------------------------------------------------------------


def http_request(world: World, method: str, rule: str) -> tuple[str, dict[str, Any]]:
    """The URL and keyword arguments of one request to `rule` in THIS workshop."""
    code = world.this.join_code
    wrong_secret = "not-the-secret-" + "x" * 8
    table = str(world.tables["part"])
    sheets = f"/o/projects/{world.project_id}/exports"
    requests: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {
        ("GET", "/"): ("/", {}),
        ("GET", "/healthz"): ("/healthz", {}),
        ("GET", "/favicon.ico"): ("/favicon.ico", {}),
        ("GET", "/w/sw.js"): ("/w/sw.js", {}),
        ("GET", "/static/<path:filename>"): ("/static/js/common.js", {}),
        ("GET", "/vendor/<name>"): ("/vendor/socket.io.min.js", {}),
        ("GET", "/join"): (f"/join?code={code}", {}),
        ("GET", "/j/<code>"): (f"/j/{code}", {}),
        ("POST", "/j/<code>"): (f"/j/{code}", {"data": {"language": "en"}}),
        ("GET", "/w/<code>"): (f"/w/{code}", {}),
        ("POST", "/j/<code>/photos"): (f"/j/{code}/photos", {"photo_form": table}),
        ("POST", "/j/<code>/device/new"): (f"/j/{code}/device/new", {}),
        ("POST", "/j/<code>/device/<public_id>"): (
            f"/j/{code}/device/{world.public_ids['part']}",
            {},
        ),
        ("GET", "/j/<code>/photos/<int:photo_id>.jpg"): (
            f"/j/{code}/photos/{world.photo_id}.jpg",
            {},
        ),
        ("GET", "/f/<code>"): (f"/f/{code}", {}),
        ("GET", "/f/<code>/<secret>"): (f"/f/{code}/{wrong_secret}", {}),
        ("GET", "/p/<code>"): (f"/p/{code}", {}),
        ("GET", "/p/<code>/<secret>"): (f"/p/{code}/{wrong_secret}", {}),
        ("GET", "/p/<code>/harvest/<digest>.png"): (f"/p/{code}/harvest/{DIGEST}.png", {}),
        ("GET", "/x/<code>/exports"): (f"/x/{code}/exports", {}),
        ("POST", "/x/<code>/exports"): (f"/x/{code}/exports", {"json": {"kind": "nonsense"}}),
        ("GET", "/x/<code>/exports/<int:job_id>"): (f"/x/{code}/exports/{world.job_id}", {}),
        ("GET", "/x/<code>/exports/<int:job_id>/download"): (
            f"/x/{code}/exports/{world.job_id}/download",
            {},
        ),
        ("GET", "/o/"): ("/o/", {}),
        ("GET", "/o/login"): ("/o/login", {}),
        ("POST", "/o/login"): ("/o/login", {"data": {"username": "alice", "password": "wrong"}}),
        ("POST", "/o/logout"): ("/o/logout", {}),
        ("GET", "/o/new"): ("/o/new", {}),
        ("POST", "/o/new"): ("/o/new", {"data": {"source": "blank"}}),
        ("GET", "/o/w/<code>"): (f"/o/w/{code}", {}),
        ("POST", "/o/w/<code>"): (f"/o/w/{code}", {"data": {"action": "add_phase"}}),
        ("GET", "/o/w/<code>/delete"): (f"/o/w/{code}/delete", {}),
        ("POST", "/o/w/<code>/delete"): (f"/o/w/{code}/delete", {"data": {"confirm": "no"}}),
        ("POST", "/o/w/<code>/invite"): (f"/o/w/{code}/invite", {}),
        ("POST", "/o/w/<code>/projector"): (f"/o/w/{code}/projector", {}),
        ("POST", "/o/w/<code>/status"): (f"/o/w/{code}/status", {"data": {"to": ""}}),
        ("GET", "/o/coaching/"): ("/o/coaching/", {}),
        ("POST", "/o/coaching/new"): ("/o/coaching/new", {"data": {"source": "default"}}),
        ("GET", "/o/coaching/<int:set_id>"): (f"/o/coaching/{world.card_set_id}", {}),
        # Saved without a name: refused (400), nothing changes.
        ("POST", "/o/coaching/<int:set_id>"): (f"/o/coaching/{world.card_set_id}", {"data": {}}),
        ("GET", "/o/projects"): ("/o/projects", {}),
        ("GET", "/o/projects/new"): ("/o/projects/new", {}),
        ("POST", "/o/projects/new"): (
            "/o/projects/new",
            {"data": {"name": "Noord", "languages": ["nl"]}},
        ),
        ("GET", "/o/projects/<int:project_id>/edit"): (f"/o/projects/{world.project_id}/edit", {}),
        # Saved without a name: refused (400), nothing changes.
        ("POST", "/o/projects/<int:project_id>/edit"): (
            f"/o/projects/{world.project_id}/edit",
            {"data": {}},
        ),
        ("GET", "/o/projects/<int:project_id>/delete"): (
            f"/o/projects/{world.project_id}/delete",
            {},
        ),
        ("POST", "/o/projects/<int:project_id>/delete"): (
            f"/o/projects/{world.project_id}/delete",
            {},
        ),
        ("POST", "/o/w/<code>/projects"): (
            f"/o/w/{code}/projects",
            {"data": {"projects": [str(world.project_id)]}},
        ),
        ("GET", "/o/portfolio"): ("/o/portfolio", {}),
        ("GET", "/o/projects/<int:project_id>"): (f"/o/projects/{world.project_id}", {}),
        ("GET", "/o/programme"): ("/o/programme", {}),
        ("GET", "/o/projects/<int:project_id>/exports"): (f"{sheets}", {}),
        ("POST", "/o/projects/<int:project_id>/exports"): (
            f"{sheets}",
            {"json": {"kind": "coaching_sheet", "options": {"language": "xx"}}},
        ),
        ("GET", "/o/projects/<int:project_id>/exports/<int:job_id>"): (
            f"{sheets}/{world.sheet_job_id}",
            {},
        ),
        ("GET", "/o/projects/<int:project_id>/exports/<int:job_id>/download"): (
            f"{sheets}/{world.sheet_job_id}/download",
            {},
        ),
        ("GET", "/o/programme/exports"): ("/o/programme/exports", {}),
        ("POST", "/o/programme/exports"): (
            "/o/programme/exports",
            {"json": {"kind": "programme", "options": {"format": "xls"}}},
        ),
        ("GET", "/o/programme/exports/<int:job_id>"): (
            f"/o/programme/exports/{world.programme_job_id}",
            {},
        ),
        ("GET", "/o/programme/exports/<int:job_id>/download"): (
            f"/o/programme/exports/{world.programme_job_id}/download",
            {},
        ),
    }
    return requests[(method, rule)]


def outcome(world: World, response: Any) -> str:
    """A response as the table writes it: the status, or where a redirect goes."""
    if response.status_code not in (301, 302, 303, 307, 308):
        return str(response.status_code)
    path = urlsplit(response.headers["Location"]).path
    code = world.this.join_code
    return {"/o/login": "login", f"/j/{code}": "join", f"/w/{code}": "table"}.get(path, "moved")


def send(world: World, client: FlaskClient, method: str, rule: str) -> Any:
    url, kwargs = http_request(world, method, rule)
    if "photo_form" in kwargs:  # a fresh multipart body per request (files are read once)
        table = kwargs.pop("photo_form")
        kwargs["data"] = {
            "client_id": str(uuid.uuid4()),
            "table": table,
            "photo": (io.BytesIO(jpeg()), "cloth.jpg"),
        }
    return client.open(url, method=method, **kwargs)


def test_the_http_table_names_every_route(socket_world: World):
    rules = {
        (method, rule.rule)
        for rule in socket_world.app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert sorted(HTTP_ROUTES) == sorted(rules)
    assert all(len(row) == len(COLUMNS) for row in HTTP_ROUTES.values())


@pytest.mark.parametrize("route", sorted(HTTP_ROUTES), ids=lambda r: f"{r[0]} {r[1]}")
def test_who_may_open_each_route(world: World, route: tuple[str, str]):
    method, rule = route
    got = []
    for column in COLUMNS:  # the organiser of THIS last of THIS: /invite replaces links
        response = send(world, world.clients[column], method, rule)
        assert response.status_code < 500, (column, response.get_data(as_text=True)[:500])
        got.append(outcome(world, response))
        response.close()
    assert dict(zip(COLUMNS, got, strict=True)) == dict(
        zip(COLUMNS, HTTP_ROUTES[route], strict=True)
    )


# Under an unknown workshop code, what the organiser (logged in, no staff cookie) gets.
UNKNOWN_CODE: dict[tuple[str, str], str] = {
    ("GET", "/join"): "404",
    ("GET", "/j/<code>"): "404",
    ("POST", "/j/<code>"): "404",
    ("GET", "/w/<code>"): "404",
    ("POST", "/j/<code>/photos"): "404",
    ("POST", "/j/<code>/device/new"): "404",
    ("POST", "/j/<code>/device/<public_id>"): "404",
    ("GET", "/j/<code>/photos/<int:photo_id>.jpg"): "404",
    ("GET", "/f/<code>"): "404",
    ("GET", "/f/<code>/<secret>"): "404",
    ("GET", "/p/<code>"): "404",
    ("GET", "/p/<code>/<secret>"): "404",
    ("GET", "/p/<code>/harvest/<digest>.png"): "404",
    ("GET", "/x/<code>/exports"): "404",
    ("POST", "/x/<code>/exports"): "404",
    ("GET", "/x/<code>/exports/<int:job_id>"): "404",
    ("GET", "/x/<code>/exports/<int:job_id>/download"): "404",
    ("GET", "/o/w/<code>"): "404",
    ("POST", "/o/w/<code>"): "404",
    ("GET", "/o/w/<code>/delete"): "404",
    ("POST", "/o/w/<code>/delete"): "404",
    ("POST", "/o/w/<code>/invite"): "404",
    ("POST", "/o/w/<code>/projector"): "404",
    ("POST", "/o/w/<code>/status"): "404",
    ("POST", "/o/w/<code>/projects"): "404",
}


@pytest.mark.parametrize("code", ["ZZZZZZ", "ZZZZZZZZZZZZZ"], ids=["unknown", "too-long"])
def test_an_unknown_workshop_code_is_a_404_everywhere(world: World, code: str):
    got = {}
    real = world.this.join_code
    for (method, rule), _cell in UNKNOWN_CODE.items():
        url, kwargs = http_request(world, method, rule)
        url = url.replace(f"code={real}", f"code={code}").replace(f"/{real}", f"/{code}")
        if "photo_form" in kwargs:
            kwargs = {"data": {"client_id": str(uuid.uuid4()), "table": kwargs["photo_form"]}}
        response = world.clients["orga"].open(url, method=method, **kwargs)
        got[(method, rule)] = outcome(world, response)
        response.close()
    assert got == UNKNOWN_CODE


def test_a_projects_self_scan_notes_reach_its_coach_alone(app: Flask, helpers: Helpers):
    """alice coaches Kiel, bob Molenbeek (tests/test_portfolio.py's world): a note is read
    on its project's page and coaching sheet by its coach only; never in the programme."""
    from tests.test_portfolio import _browser, _seed

    ids = _seed(helpers)
    alice, bob, anon = _browser(app, ids["alice"]), _browser(app, ids["bob"]), app.test_client()
    kiel, molenbeek = f"/o/projects/{ids['kiel']}", f"/o/projects/{ids['molenbeek']}"
    assert "Niemand kent zijn buren nog" in alice.get(kiel).get_data(as_text=True)
    assert "Note secrète de Molenbeek" in bob.get(molenbeek).get_data(as_text=True)
    assert bob.get(kiel).status_code == 404 and alice.get(molenbeek).status_code == 404
    assert urlsplit(anon.get(kiel).headers["Location"]).path == "/o/login"
    sheet = {"kind": "coaching_sheet", "options": {}}
    assert bob.post(f"{kiel}/exports", json=sheet).status_code == 404
    for client in (alice, bob):
        for url in ("/o/portfolio", "/o/programme"):
            page = client.get(url).get_data(as_text=True)
            assert "Niemand kent zijn buren nog" not in page
            assert "Note secrète de Molenbeek" not in page
