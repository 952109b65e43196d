"""Export jobs: poster, report and archive made off the event loop, for the organiser and
facilitators of the workshop only, never twice at once, never left half-written."""

from __future__ import annotations

import io
import re
import threading
import time
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import func, select

from facilitator.cafe.workshops import WorkshopLinks, create_workshop, get_by_code
from facilitator.exports.collect import build_document, with_analysis
from facilitator.exports.document import LABEL_KEYS, ROLE_KEYS
from facilitator.organise.demo import template
from facilitator.organise.users import create_user
from facilitator.store import files
from facilitator.store.db import session_scope
from facilitator.store.models import (
    Ballot,
    Commitment,
    Contribution,
    ExportJob,
    Participant,
    utcnow,
)
from facilitator.web.i18n import export_labels, export_role_labels
from facilitator.web.jobs import exports as export_jobs
from tests.conftest import Helpers, close_app, make_app
from tests.sample_document import ENGLISH_LABELS, ROLE_LABELS
from tests.test_photo_upload import camera_jpeg, upload

PASSWORD = "correct horse battery"
NOTES = {
    "nl": [
        "Eenzaamheid bij ouderen in de buurt samen aanpakken met de buren",
        "Buren ontmoeten elkaar in het buurthuis bij een kop koffie",
    ],
    "fr": [
        "Les aidants proches ont besoin de répit et de soutien dans le quartier",
        "Un café de quartier pour rencontrer les voisins isolés",
    ],
    "en": [
        "Volunteers need training and support from the local council",
        "Older neighbours feel lonely when there is no transport",
    ],
}
HIDDEN_NOTE = "This rude remark must never be printed"
HIDDEN_COMMITMENT = "A promise the facilitator took down"
MAGIC = {"pdf": b"%PDF", "png": b"\x89PNG", "zip": b"PK\x03\x04"}


# --- set-up --------------------------------------------------------------------------------


@pytest.fixture
def app(sqlite_url: str, tmp_path: Path) -> Any:
    """CPU work in place (OFFLOAD_WORKERS=0) for speed; one test below uses a real worker."""
    application = make_app(sqlite_url, tmp_path, OFFLOAD_WORKERS=0)
    yield application
    close_app(application)


def organiser(app: Flask, name: str) -> tuple[FlaskClient, int]:
    with session_scope(app.extensions["facilitator.sessions"]) as session:
        user_id = create_user(session, name, PASSWORD).id
    client = app.test_client()
    response = client.post("/o/login", data={"username": name, "password": PASSWORD})
    assert response.status_code == 302
    return client, user_id


def owned_workshop(helpers: Helpers, owner_id: int, title: str | None = None) -> WorkshopLinks:
    spec = dict(template()) | ({"title": title} if title else {})
    with helpers.session() as session:
        return create_workshop(session, spec, owner_id=owner_id)


def facilitator_client(app: Flask, links: WorkshopLinks) -> FlaskClient:
    client = app.test_client()
    assert client.get(f"/f/{links.join_code}/{links.facilitator_secret}").status_code == 302
    return client


def populate(helpers: Helpers, links: WorkshopLinks) -> None:
    """Phones in three languages post notes; one note is hidden; a photo, a vote, promises."""
    code = links.join_code
    host = helpers.join(code, language="nl", host="yes", name="An")
    phones = {lang: helpers.join(code, language=lang) for lang in NOTES}
    for lang, texts in NOTES.items():
        for text in texts:
            assert phones[lang].post(text)["ok"]
    rude = phones["en"].post(HIDDEN_NOTE)["note"]
    staff = helpers.staff(links)
    assert staff.emit("note.hide", {"note": rude["id"]}, callback=True)["ok"]
    table = host.snapshot()["seat"]["table"]
    payload = {"client_id": str(uuid.uuid4()), "text": "Zorg begint bij elkaar kennen"}
    assert host.socket.emit("insight.post", payload | {"table": table}, callback=True)["ok"]
    status, _body = upload(host, code, camera_jpeg())
    assert status == 200
    with helpers.session() as session:
        workshop = get_by_code(session, code)
        person = session.scalars(
            select(Participant).where(Participant.public_id == phones["fr"].public_id)
        ).one()
        options = [
            {"key": "t1", "kind": "theme", "label": "buren · ontmoeting", "text": "Buren"},
            {"key": "i1", "kind": "insight", "label": "Table 1", "text": "Zorg begint"},
        ]
        session.add(
            Ballot(
                workshop_id=workshop.id,
                status="closed",
                dots_per_person=3,
                options=options,
                results={"t1": 2, "i1": 5},
                closed_at=utcnow(),
            )
        )
        for text, hidden in (("Je passe voir ma voisine chaque semaine", False),):
            session.add(_commitment(workshop.id, person.id, text, hidden))
        session.add(_commitment(workshop.id, person.id, HIDDEN_COMMITMENT, True))


