"""Sending events to screens: an event's audience mapped to Socket.IO rooms.

Rooms: `w:<id>` everyone in a workshop, `w:<id>:staff` facilitators and projectors,
`w:<id>:t:<table>` the phones at a table, `w:<id>:p:<participant>` one person's phones.
"""

from __future__ import annotations

from collections.abc import Iterable

from facilitator.store import events
from facilitator.store.events import StoredEvent
from facilitator.web.extensions import socketio


def rooms_for(event: StoredEvent) -> list[str]:
    """The Socket.IO rooms an event's audience maps to."""
    base = f"w:{event.workshop_id}"
    kind, _, ident = event.audience.partition(":")
    if event.audience == events.ALL:
        return [base]
    if event.audience == events.STAFF:
        return [f"{base}:staff"]
    if kind == "t":
        return [f"{base}:t:{ident}", f"{base}:staff"]
    if kind == "ps":
        # Personal rooms, not the table room: delivery must not depend on which table
        # room a phone is in. A list of rooms is still encoded once.
        return [f"{base}:p:{person}" for person in ident.split(",")]
    return [f"{base}:p:{ident}"]


def notify(sent: Iterable[StoredEvent]) -> None:
    """Emit events, once per event to its rooms (encoded once for all recipients).

    Events recorded in a unit of work are sent by `on_commit`; this is called directly
    only for what no transaction holds (a freshly drawn harvest wall).
    """
    for event in sent:
        socketio.emit(event.name, event.payload(), to=rooms_for(event))
