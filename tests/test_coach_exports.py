"""A coach's exports: a project's coaching sheet (PDF) and the programme's learnings (PDF,
CSV), made in the background for the coach only, read back from the file."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from facilitator.store.models import ExportJob
from facilitator.web.jobs.coach_exports import coach_labels, export_path
from tests.conftest import Helpers, close_app, make_app
from tests.pdf_tools import needs_poppler, pdf_text
from tests.test_portfolio import _browser, _seed


@pytest.fixture
def app(sqlite_url: str, tmp_path: Path) -> Any:
    """CPU work in place (OFFLOAD_WORKERS=0) for speed, as the workshop exports' tests."""
    application = make_app(sqlite_url, tmp_path, OFFLOAD_WORKERS=0)
    yield application
    close_app(application)


def _read(client: FlaskClient, url: str) -> Any:
    """A download's response, read and closed (the file handle goes at once)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def _finished(client: FlaskClient, started: Any) -> dict[str, Any]:
    assert started.status_code == 202, started.get_json()
    job = started.get_json()
    base = started.request.path
    for _ in range(200):
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
        job = client.get(f"{base}/{job['id']}").get_json()
    raise AssertionError(f"the export did not finish: {job}")


@needs_poppler
def test_the_coaching_sheet_prints_the_profile_themes_commitments_and_cards(
    app: Flask, helpers: Helpers, tmp_path: Path
):
    ids = _seed(helpers)
    client = _browser(app, ids["alice"])
    url = f"/o/projects/{ids['kiel']}/exports"
    body = {"kind": "coaching_sheet", "options": {"language": "fr"}}
    job = _finished(client, client.post(url, json=body))
    assert job["status"] == "done", job
    assert job["download_url"] == f"{url}/{job['id']}/download"
    download = _read(client, job["download_url"])
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    text = pdf_text(download.data, tmp_path)
    assert text.count("\f") <= 2  # one or two pages
    assert "Fiche d’accompagnement" in text or "Fiche d'accompagnement" in text
    assert "Kiel" in text and "Le lien entre les habitants" in text
    assert "2,0 → 3,7" in text and "+1,7" in text  # first vs latest, the change
    assert "Solitude" in text  # the theme's French title
    assert "Ik organiseer een buurtfeest" in text  # a commitment
    assert "Qui, dans notre quartier" in text  # the card used twice
    assert "Remarques de l’autodiagnostic" in text or "Remarques de l'autodiagnostic" in text
    assert text.index("De koffieklets helpt") < text.index("Niemand kent zijn buren nog")
    assert "Geheim van juni" not in text and "Trop peu de réponses pour les montrer" in text
    assert "15 janv. 2026 – 10 juin 2026" in text and "2026-01-15" not in text
    listed = client.get(url).get_json()["jobs"]
    assert [j["id"] for j in listed] == [job["id"]]


@needs_poppler
def test_the_programmes_learnings_are_aggregates_in_pdf_and_csv(
    app: Flask, helpers: Helpers, tmp_path: Path
):
    ids = _seed(helpers)
    client = _browser(app, ids["bob"])
    url = "/o/programme/exports"
    body = {"kind": "programme", "options": {"language": "en"}}
    pdf = _finished(client, client.post(url, json=body))
    text = pdf_text(_read(client, pdf["download_url"]).data, tmp_path)
    assert "Connection among residents: 3.6" in text and "+0.9" in text
    assert "Kiel" not in text and "Secret de Molenbeek" not in text
    body = {"kind": "programme", "options": {"format": "csv", "language": "nl"}}
    sheet = _finished(client, client.post(url, json=body))
    data = _read(client, sheet["download_url"])
    assert data.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(data.data.decode("utf-8-sig"))))
    assert rows[0][0] == "soort"
    area = next(r for r in rows if r[1] == "Verbinding tussen bewoners")
    assert area[2:5] == ["3", "3.56", "+0.89"]
    assert any(r[0] == "theme" and r[1] == "Eenzaamheid" for r in rows)


def test_a_coachs_exports_are_theirs_alone(app: Flask, helpers: Helpers):
    ids = _seed(helpers)
    alice, bob = _browser(app, ids["alice"]), _browser(app, ids["bob"])
    url = f"/o/projects/{ids['kiel']}/exports"
    job = _finished(alice, alice.post(url, json={"kind": "coaching_sheet", "options": {}}))
    assert bob.post(url, json={"kind": "coaching_sheet", "options": {}}).status_code == 404
    assert bob.get(url).status_code == 404
    assert bob.get(f"{url}/{job['id']}").status_code == 404
    assert _read(bob, f"{url}/{job['id']}/download").status_code == 404
    # bob's own programme list does not hold alice's sheet, under any path.
    assert bob.get(f"/o/programme/exports/{job['id']}").status_code == 404
    other = f"/o/projects/{ids['noord']}/exports/{job['id']}"  # alice's other project
    assert alice.get(other).status_code == 404
    assert app.test_client().get(url).status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "coaching_sheet", "options": {"language": "de"}},
        {"kind": "coaching_sheet", "options": {"format": "csv"}},
        {"kind": "coaching_sheet", "options": {"size": "A1"}},
        {"kind": "coaching_sheet", "options": {"language": 3}},
        {"kind": "coaching_sheet", "options": "pdf"},
        {"kind": "poster", "options": {}},
    ],
    ids=["language", "format", "unknown-option", "wrong-type", "not-a-mapping", "wrong-kind"],
)
def test_a_bad_export_request_is_refused_with_a_sentence(app: Flask, helpers: Helpers, body):
    ids = _seed(helpers)
    client = _browser(app, ids["alice"])
    refused = client.post(f"/o/projects/{ids['kiel']}/exports?lang=fr", json=body)
    assert refused.status_code == 400
    assert refused.get_json()["message"] == "Choisissez l'un des exports proposés et ses options."
    assert client.get(f"/o/projects/{ids['kiel']}/exports").get_json()["jobs"] == []


def test_a_coach_export_needs_a_csrf_token(sqlite_url: str, tmp_path: Path):
    app = make_app(sqlite_url, tmp_path, WTF_CSRF_ENABLED=True, OFFLOAD_WORKERS=0)
    ids = _seed(Helpers(app))
    client = _browser(app, ids["alice"])
    assert client.post("/o/programme/exports", json={"kind": "programme"}).status_code == 400
    assert client.get("/o/programme/exports").get_json()["jobs"] == []
    close_app(app)


def test_every_label_of_the_coach_exports_is_translated(app: Flask):
    from flask_babel import force_locale

    with app.test_request_context():
        english = coach_labels()
        for language in ("nl", "fr"):
            with force_locale(language):
                translated = coach_labels()
            same = {k for k in english if translated[k] == english[k]}
            # Dutch says "workshop" too, and "project" in the singular.
            allowed = {"workshops_one", "workshops", "csv_workshops", "projects_one"}
            assert same <= (allowed if language == "nl" else set()), (language, same)


def _sheet_rows(helpers: Helpers) -> list[tuple[str, str | None]]:
    with helpers.session() as session:
        jobs = session.scalars(select(ExportJob).order_by(ExportJob.id))
        return [(job.kind, (job.options or {}).get("project")) for job in jobs]


def test_a_deleted_projects_coaching_sheets_go_with_it_and_nothing_else(
    app: Flask, helpers: Helpers
):
    """The sheet names the project and prints its self-scans: deleting the project
    deletes its sheets' files and rows; the other project's sheet and the programme's
    learnings stay, and another coach's delete removes nothing."""
    ids = _seed(helpers)
    alice, bob = _browser(app, ids["alice"]), _browser(app, ids["bob"])
    made = {}
    for name in ("kiel", "noord"):
        url = f"/o/projects/{ids[name]}/exports"
        made[name] = _finished(alice, alice.post(url, json={"kind": "coaching_sheet"}))
    body = {"kind": "programme", "options": {"format": "csv"}}
    learnings = _finished(alice, alice.post("/o/programme/exports", json=body))
    assert all(job["status"] == "done" for job in (*made.values(), learnings))
    sheets = {name: _downloaded_file(app, helpers, job["id"]) for name, job in made.items()}
    assert all(path.is_file() for path in sheets.values())

    assert bob.post(f"/o/projects/{ids['kiel']}/delete").status_code == 404
    assert sheets["kiel"].is_file() and len(_sheet_rows(helpers)) == 3

    assert alice.post(f"/o/projects/{ids['kiel']}/delete").status_code == 302
    assert not sheets["kiel"].exists()
    assert sheets["noord"].is_file()
    assert _sheet_rows(helpers) == [("coaching_sheet", str(ids["noord"])), ("programme", None)]
    download = f"/o/projects/{ids['noord']}/exports/{made['noord']['id']}/download"
    assert _read(alice, download).status_code == 200
    assert _read(alice, learnings["download_url"]).status_code == 200


def _downloaded_file(app: Flask, helpers: Helpers, job_id: int) -> Path:
    with helpers.session() as session:
        path = export_path(app, session.get(ExportJob, job_id))
    assert path is not None
    return path
