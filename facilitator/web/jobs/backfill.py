"""The meanings of workshops whose wall is not drawn again: a past workshop, an imported
archive, the demo's past days. Their themes would join other workshops' by identical
title only (organise/portfolio.py): when a page reads one of them, its wall is asked for
in the background (wall.request_wall: vectors first, then the drawing, which writes its
MEANINGS_FILE), once per process, and the page says how many are still being read.
The page never waits for it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from facilitator.web.jobs import meaning, wall

# Per process: the workshops already asked for, by exports folder (one per app). A wall
# that found no meaning (no notes, or themes by words) is not asked for again on every
# page; a restart asks once more.
_asked: set[tuple[str, int]] = set()
_lock = threading.Lock()


def _ask_once(app: Flask, workshop_id: int) -> None:
    key = (str(app.config["EXPORTS_DIR"]), workshop_id)
    with _lock:
        if key in _asked:
            return
        _asked.add(key)
    wall.request_wall(app, workshop_id)  # returns at once


def _being_read(workshop_id: int) -> bool:
    return meaning.is_busy(workshop_id) or wall.is_drawing(workshop_id)


@dataclass
class MeaningsReader:
    """Reads workshops' theme meanings for one page, asking for the missing ones."""

    app: Flask
    missing: set[int] = field(default_factory=set)

    def meanings(self, workshop_id: int) -> list[dict[str, Any]]:
        """The workshop's theme meanings; where it has none, its wall is asked for."""
        found = wall.theme_meanings(self.app, workshop_id)
        if not found and meaning.may_find_meaning(self.app):
            self.missing.add(workshop_id)
            _ask_once(self.app, workshop_id)
        return found

    def still_reading(self) -> int:
        """How many of the workshops read without meanings are being read now."""
        return sum(1 for workshop_id in self.missing if _being_read(workshop_id))
