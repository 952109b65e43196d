"""The programme's learnings by meaning: themes of different workshops and languages that
say the same thing are one theme (harvest/across.py, coaching/portfolio.py), from the
meanings the harvest wall keeps (web/jobs/wall.py)."""

from __future__ import annotations

import json
import secrets
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import select

from facilitator.coaching.portfolio import Theme, WorkshopRecord, theme_counts
from facilitator.harvest import meaning
from facilitator.harvest.across import same_meaning_groups
from facilitator.harvest.base import Note
from facilitator.harvest.wall import find_wall_themes
from facilitator.organise import projects
from facilitator.organise.demo import demo_organiser, load_demo
from facilitator.organise.demo.history import (
    DEMO_THEMES,
    PastDay,
    add_past_workshop,
    demo_past_days,
    demo_portfolio,
)
from facilitator.organise.portfolio import Harvests, programme, with_meanings
from facilitator.organise.users import create_user
from facilitator.store.models import CafeTable, Contribution, Participant, Round, Workshop
from facilitator.web.auth import ORGANISER_COOKIE, issue_organiser_token
from facilitator.web.jobs import meaning as vectors
from facilitator.web.jobs import wall
from facilitator.web.jobs.backfill import demo_meanings
from facilitator.web.jobs.wall import MEANINGS_FILE, set_meanings_aside, theme_meanings, wall_path
from tests.conftest import Helpers, close_app, make_app, need
from tests.test_archive import settle_walls

LABELLED = Path(__file__).parent / "data" / "labelled_notes.json"
# An nl workshop and a fr workshop: both on loneliness, only the nl one on housing.
NL_SUBJECTS = ("loneliness", "housing_space", "informal_care")
FR_SUBJECTS = ("loneliness", "volunteers", "funding")
NAMES = (("Kiel", "nl"), ("Molenbeek", "fr"))


def _notes(language: str, subjects: tuple[str, ...], first_id: int) -> tuple[list[Note], dict]:
    rows = json.loads(LABELLED.read_text(encoding="utf-8"))["notes"]
    chosen = [r for r in rows if r["language"] == language and r["theme"] in subjects]
    notes = [Note(first_id + i, r["text"], language, r["upvotes"]) for i, r in enumerate(chosen)]
    return notes, {n.id: r["theme"] for n, r in zip(notes, chosen, strict=True)}


@pytest.fixture(scope="module")
def walls() -> dict[str, tuple[list[dict], dict]]:
    """Each workshop's wall themes found by meaning, and each note's human subject."""
    if meaning.mode().name != "meaning":
        need(f"the model cannot load here: {meaning.mode().detail}")
    found = {}
    for language, subjects, first_id in (("nl", NL_SUBJECTS, 1), ("fr", FR_SUBJECTS, 1001)):
        notes, truth = _notes(language, subjects, first_id)
        vectors = dict(zip(truth, meaning.embed([n.text for n in notes]), strict=True))
        wall = find_wall_themes(notes, [language], vectors)
        assert wall.mode == "meaning"
        found[language] = (wall.themes, truth)
    return found


def _subject(theme: dict, truth: dict) -> str:
    return Counter(truth[i] for i in theme["note_ids"]).most_common(1)[0][0]


def _record(wid: int, language: str, themes: list[dict]) -> WorkshopRecord:
    plain = [Theme(t["label"], t["titles"], t["notes"]) for t in themes]
    return WorkshopRecord(
        id=wid,
        code=f"W{wid}",
        title=f"Workshop {wid}",
        when="2026-03-01",
        languages=(language,),
        project_ids=(wid,),
        themes=tuple(with_meanings(plain, themes)),
    )


def test_every_theme_found_by_meaning_keeps_the_mean_of_its_notes(walls):
    themes, _truth = walls["nl"]
    assert themes and all(meaning.meaning_from_text(t["meaning"]) is not None for t in themes)
    vector = meaning.meaning_from_text(themes[0]["meaning"])
    assert vector.shape == (meaning.DIMENSIONS,)
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-3)


def test_loneliness_in_dutch_and_in_french_meet_and_housing_stays_apart(walls):
    """The room's themes of 24 notes are not pure (a theme is named by most of its
    notes' human subject): no theme meets one of another subject."""
    nl_themes, nl_truth = walls["nl"]
    fr_themes, fr_truth = walls["fr"]
    subject_of = {t["label"]: _subject(t, nl_truth) for t in nl_themes}
    subject_of |= {t["label"]: _subject(t, fr_truth) for t in fr_themes}
    found = theme_counts([(_record(1, "nl", nl_themes), 1), (_record(2, "fr", fr_themes), 2)])
    met = [group for group in found if group.workshops == 2]
    assert met, "no theme of the two workshops met"
    for group in found:
        subjects = {subject_of[title] for title in group.titles.values()}
        assert len(subjects) == 1, f"{group.titles} mixes {subjects}"
        if "housing_space" in subjects:
            assert group.workshops == 1
    lonely = met[0]
    assert {subject_of[title] for title in lonely.titles.values()} == {"loneliness"}
    assert (lonely.projects, lonely.languages) == (2, ("fr", "nl"))
    assert lonely.label_in("fr") != lonely.label_in("nl")  # each reader their own title
    assert found[0] is lonely  # the most widespread first


