"""The harvest of a mixed-language room, through the real sockets: themes by meaning with
a title in each language, the facilitator's changes (rename, merge, split, reset) that
stick across redraws, the projector's theme language, and one count everywhere."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from facilitator.store.models import Contribution, Event

# Three subjects, each said twice in each of the room's three languages.
SUBJECTS: dict[str, dict[str, list[str]]] = {
    "housing": {
        "nl": [
            "Er zijn te weinig betaalbare woningen voor ouderen in onze wijk",
            "Ouderen vinden geen aangepaste en betaalbare woning in de buurt",
        ],
        "fr": [
            "Il manque de logements abordables pour les personnes âgées du quartier",
            "Les aînés ne trouvent pas de logement adapté et abordable près de chez eux",
        ],
        "en": [
            "There is not enough affordable housing for older people in our area",
            "Older residents cannot find an adapted, affordable home nearby",
        ],
    },
    "loneliness": {
        "nl": [
            "Veel alleenstaande ouderen zijn eenzaam en zien dagenlang niemand",
            "Eenzaamheid is het grootste probleem van mensen die alleen wonen",
        ],
        "fr": [
            "Beaucoup de personnes âgées seules souffrent d'isolement et ne voient personne",
            "La solitude est le plus grand problème des gens qui vivent seuls",
        ],
        "en": [
            "Many older people living alone are lonely and see nobody for days",
            "Loneliness is the biggest problem for people who live on their own",
        ],
    },
    "volunteers": {
        "nl": [
            "We hebben meer vrijwilligers nodig om boodschappen te doen voor buren",
            "Vrijwilligers helpen buren met vervoer naar de dokter",
        ],
        "fr": [
            "Nous avons besoin de plus de bénévoles pour faire les courses des voisins",
            "Des bénévoles aident les voisins à se rendre chez le médecin",
        ],
        "en": [
            "We need more volunteers to do the shopping for neighbours",
            "Volunteers help neighbours get to the doctor",
        ],
    },
}


def named(received: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [e["args"][0]["data"] for e in received if e["name"] == name]


def wait_for_wall(staff: Any, ok: Any = lambda wall: True, seconds: float = 60) -> dict[str, Any]:
    """The first `harvest.updated` (whole workshop) from now on that passes `ok`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for wall in named(staff.get_received(), "harvest.updated"):
            if wall["scope"] == "all" and ok(wall):
                return wall
        time.sleep(0.1)
    raise AssertionError(f"no fitting harvest.updated within {seconds} s")


@pytest.fixture
def room(helpers):
    """A running round with six phones (two per language), each posting its three notes."""
    links = helpers.make_workshop(tables={"count": 3, "capacity": 6})
    facilitator = helpers.staff(links)
    assert facilitator.emit("round.start", {}, callback=True)["ok"]
    phones = {}
    for language in ("nl", "fr", "en"):
        for index in range(2):
            phone = helpers.join(links.join_code, language=language, name=f"{language}{index}")
            for subject in SUBJECTS.values():
                assert phone.post(subject[language][index])["ok"]
            phones[(language, index)] = phone
    # By meaning: until most notes have their vectors a drawing groups them by words, and
    # a change made to such a wall names a group that the meaning wall does not have.
    wall = wait_for_wall(
        facilitator, lambda w: w["mode"] == "meaning" and w["notes"] == w["theme_notes"] == 18
    )
    return links, facilitator, phones, wall


def subject_of(text: str) -> str:
    return next(s for s, by_lang in SUBJECTS.items() if any(text in t for t in by_lang.values()))


def test_a_mixed_room_gets_one_theme_per_subject_titled_in_each_language(room):
    _links, _facilitator, _phones, wall = room
    assert wall["mode"] == "meaning"
    assert len(wall["themes"]) == 3
    for theme in wall["themes"]:
        assert theme["notes"] == 6 and theme["languages"] == {"nl": 2, "fr": 2, "en": 2}
        assert set(theme["titles"]) == {"nl", "fr", "en"}
        for language, title in theme["titles"].items():
            assert title[0].isupper() and "·" not in title, (language, title)
        quotes = {lang: subject_of(q["text"].rstrip("…")) for lang, q in theme["quotes"].items()}
        assert len(set(quotes.values())) == 1, quotes  # one subject, quoted in each language


def test_a_wall_sends_no_meaning_and_the_workshop_keeps_each_themes(room, helpers):
    """The meaning of each theme (750 bytes) is of use to no screen: the programme's
    learnings read it from the workshop's meanings (web/jobs/wall.py)."""
    from facilitator.harvest.meaning import meaning_from_text
    from facilitator.web.jobs.wall import latest_workshop_wall, theme_meanings

    links, _facilitator, _phones, wall = room
    assert all("meaning" not in theme for theme in wall["themes"])
    workshop_id = helpers.workshop(links.join_code).id
    latest = latest_workshop_wall(helpers.app, workshop_id)
    assert latest and all("meaning" not in theme for theme in latest["themes"])
    kept = {entry["label"]: entry for entry in theme_meanings(helpers.app, workshop_id)}
    assert {theme["label"] for theme in wall["themes"]} <= set(kept)
    assert all(meaning_from_text(kept[t["label"]]["meaning"]) is not None for t in wall["themes"])


