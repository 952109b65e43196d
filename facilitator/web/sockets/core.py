"""The Socket.IO core: authentication, the handler decorator, and catching up (`sync`).

Rooms are named in `facilitator.web.notify`, but for the room of each staff link
(`grant_room`), which only `revoke_grant` sends to; events go out when their unit of
work commits (`facilitator.web.on_commit`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import current_app, g, request, session
from flask_socketio import ConnectionRefusedError, join_room, leave_room
from socketio import RedisManager
from sqlalchemy import exc as sa_exc
from sqlalchemy import select

from facilitator.cafe import participants, workshops
from facilitator.cafe.snapshots import participant_snapshot, staff_snapshot
from facilitator.errors import DomainError
from facilitator.store import events, queries
from facilitator.store.events import StoredEvent
from facilitator.store.models import Participant, Workshop
from facilitator.web import presence
from facilitator.web.auth import (
    PARTICIPANT,
    ROLES,
    STAFF_ROLES,
    Caller,
    caller_from_cookies,
    grant_of,
    still_granted,
)
from facilitator.web.extensions import socketio
from facilitator.web.i18n import error_message
from facilitator.web.jobs.wall import latest_workshop_wall, request_wall
from facilitator.web.sockets import schemas
from facilitator.web.work import unit_of_work

Ack = dict[str, Any]


def fail(code: str, limit: int | None = None) -> Ack:
    """A refusal the sender can show: a stable code and a translated sentence."""
    return {"ok": False, "error": code, "message": error_message(code, limit)}


# The database could not serve in time: its pool had no free connection before
# DB_POOL_TIMEOUT, or a lock, a lost connection or a deadlock (the DBAPI's
# OperationalError) got in the way. Trying again later may work, so the sender is told
# to wait, not that its request is wrong.
BUSY_ERRORS: tuple[type[BaseException], ...] = (
    sa_exc.TimeoutError,
    sa_exc.OperationalError,
    sa_exc.DisconnectionError,
)


def failure_code(exc: BaseException) -> str:
    """`server_busy` when trying again may work, `server_error` for anything else."""
    return "server_busy" if isinstance(exc, BUSY_ERRORS) else "server_error"


def _log_failure(what: str, exc: BaseException) -> str:
    """Log an unexpected failure with its traceback; the error code to answer with."""
    code = failure_code(exc)
    if code == "server_busy":
        current_app.logger.warning("%s: the database is busy", what, exc_info=exc)
    else:
        current_app.logger.error("%s failed", what, exc_info=exc)
    return code


# --- staff links: a room per link, closed when the link is replaced ---------------


def grant_room(workshop_id: int, role: str, grant: str) -> str:
    """The room of the staff screens a role's secret link opened (`auth.grant_of`)."""
    return f"w:{workshop_id}:staff:{role}:{grant}"


def revoke_grant(workshop_id: int, role: str, secret_hash: str) -> None:
    """Stop the screens opened with a replaced link: tell them, then disconnect them.

    Call it after the new link's commit: a screen reconnecting earlier would still find
    the old link current. With a Redis message queue the disconnect reaches every worker
    (`RevokingRedisManager`); otherwise only this process's sockets are disconnected,
    and `handler` refuses whatever any other still sends.
    """
    room = grant_room(workshop_id, role, grant_of(secret_hash))
    try:
        socketio.emit("session.revoked", {"seq": None, "data": {"role": role}}, to=room)
        manager = socketio.server.manager
        if isinstance(manager, RevokingRedisManager):
            manager.disconnect_room(room)
            return
        for sid, _eio_sid in list(manager.get_participants("/", room)):
            socketio.server.disconnect(sid, namespace="/")
    except Exception:  # noqa: BLE001  (the new link is committed and must still be shown)
        current_app.logger.exception("could not disconnect the screens of a replaced link")


