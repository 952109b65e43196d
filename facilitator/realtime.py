"""Socket.IO handlers: authorise, validate, call one domain function, commit, notify.

Rooms: `w:<id>` everyone in a workshop, `w:<id>:staff` facilitators and projectors,
`w:<id>:t:<table>` the phones at a table, `w:<id>:p:<participant>` one person's phones.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app, g, request, session
from flask_socketio import ConnectionRefusedError, join_room, leave_room, rooms

from . import events, notes, participants, ratelimit, workshops
from .app import socketio
from .auth import FACILITATOR, PARTICIPANT, STAFF_ROLES, caller_from_cookies
from .db import session_scope
from .errors import DomainError
from .events import StoredEvent
from .i18n import error_message
from .models import Participant, Workshop
from .snapshots import participant_snapshot, staff_snapshot

Ack = dict[str, Any]


def _db():  # type: ignore[no-untyped-def]
    return session_scope(current_app.extensions["facilitator.sessions"])


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
    return [f"{base}:p:{ident}"]


def notify(stored: Iterable[StoredEvent]) -> None:
    """Emit committed events, once per event to its rooms (encoded once for all)."""
    for event in stored:
        socketio.emit(event.name, event.payload(), to=rooms_for(event))


def fail(code: str, limit: int | None = None) -> Ack:
    """A refusal the sender can show: a stable code and a translated sentence."""
    return {"ok": False, "error": code, "message": error_message(code, limit)}


# --- connection ------------------------------------------------------------------


@socketio.on("connect")
def on_connect(auth: Any = None) -> None:
    """Authenticate when the connection opens: a signed cookie for the role and code."""
    if not isinstance(auth, dict):
        raise ConnectionRefusedError("unauthorized")
    code, role = auth.get("code"), auth.get("role")
    if not isinstance(code, str) or not isinstance(role, str) or len(code) > 12:
        raise ConnectionRefusedError("unauthorized")
    code = workshops.normalise_code(code)
    caller = caller_from_cookies(current_app.config["SECRET_KEY"], request.cookies, role, code)
    if caller is None:
        raise ConnectionRefusedError("unauthorized")
    try:
        with _db() as db:
            workshop = workshops.get_by_code(db, code)
            ident: dict[str, Any] = {"role": role, "code": code, "workshop_id": workshop.id}
            stored: list[StoredEvent] = []
            if role == PARTICIPANT:
                person = participants.get_participant(db, workshop, caller.participant or "")
                ident |= {"participant_id": person.id, "lang": person.language}
                stored = participants.set_presence(db, workshop, person, "connected")
    except DomainError as exc:
        raise ConnectionRefusedError(exc.code) from exc
    session["ident"] = ident
    join_room(f"w:{workshop.id}")
    if role == PARTICIPANT:
        join_room(f"w:{workshop.id}:p:{ident['participant_id']}")
    else:
        join_room(f"w:{workshop.id}:staff")
    notify(stored)


@socketio.on("disconnect")
def on_disconnect(*_args: Any) -> None:
    """A phone that leaves is marked away (it may come back any moment)."""
    ident = session.get("ident")
    if not ident or ident["role"] != PARTICIPANT:
        return
    with _db() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        person = db.get(Participant, ident["participant_id"])
        stored = participants.set_presence(db, workshop, person, "away") if person else []
    notify(stored)


def handler(name: str, roles: tuple[str, ...]) -> Callable[..., Any]:
    """Register a Socket.IO event: check the caller's role and payload, map errors to acks."""

    def decorate(fn: Callable[[dict[str, Any], dict[str, Any]], Ack]) -> Callable[..., Ack]:
        @socketio.on(name)
        @functools.wraps(fn)
        def wrapper(payload: Any = None, *_extra: Any) -> Ack:
            ident = session.get("ident")
            if ident is None:
                return fail("unauthorized")
            g.locale = ident.get("lang")
            if ident["role"] not in roles:
                return fail("unauthorized")
            if not isinstance(payload, dict):
                return fail("bad_request")
            try:
                return fn(ident, payload)
            except DomainError as exc:
                return fail(exc.code, exc.details.get("limit"))  # type: ignore[arg-type]

        return wrapper

    return decorate


def _int_field(payload: dict[str, Any], key: str, default: int | None = None) -> int:
    value = payload.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DomainError("bad_request")
    return value


# --- everyone --------------------------------------------------------------------


