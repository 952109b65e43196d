"""The facilitator's changes to the harvest's themes: rename, merge, split off, reset.

Themes are found anew at every drawing, so a change cannot name a theme; it names the
notes the theme held when the facilitator made it. Each is a stored event
(`theme.changed`, replayed to staff screens, kept in the archive); every drawing applies
them in order to the themes it found (harvest: `overrides`), so a change sticks across
redraws as long as the notes it names are still mostly together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from facilitator.cafe.text import clean_text
from facilitator.errors import DomainError
from facilitator.store import events
from facilitator.store.events import StoredEvent
from facilitator.store.models import Contribution, Event, Participant, Workshop
from facilitator.store.queries import NOTE_LANGUAGE

KINDS = ("rename", "merge", "split", "reset")
TITLE_MAX_CHARS = 80
MAX_NOTES = 10_000
ID_LIMIT = 2**63  # both stores keep row ids in 64 bits
MAX_SHOWN = 500  # a theme's notes listed for splitting: more would not be read anyway
CHANGED = "theme.changed"


def _note_ids(session: Session, workshop: Workshop, raw: object) -> list[int]:
    """The ids of this workshop's notes and key insights among `raw`, or DomainError."""
    if not isinstance(raw, list) or not raw or len(raw) > MAX_NOTES:
        raise DomainError("bad_theme_notes")
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in raw):
        raise DomainError("bad_theme_notes")
    if not all(-ID_LIMIT <= i < ID_LIMIT for i in raw):
        raise DomainError("unknown_note")  # beyond what the store keeps: no note has it
    wanted = sorted(set(raw))
    found: set[int] = set()
    for start in range(0, len(wanted), 900):  # SQLite's bound-parameter limit
        found |= set(
            session.scalars(
                select(Contribution.id).where(
                    Contribution.workshop_id == workshop.id,
                    Contribution.kind.in_(("note", "insight")),
                    Contribution.id.in_(wanted[start : start + 900]),
                )
            )
        )
    if found != set(wanted):
        raise DomainError("unknown_note")  # another workshop's, a photo, or made up
    return wanted


def _title(raw: object) -> str:
    return clean_text(
        raw,
        TITLE_MAX_CHARS,
        multiline=False,
        bad="bad_theme_title",
        empty="empty_theme_title",
        too_long="theme_title_too_long",
    )


def _record(session: Session, workshop: Workshop, change: dict[str, Any]) -> list[StoredEvent]:
    events.ask_for_redraw(session, workshop.id)
    return [events.record(session, workshop.id, CHANGED, events.STAFF, {"change": change})]


def notes_of(session: Session, workshop: Workshop, notes: object) -> list[dict[str, Any]]:
    """The texts of a theme's notes (to pick some to split off), in the order given."""
    ids = _note_ids(session, workshop, notes)
    rows = session.execute(
        select(Contribution.id, Contribution.text, NOTE_LANGUAGE.label("language"))
        .outerjoin(Participant, Participant.id == Contribution.participant_id)
        .where(Contribution.id.in_(ids[:MAX_SHOWN]))
        .order_by(Contribution.id)
    )
    return [{"id": r.id, "text": r.text, "language": r.language} for r in rows]


def rename(session: Session, workshop: Workshop, notes: object, title: object) -> list[StoredEvent]:
    """Give the theme holding these notes the facilitator's own title, in every language."""
    change = {"kind": "rename", "note_ids": _note_ids(session, workshop, notes)}
    return _record(session, workshop, change | {"title": _title(title)})


def merge(session: Session, workshop: Workshop, a: object, b: object) -> list[StoredEvent]:
    """Make one theme of the two holding these two sets of notes."""
    first, second = _note_ids(session, workshop, a), _note_ids(session, workshop, b)
    if set(first) == set(second):
        raise DomainError("same_theme")
    return _record(session, workshop, {"kind": "merge", "a": first, "b": second})


def split(
    session: Session, workshop: Workshop, notes: object, title: object = None
) -> list[StoredEvent]:
    """Take these notes out of their theme into a theme of their own (title optional)."""
    change: dict[str, Any] = {"kind": "split", "note_ids": _note_ids(session, workshop, notes)}
    if title is not None and not (isinstance(title, str) and not title.strip()):
        change["title"] = _title(title)
    return _record(session, workshop, change)


def reset(session: Session, workshop: Workshop) -> list[StoredEvent]:
    """Forget every earlier change: the themes as the harvest finds them."""
    return _record(session, workshop, {"kind": "reset"})


NOTE_LISTS = ("note_ids", "a", "b")  # the keys of a change that name notes


def overrides_ever(session: Session, workshop_id: int) -> list[dict[str, Any]]:
    """Every change ever made to this workshop's themes, resets included, oldest first."""
    rows = session.scalars(
        select(Event.data)
        .where(Event.workshop_id == workshop_id, Event.name == CHANGED)
        .order_by(Event.seq)
    )
    return [dict(data["change"]) for data in rows]


def overrides(session: Session, workshop_id: int) -> list[dict[str, Any]]:
    """The changes the facilitators made to this workshop's themes since the last reset,
    oldest first."""
    changes: list[dict[str, Any]] = []
    for change in overrides_ever(session, workshop_id):
        changes = [] if change["kind"] == "reset" else [*changes, change]
    return changes


def restore(session: Session, workshop: Workshop, changes: Sequence[dict[str, Any]]) -> None:
    """Store changes read from an archive (already checked), as if made again."""
    for change in changes:
        events.record(session, workshop.id, CHANGED, events.STAFF, {"change": dict(change)})


def checked_change(raw: object, note_id: Callable[[object], int]) -> dict[str, Any]:
    """A change read from an archive, its notes named by `note_id`, or DomainError."""
    if not isinstance(raw, dict) or raw.get("kind") not in KINDS:
        raise DomainError("bad_request")
    change: dict[str, Any] = {"kind": raw["kind"]}
    for name in NOTE_LISTS:
        if name in raw:
            if not isinstance(raw[name], list) or len(raw[name]) > MAX_NOTES:
                raise DomainError("bad_request")
            change[name] = sorted({note_id(key) for key in raw[name]})
    if "title" in raw:
        change["title"] = _title(raw["title"])
    return change
