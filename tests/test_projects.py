"""Neighbourhood projects: a coach's own projects, workshops that take part for them, and
participants who say which project they come from."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from facilitator.cafe.workshops import create_workshop, get_by_code
from facilitator.errors import DomainError
from facilitator.organise import projects
from facilitator.organise.demo import template
from facilitator.organise.users import create_user
from facilitator.store.models import Participant, Project, WorkshopProject
from facilitator.web.auth import ORGANISER_COOKIE, issue_organiser_token
from tests.conftest import Helpers, close_app, make_app


def _user(helpers: Helpers, name: str) -> int:
    with helpers.session() as session:
        return create_user(session, name, "correct horse battery").id


def _browser(app: Flask, user_id: int) -> FlaskClient:
    client = app.test_client()
    client.set_cookie(ORGANISER_COOKIE, issue_organiser_token(app.config["SECRET_KEY"], user_id))
    return client


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def _projects(helpers: Helpers) -> list[tuple[str, str, str, int | None]]:
    with helpers.session() as session:
        rows = session.scalars(select(Project).order_by(Project.id))
        return [(p.name, p.municipality, p.languages, p.coach_id) for p in rows]


# --- the domain ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        (("", "Gent", ["nl"]), "bad_project_name"),
        (("   ", "Gent", ["nl"]), "bad_project_name"),
        (("x" * 121, "Gent", ["nl"]), "bad_project_name"),
        ((None, "Gent", ["nl"]), "bad_project_name"),
        ((["Kiel"], "Gent", ["nl"]), "bad_project_name"),
        (("Kiel", "x" * 121, ["nl"]), "bad_municipality"),
        (("Kiel", 3, ["nl"]), "bad_municipality"),
        (("Kiel", "Gent", []), "bad_project_languages"),
        (("Kiel", "Gent", ["de"]), "bad_project_languages"),
        (("Kiel", "Gent", "nl"), "bad_project_languages"),
        (("Kiel", "Gent", [1]), "bad_project_languages"),
    ],
)
def test_a_project_needs_a_name_of_one_line_and_one_of_the_three_languages(
    helpers: Helpers, fields: tuple, code: str
):
    alice = _user(helpers, "alice")
    with helpers.session() as session, pytest.raises(DomainError) as refused:
        projects.create_project(session, alice, *fields)
    assert refused.value.code == code
    assert _projects(helpers) == []


def test_a_project_is_tidied_and_its_coach_is_who_made_it(helpers: Helpers):
    alice, bob = _user(helpers, "alice"), _user(helpers, "bob")
    with helpers.session() as session:
        made = projects.create_project(session, alice, " Kiel \n Noord", " Antwerpen", ["fr", "nl"])
        with pytest.raises(DomainError, match="unknown_project"):
            projects.coached_project(session, bob, made.id)
        assert projects.coached_projects(session, bob) == []
        assert projects.coached_project(session, alice, made.id) is made
    assert _projects(helpers) == [("Kiel Noord", "Antwerpen", "nl,fr", alice)]


def test_a_workshop_links_only_its_organisers_own_projects(helpers: Helpers):
    alice, bob = _user(helpers, "alice"), _user(helpers, "bob")
    with helpers.session() as session:
        workshop = get_by_code(session, create_workshop(session, template(), alice).join_code)
        kiel = projects.create_project(session, alice, "Kiel", "", ["nl"])
        noord = projects.create_project(session, alice, "Noord", "", ["nl"])
        theirs = projects.create_project(session, bob, "Molenbeek", "", ["fr"])
        session.add(WorkshopProject(workshop_id=workshop.id, project_id=theirs.id))
        session.flush()
        linked = projects.link_workshop(session, workshop, alice, [str(kiel.id), str(noord.id)])
        assert [p.name for p in linked] == ["Kiel", "Molenbeek", "Noord"]
        for bad in ([str(theirs.id)], ["abc"], ["-1"], ["9" * 13], [None]):
            with pytest.raises(DomainError, match="unknown_project"):
                projects.link_workshop(session, workshop, alice, bad)
        # Unticking removes only the organiser's own project; bob's link is his to keep.
        linked = projects.link_workshop(session, workshop, alice, [str(noord.id)])
        assert [p.name for p in linked] == ["Molenbeek", "Noord"]


# --- the pages ------------------------------------------------------------------------------


def test_a_coach_adds_and_edits_a_project_and_sees_only_their_own(app: Flask, helpers: Helpers):
    alice, bob = _user(helpers, "alice"), _user(helpers, "bob")
    client = _browser(app, alice)
    form = {"name": "Kiel", "municipality": "Antwerpen", "languages": ["nl", "fr"]}
    assert client.post("/o/projects/new", data=form).status_code == 302
    listing = _text(client.get("/o/projects?lang=nl"))
    assert "Kiel" in listing and "Antwerpen" in listing and "Nederlands, Français" in listing
    [(project_id,)] = [(int(m),) for m in re.findall(r'data-project="(\d+)"', listing)]
    edit = f"/o/projects/{project_id}/edit"
    saved = client.post(edit, data=form | {"name": "Kiel-Noord", "languages": ["fr"]})
    assert saved.status_code == 302
    assert _projects(helpers) == [("Kiel-Noord", "Antwerpen", "fr", alice)]
    intruder = _browser(app, bob)
    assert intruder.get(edit).status_code == 404
    assert intruder.post(edit, data=form | {"name": "Mine"}).status_code == 404
    assert "Kiel" not in _text(intruder.get("/o/projects"))
    assert _projects(helpers) == [("Kiel-Noord", "Antwerpen", "fr", alice)]


@pytest.mark.parametrize(
    ("form", "sentence"),
    [
        ({"municipality": "Gent", "languages": ["nl"]}, "Geef het project een naam"),
        ({"name": "x" * 121, "languages": ["nl"]}, "Geef het project een naam"),
        ({"name": "Kiel", "municipality": "x" * 200, "languages": ["nl"]}, "Een gemeente"),
        ({"name": "Kiel"}, "Vink Nederlands, Frans of Engels aan"),
        ({"name": "Kiel", "languages": ["xx"]}, "Vink Nederlands, Frans of Engels aan"),
    ],
)
@pytest.mark.parametrize("form_of", ["new", "edit"])
def test_a_bad_project_form_says_why_in_the_readers_language_and_keeps_what_was_typed(
    app: Flask, helpers: Helpers, form: dict, sentence: str, form_of: str
):
    alice = _user(helpers, "alice")
    client = _browser(app, alice)
    url = "/o/projects/new"
    if form_of == "edit":
        with helpers.session() as session:
            made = projects.create_project(session, alice, "Oud", "Gent", ["fr"])
        url = f"/o/projects/{made.id}/edit"
    before = _projects(helpers)
    refused = client.post(f"{url}?lang=nl", data=form)
    assert refused.status_code == 400
    page = _text(refused)
    assert sentence in page
    if form.get("municipality") == "Gent":
        assert 'value="Gent"' in page
    assert _projects(helpers) == before  # nothing made, nothing changed


def test_the_workshop_page_links_projects_and_refuses_another_coachs(app: Flask, helpers: Helpers):
    alice, bob = _user(helpers, "alice"), _user(helpers, "bob")
    with helpers.session() as session:
        code = create_workshop(session, template(), alice).join_code
        mine = projects.create_project(session, alice, "Kiel", "Antwerpen", ["nl"]).id
        theirs = projects.create_project(session, bob, "Molenbeek", "Brussel", ["fr"]).id
    client = _browser(app, alice)
    page = _text(client.get(f"/o/w/{code}"))
    assert 'name="projects"' in page and "Kiel" in page and "Molenbeek" not in page
    assert client.post(f"/o/w/{code}/projects", data={"projects": [str(mine)]}).status_code == 302
    refused = client.post(f"/o/w/{code}/projects?lang=fr", data={"projects": [str(theirs)]})
    assert refused.status_code == 400
    assert "Ce projet ne fait pas partie des projets que vous accompagnez." in _text(refused)
    assert client.post(f"/o/w/{code}/projects", data={"projects": "Kiel"}).status_code == 400
    with helpers.session() as session:
        links = session.scalars(select(WorkshopProject.project_id)).all()
    assert links == [mine]
    assert _browser(app, bob).post(f"/o/w/{code}/projects", data={}).status_code == 403


def test_project_forms_need_a_csrf_token(tmp_path, sqlite_url):
    app = make_app(sqlite_url, tmp_path, WTF_CSRF_ENABLED=True)
    helpers = Helpers(app)
    alice = _user(helpers, "alice")
    with helpers.session() as session:
        code = create_workshop(session, template(), alice).join_code
        project_id = projects.create_project(session, alice, "Kiel", "", ["nl"]).id
    client = _browser(app, alice)
    form = {"name": "Noord", "languages": ["nl"]}
    assert client.post("/o/projects/new", data=form).status_code == 400
    assert client.post(f"/o/projects/{project_id}/edit", data=form).status_code == 400
    linked = client.post(f"/o/w/{code}/projects", data={"projects": [str(project_id)]})
    assert linked.status_code == 400
    assert _projects(helpers) == [("Kiel", "", "nl", alice)]
    page = _text(client.get("/o/projects/new"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/o/projects/new", data=form | {"csrf_token": token}).status_code == 302
    close_app(app)


# --- joining from a project -----------------------------------------------------------------


def _workshop_with_projects(helpers: Helpers) -> tuple[str, int, int]:
    """An open workshop taking part for one project, and another workshop's project."""
    alice = _user(helpers, "alice")
    with helpers.session() as session:
        code = create_workshop(session, template(), alice).join_code
        other = create_workshop(session, template(), alice).join_code
        kiel = projects.create_project(session, alice, "Kiel", "Antwerpen", ["nl"])
        noord = projects.create_project(session, alice, "Noord", "", ["nl"])
        projects.link_workshop(session, get_by_code(session, code), alice, [str(kiel.id)])
        projects.link_workshop(session, get_by_code(session, other), alice, [str(noord.id)])
        return code, kiel.id, noord.id


