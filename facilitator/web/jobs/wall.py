"""Keeping the harvest wall fresh without blocking the hub.

Any change to a workshop's notes asks for a new wall. Requests are coalesced: per
workshop at most one render runs and one waits, so a burst of 200 notes causes two
renders, not 200. The render itself runs in a worker process (facilitator.web.jobs.offload):
first the themes, then the cloud, each cached by what it was made from under
EXPORTS_DIR/harvest/<workshop>/ (`<digest>.png`, `themes-<digest>.json`), and announced
with `harvest.updated` (sent, not stored: it is derived data). While more notes are on
their way, the cloud is redrawn at most every CLOUD_LAG_SECONDS; the themes every time.

Two scopes may be drawn per request: the projector's chosen scope (a table, a round, or
the whole workshop) for the staff screens, and the whole workshop for the phones, which
show it between rounds and offer its themes for commitments. When the projector shows
the whole workshop, one drawing serves both. While a round runs the phones are sent no
redraws (that would spend the venue's Wi-Fi on every note); the newest whole-workshop
wall is remembered in `latest-all.json` and comes with any phone's `sync` instead.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from facilitator.cafe import harvest, themes
from facilitator.cafe.harvest import harvest_notes
from facilitator.harvest.base import Note
from facilitator.harvest.wall import (
    WallThemes,
    cloud_digest_of,
    digest_of,
    find_wall_themes,
    render_cloud,
)
from facilitator.store import events
from facilitator.store.events import StoredEvent
from facilitator.store.files import write_atomically
from facilitator.store.models import Workshop
from facilitator.store.queries import current_round
from facilitator.web.extensions import socketio
from facilitator.web.jobs import meaning, offload
from facilitator.web.jobs.coalesce import Coalescer, pass_alone
from facilitator.web.notify import notify
from facilitator.web.work import unit_of_work

KEEP_WALLS = 6  # older drawings are derived data: redrawn if ever needed (two scopes)
# Under a stream of notes the cloud (~60% of a drawing) is redrawn at most this often;
# the themes follow every note. A pause in the stream draws the cloud at once.
CLOUD_LAG_SECONDS = 8.0


def request_wall(app: Flask, workshop_id: int) -> None:
    """Ask for a fresh wall; returns at once (new texts get their vectors first, in a
    process of their own, then the wall is drawn; both coalesced, in the background)."""

    def draw() -> None:
        _drawings.request(workshop_id, lambda: _draw_alone(app, workshop_id))

    meaning.request_vectors(app, workshop_id, draw)


def is_drawing(workshop_id: int) -> bool:
    """Whether this process is drawing (or about to draw) the workshop's wall."""
    return _drawings.is_running(workshop_id)


def any_drawing() -> bool:
    """Whether this process draws a wall or computes vectors for one (a shutdown or a
    test waits for it)."""
    return _drawings.any_running() or meaning.any_filling()


# Per server process: the workshops being drawn, coalesced (a burst of 200 notes causes
# two drawings, not 200).
_drawings = Coalescer()


def _draw_alone(app: Flask, workshop_id: int) -> None:
    # One worker at a time draws a workshop's wall; the others use its files.
    lease, draw = f"wall:{workshop_id}", lambda: _draw_once(app, workshop_id)
    pass_alone(app, _drawings, workshop_id, lease, draw, "the harvest wall")


def wall_notes(session: Any, workshop_id: int, scope: str = "all") -> list[Note]:
    """Every visible note and latest key insight of a scope, as the harvest reads them."""
    return harvest_notes(session, workshop_id, scope)


def wall_path(app: Flask, workshop_id: int, digest: str) -> Path:
    """Where a workshop's drawn cloud lives."""
    return Path(app.config["EXPORTS_DIR"]) / "harvest" / str(workshop_id) / f"{digest}.png"


