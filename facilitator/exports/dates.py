"""A day as the reader's language writes it, short: 1 févr. 2026, 1 Feb 2026.

Babel's CLDR data, nothing of Flask: the pages and the documents made in a worker write
days the same way. English is written the British way (day, month, year), as Belgium
does; CLDR's plain "en" is American (Feb 1, 2026).
"""

from __future__ import annotations

import datetime as dt

from babel.core import UnknownLocaleError
from babel.dates import format_date

DATE_LOCALES = {"en": "en_GB"}


def medium_date(iso: str, language: str) -> str:
    """An ISO day (2026-02-01) in the medium format of `language`; anything that is not
    an ISO day is given back as it is."""
    try:
        day = dt.date.fromisoformat(iso)
        return format_date(day, format="medium", locale=DATE_LOCALES.get(language, language))
    except (TypeError, ValueError, UnknownLocaleError):
        return iso