def _people(helpers: Helpers) -> list[int | None]:
    with helpers.session() as session:
        return list(session.scalars(select(Participant.project_id).order_by(Participant.id)))


def test_a_participant_says_which_project_they_come_from(app: Flask, helpers: Helpers):
    code, kiel, _noord = _workshop_with_projects(helpers)
    page = _text(app.test_client().get(f"/j/{code}"))
    assert 'name="project"' in page and "Kiel (Antwerpen)" in page and "Noord" not in page
    helpers.join(code, project=str(kiel))
    helpers.join(code)  # optional
    assert _people(helpers) == [kiel, None]


def test_the_join_page_asks_for_no_project_when_the_workshop_has_none(app, helpers):
    links = helpers.make_workshop()
    assert 'name="project"' not in _text(app.test_client().get(f"/j/{links.join_code}"))


@pytest.mark.parametrize("forged", ["noord", "abc", "-1", "1.5", "9" * 40])
def test_a_forged_project_is_refused_with_a_sentence(app: Flask, helpers: Helpers, forged: str):
    code, _kiel, noord = _workshop_with_projects(helpers)
    value = str(noord) if forged == "noord" else forged  # another workshop's project
    refused = app.test_client().post(
        f"/j/{code}", data={"language": "nl", "name": "Mira", "project": value}
    )
    assert refused.status_code == 400
    page = _text(refused)
    assert "Kies een van de projecten van deze workshop uit de lijst." in page
    assert 'value="Mira"' in page
    assert _people(helpers) == []


