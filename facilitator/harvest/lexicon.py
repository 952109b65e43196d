"""Stop words (from the `stop-words` package plus a project list) and Snowball stems.

The package's lists are generic, and its English list (1,300 words) drops words that
carry meaning in a care workshop ("home", "old", "alone", "help"): `KEEP` puts those
back. `FILLER` adds what notes say without meaning it ("ok", "etc", "nodig", "faut").
"""

from __future__ import annotations

from functools import lru_cache

import snowballstemmer
import stop_words

from facilitator.harvest.base import STEMMERS
from facilitator.harvest.tokens import normalise, strip_accents

KEEP: frozenset[str] = frozenset(
    """
    home homes help old older elderly alone young work working together free car cars
    place places house houses world personnes
    """.split()
)

FILLER: frozenset[str] = frozenset(
    """
    ok oké okay etc enz bv bijv eg ie ex yes no ja nee oui non svp aub please pls thanks
    thank merci dank bedankt lol idee idée idea ideas think vind vinden denk trop zeer
    nodig moeten moet zouden zou echt faut fait faire doit doivent devrait peut veut
    should would could must get got need needs really lot lots thing things also
    iets dingen ding chose choses beaucoup plus meer more onze elke soms vaak plaats
    """.split()
)

# Other workshop languages' stop words of up to this many letters are dropped too, so a
# Dutch "de" or an English "the" inside a French note does not become a term.
_SHORT_FOREIGN = 3


@lru_cache(maxsize=16)
def _package_list(language: str) -> frozenset[str]:
    """The stop-words package's list for one ISO code, normalised like the tokens."""
    return frozenset(normalise(word).lower() for word in stop_words.get_stop_words(language))


@lru_cache(maxsize=64)
def stop_set(language: str, languages: tuple[str, ...]) -> frozenset[str]:
    """Words to drop from a note in `language` at a workshop speaking `languages`."""
    words = set(_package_list(language))
    for other in languages:
        if other != language:
            words.update(w for w in _package_list(other) if len(w) <= _SHORT_FOREIGN)
    return frozenset((words - KEEP) | FILLER)


def is_stop(form: str, stops: frozenset[str]) -> bool:
    """True when a lowercase word (or every part of a hyphenated one) is a stop word."""
    if form in stops:
        return True
    if "-" in form:
        return all(part in stops for part in form.split("-"))
    return False


@lru_cache(maxsize=16)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    """The Snowball stemmer of an ISO language code (pure Python, no data files)."""
    return snowballstemmer.stemmer(STEMMERS[language])


@lru_cache(maxsize=200_000)
def stem_key(form: str, language: str) -> str:
    """The grouping key of a lowercase word: its Snowball stem, without accents."""
    return strip_accents(_stemmer(language).stemWord(form))
