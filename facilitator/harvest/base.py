"""Plain data shared by the harvest modules: notes in, terms out, and the analysis settings."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Literal

# ISO 639-1 code -> Snowball stemmer name; stop-words takes the ISO code itself.
STEMMERS: dict[str, str] = {
    "nl": "dutch",
    "fr": "french",
    "en": "english",
    "de": "german",
    "es": "spanish",
    "it": "italian",
}


class HarvestInputError(ValueError):
    """A note or a setting that the harvest refuses to analyse."""


class TextTooLong(HarvestInputError):
    """A note longer than `TextConfig.max_chars`, refused before any analysis."""

    def __init__(self, note_id: Hashable, length: int, limit: int) -> None:
        super().__init__(
            f"note {note_id!r} has {length} characters; the harvest analyses at most {limit}"
        )
        self.note_id = note_id
        self.length = length
        self.limit = limit


@dataclass(frozen=True, slots=True)
class Note:
    """One participant's note: `language` is the author's language, the fallback."""

    id: Hashable
    text: str
    language: str | None = None
    upvotes: int = 0


@dataclass(frozen=True, slots=True)
class TextConfig:
    """Settings of the text analysis; the defaults suit 280-character workshop notes."""

    languages: tuple[str, ...] = ("nl", "fr", "en")
    max_chars: int = 2000
    # Detection is trusted only on enough letters and with a clear winner.
    min_detect_letters: int = 15
    min_detect_confidence: float = 0.9
    min_token_letters: int = 2
    # A phrase: two content words with at most `max_phrase_gap` stop words between them,
    # seen in at least `min_phrase_notes` notes, whose normalised PMI reaches the floor.
    max_phrase_gap: int = 1
    min_phrase_notes: int = 2
    min_phrase_npmi: float = 0.5

    def __post_init__(self) -> None:
        unknown = [code for code in self.languages if code not in STEMMERS]
        if not self.languages or unknown:
            raise HarvestInputError(
                f"languages must be among {sorted(STEMMERS)}; got {list(self.languages)}"
            )
        if self.max_chars < 1:
            raise HarvestInputError("max_chars must be positive")


@dataclass(frozen=True, slots=True)
class Term:
    """A word or two-word phrase of a scope: its stemmed key, what to show, how often."""

    key: str
    display: str
    notes: int
    occurrences: int
    kind: Literal["word", "phrase"]
