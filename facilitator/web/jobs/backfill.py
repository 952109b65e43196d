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
from functools import partial
from typing import Any

from flask import Flask
from sqlalchemy import select

from facilitator.exports.collect import ballot_themes, latest_closed_ballots
from facilitator.harvest.meaning import MODEL_ID, mean_meaning
from facilitator.organise.demo.history import demo_theme_notes
from facilitator.store.models import Contribution, Participant
from facilitator.store.queries import NOTE_LANGUAGE
from facilitator.web.jobs import meaning, wall
from facilitator.web.work import unit_of_work

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


# --- the demo's past days ----------------------------------------------------------------


def demo_meanings(app: Flask, workshop_ids: list[int]) -> None:
    """Give the demo's past days' voted themes their meaning in the background: each is
    the mean of the vectors of the notes it was harvested from (as a wall finds it),
    kept in the day's MEANINGS_FILE. Returns at once: vectors are made in a worker."""
    for workshop_id in workshop_ids:
        meaning.request_vectors(app, workshop_id, partial(_keep_demo_meanings, app, workshop_id))


def _keep_demo_meanings(app: Flask, workshop_id: int) -> None:
    with app.app_context(), unit_of_work(app) as session:
        ballot = latest_closed_ballots(session, [workshop_id]).get(workshop_id)
        rows = session.execute(
            select(Contribution.text, Contribution.meaning, NOTE_LANGUAGE)
            .where(
                Contribution.workshop_id == workshop_id,
                Contribution.kind == "note",
                Contribution.meaning_model == MODEL_ID,
            )
            .outerjoin(Participant, Participant.id == Contribution.participant_id)
        ).all()
    vectors = {(language, text): raw for text, raw, language in rows if raw}
    languages = {language for language, _text in vectors}
    found = []
    for label, titles, _dots in ballot_themes(ballot) if ballot is not None else ():
        raws = [
            vectors[(language, text)]
            for language in languages
            for text in demo_theme_notes(language, label)
            if (language, text) in vectors
        ]
        # A mean of three stored vectors: microseconds, no worker needed.
        if (mean := mean_meaning(raws)) is not None:
            found.append({"label": label, "titles": titles, "meaning": mean})
    wall.set_meanings_aside(app, workshop_id, found, keep=True)
