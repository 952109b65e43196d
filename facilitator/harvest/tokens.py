"""Split a note into Latin-script words: apostrophes, elisions and hyphens handled.

Only Latin letters (with their accents) make words: the workshop languages use them, and
the projector's font has no glyphs for CJK. Other scripts, digits, emoji and punctuation
break phrases and contribute nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_LETTER = r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF"
_TOKEN_RE = re.compile(
    rf"(?P<word>[{_LETTER}]+(?:['-][{_LETTER}]+)*)"
    rf"|(?P<end>[.!?\u2026\n])"
    rf"|(?P<brk>[^\s{_LETTER}'-])"
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "´": "'"})
_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-"})
# French elided articles and pronouns: l'isolement -> isolement, d'aide -> aide.
_ELISIONS = frozenset(
    ["l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"]
)


@dataclass(frozen=True, slots=True)
class RawToken:
    """A word as written (`cased`), its lowercase `form`, and what precedes it."""

    form: str
    cased: str
    sentence_start: bool
    after_break: bool


def normalise(text: str) -> str:
    """Compose accents (NFC) and unify apostrophes and hyphens."""
    return unicodedata.normalize("NFC", text).translate(_APOSTROPHES).translate(_HYPHENS)


def strip_accents(word: str) -> str:
    """Drop diacritics: 'âgé' -> 'age' (used for keys, never for display)."""
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _strip_clitics(word: str) -> str:
    """Remove a French elision prefix and a possessive or plural "'s" suffix."""
    head, sep, tail = word.partition("'")
    if sep and head.lower() in _ELISIONS and len(tail) > 1:
        word = tail
    if word.lower().endswith("'s") and len(word) > 3:
        word = word[:-2]
    return word


def tokenise(text: str) -> list[RawToken]:
    """Return the Latin-script words of `text` in order, with sentence and break marks."""
    tokens: list[RawToken] = []
    sentence_start = True
    after_break = True
    for match in _TOKEN_RE.finditer(normalise(text)):
        word = match.group("word")
        if word is None:
            after_break = True
            sentence_start = sentence_start or match.group("end") is not None
            continue
        cased = _strip_clitics(word)
        tokens.append(RawToken(cased.lower(), cased, sentence_start, after_break))
        sentence_start = after_break = False
    return tokens
