"""Days as the reader's language writes them (exports/dates.py), on pages and sheets."""

from __future__ import annotations

import pytest

from facilitator.exports.dates import medium_date


@pytest.mark.parametrize(
    ("language", "written"),
    # Babel's CLDR writes the Dutch abbreviation without a full stop ("feb", not "feb.").
    [("nl", "1 feb 2026"), ("fr", "1 févr. 2026"), ("en", "1 Feb 2026")],
)
def test_a_day_in_each_language(language: str, written: str):
    assert medium_date("2026-02-01", language) == written


@pytest.mark.parametrize("given", ["", "soon", "2026-13-01", "01/02/2026"])
def test_what_is_not_an_iso_day_is_given_back_as_it_is(given: str):
    assert medium_date(given, "nl") == given


def test_an_unknown_language_gives_the_day_back_as_it_is():
    assert medium_date("2026-02-01", "xx-nope") == "2026-02-01"
