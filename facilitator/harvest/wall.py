"""The projector's harvest wall for one scope: a word cloud and themes with a quote each.

`render_wall` is the CPU work, meant for a worker process: it takes plain notes and
returns bytes and plain data. Results are named by a digest of the notes they were
made from, so an unchanged scope is never drawn twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from facilitator.harvest.base import Note, TextConfig

QUOTE_CHARS = 140


@dataclass(frozen=True)
class Wall:
    """What the wall shows: the cloud as PNG bytes and up to six themes."""

    digest: str
    png: bytes
    themes: list[dict[str, Any]]
    notes: int


def digest_of(notes: Sequence[Note], languages: Sequence[str]) -> str:
    """A name for the content: same notes, same languages, same digest."""
    content = [[str(n.id), n.text, n.language, n.upvotes] for n in notes]
    raw = json.dumps([list(languages), content], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def render_wall(notes: Sequence[Note], languages: Sequence[str]) -> Wall:
    """Analyse the notes, draw the cloud and find the themes (seconds of CPU for thousands)."""
    # Imported here: the server process only names this function; workers run it.
    from facilitator.harvest.cloud import CloudConfig, render_png
    from facilitator.harvest.terms import count_terms, frequencies
    from facilitator.harvest.text import analyse_notes
    from facilitator.harvest.themes import themes_of

    config = TextConfig(languages=tuple(languages))
    analysed = analyse_notes(notes, config)
    freqs = frequencies(count_terms(analysed, config), limit=100)
    png = render_png(freqs, CloudConfig())
    by_id = {note.id: note for note in notes}
    themes = []
    if len(analysed) >= 4:
        for theme in themes_of(analysed, text_config=config).themes[:6]:
            quote = by_id[theme.representative].text
            if len(quote) > QUOTE_CHARS:
                quote = quote[: QUOTE_CHARS - 1].rstrip() + "…"
            themes.append({"label": theme.label, "notes": len(theme.note_ids), "quote": quote})
    return Wall(digest_of(notes, languages), png, themes, len(notes))
