"""Tablecloth photos: stored once per client-made id at the sender's table.

The image work (checking, re-encoding without EXIF, thumbnails) is `facilitator.cafe.photos`,
run in a worker process by the view; this module stores the result and records the
`photo.posted` event. Files: <sessions>/photos/<workshop>/<contribution>.jpg and
.thumb.jpg, written before the row commits (a rolled-back row leaves an unused file,
never a row without its file).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from facilitator.cafe import once
from facilitator.cafe.guards import require_not_closed
from facilitator.cafe.notes import PostResult
from facilitator.cafe.participants import current_table
from facilitator.cafe.photos import ProcessedPhoto
from facilitator.cafe.snapshots import photo_view
from facilitator.errors import DomainError
from facilitator.store import events
from facilitator.store.files import write_atomically
from facilitator.store.models import CafeTable, Contribution, Participant, Photo, Round, Workshop
from facilitator.store.queries import current_round


def photo_folder(sessions_dir: str | Path, workshop_id: int) -> Path:
    """Where a workshop's photos live (deleted with the workshop)."""
    return Path(sessions_dir) / "photos" / str(workshop_id)


def photo_file(sessions_dir: str | Path, workshop_id: int, photo_id: int, thumb: bool) -> Path:
    """The re-encoded photo or its thumbnail."""
    suffix = ".thumb.jpg" if thumb else ".jpg"
    return photo_folder(sessions_dir, workshop_id) / f"{photo_id}{suffix}"


def _is_resend(author: Participant) -> Callable[[Contribution], bool]:
    """A stored row under the same id is a resend when it is this person's photo."""
    return lambda row: row.participant_id == author.id and row.kind == "photo"


def _view(session: Session, found: Contribution, author: Participant) -> PostResult:
    """A stored photo as a resend gets it back (no event: the table saw it already)."""
    table = session.get(CafeTable, found.table_id)
    view = photo_view(found, session.get(Photo, found.id), author, table.number)
    return PostResult(view, True, [])


def already_stored(
    session: Session, workshop: Workshop, author: Participant, client_id: str
) -> PostResult | None:
    """The photo stored for this id before (a resend), checked before any image work."""
    found = once.stored_before(session, Contribution, workshop.id, client_id, _is_resend(author))
    return None if found is None else _view(session, found, author)


def check_can_post(
    session: Session, workshop: Workshop, author: Participant, table: int
) -> tuple[Round, CafeTable]:
    """A photo goes to the sender's own table in the current round (also after time's up);
    returns that round and table."""
    require_not_closed(workshop)
    cafe_round = current_round(session, workshop)
    if cafe_round is None:
        raise DomainError("round_closed")
    seat = current_table(session, workshop, author)
    if seat is None or seat.number != table:
        raise DomainError("not_your_table")
    return cafe_round, seat


def store_photo(
    session: Session,
    workshop: Workshop,
    author: Participant,
    client_id: str,
    table_number: int,
    processed: ProcessedPhoto,
    sessions_dir: str | Path,
) -> PostResult:
    """Store a processed photo at the author's table and announce it to the table."""
    earlier = already_stored(session, workshop, author, client_id)
    if earlier is not None:
        return earlier
    cafe_round, table = check_can_post(session, workshop, author, table_number)
    note = Contribution(
        workshop_id=workshop.id,
        client_id=client_id,
        kind="photo",
        text="",
        round_id=cafe_round.id,
        table_id=table.id,
        participant_id=author.id,
    )
    note, inserted = once.insert_once(session, note, _is_resend(author))
    if not inserted:  # a resend raced the first send: that one stored it, with its files
        return _view(session, note, author)
    photo = Photo(
        contribution_id=note.id,
        width=processed.width,
        height=processed.height,
        size_bytes=len(processed.jpeg),
    )
    session.add(photo)
    session.flush()
    write_atomically(photo_file(sessions_dir, workshop.id, note.id, thumb=False), processed.jpeg)
    write_atomically(photo_file(sessions_dir, workshop.id, note.id, thumb=True), processed.thumb)
    view = photo_view(note, photo, author, table.number)
    audience = events.table_audience(table.id)
    event = events.record(session, workshop.id, "photo.posted", audience, {"photo": view})
    return PostResult(view, False, [event])