def test_the_facilitator_renames_a_theme_and_the_title_sticks_across_redraws(room, helpers):
    links, facilitator, phones, wall = room
    theme = wall["themes"][0]
    ack = facilitator.emit(
        "theme.rename", {"notes": theme["note_ids"], "title": "Wonen voor ouderen"}, callback=True
    )
    assert ack["ok"]
    renamed = wait_for_wall(facilitator, lambda w: any(t["renamed"] for t in w["themes"]))
    mine = next(t for t in renamed["themes"] if t["renamed"])
    assert set(mine["titles"].values()) == {"Wonen voor ouderen"}
    # Another note redraws the wall: the facilitator's title stays.
    assert phones[("en", 0)].post("Affordable homes for seniors are rare here")["ok"]
    again = wait_for_wall(facilitator, lambda w: w["notes"] == w["theme_notes"] == 19)
    assert [t["titles"] for t in again["themes"] if t["renamed"]] == [mine["titles"]]


def test_merge_split_and_reset_change_the_themes_and_are_stored_events(room, helpers):
    links, facilitator, _phones, wall = room
    first, second = wall["themes"][0], wall["themes"][1]
    merge = {"a": first["note_ids"], "b": second["note_ids"]}
    assert facilitator.emit("theme.merge", merge, callback=True)["ok"]
    merged = wait_for_wall(facilitator, lambda w: len(w["themes"]) == 2)
    assert max(t["notes"] for t in merged["themes"]) == 12

    big = max(merged["themes"], key=lambda t: t["notes"])
    listed = facilitator.emit("theme.notes", {"notes": big["note_ids"]}, callback=True)
    assert listed["ok"] and {n["id"] for n in listed["notes"]} == set(big["note_ids"])
    apart = [
        n["id"]
        for n in listed["notes"]
        if subject_of(n["text"]) == subject_of(listed["notes"][0]["text"])
    ]
    assert facilitator.emit("theme.split", {"notes": apart}, callback=True)["ok"]
    split = wait_for_wall(facilitator, lambda w: len(w["themes"]) == 3)
    assert sorted(t["notes"] for t in split["themes"]) == [6, 6, 6]

    assert facilitator.emit("theme.reset", {}, callback=True)["ok"]
    # The room's own clustering finds the same three subjects the split made.
    reset = wait_for_wall(facilitator, lambda w: len(w["themes"]) == 3)
    assert groups(reset) == groups(split)
    with helpers.session() as session:
        kinds = [
            e.data["change"]["kind"]
            for e in session.scalars(select(Event).where(Event.name == "theme.changed"))
        ]
    assert kinds == ["merge", "split", "reset"]


def groups(wall: dict[str, Any]) -> list[list[int]]:
    """The wall's themes as sorted groups of note ids."""
    return sorted(sorted(t["note_ids"]) for t in wall["themes"])


def theme_changes(helpers) -> int:
    with helpers.session() as session:
        return session.scalar(select(func.count(Event.id)).where(Event.name == "theme.changed"))


BAD_CHANGES = [
    ("theme.rename", {"notes": "1,2", "title": "x"}, "bad_theme_notes"),
    ("theme.rename", {"notes": [], "title": "x"}, "bad_theme_notes"),
    ("theme.rename", {"notes": [True], "title": "x"}, "bad_theme_notes"),
    ("theme.rename", {"notes": ["1"], "title": "x"}, "bad_theme_notes"),
    ("theme.rename", {"notes": [1.5], "title": "x"}, "bad_theme_notes"),
    ("theme.rename", {"notes": list(range(1, 10_002)), "title": "x"}, "bad_theme_notes"),
    ("theme.rename", {"title": "x"}, "bad_theme_notes"),
    ("theme.rename", {"notes": [2**70], "title": "x"}, "unknown_note"),
    ("theme.rename", {"notes": "MINE", "title": "x" * 81}, "theme_title_too_long"),
    ("theme.rename", {"notes": "MINE", "title": "  \u200b "}, "empty_theme_title"),
    ("theme.rename", {"notes": "MINE", "title": 5}, "bad_theme_title"),
    ("theme.rename", {"notes": "MINE"}, "bad_theme_title"),
    ("theme.rename", {"notes": "MINE", "title": "half \ud83d"}, "broken_text"),
    ("theme.merge", {"a": "MINE", "b": "MINE"}, "same_theme"),
    ("theme.merge", {"a": "MINE"}, "bad_theme_notes"),
    ("theme.merge", {"a": "MINE", "b": "OTHER"}, "unknown_note"),
    ("theme.split", {"notes": "OTHER"}, "unknown_note"),
    ("theme.split", {"notes": "MINE", "title": ["x"]}, "bad_theme_title"),
    ("theme.notes", {"notes": "OTHER"}, "unknown_note"),
    ("theme.notes", {"notes": None}, "bad_theme_notes"),
    ("harvest.language", {"language": "de"}, "bad_language"),
    ("harvest.language", {"language": ["nl"]}, "bad_language"),
    ("harvest.language", {}, "bad_language"),
]


