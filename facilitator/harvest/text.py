"""From a note to its content words: language, stop words dropped, Snowball keys.

Pure and deterministic. CPU work: call it from a worker process, not the event loop.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from facilitator.harvest.base import Note, TextConfig, TextTooLong
from facilitator.harvest.language import language_of
from facilitator.harvest.lexicon import is_stop, stem_key, stop_set
from facilitator.harvest.tokens import tokenise


@dataclass(frozen=True, slots=True)
class Token:
    """A content word: its stem `key`, its spelling, and its link to the previous word.

    `written` is the word as typed (elision removed); `initial` marks a sentence start.
    `bridge` is the text of the stop words between the previous content word and this one
    ("" when adjacent, "à" in "soins à domicile"), or None when they cannot form a phrase.
    """

    key: str
    written: str
    initial: bool
    bridge: str | None

    @property
    def shown(self) -> str:
        """The spelling to display: lowercase, unless its capitals are meaningful."""
        if self.initial and not (len(self.written) > 1 and self.written.isupper()):
            return self.written.lower()
        return self.written


@dataclass(frozen=True, slots=True)
class AnalysedNote:
    """A note's detected language and content words, ready to count or cluster."""

    id: Hashable
    language: str
    tokens: tuple[Token, ...]
    upvotes: int = 0

    @property
    def keys(self) -> list[str]:
        """The stem keys of the note's content words, in order."""
        return [token.key for token in self.tokens]


def check_length(note: Note, config: TextConfig) -> None:
    """Refuse a note longer than `config.max_chars` (a pasted document, not a note)."""
    if len(note.text) > config.max_chars:
        raise TextTooLong(note.id, len(note.text), config.max_chars)


def analyse_note(note: Note, config: TextConfig | None = None) -> AnalysedNote:
    """Detect the note's language and return its content words with their stem keys."""
    config = config or TextConfig()
    check_length(note, config)
    return _analysed(note, config)


# A worker draws the same scope again with each new note: every note but the new one was
# analysed the time before (both arguments are frozen, and so is the result).
@lru_cache(maxsize=20_000)
def _analysed(note: Note, config: TextConfig) -> AnalysedNote:
    raw = tokenise(note.text)
    language = language_of(note.text, raw, note.language, config)
    stops = stop_set(language, config.languages)
    tokens: list[Token] = []
    between: list[str] | None = None  # stop words since the last content word
    for token in raw:
        if token.after_break:
            between = None
        if len(token.form) < config.min_token_letters or is_stop(token.form, stops):
            if between is not None:
                between.append(token.form)
            continue
        bridge = None
        if between is not None and len(between) <= config.max_phrase_gap:
            bridge = " ".join(between)
        key = stem_key(token.form, language)
        tokens.append(Token(key, token.cased, token.sentence_start, bridge))
        between = []
    return AnalysedNote(note.id, language, tuple(tokens), note.upvotes)


def analyse_notes(notes: Iterable[Note], config: TextConfig | None = None) -> list[AnalysedNote]:
    """Analyse many notes; every length is checked before any note is analysed."""
    config = config or TextConfig()
    batch: Sequence[Note] = list(notes)
    for note in batch:
        check_length(note, config)
    return [analyse_note(note, config) for note in batch]