def _draw_once(app: Flask, workshop_id: int) -> None:
    with app.app_context():
        with unit_of_work(app) as session:
            workshop = session.get(Workshop, workshop_id)
            if workshop is None:
                return  # deleted since the drawing was asked for
            scopes = sorted({workshop.harvest_scope, "all"})
            languages = workshop.languages.split(",")
            seq = workshop.last_seq
            phones_look = _phones_look(session, workshop)
            notes = {s: wall_notes(session, workshop_id, s) for s in scopes}
            counts = {s: harvest.counts(session, workshop_id, s) for s in scopes}
            changes = themes.overrides(session, workshop_id)
            vectors = harvest.stored_vectors(session, workshop_id)
        sent = []
        for drawn_scope in scopes:
            drawing = Drawing(notes[drawn_scope], languages, vectors, changes)
            extra = {"scope": drawn_scope, "counts": counts[drawn_scope]}

            def tell_staff(early: dict[str, Any], extra: dict[str, Any] = extra) -> None:
                # Sent at once, not with the others: the staff screens need not wait
                # for the next scope's drawing to show this one's themes.
                notify([_updated(workshop_id, seq, events.STAFF, early | extra)])

            data = _drawn(app, workshop_id, drawn_scope, drawing, tell_staff) | extra
            # Phones show the whole workshop's cloud between rounds only: while a round
            # runs, sending every redraw to every phone would only spend the Wi-Fi.
            to_phones = drawn_scope == "all" and phones_look
            audience = events.ALL if to_phones else events.STAFF
            sent.append(_updated(workshop_id, seq, audience, data))
            if drawn_scope == "all":
                _remember_latest(app, workshop_id, data)
        notify(sent)


def _updated(workshop_id: int, seq: int, audience: str, data: dict[str, Any]) -> StoredEvent:
    """A `harvest.updated`: sent, not stored (derived data)."""
    return events.transient(None, workshop_id, seq, "harvest.updated", audience, data)


@dataclass(frozen=True)
class Drawing:
    """What one drawing is made from: a scope's notes, the workshop's languages, the
    stored vectors (of any of the workshop's notes) and the facilitators' changes."""

    notes: list[Note]
    languages: list[str]
    vectors: dict[int, bytes]
    changes: list[dict[str, Any]]

    def scope_vectors(self) -> dict[int, bytes]:
        """The vectors of this scope's notes only: what the worker is sent."""
        return {n.id: self.vectors[n.id] for n in self.notes if n.id in self.vectors}


def _phones_look(session: Any, workshop: Workshop) -> bool:
    """Whether phones show the room's cloud now: no round is running."""
    cafe_round = current_round(session, workshop)
    return cafe_round is None or cafe_round.status != "running"


def _drawn(
    app: Flask,
    workshop_id: int,
    scope: str,
    drawing: Drawing,
    tell_staff: Callable[[dict[str, Any]], None],
) -> dict[str, Any]:
    """The wall of a drawing: its themes and its cloud, each made in a worker or found
    made before (same digest). While more notes are on their way the cloud may be the
    scope's previous one, at most CLOUD_LAG_SECONDS old: the themes come first. Where a
    new cloud must be drawn (~60% of a drawing), the themes go to the staff screens
    first (`tell_staff`), beside the scope's last cloud."""
    found = _themes(app, workshop_id, drawing)
    set_meanings_aside(app, workshop_id, found["themes"], keep=scope == "all")
    digest = cloud_digest_of(drawing.notes, drawing.languages)
    if wall_path(app, workshop_id, digest).exists():
        return {"digest": digest, **found}
    previous = _previous_cloud(app, workshop_id, scope, CLOUD_LAG_SECONDS)
    if previous is not None and _more_notes_coming(workshop_id):
        # The next drawing is already on its way: it draws the cloud once it is due.
        return {"digest": previous, **found}
    last = _previous_cloud(app, workshop_id, scope, max_age=None)
    if last is not None:
        tell_staff({"digest": last, **found})
    return {"digest": _draw_cloud(app, workshop_id, scope, drawing, digest), **found}


def _themes(app: Flask, workshop_id: int, drawing: Drawing) -> dict[str, Any]:
    vectors = drawing.scope_vectors()
    digest = digest_of(drawing.notes, drawing.languages, vectors, drawing.changes)
    path = _folder(app, workshop_id) / f"themes-{digest}.json"
    if not path.exists():
        args = (drawing.notes, drawing.languages, vectors, drawing.changes)
        found: WallThemes = offload.run(
            socketio.sleep, app.config["OFFLOAD_WORKERS"], find_wall_themes, *args
        )
        # Written whole: a second worker may read it while this one writes.
        write_atomically(path, _json(dataclasses.asdict(found)))
        _keep_latest(path.parent, "themes-*.json", KEEP_WALLS)
    return _read_json(path)


def _draw_cloud(app: Flask, workshop_id: int, scope: str, drawing: Drawing, digest: str) -> str:
    path = wall_path(app, workshop_id, digest)
    workers = app.config["OFFLOAD_WORKERS"]
    png = offload.run(socketio.sleep, workers, render_cloud, drawing.notes, drawing.languages)
    write_atomically(path, png)
    write_atomically(_cloud_record(app, workshop_id, scope), _json({"digest": digest}))
    _keep_latest(path.parent, "*.png", KEEP_WALLS)
    return digest