def _commitment(workshop_id: int, person_id: int, text: str, hidden: bool) -> Commitment:
    return Commitment(
        workshop_id=workshop_id,
        client_id=str(uuid.uuid4()),
        participant_id=person_id,
        text=text,
        signed_as="Fatima",
        hidden=hidden,
    )


def start(client: FlaskClient, code: str, **body: Any) -> tuple[int, dict[str, Any]]:
    response = client.post(f"/x/{code}/exports", json=body)
    return response.status_code, response.get_json()


def wait_done(client: FlaskClient, code: str, job_id: int, timeout: float = 180) -> dict:
    """Poll as the page does, until the job is done or failed (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        view = client.get(f"/x/{code}/exports/{job_id}").get_json()
        if view["status"] in ("done", "failed"):
            return view
        assert time.monotonic() < deadline, f"export still {view['status']}: {view}"
        time.sleep(0.1)


def download(client: FlaskClient, view: dict[str, Any]) -> Any:
    response = client.get(view["download_url"])
    assert response.status_code == 200, response.data[:200]
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and view["filename"] in disposition
    return response


def files_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


# --- making and downloading ----------------------------------------------------------------


def test_poster_report_and_archive_are_made_and_downloaded(app, helpers):
    owner, user_id = organiser(app, "alice")
    links = owned_workshop(helpers, user_id, title="Zorgzame Buurten – Antwerpen")
    code = links.join_code
    populate(helpers, links)
    page = owner.get(f"/o/w/{code}")
    assert b'data-test="exports"' in page.data and b"js/exports.js" in page.data

    asked = [
        ("poster", {"size": "A3", "orientation": "landscape", "format": "pdf"}, "pdf"),
        ("report", {"format": "html", "language": "en"}, "html"),
        ("report", {"format": "pdf"}, "pdf"),
        ("archive", {}, "zip"),
    ]
    views = []
    for kind, options, ext in asked:
        status, view = start(owner, code, kind=kind, options=options)
        assert status == 202 and view["status"] in ("queued", "running", "done"), view
        done = wait_done(owner, code, view["id"])
        assert done["status"] == "done" and done["progress"] == 100, done
        assert re.fullmatch(
            rf"zorgzame-buurten-antwerpen-\d{{8}}-\d{{6}}-{kind}\.{ext}", done["filename"]
        )
        views.append((done, ext))

    for view, ext in views:
        response = download(owner, view)
        if ext == "html":
            assert response.mimetype == "text/html"
            html = response.get_data(as_text=True)
            assert html.lower().startswith("<!doctype html")
            assert NOTES["fr"][0] in html and NOTES["nl"][1] in html
            assert HIDDEN_NOTE not in html and HIDDEN_COMMITMENT not in html
        else:
            assert response.data.startswith(MAGIC[ext]), response.data[:8]
            assert response.mimetype == export_jobs.MIMETYPES[ext]
        response.close()
    zipped = owner.get(views[3][0]["download_url"])
    archive = zipfile.ZipFile(io.BytesIO(zipped.data))
    zipped.close()
    assert any(name.endswith(".json") for name in archive.namelist())
    assert any(name.endswith(".jpg") for name in archive.namelist())  # the tablecloth

    # A facilitator of the workshop sees the same list and may download too.
    facilitator = facilitator_client(app, links)
    listed = facilitator.get(f"/x/{code}/exports").get_json()["jobs"]
    assert [job["id"] for job in listed] == [v["id"] for v, _ in reversed(views)]
    download(facilitator, views[0][0]).close()
    folder = Path(app.config["EXPORTS_DIR"]) / str(helpers.workshop(code).id)
    assert sorted(p.name for p in files_in(folder)) == sorted(v["filename"] for v, _ in views)


def test_a_facilitator_makes_a_png_poster_in_a_real_worker_process(sqlite_url, tmp_path):
    worker_app = make_app(sqlite_url, tmp_path, OFFLOAD_WORKERS=1)
    try:
        helpers = Helpers(worker_app)
        links = helpers.make_workshop()
        populate(helpers, links)
        facilitator = facilitator_client(worker_app, links)
        status, view = start(
            facilitator, links.join_code, kind="poster", size="A3", format="png", language="fr"
        )
        assert status == 202 and view["options"]["orientation"] == "portrait"
        done = wait_done(facilitator, links.join_code, view["id"], timeout=300)
        assert done["status"] == "done", done
        response = download(facilitator, done)
        assert response.mimetype == "image/png" and response.data.startswith(MAGIC["png"])
        response.close()
    finally:
        close_app(worker_app)


def test_a_form_post_starts_an_export_too(app, helpers):
    owner, user_id = organiser(app, "alice")
    links = owned_workshop(helpers, user_id)
    response = owner.post(f"/x/{links.join_code}/exports", data={"kind": "archive"})
    assert response.status_code == 202
    assert wait_done(owner, links.join_code, response.get_json()["id"])["status"] == "done"


# --- one job per export, strict options --------------------------------------------------


def test_two_quick_starts_of_the_same_export_make_one_job(app, helpers, monkeypatch):
    owner, user_id = organiser(app, "alice")
    links = owned_workshop(helpers, user_id)
    release = threading.Event()

    def slow_analysis(doc):  # holds the job at "analysing" until the test lets go
        release.wait(30)
        return with_analysis(doc)

    monkeypatch.setattr(export_jobs, "with_analysis", slow_analysis)
    poster = {"kind": "poster", "size": "A3", "orientation": "landscape", "format": "pdf"}
    first = start(owner, links.join_code, **poster)[1]
    second = start(owner, links.join_code, **poster)[1]
    same_by_facilitator = start(facilitator_client(app, links), links.join_code, **poster)[1]
    assert first["id"] == second["id"] == same_by_facilitator["id"]
    other = start(owner, links.join_code, **(poster | {"size": "A2"}))[1]
    assert other["id"] != first["id"]
    release.set()
    assert wait_done(owner, links.join_code, first["id"])["status"] == "done"
    assert wait_done(owner, links.join_code, other["id"])["status"] == "done"
    again = start(owner, links.join_code, **poster)[1]
    assert again["id"] not in (first["id"], other["id"])  # once done, a new click is a new one
    wait_done(owner, links.join_code, again["id"])


def test_a_job_left_running_by_a_dead_server_does_not_block_the_export(app, helpers):
    owner, user_id = organiser(app, "alice")
    links = owned_workshop(helpers, user_id)
    with helpers.session() as session:
        workshop = get_by_code(session, links.join_code)
        options = {"format": "zip"}
        stale = ExportJob(
            workshop_id=workshop.id,
            kind="archive",
            options=options,
            key=export_jobs.job_key("archive", options),
            status="running",
            step="collecting",
            created_at=utcnow() - timedelta(hours=2),
        )
        session.add(stale)
        session.flush()
        stale_id = stale.id
    view = start(owner, links.join_code, kind="archive")[1]
    assert view["id"] != stale_id
    old = owner.get(f"/x/{links.join_code}/exports/{stale_id}").get_json()
    assert old["status"] == "failed" and old["error"] == "export_interrupted" and old["message"]
    wait_done(owner, links.join_code, view["id"])


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "movie"},
        {},
        {"kind": "poster", "size": "A0"},
        {"kind": "poster", "orientation": "diagonal"},
        {"kind": "poster", "format": "svg"},
        {"kind": "poster", "colour": "red"},
        {"kind": "poster", "language": "de"},
        {"kind": "poster", "options": {"size": 3}},
        {"kind": "poster", "options": ["A3"]},
        {"kind": "report", "format": "zip"},
        {"kind": "report", "size": "A3"},
        {"kind": "archive", "format": "pdf"},
        {"kind": "archive", "language": "nl"},
    ],
)
def test_an_unknown_export_or_option_is_refused(app, helpers, body):
    owner, user_id = organiser(app, "alice")
    links = owned_workshop(helpers, user_id)
    status, answer = start(owner, links.join_code, **body)
    assert status == 400 and answer["error"] == "bad_export" and answer["message"]
    with helpers.session() as session:
        assert session.scalar(select(func.count(ExportJob.id))) == 0


# --- who may -----------------------------------------------------------------------------


def test_only_the_owner_and_the_facilitators_of_the_workshop_may(app, helpers):
    owner, user_id = organiser(app, "alice")
    links = owned_workshop(helpers, user_id)
    code = links.join_code
    job = start(owner, code, kind="archive")[1]
    done = wait_done(owner, code, job["id"])
    other_links = owned_workshop(helpers, user_id)
    phone = helpers.join(code)
    projector = app.test_client()
    assert projector.get(f"/p/{code}/{links.projector_secret}").status_code == 302
    outsiders = {
        "participant": phone.http,
        "projector": projector,
        "other workshop's facilitator": facilitator_client(app, other_links),
        "other organiser": organiser(app, "bob")[0],
        "nobody": app.test_client(),
    }
    for who, client in outsiders.items():
        for method, url in (
            ("post", f"/x/{code}/exports"),
            ("get", f"/x/{code}/exports"),
            ("get", f"/x/{code}/exports/{job['id']}"),
            ("get", done["download_url"]),
        ):
            kwargs = {"json": {"kind": "archive"}} if method == "post" else {}
            response = getattr(client, method)(url, **kwargs)
            assert response.status_code == 403, (who, url)
            assert response.get_json()["error"] == "unauthorized" and response.get_json()["message"]
    # The owner, asking through another of their workshops, finds no such job there.
    other = f"/x/{other_links.join_code}/exports/{job['id']}"
    assert owner.get(other).status_code == 404
    assert owner.get(other + "/download").status_code == 404
    assert owner.get(f"/x/{code}/exports/999999").status_code == 404
    assert owner.get("/x/NOSUCH/exports").status_code == 404


def test_the_message_of_a_refusal_is_in_the_callers_language(app, helpers):
    links = helpers.make_workshop()
    response = app.test_client().get(
        f"/x/{links.join_code}/exports", headers={"Accept-Language": "fr"}
    )
    assert response.status_code == 403
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        from facilitator.web.i18n import error_message

        assert response.get_json()["message"] == error_message("unauthorized")


# --- failures leave nothing behind ---------------------------------------------------------


def test_a_failing_render_fails_the_job_and_leaves_no_file(app, helpers, monkeypatch):
    owner, user_id = organiser(app, "alice")
    links = owned_workshop(helpers, user_id)
    code = links.join_code

    def broken(*_args, **_kwargs):
        raise RuntimeError("the plotter jammed")

    monkeypatch.setattr("facilitator.exports.poster.render_poster", broken)
    view = wait_done(owner, code, start(owner, code, kind="poster")[1]["id"])
    assert view["status"] == "failed" and view["step"] == "failed"
    assert view["error"] == "export_failed" and view["message"] and view["download_url"] is None
    assert view["finished_at"] is not None
    assert owner.get(f"/x/{code}/exports/{view['id']}/download").status_code == 404
    folder = Path(app.config["EXPORTS_DIR"]) / str(helpers.workshop(code).id)
    assert files_in(folder) == []


def test_a_failure_while_writing_leaves_no_half_file(app, helpers, monkeypatch):
    owner, user_id = organiser(app, "alice")
    links = owned_workshop(helpers, user_id)
    code = links.join_code
    monkeypatch.setattr(export_jobs, "make_export", lambda *args: b"%PDF-1.4 half")

    def disk_full(_src, _dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", disk_full)  # every file is written there
    view = wait_done(owner, code, start(owner, code, kind="report")[1]["id"])
    assert view["status"] == "failed" and view["filename"] is None
    assert files_in(Path(app.config["EXPORTS_DIR"]) / str(helpers.workshop(code).id)) == []


# --- the document --------------------------------------------------------------------------


def test_build_document_leaves_hidden_notes_and_commitments_out(app, helpers):
    links = helpers.make_workshop()
    populate(helpers, links)
    with app.app_context(), force_locale("nl"):
        labels, roles = export_labels(), export_role_labels()
    assert set(labels) == set(LABEL_KEYS) and set(roles) == set(ROLE_KEYS)
    assert "{number}" in labels["round_n"] and "{count}" in labels["minutes"]
    with helpers.session() as session:
        workshop = get_by_code(session, links.join_code)
        doc = build_document(
            session, workshop, "en", ENGLISH_LABELS, ROLE_LABELS, app.config["SESSIONS_DIR"]
        )
        hidden_rows = session.scalar(
            select(func.count(Contribution.id)).where(Contribution.hidden.is_(True))
        )
    assert hidden_rows == 1
    texts = [note.text for note in doc.notes]
    assert sorted(texts) == sorted(t for ts in NOTES.values() for t in ts)
    assert HIDDEN_NOTE not in texts
    assert [c.text for c in doc.commitments] == ["Je passe voir ma voisine chaque semaine"]
    assert [c.language for c in doc.commitments] == ["fr"]  # its author's, for lang= in HTML
    assert [i.text for i in doc.insights] == ["Zorg begint bij elkaar kennen"]
    assert [(p.label, p.dots) for p in doc.priorities] == [
        ("Table 1", 5),
        ("buren · ontmoeting", 2),
    ]
    assert len(doc.photos) == 1 and Path(doc.photos[0].path).is_file()
    assert doc.people == 4 and doc.people_by_role == {"none": 4} and doc.tables == 6
    assert len(doc.questions) == 3 and doc.agenda and all(item.title for item in doc.agenda)
    assert {n.language for n in doc.notes} == {"nl", "fr", "en"}
    assert doc.themes == () and doc.cloud_terms == ()

    analysed = with_analysis(doc)
    assert analysed.themes and analysed.cloud_terms and len(analysed.cloud_terms) <= 100
    assert set(analysed.note_languages) <= {"nl", "fr", "en"}
    assert sum(analysed.note_languages.values()) == len(doc.notes)
    assert all(theme.quote for theme in analysed.themes)


def test_the_agenda_is_in_the_export_language_with_a_fallback(app, helpers):
    spec = dict(template())
    phases = [dict(p) for p in spec["phases"]]
    phases[0] = phases[0] | {"title": {"nl": "Welkom en koffie"}}
    links = helpers.make_workshop(phases=phases)
    with helpers.session() as session:
        workshop = get_by_code(session, links.join_code)
        sessions_dir = app.config["SESSIONS_DIR"]
        french = build_document(session, workshop, "fr", ENGLISH_LABELS, ROLE_LABELS, sessions_dir)
    assert french.agenda[0].title == "Welkom en koffie"  # only in Dutch: shown in Dutch
    assert french.agenda[1].title == phases[1]["title"]["fr"]


def test_one_job_per_export_on_sqlite_and_postgresql(db_url, tmp_path, monkeypatch):
    store_app = make_app(db_url, tmp_path, OFFLOAD_WORKERS=0)
    try:
        helpers = Helpers(store_app)
        owner, user_id = organiser(store_app, "alice")
        links = owned_workshop(helpers, user_id)
        populate(helpers, links)
        release = threading.Event()
        real = export_jobs.build_document

        def slow_build(*args, **kwargs):  # keeps the job at "collecting" until released
            release.wait(30)
            return real(*args, **kwargs)

        monkeypatch.setattr(export_jobs, "build_document", slow_build)
        first = start(owner, links.join_code, kind="report", format="html")[1]
        second = start(owner, links.join_code, kind="report", format="html")[1]
        assert first["id"] == second["id"]
        release.set()
        done = wait_done(owner, links.join_code, first["id"])
        assert done["status"] == "done", done
        response = download(owner, done)
        assert NOTES["nl"][0] in response.get_data(as_text=True)
        response.close()
    finally:
        close_app(store_app)


def test_starting_an_export_needs_the_csrf_token(sqlite_url, tmp_path):
    guarded = make_app(sqlite_url, tmp_path, OFFLOAD_WORKERS=0, WTF_CSRF_ENABLED=True)
    try:
        with session_scope(guarded.extensions["facilitator.sessions"]) as session:
            user_id = create_user(session, "alice", PASSWORD).id
        owner = guarded.test_client()
        token = csrf_token(owner.get("/o/login"))
        login = {"username": "alice", "password": PASSWORD, "csrf_token": token}
        assert owner.post("/o/login", data=login).status_code == 302
        code = owned_workshop(Helpers(guarded), user_id).join_code
        assert owner.post(f"/x/{code}/exports", json={"kind": "archive"}).status_code == 400
        token = csrf_token(owner.get(f"/o/w/{code}"))
        response = owner.post(
            f"/x/{code}/exports", json={"kind": "archive"}, headers={"X-CSRFToken": token}
        )
        assert response.status_code == 202
        assert wait_done(owner, code, response.get_json()["id"])["status"] == "done"
    finally:
        close_app(guarded)


def csrf_token(page: Any) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