def test_the_server_operator_hands_a_project_to_another_coach(tmp_path, monkeypatch, capsys):
    from facilitator import cli

    url = f"sqlite:///{tmp_path}/cli.sqlite3"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("FACILITATOR_SESSIONS_DIR", str(tmp_path / "sessions"))
    monkeypatch.setenv("FACILITATOR_EXPORTS_DIR", str(tmp_path / "exports"))
    monkeypatch.setenv("FACILITATOR_SECRET_KEY", "cli-test-" + "x" * 32)
    monkeypatch.setenv("FACILITATOR_ASYNC_MODE", "threading")
    app = make_app(url, tmp_path)
    helpers = Helpers(app)
    alice, bob = _user(helpers, "alice"), _user(helpers, "bob")
    with helpers.session() as session:
        kiel = projects.create_project(session, alice, "Kiel", "", ["nl"]).id
    assert cli.main(["set-coach", str(kiel), " Bob "]) == 0
    assert "'Kiel' is now coached by 'bob'." in capsys.readouterr().out
    assert cli.main(["set-coach", "999", "bob"]) == 1
    assert "no project number 999" in capsys.readouterr().err
    assert cli.main(["set-coach", str(kiel), "carol"]) == 1
    assert "no organiser called 'carol'" in capsys.readouterr().err
    assert _projects(helpers) == [("Kiel", "", "nl", bob)]
    assert _browser(app, alice).get(f"/o/projects/{kiel}").status_code == 404
    assert _browser(app, bob).get(f"/o/projects/{kiel}").status_code == 200
    close_app(app)


# --- deleting a project ---------------------------------------------------------------------


def _kiel_with_people(helpers: Helpers) -> tuple[int, str, int, int]:
    """Alice's project Kiel, linked to her workshop with two participants from it, and
    her project Noord, linked to the same workshop: (alice, code, kiel, noord)."""
    alice = _user(helpers, "alice")
    with helpers.session() as session:
        code = create_workshop(session, template(), alice).join_code
        kiel = projects.create_project(session, alice, "Kiel", "Antwerpen", ["nl"]).id
        noord = projects.create_project(session, alice, "Noord", "", ["nl"]).id
        projects.link_workshop(session, get_by_code(session, code), alice, [str(kiel), str(noord)])
    helpers.join(code, project=str(kiel))
    helpers.join(code, project=str(kiel))
    helpers.join(code, project=str(noord))
    return alice, code, kiel, noord