def test_themes_without_a_meaning_are_joined_by_title_only():
    lonely = _record(1, "nl", [{"label": "Eenzaamheid", "titles": {}, "notes": 3}])
    alone = _record(2, "fr", [{"label": "Isolement", "titles": {}, "notes": 3}])
    assert all(t.meaning is None for w in (lonely, alone) for t in w.themes)
    assert [t.workshops for t in theme_counts([(lonely, 1), (alone, 2)])] == [1, 1]


def test_two_themes_of_one_workshop_are_never_joined_by_meaning():
    rng = np.random.default_rng(0)
    one, other = rng.normal(size=(2, meaning.DIMENSIONS)).astype(np.float32)
    vectors = [one, one, other, other]
    groups = same_meaning_groups(vectors, ["nl"] * 4, [1, 1, 2, 2])
    assert len(set(groups)) == 4  # alike, but each pair of one workshop
    across = same_meaning_groups(vectors, ["nl"] * 4, [1, 2, 3, 4])
    assert across[0] == across[1] != across[2] == across[3]
    assert same_meaning_groups(vectors[:1], ["nl"], [1]) == [0]


def test_a_damaged_or_foreign_meaning_is_no_meaning():
    assert meaning.meaning_from_text("not base64!") is None
    assert meaning.meaning_from_text("AAAA") is None  # another size
    assert meaning.meaning_from_text(None) is None
    assert meaning.meaning_from_text(12) is None
    assert meaning.mean_meaning([]) is None


# --- kept by the wall, read by the programme --------------------------------------------


def test_the_wall_sends_no_meaning_and_keeps_the_whole_workshops(app: Flask, walls):
    themes = [dict(t) for t in walls["nl"][0]]
    table = [dict(t) for t in walls["nl"][0]]
    set_meanings_aside(app, 5, table, keep=False)  # a table's wall: sent, not kept
    assert all("meaning" not in t for t in table) and theme_meanings(app, 5) == []
    set_meanings_aside(app, 5, themes, keep=True)
    assert all("meaning" not in t for t in themes)
    kept = theme_meanings(app, 5)
    assert [e["label"] for e in kept] == [t["label"] for t in themes]
    renamed = [dict(walls["nl"][0][0], label="Nieuw")]
    set_meanings_aside(app, 5, renamed, keep=True)
    assert [e["label"] for e in theme_meanings(app, 5)][:2] == ["Nieuw", themes[0]["label"]]


def test_a_damaged_meanings_file_reads_as_none(app: Flask):
    folder = wall_path(app, 6, "x").parent
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MEANINGS_FILE).write_text("{not json")
    assert theme_meanings(app, 6) == []
    (folder / MEANINGS_FILE).write_text(json.dumps({"label": "x"}))
    assert theme_meanings(app, 6) == []


def _past_voted_day(session: Any, name: str, language: str, themes: list[dict]) -> Workshop:
    """A past workshop of a coach's project whose closed dot-vote offered these themes."""
    coach = create_user(session, name.lower(), "correct horse battery").id
    project = projects.create_project(session, coach, name, "", [language]).id
    voted = [(t["label"], t["titles"], t["notes"]) for t in themes]
    day = PastDay(name, "2026-03-01", language=language, themes=voted)
    return add_past_workshop(session, coach, [project], day)


def test_the_programme_page_joins_a_dutch_and_a_french_dot_vote_by_meaning(
    app: Flask, helpers: Helpers, walls
):
    """Two coaches' projects; each workshop's dot-vote offered its wall's themes."""
    days = {}
    with helpers.session() as session:
        for name, language in NAMES:
            days[language] = _past_voted_day(session, name, language, walls[language][0]).id
    for language, workshop_id in days.items():
        set_meanings_aside(app, workshop_id, [dict(t) for t in walls[language][0]], keep=True)
    client = app.test_client()
    client.set_cookie(ORGANISER_COOKIE, issue_organiser_token(app.config["SECRET_KEY"], 1))
    page = client.get("/o/programme?lang=fr").get_data(as_text=True)
    assert "2 ateliers · 2 projets · FR, NL" in page, page
    lonely_fr = next(t for t in walls["fr"][0] if _subject(t, walls["fr"][1]) == "loneliness")
    assert lonely_fr["titles"]["fr"] in page


# --- a workshop whose wall is not drawn again gets its meanings in the background -------


def _past_day_with_notes(helpers: Helpers, name: str, language: str, walls, notes=True) -> int:
    """A past workshop of its own project: its dot-vote offered its wall's themes and
    its notes are stored, but no wall was drawn here (an archive, a past day)."""
    with helpers.session() as session:
        workshop = _past_voted_day(session, name, language, walls[language][0])
        wid = workshop.id
        round_id, table_id = session.execute(
            select(Round.id, CafeTable.id)
            .join(CafeTable, CafeTable.workshop_id == Round.workshop_id)
            .where(Round.workshop_id == wid)
        ).first()
        author = session.scalars(select(Participant).where(Participant.workshop_id == wid)).first()
        subjects = NL_SUBJECTS if language == "nl" else FR_SUBJECTS
        for note in _notes(language, subjects, 1)[0] if notes else ():
            session.add(
                Contribution(
                    workshop_id=workshop.id,
                    client_id=secrets.token_hex(8),
                    kind="note",
                    text=note.text,
                    round_id=round_id,
                    table_id=table_id,
                    participant_id=author.id,
                )
            )
        return workshop.id


