"""The event catalogue, sequence numbers and replay for reconnecting clients.

Every change a screen must learn about is stored as a numbered event in the same
transaction as the change. Live delivery emits it after commit; a client that
reconnects sends the last number it saw and gets the events it may see since then.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from facilitator.store.models import Event, Workshop, utcnow

# Audiences, stored with each event and mapped to Socket.IO rooms by realtime.py:
ALL = "all"  # everyone in the workshop: phones, projectors, facilitators
STAFF = "staff"  # facilitators and projectors


def table_audience(table_id: int) -> str:
    """People seated at one table (staff see table events too)."""
    return f"t:{table_id}"


def people_audience(participant_ids: list[int]) -> str:
    """The phones of a few people (sent once to all of them; never stored)."""
    return "ps:" + ",".join(str(i) for i in sorted(participant_ids))


def participant_audience(participant_id: int) -> str:
    """One participant's phones."""
    return f"p:{participant_id}"


@dataclass(frozen=True)
class EventSpec:
    """One server-to-client event: its name, its fields and who receives it."""

    name: str
    fields: tuple[str, ...]
    receivers: str
    doc: str


CATALOGUE: dict[str, EventSpec] = {
    spec.name: spec
    for spec in (
        EventSpec(
            "participant.joined",
            ("participant",),
            "facilitators and projectors",
            "Someone joined and was seated; carries their public profile and table.",
        ),
        EventSpec(
            "participant.presence",
            ("public_id", "presence"),
            "facilitators and projectors",
            "A participant's phone connected or went away.",
        ),
        EventSpec(
            "note.posted",
            ("note",),
            "the participants at the note's table, facilitators and projectors",
            "A note was stored; carries the note as every screen shows it.",
        ),
        EventSpec(
            "insight.posted",
            ("insight",),
            "the participants at that table, facilitators and projectors",
            "A table host wrote (or rewrote) the round's key insight for their table.",
        ),
        EventSpec(
            "note.voted",
            ("id", "table", "votes", "voter", "up"),
            "the participants at the note's table, facilitators and projectors",
            "Someone at the table upvoted a note (or took the vote back); the new count.",
        ),
        EventSpec(
            "note.hidden",
            ("id", "table", "round_id"),
            "the participants at the note's table, facilitators and projectors",
            "A facilitator hid a note: it leaves every screen (facilitators keep it, greyed).",
        ),
        EventSpec(
            "note.restored",
            ("note",),
            "the participants at the note's table, facilitators and projectors",
            "A hidden note is back; carries the note as every screen shows it.",
        ),
        EventSpec(
            "agenda.updated",
            ("agenda",),
            "everyone in the workshop",
            "The facilitator moved to another phase of the agenda.",
        ),
        EventSpec(
            "projector.updated",
            ("view", "show_names", "scope", "spotlight"),
            "everyone in the workshop",
            "What the projector shows (auto, join, round, wall, harvest, spotlight, vote, "
            "summary), whether its map names people, the harvest wall's scope ('all', "
            "'t:<table>', 'r:<round>') and the spotlit table (phones follow the plenary).",
        ),
        EventSpec(
            "harvest.updated",
            ("digest", "themes", "notes", "scope"),
            "facilitators and projectors; everyone when the scope is 'all'",
            "A new harvest wall was drawn for a scope: the cloud's name (digest), themes, note "
            "count. Sent, not stored: it is derived from the notes.",
        ),
        EventSpec(
            "photo.posted",
            ("photo",),
            "the participants at the photo's table, facilitators and projectors",
            "A tablecloth photo was stored (re-encoded, without EXIF); carries its view.",
        ),
        EventSpec(
            "round.updated",
            ("round",),
            "everyone in the workshop",
            "The current round changed or its timer started or ended.",
        ),
        EventSpec(
            "seat.assigned",
            ("seat",),
            "the participant concerned",
            "A participant's table for the current round was set (round change or move).",
        ),
        EventSpec(
            "round.seats",
            ("round", "seats"),
            "the phones of the people of one table (where they sat until this round change)",
            "A new round: the round, and the new seat of each person of that table by public id.",
        ),
        EventSpec(
            "table.host_changed",
            ("table", "host"),
            "the participants at that table, facilitators and projectors",
            "A table got or lost its host: the host's name, '' when unnamed, null when none.",
        ),
        EventSpec(
            "seating.changed",
            ("tables",),
            "facilitators and projectors",
            "The seating of the current round was replaced (after a round change).",
        ),
        EventSpec(
            "ballot.updated",
            ("ballot",),
            "everyone in the workshop",
            "A dot-vote opened or closed: its options, dots per person, totals and voters.",
        ),
        EventSpec(
            "ballot.tally",
            ("ballot", "totals", "voters"),
            "facilitators and projectors",
            "Someone placed or moved their dots: the open vote's new totals, for live bars.",
        ),
        EventSpec(
            "ballot.mine",
            ("ballot", "dots"),
            "the participant concerned (all their phones)",
            "Where this participant's dots are now on a vote ({option key: dots}).",
        ),
        EventSpec(
            "commitment.posted",
            ("commitment",),
            "facilitators and projectors; the author's own phones",
            "A participant recorded an action commitment (signed or not, with a theme or not).",
        ),
        EventSpec(
            "message.broadcast",
            ("text", "sent_at"),
            "everyone in the workshop",
            "The facilitator broadcast a short message to every screen.",
        ),
    )
}


