"""The projector's harvest wall for one scope: a word cloud and themes with their quotes.

`find_wall_themes` and `render_cloud` are the CPU work, meant for a worker process: they
take plain notes (and their stored vectors of meaning) and return plain data and bytes.
They are two calls because they cost and change differently: the themes (~0.2 s for 500
notes) follow every note, the cloud (~0.4 s) may lag a few seconds behind a stream of
notes. Results are named by a digest of what they were made from (`digest_of` for the
themes, `cloud_digest_of` for the cloud), so an unchanged scope is never drawn twice.
`render_wall` does both, for callers that want one wall at once.

Each theme is JSON-ready, in every language it has notes in: `titles` and `quotes` by
language, `label` and `quote` in the workshop's first language present (for screens
that show one), `key`, `notes`, `note_ids` (what the facilitator's changes name),
`languages` (notes per language) and `renamed`; found by meaning, also `meaning`: the
mean of its notes' vectors (harvest/meaning.py's `mean_meaning`), which the programme's
learnings join themes of different workshops by.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from facilitator.harvest.base import Note

# Part of every themes digest: a new one redraws themes found by older code (2: themes
# got a meaning; 3: whole quotes, titles from the theme's central notes).
THEMES_FORMAT = 3
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
        [THEMES_FORMAT, list(languages), content, with_vector, list(overrides)],
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def cloud_digest_of(notes: Sequence[Note], languages: Sequence[str]) -> str:
    """A name for a cloud: it reads only the notes' words, so votes, vectors and the
    facilitators' theme changes leave it as it is."""
    content = [[str(n.id), n.text, n.language] for n in notes]
    raw = json.dumps([list(languages), content], ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def wall_theme(theme: Mapping[str, Any], languages: Sequence[str]) -> dict[str, Any]:
    """A found theme as the wall shows it: quotes whole (each screen fits them its own way:
    the projector pages or leaves out whole themes, phones and documents flow the text),
    and one label for one-line screens."""
    titles = dict(theme["titles"])
    quotes = {
        code: {"id": quote["id"], "text": str(quote["text"])}
        for code, quote in theme["quotes"].items()
    }
    first = next((code for code in languages if code in titles), next(iter(titles), None))
    central = theme["quote"]
    return {
        "key": theme["key"],
        "label": titles.get(first, "") if first else "",
        "titles": titles,
        "quote": str(central["text"]),
        "quote_language": central.get("language"),
        "quotes": quotes,
        "notes": int(theme["notes"]),
        "note_ids": list(theme["note_ids"]),
        "languages": dict(theme["languages"]),
        "renamed": bool(theme.get("renamed", False)),
    }


@dataclass(frozen=True)
class WallThemes:
    """The themes of a scope as the wall shows them, and what they were found among."""

    themes: list[dict[str, Any]]
    notes: int
    mode: str = "words"
    theme_notes: int = 0


def find_wall_themes(
    notes: Sequence[Note],
    languages: Sequence[str],
    vectors: Mapping[Any, bytes] | None = None,
    overrides: Sequence[Mapping[str, Any]] = (),
) -> WallThemes:
    """Up to six themes of a scope, by meaning where there are vectors (CPU work)."""
    # Imported here: the server process only names this function; workers run it.
    from facilitator.harvest.meaning import mean_meaning
    from facilitator.harvest.room_themes import find_room_themes

    themes: list[dict[str, Any]] = []
    mode = "meaning" if vectors else "words"
    if len(notes) >= MIN_THEMED_NOTES:
        room = find_room_themes(notes, vectors, languages, overrides, limit=WALL_THEMES)
        themes = [wall_theme(theme.as_dict(), languages) for theme in room.themes]
        mode = room.mode
        if mode == "meaning" and vectors:
            for theme in themes:
                raws = [vectors[i] for i in theme["note_ids"] if i in vectors]
                theme["meaning"] = mean_meaning(raws)
    read = sum(1 for n in notes if n.id in (vectors or {})) if mode == "meaning" else len(notes)
    return WallThemes(themes, len(notes), mode, read)


def render_cloud(notes: Sequence[Note], languages: Sequence[str]) -> bytes:
    """The word cloud of a scope as PNG bytes (CPU work)."""
    from facilitator.harvest.base import TextConfig
    from facilitator.harvest.cloud import CloudConfig, render_png
    from facilitator.harvest.terms import count_terms, frequencies
    from facilitator.harvest.text import analyse_notes

    config = TextConfig(languages=tuple(languages))
    freqs = frequencies(count_terms(analyse_notes(notes, config), config), limit=100)
    return render_png(freqs, CloudConfig())


def render_wall(
    notes: Sequence[Note],
    languages: Sequence[str],
    vectors: Mapping[Any, bytes] | None = None,
    overrides: Sequence[Mapping[str, Any]] = (),
) -> Wall:
    """Draw the cloud and find the themes (seconds of CPU for thousands of notes)."""
    found = find_wall_themes(notes, languages, vectors, overrides)
    png = render_cloud(notes, languages)
    digest = digest_of(notes, languages, vectors, overrides)
    return Wall(digest, png, found.themes, found.notes, found.mode, found.theme_notes)