def _coach_browser(app: Flask):  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.set_cookie(ORGANISER_COOKIE, issue_organiser_token(app.config["SECRET_KEY"], 1))
    return client


def test_a_past_workshop_gets_its_meanings_once_the_programme_is_opened(
    app: Flask, helpers: Helpers, walls
):
    """Neither workshop's wall was drawn: the first page says their themes are still
    being read (and does not wait); once drawn in the background, they join by meaning."""
    days = {lang: _past_day_with_notes(helpers, n, lang, walls) for n, lang in NAMES}
    client = _coach_browser(app)
    first = client.get("/o/programme?lang=en").get_data(as_text=True)
    assert "The themes of 2 workshops are still being read for their meaning" in first
    assert "2 workshops · 2 projects" not in first  # not joined yet: by title only
    for workshop_id in days.values():
        settle_walls(workshop_id, seconds=180)
        assert theme_meanings(app, workshop_id), "the drawing wrote no meanings"
    page = client.get("/o/programme?lang=fr").get_data(as_text=True)
    assert "2 ateliers · 2 projets · FR, NL" in page, page
    assert 'data-test="themes-reading"' not in page
    lonely_fr = next(t for t in walls["fr"][0] if _subject(t, walls["fr"][1]) == "loneliness")
    assert lonely_fr["titles"]["fr"] in page


def test_a_workshop_whose_wall_finds_no_meaning_is_asked_for_once(
    app: Flask, helpers: Helpers, walls
):
    """Themes from a dot-vote but no notes (the demo's past days): the drawing finds
    nothing to mean; the page then says nothing is being read, and does not ask again."""
    workshop_id = _past_day_with_notes(helpers, "Kiel", "nl", walls, notes=False)
    client = _coach_browser(app)
    assert 'data-test="themes-reading"' in client.get("/o/portfolio").get_data(as_text=True)
    settle_walls(workshop_id, seconds=180)
    assert theme_meanings(app, workshop_id) == []
    again = client.get("/o/programme").get_data(as_text=True)
    assert 'data-test="themes-reading"' not in again
    assert not wall.is_drawing(workshop_id) and not vectors.is_busy(workshop_id)


def test_with_the_model_turned_off_no_wall_is_asked_for(sqlite_url: str, tmp_path: Path, walls):
    application = make_app(sqlite_url, tmp_path, HARVEST_MODEL=False)
    try:
        helpers = Helpers(application)
        workshop_id = _past_day_with_notes(helpers, "Kiel", "nl", walls)
        page = _coach_browser(application).get("/o/programme").get_data(as_text=True)
        assert 'data-test="themes-reading"' not in page
        assert not wall.is_drawing(workshop_id) and not vectors.is_busy(workshop_id)
    finally:
        close_app(application)


def _programme_themes(app: Flask, helpers: Helpers) -> list:  # type: ignore[type-arg]
    """The programme's themes across workshops, from the meanings kept so far only."""
    harvests = Harvests(themes=lambda _w: [], meanings=lambda w: theme_meanings(app, w))
    with helpers.session() as session:
        return list(programme(session, "fr", harvests).themes)


def test_the_demos_past_days_join_across_languages_by_meaning_once_read(
    app: Flask, helpers: Helpers, walls
):
    """The demo's days name each theme in their own language, as a wall does: Dutch
    and French days share no title. Once their meanings are made (at the demo's start,
    in the background) each theme joins across the two languages, and only with itself.
    (`walls` only makes sure the model loads here.)"""
    with helpers.session() as session:
        code = load_demo(session).join_code
        demo_organiser(session, code)
        demo_portfolio(session, code)
        past = demo_past_days(session, code)

    def group_of(title: str, found: list) -> Any:  # type: ignore[type-arg]
        return next(g for g in found if title in g.titles.values())

    before = _programme_themes(app, helpers)
    pairs = [(titles["nl"], titles["fr"]) for _label, titles in DEMO_THEMES.values()]
    assert all(group_of(nl, before) is not group_of(fr, before) for nl, fr in pairs)

    demo_meanings(app, past)
    for workshop_id in past:
        settle_walls(workshop_id, seconds=180)
        assert len(theme_meanings(app, workshop_id)) == 2  # each day's two voted themes
    after = _programme_themes(app, helpers)
    joined = [group_of(nl, after) for nl, _fr in pairs]
    for (nl, fr), group in zip(pairs, joined, strict=True):
        assert group is group_of(fr, after), f"{nl} and {fr} did not meet"
        assert group.workshops == group_of(nl, before).workshops + group_of(fr, before).workshops
        assert group.languages == ("fr", "nl")
    assert len({id(group) for group in joined}) == 4  # four subjects stay apart