@pytest.fixture
def two_workshops(helpers):
    """A note in this workshop and one in another: ids to send where they do not belong."""
    mine, other = helpers.make_workshop(), helpers.make_workshop()
    ids = {}
    for key, links in (("MINE", mine), ("OTHER", other)):
        helpers.staff(links).emit("round.start", {}, callback=True)
        assert helpers.join(links.join_code).post("Buren helpen buren")["ok"]
        with helpers.session() as session:
            workshop = helpers.workshop(links.join_code)
            ids[key] = list(
                session.scalars(
                    select(Contribution.id).where(Contribution.workshop_id == workshop.id)
                )
            )
    return mine, ids


@pytest.mark.parametrize(("event", "payload", "error"), BAD_CHANGES)
def test_bad_changes_are_refused_clearly_and_store_nothing(
    helpers, two_workshops, event, payload, error
):
    mine, ids = two_workshops
    payload = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in payload.items()}
    facilitator = helpers.staff(mine)
    before = theme_changes(helpers)
    ack = facilitator.emit(event, payload, callback=True)
    assert ack == {"ok": False, "error": error, "message": ack["message"]} and ack["message"]
    assert theme_changes(helpers) == before


@pytest.mark.parametrize(
    "event", ["theme.rename", "theme.merge", "theme.split", "theme.reset", "theme.notes"]
)
def test_only_facilitators_change_the_themes(helpers, two_workshops, event):
    mine, ids = two_workshops
    payload = {"notes": ids["MINE"], "a": ids["MINE"], "b": ids["MINE"], "title": "x"}
    phone = helpers.join(mine.join_code)
    for client in (phone.socket, helpers.staff(mine, "projector")):
        assert client.emit(event, payload, callback=True)["error"] == "unauthorized"
    assert theme_changes(helpers) == 0


def test_a_french_message_for_a_french_facilitator(helpers, two_workshops):
    mine, ids = two_workshops
    http = helpers.app.test_client()
    http.set_cookie("lang", "fr")
    assert http.get(f"/f/{mine.join_code}/{mine.facilitator_secret}").status_code == 302
    from facilitator.web.extensions import socketio

    sock = socketio.test_client(
        helpers.app, flask_test_client=http, auth={"code": mine.join_code, "role": "facilitator"}
    )
    ack = sock.emit("theme.rename", {"notes": ids["MINE"], "title": ""}, callback=True)
    assert ack["error"] == "empty_theme_title" and "titre" in ack["message"]


def test_the_projector_shows_themes_in_the_language_the_facilitator_picks(helpers, links):
    facilitator = helpers.staff(links)
    projector = helpers.staff(links, "projector")
    phone = helpers.join(links.join_code)
    assert phone.snapshot()["projector"]["language"] == "nl"  # the workshop's first
    assert facilitator.emit("harvest.language", {"language": "fr"}, callback=True)["ok"]
    assert named(projector.get_received(), "projector.updated")[-1]["language"] == "fr"
    assert phone.snapshot()["projector"]["language"] == "fr"


def test_wall_and_summary_count_the_same_notes_and_key_insights(helpers):
    links = helpers.make_workshop(tables={"count": 2, "capacity": 5})
    host = helpers.join(links.join_code, host="yes", name="Anne")
    guest = helpers.join(links.join_code, name="Karim")
    facilitator = helpers.staff(links)
    facilitator.emit("round.start", {}, callback=True)
    table = host.snapshot()["seat"]["table"]
    for text in ("Eerste versie van het inzicht", "Herschreven inzicht van de tafel"):
        payload = {"client_id": str(uuid.uuid4()), "text": text, "table": table}
        assert host.socket.emit("insight.post", payload, callback=True)["ok"]
    for text in ("Buren kennen elkaar niet", "Meer ontmoetingsplekken", "Een buurtfeest"):
        assert guest.post(text)["ok"]
    wall = wait_for_wall(facilitator, lambda w: w["notes"] == 4)
    summary = facilitator.emit("summary.view", {}, callback=True)["summary"]["numbers"]
    assert wall["counts"] == {"notes": 3, "insights": 1, "people": 2, "authors": 2, "tables": 2}
    assert {k: summary[k] for k in wall["counts"]} == wall["counts"]
