"""The self-scan's aggregates: scores checked, areas withheld below the minimum group size,
the spread, the areas people disagree on most, and the change between two profiles."""

from __future__ import annotations

import pytest

from facilitator.coaching.selfscan import (
    MIN_ANSWERS,
    Answer,
    change,
    checked_note,
    checked_score,
    most_disagreed,
    profile,
)
from facilitator.errors import DomainError


@pytest.mark.parametrize("score", [1, 3, 5])
def test_a_whole_score_from_one_to_five_is_taken(score):
    assert checked_score(score) == score


@pytest.mark.parametrize("score", [0, 6, -1, "3", 3.0, True, None, [3]])
def test_any_other_score_is_refused(score):
    with pytest.raises(DomainError) as refused:
        checked_score(score)
    assert refused.value.code == "bad_score"


def test_a_note_is_trimmed_optional_and_limited():
    assert checked_note("  too few benches  ") == "too few benches"
    assert checked_note("   ") is None and checked_note(None) is None
    with pytest.raises(DomainError) as too_long:
        checked_note("x" * 501)
    assert too_long.value.code == "selfscan_note_too_long"
    with pytest.raises(DomainError):
        checked_note(5)


def test_an_area_with_too_few_answers_shows_nothing_but_that():
    answers = [Answer("connection", 1)] * (MIN_ANSWERS - 1) + [Answer("access", 4)] * 3
    by_key = {p.key: p for p in profile(answers, ["connection", "access"])}
    few = by_key["connection"]
    assert not few.shown and few.answers == MIN_ANSWERS - 1
    assert few.mean is None and few.spread is None and sum(few.counts) == 0
    assert by_key["access"].shown and by_key["access"].mean == 4


def test_the_profile_keeps_the_sets_order_and_areas_no_longer_in_it():
    answers = [Answer(key, 3) for key in ("b", "old", "a") for _ in range(3)]
    assert [p.key for p in profile(answers, ["a", "b", "unanswered"])] == [
        "a",
        "b",
        "unanswered",
        "old",
    ]


def test_mean_spread_and_counts():
    answers = [Answer("a", s) for s in (1, 1, 5, 5)]
    (area,) = profile(answers, ["a"])
    assert area.mean == 3 and area.spread == 2 and area.counts == (2, 0, 0, 0, 2)


def test_the_most_disagreed_areas_come_first_and_agreement_is_not_listed():
    answers = (
        [Answer("split", s) for s in (1, 5, 1, 5)]
        + [Answer("mild", s) for s in (2, 3, 4)]
        + [Answer("agreed", 4)] * 5
        + [Answer("hidden", s) for s in (1, 5)]
    )
    found = most_disagreed(profile(answers, ["split", "mild", "agreed", "hidden"]))
    assert [p.key for p in found] == ["split", "mild"]


def test_change_between_two_profiles_reads_only_areas_shown_in_both():
    first = {p.key: p for p in profile([Answer("a", 2)] * 3 + [Answer("b", 2)] * 2, ["a", "b"])}
    latest = {p.key: p for p in profile([Answer("a", 4)] * 3 + [Answer("b", 5)] * 3, ["a", "b"])}
    assert change(first, latest) == {"a": 2.0}