def _more_notes_coming(workshop_id: int) -> bool:
    """Whether this process will draw the workshop again soon: new texts are being given
    vectors (that pass asks for a drawing when done) or a drawing already waits."""
    return _drawings.is_waiting(workshop_id) or meaning.is_busy(workshop_id)


def _previous_cloud(app: Flask, workshop_id: int, scope: str, max_age: float | None) -> str | None:
    """The scope's last cloud, if it is younger than `max_age` seconds and still kept."""
    record = _cloud_record(app, workshop_id, scope)
    try:
        age = time.time() - record.stat().st_mtime
        digest = str(_read_json(record)["digest"])
    except (OSError, ValueError, KeyError):
        return None
    if (max_age is not None and age > max_age) or not wall_path(app, workshop_id, digest).exists():
        return None
    return digest


def _cloud_record(app: Flask, workshop_id: int, scope: str) -> Path:
    """Where a scope's newest cloud is named (shared by the server's worker processes)."""
    safe = re.sub(r"[^a-z0-9]+", "-", scope.lower())
    return _folder(app, workshop_id) / f"cloud-{safe}.json"


def _folder(app: Flask, workshop_id: int) -> Path:
    return wall_path(app, workshop_id, "x").parent


def _remember_latest(app: Flask, workshop_id: int, data: dict[str, Any]) -> None:
    write_atomically(_folder(app, workshop_id) / "latest-all.json", _json(data))


# Every phone's `sync` asks for the latest wall: read the file again only when it changed
# (any worker process may have drawn it). Per process; keyed by the file's path.
_latest: dict[Path, tuple[tuple[int, int], dict[str, Any] | None]] = {}


def latest_workshop_wall(app: Flask, workshop_id: int) -> dict[str, Any] | None:
    """The newest whole-workshop wall (for a phone's snapshot), if one was drawn."""
    path = _folder(app, workshop_id) / "latest-all.json"
    try:
        stat = path.stat()
        changed = (stat.st_ino, stat.st_mtime_ns)  # each write is a new file (os.replace)
    except OSError:
        return None
    cached = _latest.get(path)
    if cached is not None and cached[0] == changed:
        return cached[1]
    try:
        data: dict[str, Any] | None = _read_json(path)
    except (OSError, ValueError):
        return None
    # Only while its drawing is still kept (older ones are deleted).
    if not wall_path(app, workshop_id, data["digest"]).exists():
        data = None
    _latest[path] = (changed, data)
    return data


MEANINGS_FILE = "meanings.json"
# Themes whose meaning a workshop keeps: its latest walls' (a dot-vote offers the themes
# of the wall the facilitator saw when opening it, perhaps not the latest one).
KEEP_MEANINGS = 18


def set_meanings_aside(
    app: Flask, workshop_id: int, themes: list[dict[str, Any]], keep: bool
) -> None:
    """Take each theme's meaning out of what screens are sent (750 bytes a theme, of use
    to no screen); with `keep`, add the whole workshop's to its MEANINGS_FILE, newest
    first, one per label, for the programme's learnings."""
    found = [
        {"label": t.get("label", ""), "titles": t.get("titles", {}), "meaning": meaning}
        for t in themes
        if (meaning := t.pop("meaning", None))
    ]
    if not keep or not found:
        return
    labels = {str(entry["label"]).casefold() for entry in found}
    kept = [e for e in theme_meanings(app, workshop_id) if e["label"].casefold() not in labels]
    path = _folder(app, workshop_id) / MEANINGS_FILE
    write_atomically(path, _json((found + kept)[:KEEP_MEANINGS]))


# The programme reads every workshop's meanings on each request: read a file again only
# when it changed. Per process; keyed by the file's path.
_meanings: dict[Path, tuple[tuple[int, int], list[dict[str, Any]]]] = {}


def theme_meanings(app: Flask, workshop_id: int) -> list[dict[str, Any]]:
    """The meanings of the themes the workshop's walls found (newest first): dicts of
    "label", "titles" and "meaning"; none where no wall was found by meaning."""
    path = _folder(app, workshop_id) / MEANINGS_FILE
    try:
        stat = path.stat()
    except OSError:
        return []
    changed = (stat.st_ino, stat.st_mtime_ns)
    cached = _meanings.get(path)
    if cached is not None and cached[0] == changed:
        return cached[1]
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stored = []
    entries = [e for e in stored if isinstance(e, dict) and isinstance(e.get("label"), str)]
    _meanings[path] = (changed, entries)
    return entries


def _keep_latest(folder: Path, pattern: str, keep: int) -> None:
    """Delete all but the newest files of a kind (a cloud is ~0.3 MB)."""
    found = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in found[keep:]:
        old.unlink(missing_ok=True)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))
