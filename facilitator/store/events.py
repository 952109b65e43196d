"""The event catalogue, sequence numbers and replay for reconnecting clients.

Every change a screen must learn about is stored as a numbered event in the same
transaction as the change. Live delivery emits it after commit; a client that
reconnects sends the last number it saw and gets the events it may see since then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from facilitator.store import catalogue
from facilitator.store.models import Event, Workshop, utcnow

# Audiences, stored with each event and mapped to Socket.IO rooms by web/notify.py:
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


# The event catalogue (one typed dataclass per event) lives in catalogue.py.
CATALOGUE = catalogue.CATALOGUE


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
    # One executemany on the table (no ORM object, nor the ORM's bulk path, per event).
    now = utcnow()
    session.execute(
        insert(Event.__table__),
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
    _outbox(session).events.extend(stored)
    return stored


def _check_against_catalogue(name: str, data: dict[str, Any]) -> None:
    """Refuse an event the catalogue does not know, or data that does not fit it."""
    catalogue.check(name, data)


def transient(
    session: Session | None,
    workshop_id: int,
    seq: int,
    name: str,
    audience: str,
    data: dict[str, Any],
) -> StoredEvent:
    """An event sent live but not stored, numbered like the stored event it details.

    A round change stores one `seating.changed`; the thousands of personal
    `seat.assigned` events it implies are only sent. A phone that missed one gets a
    fresh snapshot instead (see `seats_changed_since`). Given a session, it is sent
    when that session commits, after the stored events recorded before it.
    """
    _check_against_catalogue(name, data)
    event = StoredEvent(workshop_id, seq, name, audience, data)
    if session is not None:
        _outbox(session).events.append(event)
    return event


# --- what a unit of work sends when it commits ------------------------------------


@dataclass
class Outbox:
    """Events and harvest redraws a session owes its screens once it commits."""

    events: list[StoredEvent] = field(default_factory=list)
    redraws: set[int] = field(default_factory=set)


_OUTBOX = "facilitator.outbox"


def _outbox(session: Session) -> Outbox:
    return session.info.setdefault(_OUTBOX, Outbox())


def ask_for_redraw(session: Session, workshop_id: int) -> None:
    """The harvest wall's input changed: draw it again once this change is committed."""
    _outbox(session).redraws.add(workshop_id)


def take_outbox(session: Session) -> Outbox:
    """What the session owes its screens, emptied (called on commit and on rollback)."""
    return session.info.pop(_OUTBOX, None) or Outbox()


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
    """Events after `after_seq` the viewer may see, oldest first; None if more than `limit`.

    The viewer's audiences are chosen in the query: after a Wi-Fi blip thousands of
    staff-only presence events follow a phone's last seq, and a phone that read them all
    (or counted them against `limit` and fell back to a snapshot) made every reconnect
    cost the whole room.
    """
    if audiences is None:  # staff: everything but personal events
        visible = ~Event.audience.startswith("p:") & ~Event.audience.startswith("ps:")
    else:
        visible = Event.audience.in_(sorted(audiences))
    # Unordered in SQL, so the planner walks the (workshop, audience, seq) index instead
    # of every event by seq: more than `limit` rows means a snapshot whatever their order.
    rows = session.scalars(
        select(Event)
        .where(Event.workshop_id == workshop_id, Event.seq > after_seq, visible)
        .limit(limit + 1)
    ).all()
    if len(rows) > limit:
        return None
    ordered = sorted(rows, key=lambda r: r.seq)
    return [StoredEvent(r.workshop_id, r.seq, r.name, r.audience, r.data) for r in ordered]