class RevokingRedisManager(RedisManager):  # type: ignore[misc]
    """python-socketio's Redis manager, which can disconnect a room on every worker.

    Its own queue carries a disconnect for a known sid only, and `get_participants`
    lists this process's sockets alone. A `close_room` is published to every worker, so
    this one carries a `disconnect` flag: each worker disconnects its own members of the
    room, then closes it. A worker without this class only closes the room, and its
    sockets are refused by `handler` at their next event.
    """

    def disconnect_room(self, room: str, namespace: str = "/") -> None:
        """Disconnect every socket in `room`, on this worker and the others."""
        message = {
            "method": "close_room",
            "room": room,
            "namespace": namespace,
            "host_id": self.host_id,
            "disconnect": True,
        }
        self._handle_close_room(message)  # this worker
        self._publish(message)  # the others

    def _handle_close_room(self, message: dict[str, Any]) -> None:
        if message.get("disconnect"):
            namespace = message.get("namespace") or "/"
            for sid, _eio_sid in list(self.get_participants(namespace, message.get("room"))):
                self.server.disconnect(sid, namespace=namespace, ignore_queue=True)
        super()._handle_close_room(message)


def _grant_is_current(ident: dict[str, Any]) -> bool:
    """A staff socket's link is still its workshop's current one (read now, not cached)."""
    role = ident["role"]
    column = getattr(Workshop, f"{role}_secret_hash")
    with unit_of_work() as db:
        current = db.scalar(select(column).where(Workshop.id == ident["workshop_id"]))
    return current is not None and ident.get("grant") == grant_of(current)


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
        ident = _authenticate(caller)
    except DomainError as exc:
        raise ConnectionRefusedError(exc.code) from exc
    except Exception as exc:  # noqa: BLE001  (refused with a reason, never a silent drop)
        raise ConnectionRefusedError(_log_failure("connect", exc)) from exc
    session["ident"] = ident
    workshop_id = ident["workshop_id"]
    join_room(f"w:{workshop_id}")
    if role == PARTICIPANT:
        join_room(f"w:{workshop_id}:p:{ident['participant_id']}")
        presence.connected(current_app, ident["participant_id"])
    else:
        join_room(f"w:{workshop_id}:staff")


def _authenticate(caller: Caller) -> dict[str, Any]:
    """Who this connection is, checked against the database; joins a staff link's room."""
    if caller.role == PARTICIPANT:
        return _authenticate_phone(caller)
    with unit_of_work() as db:
        workshop = workshops.get_by_code(db, caller.code)
        ident: dict[str, Any] = {
            "role": caller.role,
            "code": caller.code,
            "workshop_id": workshop.id,
        }
        if caller.role in STAFF_ROLES and caller.grant is not None:
            # Into the link's room before the check, and the check on a fresh read: a
            # link replaced meanwhile is either seen here or disconnects this room.
            join_room(grant_room(workshop.id, caller.role, caller.grant))
            db.refresh(workshop)
            ident["grant"] = caller.grant
        if not still_granted(caller, workshop):
            raise DomainError("unauthorized")  # opened with a link since replaced
    return ident


def _authenticate_phone(caller: Caller) -> dict[str, Any]:
    """A participant's connection: one look-up, and a write only when presence changes."""
    with unit_of_work() as db:
        code = workshops.normalise_code(caller.code)
        found = queries.phone_identity(db, code, caller.participant or "")
        if found is None:  # say which: the workshop or the person is unknown
            workshop = workshops.get_by_code(db, caller.code)
            participants.get_participant(db, workshop, caller.participant or "")
            raise DomainError("unknown_participant")
        workshop_id, participant_id, language, presence_now = found
        if presence_now != "connected":
            workshop = db.get(Workshop, workshop_id)
            person = db.get(Participant, participant_id)
            participants.set_presence(db, workshop, person, "connected")
    return {
        "role": caller.role,
        "code": caller.code,
        "workshop_id": workshop_id,
        "participant_id": participant_id,
        "lang": language,
    }


@socketio.on("disconnect")
def on_disconnect(*_args: Any) -> None:
    """A phone that leaves is marked away after a grace (it may come back any moment)."""
    ident = session.get("ident")
    if not ident or ident["role"] != PARTICIPANT:
        return
    try:
        presence.disconnected(
            current_app._get_current_object(), ident["workshop_id"], ident["participant_id"]
        )
    except Exception as exc:  # noqa: BLE001  (presence is corrected by the next connect)
        _log_failure("disconnect", exc)


