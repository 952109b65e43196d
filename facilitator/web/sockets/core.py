"""The Socket.IO core: authentication, the handler decorator, and catching up (`sync`).

Rooms are named in `facilitator.web.notify`; events go out when their unit of work
commits (`facilitator.web.on_commit`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import current_app, g, request, session
from flask_socketio import ConnectionRefusedError, join_room, leave_room, rooms

from facilitator.cafe import participants, workshops
from facilitator.cafe.snapshots import participant_snapshot, staff_snapshot
from facilitator.errors import DomainError
from facilitator.store import events
from facilitator.store.events import StoredEvent
from facilitator.store.models import Participant, Workshop
from facilitator.web.auth import PARTICIPANT, ROLES, caller_from_cookies, still_granted
from facilitator.web.extensions import socketio
from facilitator.web.i18n import error_message
from facilitator.web.jobs.wall import latest_workshop_wall, request_wall
from facilitator.web.sockets import schemas
from facilitator.web.work import unit_of_work

Ack = dict[str, Any]


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
        with unit_of_work() as db:
            workshop = workshops.get_by_code(db, code)
            if not still_granted(caller, workshop):
                raise DomainError("unauthorized")  # opened with a link since replaced
            ident: dict[str, Any] = {"role": role, "code": code, "workshop_id": workshop.id}
            if role == PARTICIPANT:
                person = participants.get_participant(db, workshop, caller.participant or "")
                ident |= {"participant_id": person.id, "lang": person.language}
                participants.set_presence(db, workshop, person, "connected")
    except DomainError as exc:
        raise ConnectionRefusedError(exc.code) from exc
    session["ident"] = ident
    join_room(f"w:{workshop.id}")
    if role == PARTICIPANT:
        join_room(f"w:{workshop.id}:p:{ident['participant_id']}")
    else:
        join_room(f"w:{workshop.id}:staff")


@socketio.on("disconnect")
def on_disconnect(*_args: Any) -> None:
    """A phone that leaves is marked away (it may come back any moment)."""
    ident = session.get("ident")
    if not ident or ident["role"] != PARTICIPANT:
        return
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        person = db.get(Participant, ident["participant_id"])
        if person:
            participants.set_presence(db, workshop, person, "away")


def handler(name: str, roles: tuple[str, ...]) -> Callable[..., Any]:
    """Register a Socket.IO event: check the caller's role, parse the payload into its
    class (`schemas.py`), map domain errors to acks."""

    if name not in schemas.SCHEMAS:
        raise LookupError(f"socket event {name!r} has no payload class in schemas.py")

    def decorate(fn: Callable[[dict[str, Any], Any], Ack]) -> Callable[..., Ack]:
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
                return fn(ident, schemas.parse(name, payload))
            except DomainError as exc:
                return fail(exc.code, exc.details.get("limit"))  # type: ignore[arg-type]

        return wrapper

    return decorate


# --- everyone --------------------------------------------------------------------


@handler("sync", roles=ROLES)
def on_sync(ident: dict[str, Any], payload: schemas.Sync) -> Ack:
    """Catch up after (re)connecting: the events missed, or a fresh snapshot."""
    last_seq = payload.last_seq
    app = current_app._get_current_object()
    if ident["role"] == PARTICIPANT:
        with unit_of_work() as db:
            workshop = db.get(Workshop, ident["workshop_id"])
            person = db.get(Participant, ident["participant_id"])
            table = participants.current_table(db, workshop, person)
            _follow_table(ident["workshop_id"], table.id if table else None)
            ack = _participant_catch_up(db, workshop, person, table, last_seq)
        # The whole workshop's cloud, which phones show between rounds (derived, not stored).
        return ack | {"harvest": latest_workshop_wall(app, ident["workshop_id"])}
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        # A screen that (re)connects gets the current wall soon after (cached if unchanged).
        request_wall(app, workshop.id)
        return _staff_catch_up(db, workshop, ident["role"], last_seq)


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
    # A seat change means a new table whose earlier notes were never sent: start afresh.
    if last_seq and events.seats_changed_since(db, workshop.id, last_seq):
        return {"ok": True, "snapshot": participant_snapshot(db, workshop, person)}
    audiences = events.visible_audiences(person.id, table.id if table else None)
    missed = _missed(db, workshop, last_seq, audiences)
    if missed is None:
        return {"ok": True, "snapshot": participant_snapshot(db, workshop, person)}
    return _events_ack(workshop, missed)


def _staff_catch_up(db, workshop, role: str, last_seq: int) -> Ack:  # type: ignore[no-untyped-def]
    missed = _missed(db, workshop, last_seq, None)
    if missed is None:
        return {"ok": True, "snapshot": staff_snapshot(db, workshop, role)}
    return _events_ack(workshop, missed)


def _missed(db, workshop, last_seq: int, audiences):  # type: ignore[no-untyped-def]
    if last_seq == 0 or last_seq > workshop.last_seq:
        return None
    limit = current_app.config["REPLAY_MAX_EVENTS"]
    return events.events_since(db, workshop.id, last_seq, audiences, limit)


def _events_ack(workshop: Workshop, missed: list[StoredEvent]) -> Ack:
    replay = [{"name": e.name, "seq": e.seq, "data": e.data} for e in missed]
    return {"ok": True, "events": replay, "seq": workshop.last_seq}


def staff_action(
    ident: dict[str, Any], action: Callable[..., list[StoredEvent]], *args: Any
) -> Ack:
    """Run one domain action on the caller's workshop; its commit sends the events."""
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        stored = action(db, workshop, *args)
    return {"ok": True, "seq": stored[-1].seq if stored else None}
