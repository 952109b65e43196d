"""Counted words on the posters and reports: Babel's ngettext in nl, fr and en."""

from __future__ import annotations

import pytest

from facilitator.exports.wording import COUNTED_KEYS, counted

DOTS = {
    "en": ["0 dots", "1 dot", "2 dots", "2,000 dots"],
    "nl": ["0 stippen", "1 stip", "2 stippen", "2.000 stippen"],
    # French takes the singular for 0 and 1.
    "fr": ["0 gommette", "1 gommette", "2 gommettes", "2\u202f000 gommettes"],
}


@pytest.mark.parametrize("language", sorted(DOTS))
def test_dots_take_the_plural_of_their_language(language: str) -> None:
    assert [counted(language, "dots", n) for n in (0, 1, 2, 2000)] == DOTS[language]


@pytest.mark.parametrize(
    ("language", "one", "many"),
    [
        ("en", "+1 more", "+5 more"),
        ("nl", "+1 andere", "+5 andere"),
        ("fr", "+1 autre", "+5 autres"),
    ],
)
def test_left_out_items_are_counted_in_words(language: str, one: str, many: str) -> None:
    assert (counted(language, "more", 1), counted(language, "more", 5)) == (one, many)


SAME_IN_FRENCH = {"notes", "notes_noun", "tables_noun"}  # "2 notes", "tables"


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_every_phrase_is_translated(language: str) -> None:
    for key in COUNTED_KEYS:
        if language == "fr" and key in SAME_IN_FRENCH:
            continue
        english = [counted("en", key, n) for n in (1, 3)]
        assert [counted(language, key, n) for n in (1, 3)] != english, key


def test_a_language_without_a_catalogue_reads_english() -> None:
    assert counted("de", "dots", 1) == "1 dot"
    with pytest.raises(KeyError):
        counted("en", "votes", 1)