def handler(name: str, roles: tuple[str, ...]) -> Callable[..., Any]:
    """Register a Socket.IO event: check the caller's role (and, for staff, that their
    link is still current), parse the payload into its class (`schemas.py`), map domain
    errors to acks.

    Every event gets an ack, whatever happens: an unexpected exception is logged with
    its traceback and answered `server_error`, a database that cannot serve in time
    `server_busy` (`failure_code`). Without an ack a phone waits for its timeout and
    shows nothing.
    """

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
                # Read per event: a socket on a worker that missed the revocation (or
                # connected just before it) can do nothing with a replaced link.
                if ident["role"] in STAFF_ROLES and not _grant_is_current(ident):
                    return fail("unauthorized")
                return fn(ident, schemas.parse(name, payload))
            except DomainError as exc:
                return fail(exc.code, exc.details.get("limit"))  # type: ignore[arg-type]
            except Exception as exc:  # noqa: BLE001  (every event is answered)
                return fail(_log_failure(f"socket event {name!r}", exc))

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
            ack = _participant_sync(db, ident["workshop_id"], ident["participant_id"], last_seq)
        # The whole workshop's cloud, which phones show between rounds (derived, not stored).
        return ack | {"harvest": latest_workshop_wall(app, ident["workshop_id"])}
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        # A screen that (re)connects gets the current wall soon after (cached if unchanged).
        request_wall(app, workshop.id)
        return _staff_catch_up(db, workshop, ident["role"], last_seq)


def _follow_table(workshop_id: int, table_id: int | None) -> None:
    """Keep this connection in exactly the room of the table where its person sits now.

    The connection remembers its table room: asking Socket.IO for a connection's rooms
    walks every room of the server, which made 3,000 phones reconnecting at once cost
    3,000 x 3,000 steps."""
    wanted = f"w:{workshop_id}:t:{table_id}" if table_id is not None else None
    current = session.get("table_room")
    if current == wanted:
        return
    if current:
        leave_room(current)
    if wanted:
        join_room(wanted)
    session["table_room"] = wanted


def _participant_sync(db, workshop_id: int, participant_id: int, last_seq: int) -> Ack:  # type: ignore[no-untyped-def]
    """Rejoin the table's room and catch up; nothing is loaded when nothing was missed
    (after a Wi-Fi blip thousands of phones sync at once, mostly up to date)."""
    whereabouts = queries.phone_whereabouts(db, workshop_id, participant_id)
    if whereabouts is None:
        raise DomainError("unauthorized")
    workshop_seq, table_id = whereabouts
    _follow_table(workshop_id, table_id)
    if 0 < last_seq == workshop_seq:
        return {"ok": True, "events": [], "seq": workshop_seq}
    # A seat change means a new table whose earlier notes were never sent: start afresh.
    missed = None
    if last_seq and not events.seats_changed_since(db, workshop_id, last_seq):
        audiences = events.visible_audiences(participant_id, table_id)
        missed = _missed(db, workshop_id, workshop_seq, last_seq, audiences)
    if missed is None:
        workshop = db.get(Workshop, workshop_id)
        person = db.get(Participant, participant_id)
        return {"ok": True, "snapshot": participant_snapshot(db, workshop, person)}
    return _events_ack(workshop_seq, missed)


def _staff_catch_up(db, workshop, role: str, last_seq: int) -> Ack:  # type: ignore[no-untyped-def]
    missed = _missed(db, workshop.id, workshop.last_seq, last_seq, None)
    if missed is None:
        return {"ok": True, "snapshot": staff_snapshot(db, workshop, role)}
    return _events_ack(workshop.last_seq, missed)


def _missed(db, workshop_id: int, workshop_seq: int, last_seq: int, audiences):  # type: ignore[no-untyped-def]
    """The events after `last_seq`, or None when a snapshot must replace them."""
    if last_seq == 0 or last_seq > workshop_seq:
        return None
    limit = current_app.config["REPLAY_MAX_EVENTS"]
    return events.events_since(db, workshop_id, last_seq, audiences, limit)


def _events_ack(workshop_seq: int, missed: list[StoredEvent]) -> Ack:
    replay = [{"name": e.name, "seq": e.seq, "data": e.data} for e in missed]
    return {"ok": True, "events": replay, "seq": workshop_seq}


def staff_action(
    ident: dict[str, Any], action: Callable[..., list[StoredEvent]], *args: Any
) -> Ack:
    """Run one domain action on the caller's workshop; its commit sends the events."""
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        stored = action(db, workshop, *args)
    return {"ok": True, "seq": stored[-1].seq if stored else None}