def _links(helpers: Helpers) -> list[int]:
    with helpers.session() as session:
        return list(session.scalars(select(WorkshopProject.project_id)))


def test_the_delete_page_says_what_stays_and_what_is_cleared(app: Flask, helpers: Helpers):
    alice, _code, kiel, _noord = _kiel_with_people(helpers)
    client = _browser(app, alice)
    assert f"/o/projects/{kiel}/delete" in _text(client.get("/o/projects"))
    page = _text(client.get(f"/o/projects/{kiel}/delete?lang=nl"))
    assert "Het project “Kiel” verwijderen?" in page
    assert "1 workshop nam eraan deel: die blijft, met alles erin" in page
    assert "2 deelnemers zeiden van dit project te komen: dat antwoord wordt gewist." in page
    assert _projects(helpers)[0][0] == "Kiel"  # asking deletes nothing


def test_a_coach_deletes_a_project_and_its_workshops_stay(app: Flask, helpers: Helpers):
    alice, code, kiel, noord = _kiel_with_people(helpers)
    client = _browser(app, alice)
    deleted = client.post(f"/o/projects/{kiel}/delete?lang=fr")
    assert deleted.status_code == 302
    listing = _text(client.get(deleted.headers["Location"]))
    assert "Le projet « Kiel » est supprimé. Ses ateliers restent." in listing
    assert [p[0] for p in _projects(helpers)] == ["Noord"]
    assert _links(helpers) == [noord]
    assert _people(helpers) == [None, None, noord]
    with helpers.session() as session:
        assert get_by_code(session, code) is not None
    assert client.get(f"/o/w/{code}").status_code == 200
    assert client.get(f"/o/projects/{kiel}").status_code == 404
    # Sent again (a double click, the back button): nothing more happens, and it says so.
    again = client.post(f"/o/projects/{kiel}/delete?lang=nl")
    assert again.status_code == 404
    assert "Dit project hoort niet bij de projecten die je begeleidt: misschien is het al" in _text(
        again
    )
    assert [p[0] for p in _projects(helpers)] == ["Noord"]


def test_another_coachs_project_cannot_be_deleted_nor_its_page_opened(app: Flask, helpers: Helpers):
    _alice, _code, kiel, _noord = _kiel_with_people(helpers)
    bob = _browser(app, _user(helpers, "bob"))
    assert bob.get(f"/o/projects/{kiel}/delete").status_code == 404
    refused = bob.post(f"/o/projects/{kiel}/delete?lang=en")
    assert refused.status_code == 404
    assert "may have been deleted already" in _text(refused)
    assert [p[0] for p in _projects(helpers)] == ["Kiel", "Noord"]
    assert _people(helpers) == [kiel, kiel, _noord]


@pytest.mark.parametrize(
    "path", ["/o/projects//delete", "/o/projects/abc/delete", "/o/projects/delete"]
)
def test_a_delete_without_a_project_number_is_not_found(app: Flask, helpers: Helpers, path: str):
    alice, _code, _kiel, _noord = _kiel_with_people(helpers)
    assert _browser(app, alice).post(path).status_code in (404, 405)
    assert len(_projects(helpers)) == 2


def test_only_a_logged_in_coach_deletes_a_project(app: Flask, helpers: Helpers):
    _alice, code, kiel, _noord = _kiel_with_people(helpers)
    participant = helpers.join(code).http
    for client in (participant, app.test_client()):
        refused = client.post(f"/o/projects/{kiel}/delete")
        assert refused.status_code == 302 and "/o/login" in refused.headers["Location"]
    assert len(_projects(helpers)) == 2


def test_deleting_a_project_needs_a_csrf_token(tmp_path, sqlite_url):
    app = make_app(sqlite_url, tmp_path, WTF_CSRF_ENABLED=True)
    helpers = Helpers(app)
    alice = _user(helpers, "alice")
    with helpers.session() as session:
        kiel = projects.create_project(session, alice, "Kiel", "", ["nl"]).id
    client = _browser(app, alice)
    assert client.post(f"/o/projects/{kiel}/delete").status_code == 400
    assert _projects(helpers) == [("Kiel", "", "nl", alice)]
    page = _text(client.get(f"/o/projects/{kiel}/delete"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"/o/projects/{kiel}/delete", data={"csrf_token": token}).status_code == 302
    assert _projects(helpers) == []
    close_app(app)
