"""Offline language detection of a note (py3langid's bundled model), with a fallback.

Short notes ("zorg", "OK!") and unclear ones are given the author's language instead of
a guess: on a handful of letters any detector is close to a coin toss.
"""

from __future__ import annotations

from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from facilitator.harvest.base import STEMMERS, TextConfig
from facilitator.harvest.tokens import RawToken, tokenise


@lru_cache(maxsize=8)
def _identifier(languages: tuple[str, ...]) -> LanguageIdentifier:
    """Load the bundled model once per process, restricted to `languages` (read-only after)."""
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages))
    return identifier


def detect_language(text: str, fallback: str | None, config: TextConfig) -> str:
    """The note's language among `config.languages`, else `fallback` when unsure or short."""
    return language_of(text, tokenise(text), fallback, config)


def language_of(text: str, tokens: list[RawToken], fallback: str | None, config: TextConfig) -> str:
    """Like `detect_language`, given the note's tokens (they count its Latin letters)."""
    default = fallback if fallback in STEMMERS else config.languages[0]
    if sum(len(token.form) for token in tokens) < config.min_detect_letters:
        return default
    if len(config.languages) == 1:
        return config.languages[0]
    language, confidence = _identifier(config.languages).classify(text)
    if confidence < config.min_detect_confidence:
        return default
    return str(language)
