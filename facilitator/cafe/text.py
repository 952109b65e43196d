"""Text people type, cleaned once at the edge: notes, names, titles, messages, numbers.

Every adapter (socket handlers, forms) runs what a person typed through `clean_text`
before the domain sees it, so the store only ever holds valid, NFC-normalised Unicode
without control characters or bidi overrides, and "empty" means the same everywhere
(a text of zero-width spaces is as empty as one of spaces).
"""

from __future__ import annotations

import re
import unicodedata

from facilitator.errors import DomainError

# Characters that show nothing: a text made only of these (and whitespace) is empty.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# Embeddings, overrides and isolates: they can flip how the text around a note reads
# (a name that shows "gnp.exe" as "exe.png") and are never needed in a short note.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Line breaks in every spelling; a single-line field turns each run into one space.
LINE_BREAKS = re.compile("\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
SINGLE_LINE_SPACE = re.compile("[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+")
# Control characters (C0 and C1, DEL) but the tab and the newline a note may hold.
CONTROLS_BUT_TAB_AND_NEWLINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
EDGES = re.compile(f"^[\\s{INVISIBLE}]+|[\\s{INVISIBLE}]+$")
ASCII_DIGITS = re.compile("[0-9]+")


def clean_text(
    raw: object,
    max_chars: int,
    *,
    multiline: bool = True,
    bad: str = "bad_text",
    broken: str = "broken_text",
    empty: str | None = "empty_text",
    too_long: str = "text_too_long",
) -> str:
    """What a person typed, made safe to store and show, or DomainError.

    - not a string: `bad`; not valid Unicode (a lone surrogate, often half an emoji cut
      off by a phone): `broken`;
    - NFC-normalised, so "é" typed two ways is stored (and compared on resend) one way;
    - control characters removed; a `multiline` text keeps tab and newline (every line
      break becomes "\\n"), a single-line one gets a space for each run of them;
    - bidi embeddings, overrides and isolates removed;
    - trimmed of whitespace and invisible characters at both ends; nothing left:
      `empty` (or "" when `empty` is None: an optional field);
    - longer than `max_chars` characters after all that: `too_long` (with `limit`).
    """
    if not isinstance(raw, str):
        raise DomainError(bad)
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        # The store cannot encode it either: refused here, so a phone that resends gets
        # a clear answer instead of a traceback every 5 seconds.
        raise DomainError(broken) from None
    if multiline:
        text = LINE_BREAKS.sub("\n", raw)
    else:
        text = SINGLE_LINE_SPACE.sub(" ", raw)
    text = CONTROLS_BUT_TAB_AND_NEWLINE.sub("", text)
    text = BIDI_CONTROLS.sub("", text)
    # Normalised after the removals: "A", NUL, a combining acute is "Á" once the NUL goes.
    text = unicodedata.normalize("NFC", EDGES.sub("", text))
    if not text:
        if empty is None:
            return ""
        raise DomainError(empty)
    if len(text) > max_chars:
        raise DomainError(too_long, limit=max_chars)
    return text


def ascii_number(raw: object, max_digits: int, code: str) -> int:
    """A whole number typed as ASCII digits ("12"), or DomainError(code).

    `str.isdigit` also accepts "²" or "١", which `int` then refuses or reads as another
    number: only 0-9 count here.
    """
    if not isinstance(raw, str) or len(raw) > max_digits or not ASCII_DIGITS.fullmatch(raw):
        raise DomainError(code)
    return int(raw)