@handler("sync", roles=(PARTICIPANT, *STAFF_ROLES))
def on_sync(ident: dict[str, Any], payload: dict[str, Any]) -> Ack:
    """Catch up after (re)connecting: the events missed, or a fresh snapshot."""
    last_seq = _int_field(payload, "last_seq", 0)
    with _db() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        if ident["role"] == PARTICIPANT:
            person = db.get(Participant, ident["participant_id"])
            table = participants.current_table(db, workshop, person)
            _follow_table(ident["workshop_id"], table.id if table else None)
            return _participant_catch_up(db, workshop, person, table, last_seq)
        return _staff_catch_up(db, workshop, last_seq)


def _follow_table(workshop_id: int, table_id: int | None) -> None:
    """Keep this connection in exactly the room of the table where its person sits now."""
    prefix = f"w:{workshop_id}:t:"
    wanted = f"{prefix}{table_id}" if table_id is not None else None
    for room in rooms():
        if room.startswith(prefix) and room != wanted:
            leave_room(room)
    if wanted:
        join_room(wanted)


def _participant_catch_up(db, workshop, person, table, last_seq: int) -> Ack:  # type: ignore[no-untyped-def]
    audiences = events.visible_audiences(person.id, table.id if table else None)
    missed = _missed(db, workshop, last_seq, audiences)
    # A seat change means a new table whose earlier notes were never sent: start afresh.
    if missed is None or any(e.name == "seat.assigned" for e in missed):
        return {"ok": True, "snapshot": participant_snapshot(db, workshop, person)}
    return _events_ack(workshop, missed)


def _staff_catch_up(db, workshop, last_seq: int) -> Ack:  # type: ignore[no-untyped-def]
    missed = _missed(db, workshop, last_seq, None)
    if missed is None:
        return {"ok": True, "snapshot": staff_snapshot(db, workshop)}
    return _events_ack(workshop, missed)


def _missed(db, workshop, last_seq: int, audiences):  # type: ignore[no-untyped-def]
    if last_seq == 0 or last_seq > workshop.last_seq:
        return None
    limit = current_app.config["REPLAY_MAX_EVENTS"]
    return events.events_since(db, workshop.id, last_seq, audiences, limit)


def _events_ack(workshop: Workshop, missed: list[StoredEvent]) -> Ack:
    replay = [{"name": e.name, "seq": e.seq, "data": e.data} for e in missed]
    return {"ok": True, "events": replay, "seq": workshop.last_seq}


# --- participants ----------------------------------------------------------------


@handler("note.post", roles=(PARTICIPANT,))
def on_note_post(ident: dict[str, Any], payload: dict[str, Any]) -> Ack:
    """Post a note to the caller's table; a resend of the same id gets the same ack."""
    client_id = notes.clean_client_id(payload.get("client_id"))
    text = notes.clean_text(payload.get("text"), current_app.config["NOTE_MAX_CHARS"])
    table_number = _int_field(payload, "table")
    key, per_minute = f"notes:{ident['participant_id']}", current_app.config["NOTES_PER_MINUTE"]
    if not ratelimit.allowed(current_app, key, per_minute):
        return fail("too_many_notes")
    with _db() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        author = db.get(Participant, ident["participant_id"])
        result = notes.post_note(db, workshop, author, client_id, text, table_number)
    if not result.duplicate:  # a resend is not a new note
        ratelimit.count(current_app, key, per_minute)
    notify(result.events)
    return {"ok": True, "note": result.note, "duplicate": result.duplicate}


# --- facilitators ----------------------------------------------------------------


def _facilitator_action(
    ident: dict[str, Any], action: Callable[..., list[StoredEvent]], *args: Any
) -> Ack:
    with _db() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        stored = action(db, workshop, *args)
    notify(stored)
    return {"ok": True, "seq": stored[-1].seq if stored else None}


@handler("round.start", roles=(FACILITATOR,))
def on_round_start(ident: dict[str, Any], _payload: dict[str, Any]) -> Ack:
    """Start the current round's timer."""
    return _facilitator_action(ident, workshops.start_round)


@handler("round.end", roles=(FACILITATOR,))
def on_round_end(ident: dict[str, Any], _payload: dict[str, Any]) -> Ack:
    """End the current round now."""
    return _facilitator_action(ident, workshops.end_round)


@handler("round.next", roles=(FACILITATOR,))
def on_round_next(ident: dict[str, Any], payload: dict[str, Any]) -> Ack:
    """Rotate everyone to the next round; `expected` is the round the sender saw."""
    return _facilitator_action(ident, workshops.next_round, _int_field(payload, "expected"))


@handler("message.send", roles=(FACILITATOR,))
def on_message_send(ident: dict[str, Any], payload: dict[str, Any]) -> Ack:
    """Broadcast a short message to every screen."""
    text = notes.clean_text(payload.get("text"), current_app.config["MESSAGE_MAX_CHARS"])
    return _facilitator_action(ident, workshops.broadcast_message, text)
