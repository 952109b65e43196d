"""Counted words on the exports ("1 dot", "2 dots") through Babel's ngettext, per language.

Exports are drawn in worker processes without Flask, long after the request, and only
then is each count known; so they read the compiled catalogues themselves. The msgids
are literal `ngettext` calls below, which `make extract-messages` finds. Each catalogue's
Plural-Forms decides the form: French takes the singular for 0 and 1.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel import UnknownLocaleError
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def _forms(catalogue: NullTranslations, count: int) -> dict[str, str]:
    """Every counted phrase of the exports, in the form `count` takes."""
    ngettext, npgettext = catalogue.ngettext, catalogue.npgettext
    # "number tile": the noun under a big number, kept apart from the screens' words.
    return {
        "dots": ngettext("{count} dot", "{count} dots", count),
        "notes": ngettext("{count} note", "{count} notes", count),
        "more": ngettext("+{count} more", "+{count} more", count),
        "paper_notes": ngettext(
            "{count} note written on paper", "{count} notes written on paper", count
        ),
        "people_noun": npgettext("number tile", "person", "people", count),
        "tables_noun": npgettext("number tile", "table", "tables", count),
        "notes_noun": npgettext("number tile", "note", "notes", count),
        "insights_noun": npgettext("number tile", "key insight", "key insights", count),
        "languages_noun": npgettext("number tile", "language", "languages", count),
    }


COUNTED_KEYS = tuple(_forms(NullTranslations(), 1))


@cache
def _catalogue(language: str) -> NullTranslations:
    """The compiled messages of one language (English msgids when there are none)."""
    return Translations.load(str(TRANSLATIONS), [language])


def number(value: int, language: str) -> str:
    """2,000 / 2.000 / 2 000, as the language writes it."""
    try:
        return format_decimal(value, locale=language)
    except (ValueError, UnknownLocaleError):
        return str(value)


def counted(language: str, key: str, count: int) -> str:
    """One counted phrase in `language`, its number written the language's way."""
    if key not in COUNTED_KEYS:
        raise KeyError(f"no counted phrase {key!r}")
    phrase = _forms(_catalogue(language), count)[key]
    return phrase.replace("{count}", number(count, language))
