"""The projector's harvest wall for one scope: a word cloud and themes with their quotes.

`render_wall` is the CPU work, meant for a worker process: it takes plain notes (and
their stored vectors of meaning) and returns bytes and plain data. Results are named by
a digest of what they were made from, so an unchanged scope is never drawn twice.

Each theme is JSON-ready, in every language it has notes in: `titles` and `quotes` by
language, `label` and `quote` in the workshop's first language present (for screens
that show one), `key`, `notes`, `note_ids` (what the facilitator's changes name),
`languages` (notes per language) and `renamed`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from facilitator.harvest.base import Note

QUOTE_CHARS = 140
WALL_THEMES = 6
MIN_THEMED_NOTES = 4


@dataclass(frozen=True)
class Wall:
    """What the wall shows: the cloud as PNG bytes and up to six themes."""

    digest: str
    png: bytes
    themes: list[dict[str, Any]]
    notes: int
    mode: str = "words"
    # How many of the notes the themes were found among: by meaning, those with a vector
    # (a note posted a moment ago may not have one yet).
    theme_notes: int = 0


def digest_of(
    notes: Sequence[Note],
    languages: Sequence[str],
    vectors: Mapping[Any, bytes] | None = None,
    overrides: Sequence[Mapping[str, Any]] = (),
) -> str:
    """A name for the content: same notes, vectors, changes and languages, same digest."""
    with_vector = sorted(str(key) for key in (vectors or {}))
    content = [[str(n.id), n.text, n.language, n.upvotes] for n in notes]
    raw = json.dumps(
        [list(languages), content, with_vector, list(overrides)], ensure_ascii=False, sort_keys=True
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """At most `limit` characters, cut at a word with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def wall_theme(theme: Mapping[str, Any], languages: Sequence[str]) -> dict[str, Any]:
    """A found theme as the wall shows it: quotes shortened, one label for one-line screens."""
    titles = dict(theme["titles"])
    quotes = {
        code: {"id": quote["id"], "text": shorten(str(quote["text"]))}
        for code, quote in theme["quotes"].items()
    }
    first = next((code for code in languages if code in titles), next(iter(titles), None))
    central = theme["quote"]
    return {
        "key": theme["key"],
        "label": titles.get(first, "") if first else "",
        "titles": titles,
        "quote": shorten(str(central["text"])),
        "quote_language": central.get("language"),
        "quotes": quotes,
        "notes": int(theme["notes"]),
        "note_ids": list(theme["note_ids"]),
        "languages": dict(theme["languages"]),
        "renamed": bool(theme.get("renamed", False)),
    }


def render_wall(
    notes: Sequence[Note],
    languages: Sequence[str],
    vectors: Mapping[Any, bytes] | None = None,
    overrides: Sequence[Mapping[str, Any]] = (),
) -> Wall:
    """Draw the cloud and find the themes (seconds of CPU for thousands of notes)."""
    # Imported here: the server process only names this function; workers run it.
    from facilitator.harvest.base import TextConfig
    from facilitator.harvest.cloud import CloudConfig, render_png
    from facilitator.harvest.room_themes import find_room_themes
    from facilitator.harvest.terms import count_terms, frequencies
    from facilitator.harvest.text import analyse_notes

    config = TextConfig(languages=tuple(languages))
    analysed = analyse_notes(notes, config)
    freqs = frequencies(count_terms(analysed, config), limit=100)
    png = render_png(freqs, CloudConfig())
    themes: list[dict[str, Any]] = []
    mode = "meaning" if vectors else "words"
    if len(notes) >= MIN_THEMED_NOTES:
        room = find_room_themes(notes, vectors, languages, overrides, limit=WALL_THEMES)
        themes = [wall_theme(theme.as_dict(), languages) for theme in room.themes]
        mode = room.mode
    read = sum(1 for n in notes if n.id in (vectors or {})) if mode == "meaning" else len(notes)
    digest = digest_of(notes, languages, vectors, overrides)
    return Wall(digest, png, themes, len(notes), mode, read)
