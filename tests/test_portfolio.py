"""The coach's portfolio and the programme view: the pure aggregates, then the pages."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from facilitator.coaching.portfolio import (
    CardUse,
    ProjectRecord,
    ScanAnswer,
    ScanNote,
    Theme,
    WorkshopRecord,
    area_from_counts,
    programme_view,
    project_view,
    theme_counts,
)
from facilitator.coaching.selfscan import area_profile
from facilitator.organise import projects
from facilitator.organise.demo.history import PastDay, add_past_workshop
from facilitator.organise.users import create_user
from facilitator.web.auth import ORGANISER_COOKIE, issue_organiser_token
from tests.conftest import Helpers

AREAS = ["connection", "cooperation", "access"]
TITLES = {
    "connection": {"nl": "Verbinding tussen bewoners", "en": "Connection among residents"},
    "cooperation": {"nl": "Samenwerking", "en": "Cooperation"},
    "access": {"nl": "Toegankelijke zorg", "en": "Accessible care"},
}
KIEL = ProjectRecord(1, "Kiel", "Antwerpen", ("nl",))


def scores(area: str, *values: int, project: int | None = None) -> tuple[ScanAnswer, ...]:
    return tuple(ScanAnswer(area, v, project) for v in values)


def workshop(wid: int, when: str, answers=(), projects_=(1,), **more) -> WorkshopRecord:  # type: ignore[no-untyped-def]
    return WorkshopRecord(
        id=wid,
        code=f"W{wid}",
        title=f"Workshop {wid}",
        when=when,
        languages=("nl",),
        project_ids=tuple(projects_),
        answers=tuple(answers),
        area_titles=TITLES,
        **more,
    )


# --- pure --------------------------------------------------------------------------------


@given(st.lists(st.integers(1, 5), max_size=40))
def test_an_area_from_grouped_counts_is_the_area_of_its_answers(given_scores):
    counts = [given_scores.count(s) for s in range(1, 6)]
    grouped, one_by_one = area_from_counts("a", counts), area_profile("a", given_scores)
    assert (grouped.answers, grouped.shown, grouped.counts) == (
        one_by_one.answers,
        one_by_one.shown,
        one_by_one.counts,
    )
    if one_by_one.shown:
        assert grouped.mean == pytest.approx(one_by_one.mean)
        assert grouped.spread == pytest.approx(one_by_one.spread, abs=1e-9)
    else:
        assert grouped.mean is None and grouped.spread is None


def test_first_and_latest_scan_and_the_change_per_area():
    first = workshop(1, "2026-01-10", scores("connection", 2, 2, 3) + scores("access", 4, 4))
    middle = workshop(2, "2026-03-01")  # no self-scan that day
    latest = workshop(3, "2026-06-01", scores("connection", 4, 4, 4, 3) + scores("access", 5, 5, 4))
    view = project_view(KIEL, [latest, first, middle], AREAS)
    assert [w.id for w in view.workshops] == [1, 2, 3]
    assert (view.first.workshop_id, view.latest.workshop_id) == (1, 3)
    rows = {row.key: row for row in view.areas}
    assert rows["connection"].change == pytest.approx(3.75 - 7 / 3)
    # Two answers at the first scan: withheld there, so no change either.
    assert rows["access"].first.shown is False and rows["access"].first.mean is None
    assert rows["access"].latest.mean == pytest.approx(14 / 3) and rows["access"].change is None
    assert "cooperation" not in rows  # nobody answered it
    assert [row.key for row in view.areas] == ["connection", "access"]  # the set's order


def test_a_score_off_the_scale_is_left_out_rather_than_counted_as_another():
    answers = scores("connection", 0, 6, 9, 3, 3) + scores("connection", -1)
    view = project_view(KIEL, [workshop(1, "2026-01-10", answers)], AREAS)
    assert view.scans == ()  # two answers on the scale: too few to show


def test_a_scan_with_no_area_of_three_answers_is_no_scan_at_all():
    view = project_view(KIEL, [workshop(1, "2026-01-10", scores("connection", 1, 5))], AREAS)
    assert view.scans == () and view.first is None and view.areas == ()


def test_a_workshop_of_several_projects_counts_only_the_answers_of_each_projects_people():
    shared = workshop(
        1,
        "2026-02-01",
        scores("connection", 1, 1, 1, project=1)
        + scores("connection", 5, 5, 5, project=2)
        + scores("connection", 3, 3, 3, project=None),
        projects_=(1, 2),
    )
    kiel = project_view(KIEL, [shared], AREAS)
    noord = project_view(ProjectRecord(2, "Noord", "", ("nl",)), [shared], AREAS)
    assert kiel.first.profiles["connection"].mean == 1
    assert noord.first.profiles["connection"].mean == 5
    alone = workshop(2, "2026-02-01", shared.answers, projects_=(1,))
    assert project_view(KIEL, [alone], AREAS).first.profiles["connection"].mean == 3


def test_themes_named_in_two_languages_are_one_theme_across_workshops():
    named_twice = Theme("eenzaamheid", {"nl": "Eenzaamheid", "fr": "Solitude"}, 5)
    a = workshop(1, "2026-01-01", themes=(named_twice,))
    b = workshop(2, "2026-02-01", themes=(Theme("Solitude", {}, 2), Theme("Mobiliteit", {}, 1)))
    found = theme_counts([(a, 1), (b, 1)])
    assert [(t.label_in("fr"), t.workshops, t.weight) for t in found] == [
        ("Solitude", 2, 7),
        ("Mobiliteit", 1, 1),
    ]
    assert found[0].label_in("nl") == "Eenzaamheid" and found[0].languages == ("fr", "nl")


def test_scan_notes_show_per_area_latest_first_where_the_area_has_enough_answers():
    january = workshop(
        1,
        "2026-01-10",
        scores("connection", 2, 2, 3) + scores("access", 4, 4),
        notes=(
            ScanNote("connection", "Weinig contact", "nl"),
            ScanNote("connection", "Aucun voisin", "fr"),
            ScanNote("access", "Two answers only", "en"),
        ),
    )
    june = workshop(
        2,
        "2026-06-01",
        scores("connection", 4, 4, 4),
        notes=(ScanNote("connection", "Beter", "nl"),),
    )
    view = project_view(KIEL, [january, june], AREAS)
    connection, access = view.notes
    assert connection.key == "connection" and access.key == "access"
    assert [(d.workshop_id, d.shown) for d in connection.days] == [(2, True), (1, True)]
    assert [(n.text, n.language) for n in connection.days[1].notes] == [
        ("Aucun voisin", "fr"),
        ("Weinig contact", "nl"),
    ]
    assert [(d.shown, d.notes) for d in access.days] == [(False, ())]


def test_a_shared_workshop_shows_only_the_notes_of_the_projects_people():
    shared = workshop(
        1,
        "2026-02-01",
        scores("connection", 2, 2, 2, project=1) + scores("connection", 4, 4, 4, project=2),
        projects_=(1, 2),
        notes=(
            ScanNote("connection", "Van Kiel", "nl", project_id=1),
            ScanNote("connection", "Van Noord", "nl", project_id=2),
            ScanNote("connection", "Van niemand", "nl", project_id=None),
        ),
    )
    (area,) = project_view(KIEL, [shared], AREAS).notes
    assert [n.text for n in area.days[0].notes] == ["Van Kiel"]


def test_the_cards_used_are_counted_by_their_text():
    card = CardUse("connection", "reflection", {"nl": "Wie kent niemand?"})
    other = CardUse("access", "action", {"nl": "Plan een buurtwandeling"})
    view = project_view(
        KIEL,
        [workshop(1, "2026-01-01", cards=(card, other)), workshop(2, "2026-02-01", cards=(card,))],
        AREAS,
    )
    assert [(c.text["nl"], c.times, c.workshops) for c in view.cards] == [
        ("Wie kent niemand?", 2, 2),
        ("Plan een buurtwandeling", 1, 1),
    ]


def test_the_programme_ranks_areas_by_the_projects_latest_scans_and_their_moves():
    views, records = [], []
    history = [((2, 2, 2), (4, 4, 4)), ((3, 3, 3), (3, 3, 4)), ((1, 1, 1), (1, 1, 1))]
    for pid, (then, now) in enumerate(history, start=1):
        answers = scores("connection", *then) + scores("access", 1, 1, 2)
        first = workshop(pid * 10, "2026-01-01", answers, (pid,))
        latest = workshop(pid * 10 + 1, "2026-05-01", scores("connection", *now), (pid,))
        records += [first, latest]
        record = ProjectRecord(pid, f"P{pid}", "", ("nl",))
        views.append(project_view(record, [first, latest], AREAS))
    few = workshop(99, "2026-01-01", scores("cooperation", 1, 1), (4,))  # withheld everywhere
    records.append(few)
    views.append(project_view(ProjectRecord(4, "P4", "", ("nl",)), [few], AREAS))
    view = programme_view(views, records, AREAS)
    assert (view.projects, view.workshops, view.scanned_projects) == (4, 7, 3)
    by_key = {a.key: a for a in view.areas}
    assert by_key["connection"].mean == pytest.approx((4 + 10 / 3 + 1) / 3)
    assert by_key["connection"].mean_change == pytest.approx((2 + 1 / 3 + 0) / 3)
    assert "cooperation" not in by_key  # fewer than 3 answers: never shown
    assert "access" not in by_key  # only in the first scans; each project's latest counts
    assert [a.key for a in view.moving] == ["connection"]
    # Two projects only: each figure would nearly be a project's own; withheld.
    two = programme_view(views[:2], records[:4], AREAS)
    assert two.areas[0].mean is None and two.areas[0].mean_change is None
    assert two.lowest == () and two.moving == ()


# --- the pages ---------------------------------------------------------------------------


def _browser(app: Flask, user_id: int) -> FlaskClient:
    client = app.test_client()
    client.set_cookie(ORGANISER_COOKIE, issue_organiser_token(app.config["SECRET_KEY"], user_id))
    return client


def _seed(helpers: Helpers) -> dict[str, int]:
    """alice coaches Kiel (two scans, a theme in two languages, cards) and Noord (a scan
    of two answers only); bob coaches Molenbeek."""
    with helpers.session() as session:
        alice = create_user(session, "alice", "correct horse battery").id
        bob = create_user(session, "bob", "correct horse battery").id
        kiel = projects.create_project(session, alice, "Kiel", "Antwerpen", ["nl"]).id
        noord = projects.create_project(session, alice, "Noord", "Gent", ["nl"]).id
        molenbeek = projects.create_project(session, bob, "Molenbeek", "Brussel", ["fr"]).id
        add_past_workshop(
            session,
            alice,
            [kiel],
            PastDay(
                "Kiel in januari",
                "2026-01-15",
                scan={"connection": [2, 2, 2], "access": [3, 4, 2]},
                scan_notes={
                    "connection": ["Niemand kent zijn buren nog", None, "Het buurtfeest is weg"]
                },
                themes=[("Eenzaamheid", {"nl": "Eenzaamheid", "fr": "Solitude"}, 6)],
                insights=["Buren kennen elkaar niet meer"],
                commitments=[("Ik bel mijn buurvrouw elke week", "Eenzaamheid")],
                cards=[("connection", 0), ("connection", 0)],
            ),
        )
        add_past_workshop(
            session,
            alice,
            [kiel],
            PastDay(
                "Kiel in juni",
                "2026-06-10",
                scan={"connection": [4, 4, 3], "access": [3, 3]},
                scan_notes={"connection": ["De koffieklets helpt"], "access": ["Geheim van juni"]},
                themes=[("Mobiliteit", {}, 2)],
                commitments=[("Ik organiseer een buurtfeest", None)],
            ),
        )
        two_answers = PastDay(
            "Noord",
            "2026-02-01",
            scan={"connection": [1, 5]},
            scan_notes={"connection": ["Twee antwoorden maar"]},
        )
        add_past_workshop(session, alice, [noord], two_answers)
        add_past_workshop(
            session,
            bob,
            [molenbeek],
            PastDay(
                "Molenbeek",
                "2026-03-01",
                language="fr",
                scan={"connection": [5, 5, 5]},
                scan_notes={"connection": ["Note secrète de Molenbeek"]},
                themes=[("Solitude", {}, 3)],
                commitments=[("Secret de Molenbeek", None)],
            ),
        )
        later = PastDay("Molenbeek", "2026-09-01", language="fr", scan={"connection": [4, 4, 4]})
        add_past_workshop(session, bob, [molenbeek], later)
        anderlecht = projects.create_project(session, bob, "Anderlecht", "", ["fr"]).id
        for when, score in (("2026-02-01", 1), ("2026-08-01", 3)):
            day = PastDay("Anderlecht", when, language="fr", scan={"connection": [score] * 3})
            add_past_workshop(session, bob, [anderlecht], day)
    return {"alice": alice, "bob": bob, "kiel": kiel, "noord": noord, "molenbeek": molenbeek}


def _text(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_portfolio_shows_the_coachs_projects_side_by_side(app_any_store: Flask):
    app = app_any_store
    ids = _seed(Helpers(app))
    page = _text(_browser(app, ids["alice"]).get("/o/portfolio?lang=nl"))
    assert page.count('data-test="portfolio-project"') == 2
    assert "Kiel" in page and "Noord" in page
    assert "Molenbeek" not in page and "Anderlecht" not in page
    assert "2,0 → 3,7" in page and "+1,7" in page  # connection, first vs latest
    assert "Nog geen zelfscan met genoeg antwoorden." in page  # Noord: two answers
    assert "Eenzaamheid" in page


def test_one_project_over_time_with_its_workshops_harvest(app: Flask, helpers: Helpers):
    ids = _seed(helpers)
    client = _browser(app, ids["alice"])
    page = _text(client.get(f"/o/projects/{ids['kiel']}?lang=fr"))
    assert "Kiel in januari" in page and "Kiel in juni" in page
    assert "Buren kennen elkaar niet meer" in page and "Ik organiseer een buurtfeest" in page
    assert "Solitude" in page  # the theme's French title
    assert "utilisée 2 fois" in page  # the same card drawn twice
    # access: 3 answers in January, 2 in June: no latest figure and no change.
    assert page.count('data-test="too-few"') == 0
    assert client.get(f"/o/projects/{ids['molenbeek']}").status_code == 404
    assert client.get("/o/projects/999999").status_code == 404


def test_a_projects_page_shows_its_scan_notes_latest_first_and_never_too_few(
    app: Flask, helpers: Helpers
):
    ids = _seed(helpers)
    page = _text(_browser(app, ids["alice"]).get(f"/o/projects/{ids['kiel']}?lang=nl"))
    assert '<li lang="nl">De koffieklets helpt</li>' in page
    assert '<li lang="nl">Niemand kent zijn buren nog</li>' in page
    assert page.index("De koffieklets helpt") < page.index("Niemand kent zijn buren nog")
    assert "Geheim van juni" not in page  # access had two answers in June
    assert page.count('data-test="notes-too-few"') == 1
    noord = _text(_browser(app, ids["alice"]).get(f"/o/projects/{ids['noord']}?lang=nl"))
    assert "Twee antwoorden maar" not in noord and 'data-test="notes-too-few"' in noord


@pytest.mark.parametrize(
    ("language", "january", "june"),
    [("nl", "15 jan 2026", "10 jun 2026"), ("fr", "15 janv. 2026", "10 juin 2026"),
     ("en", "15 Jan 2026", "10 Jun 2026")],
)  # fmt: skip
def test_a_projects_page_writes_its_days_in_the_readers_language(
    app: Flask, helpers: Helpers, language: str, january: str, june: str
):
    ids = _seed(helpers)
    client = _browser(app, ids["alice"])
    page = _text(client.get(f"/o/projects/{ids['kiel']}?lang={language}"))
    assert f"<span>{january}</span> · <span>Kiel in januari</span>" in page  # a note's day
    assert f'<p class="muted small">{june}</p>' in page  # a workshop's day
    assert f"{january}</span>" in page and "2026-01-15" not in page and "2026-06-10" not in page
    portfolio = _text(client.get(f"/o/portfolio?lang={language}"))
    assert january in portfolio and june in portfolio and "2026-01-15" not in portfolio


def test_the_programme_is_aggregate_only_over_every_coach(app_any_store: Flask):
    """On SQLite and PostgreSQL: the grouped reads agree."""
    app = app_any_store
    ids = _seed(Helpers(app))
    page = _text(_browser(app, ids["bob"]).get("/o/programme?lang=en"))
    # Four projects, seven workshops; "Solitude" named in two projects' workshops.
    assert "<dd>4</dd>" in page and "<dd>7</dd>" in page
    # The exports card is on the page, once, and the tab's title is only the title.
    assert "<title>The programme · Facilitator</title>" in page
    assert page.count('data-test="export-programme-pdf"') == 1
    assert page.index('data-test="export-programme-pdf"') > page.index("</title>")
    assert "2 workshops · 2 projects · FR, NL" in page
    assert "Secret de Molenbeek" not in page and "Kiel" not in page  # no texts, no projects
    assert "Note secrète de Molenbeek" not in page and "koffieklets" not in page  # no notes
    # connection, latest scans: Kiel 3.7, Molenbeek 4.0, Anderlecht 3.0 (Noord withheld);
    # moved: Kiel +1.7, Molenbeek -1.0, Anderlecht +2.0.
    assert "3.6" in page and "+0.9" in page and "Connection among residents" in page
    assert "Accessible care" not in page and "neighbourhood as a place" not in page.lower()


def test_a_workshop_without_a_dot_vote_shows_the_themes_its_wall_last_showed(
    app: Flask, helpers: Helpers
):
    import json

    from facilitator.web.jobs.wall import wall_path

    ids = _seed(helpers)
    with helpers.session() as session:
        day = PastDay("Kiel in oktober", "2026-10-01", scan={"connection": [3, 3, 3]})
        workshop = add_past_workshop(session, ids["alice"], [ids["kiel"]], day)
        workshop_id = workshop.id
    drawn = wall_path(app, workshop_id, "d" * 32)
    drawn.parent.mkdir(parents=True, exist_ok=True)
    drawn.write_bytes(b"png")
    wall = {
        "digest": "d" * 32,
        "themes": [
            {
                "label": "Buurtpunt",
                "titles": {"nl": "Buurtpunt", "fr": "Point de quartier"},
                "notes": 7,
            }
        ],
    }
    (drawn.parent / "latest-all.json").write_text(json.dumps(wall))
    page = _text(_browser(app, ids["alice"]).get(f"/o/projects/{ids['kiel']}?lang=fr"))
    assert "Point de quartier" in page