@dataclass(frozen=True)
class StoredEvent:
    """An event as it leaves the domain: numbered, addressed, ready to emit."""

    workshop_id: int
    seq: int
    name: str
    audience: str
    data: dict[str, Any]

    def payload(self) -> dict[str, Any]:
        """What clients receive: the sequence number and the data."""
        return {"seq": self.seq, "data": self.data}


def record(
    session: Session, workshop_id: int, name: str, audience: str, data: dict[str, Any]
) -> StoredEvent:
    """Number and store one event inside the caller's transaction."""
    return record_many(session, workshop_id, [(name, audience, data)])[0]


def record_many(
    session: Session, workshop_id: int, items: list[tuple[str, str, dict[str, Any]]]
) -> list[StoredEvent]:
    """Number and store several events with one counter update.

    The counter row update also serialises writers of one workshop, so numbers are
    handed out and committed in order on PostgreSQL as on SQLite.
    """
    for name, _audience, data in items:
        _check_against_catalogue(name, data)
    last = session.execute(
        update(Workshop)
        .where(Workshop.id == workshop_id)
        .values(last_seq=Workshop.last_seq + len(items))
        .returning(Workshop.last_seq)
    ).scalar_one()
    first = last - len(items) + 1
    stored = [
        StoredEvent(workshop_id, first + i, name, audience, data)
        for i, (name, audience, data) in enumerate(items)
    ]
    # One executemany, not an ORM object per event: a round change stores thousands.
    now = utcnow()
    session.execute(
        insert(Event),
        [
            {
                "workshop_id": e.workshop_id,
                "seq": e.seq,
                "name": e.name,
                "audience": e.audience,
                "data": e.data,
                "created_at": now,
            }
            for e in stored
        ],
    )
    return stored


def _check_against_catalogue(name: str, data: dict[str, Any]) -> None:
    spec = CATALOGUE.get(name)
    if spec is None:
        raise ValueError(f"event {name!r} is not in the catalogue")
    if set(data) != set(spec.fields):
        raise ValueError(f"event {name!r} has fields {sorted(data)}, expected {spec.fields}")


def transient(
    workshop_id: int, seq: int, name: str, audience: str, data: dict[str, Any]
) -> StoredEvent:
    """An event sent live but not stored, numbered like the stored event it details.

    A round change stores one `seating.changed`; the thousands of personal
    `seat.assigned` events it implies are only sent. A phone that missed one gets a
    fresh snapshot instead (see `seats_changed_since`).
    """
    _check_against_catalogue(name, data)
    return StoredEvent(workshop_id, seq, name, audience, data)


def seats_changed_since(session: Session, workshop_id: int, after_seq: int) -> bool:
    """Whether any seat changed after `after_seq` (then a phone needs a fresh snapshot)."""
    found = session.scalar(
        select(Event.id)
        .where(
            Event.workshop_id == workshop_id,
            Event.seq > after_seq,
            Event.name == "seating.changed",
        )
        .limit(1)
    )
    return found is not None


def visible_audiences(participant_id: int | None, table_id: int | None) -> set[str] | None:
    """Audiences a viewer receives; None means staff, who see all but personal events."""
    if participant_id is None:
        return None
    audiences = {ALL, participant_audience(participant_id)}
    if table_id is not None:
        audiences.add(table_audience(table_id))
    return audiences


def events_since(
    session: Session,
    workshop_id: int,
    after_seq: int,
    audiences: set[str] | None,
    limit: int,
) -> list[StoredEvent] | None:
    """Events after `after_seq` the viewer may see, oldest first; None if more than `limit`."""
    rows = session.scalars(
        select(Event)
        .where(Event.workshop_id == workshop_id, Event.seq > after_seq)
        .order_by(Event.seq)
        .limit(limit + 1)
    ).all()
    if len(rows) > limit:
        return None
    return [
        StoredEvent(r.workshop_id, r.seq, r.name, r.audience, r.data)
        for r in rows
        if _is_visible(r.audience, audiences)
    ]


def _is_visible(audience: str, audiences: set[str] | None) -> bool:
    if audiences is None:
        return not audience.startswith(("p:", "ps:"))
    return audience in audiences
