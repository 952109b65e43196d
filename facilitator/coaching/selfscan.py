"""The neighbourhood self-scan: for each area, where does our neighbourhood stand (1-5).

Pure logic, free of Flask and the database: the answers come in as plain values and the
room's (or a project's) profile goes out. Answers are pseudonymous and only ever shown in
aggregate: an area with fewer than MIN_ANSWERS answers shows nothing but that fact.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from facilitator.errors import DomainError

LOWEST, HIGHEST = 1, 5
MIN_ANSWERS = 3  # below this an area's answers could point at a person
NOTE_MAX = 500


@dataclass(frozen=True)
class Answer:
    """One person's score for one area."""

    area_key: str
    score: int


@dataclass(frozen=True)
class AreaProfile:
    """An area's answers in aggregate. `shown` is False below MIN_ANSWERS: then the mean,
    spread and counts are withheld (None / zeros) and screens say "too few answers"."""

    key: str
    answers: int
    shown: bool
    mean: float | None
    spread: float | None  # population standard deviation of the scores
    counts: tuple[int, ...]  # how many gave 1, 2, 3, 4, 5

    @property
    def disagreement(self) -> float:
        """How far apart people are (the spread; 0 where nothing is shown)."""
        return self.spread or 0.0


def checked_score(value: object) -> int:
    """A score as sent by a phone: a whole number from 1 to 5 (not "3", not True)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError("bad_score")
    if not LOWEST <= value <= HIGHEST:
        raise DomainError("bad_score")
    return value


def checked_note(value: object) -> str | None:
    """The optional note with a score: text up to NOTE_MAX characters, or nothing."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise DomainError("bad_selfscan_note")
    text = value.strip()
    if len(text) > NOTE_MAX:
        raise DomainError("selfscan_note_too_long", limit=NOTE_MAX)
    return text or None


def area_profile(key: str, scores: Sequence[int]) -> AreaProfile:
    """One area's aggregate, withheld below MIN_ANSWERS."""
    if len(scores) < MIN_ANSWERS:
        return AreaProfile(key, len(scores), False, None, None, (0,) * HIGHEST)
    counts = tuple(scores.count(s) for s in range(LOWEST, HIGHEST + 1))
    mean = statistics.fmean(scores)
    return AreaProfile(key, len(scores), True, mean, statistics.pstdev(scores), counts)


def profile(answers: Iterable[Answer], area_keys: Sequence[str]) -> list[AreaProfile]:
    """Every area's aggregate, in the set's order; areas answered that the set no longer
    has come after, so nothing said is dropped."""
    by_area: dict[str, list[int]] = {key: [] for key in area_keys}
    for answer in answers:
        by_area.setdefault(answer.area_key, []).append(answer.score)
    return [area_profile(key, scores) for key, scores in by_area.items()]


def most_disagreed(profiles: Iterable[AreaProfile], count: int = 3) -> list[AreaProfile]:
    """The shown areas where people disagree most (largest spread first; ties by key)."""
    shown = [p for p in profiles if p.shown and p.disagreement > 0]
    return sorted(shown, key=lambda p: (-p.disagreement, p.key))[:count]


def change(first: Mapping[str, AreaProfile], latest: Mapping[str, AreaProfile]) -> dict[str, float]:
    """How each area's mean moved between two profiles (areas shown in both only)."""
    moved = {}
    for key, then in first.items():
        now = latest.get(key)
        if then.shown and now is not None and now.shown:
            assert then.mean is not None and now.mean is not None
            moved[key] = now.mean - then.mean
    return moved
