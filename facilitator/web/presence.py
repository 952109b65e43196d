"""Presence of phones on this worker: a phone that drops is marked away only after a grace.

After a Wi-Fi blip thousands of phones drop and come back within seconds. Marking each
one away on disconnect and present again on connect cost two writes and two staff
events per phone, a third of the server's time in the blip (bench/reconnect.py), to
show the facilitator a flicker. So a phone's last connection closing starts a grace of
PRESENCE_GRACE_SECONDS; when it has not come back to this worker by then, one sweep
marks every such phone of a workshop away in one unit of work. A connect during the
grace writes nothing (the phone never stopped being present).

The counts are per process: with several workers behind nginx a phone comes back to the
worker it left (sticky sessions, deploy/nginx.conf); should it land on another, it is
marked away here and present again at its next connect.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from flask import Flask

from facilitator.cafe import participants
from facilitator.store.models import Participant, Workshop
from facilitator.web.extensions import socketio
from facilitator.web.work import unit_of_work

SWEEP_SECONDS = 1.0


@dataclass
class _Presence:
    """This process's live connections per participant, and who is in their grace."""

    live: Counter[int] = field(default_factory=Counter)
    leaving: dict[int, tuple[int, float]] = field(default_factory=dict)  # id -> (workshop, due)
    sweeping: bool = False


def _of(app: Flask) -> _Presence:
    return app.extensions.setdefault("facilitator.presence", _Presence())


def connected(app: Flask, participant_id: int) -> None:
    """A connection of this participant opened here: any grace under way ends."""
    state = _of(app)
    state.live[participant_id] += 1
    state.leaving.pop(participant_id, None)


def disconnected(app: Flask, workshop_id: int, participant_id: int) -> None:
    """A connection closed; the participant's last one here starts the grace."""
    state = _of(app)
    state.live[participant_id] -= 1
    if state.live[participant_id] > 0:
        return
    state.live.pop(participant_id, None)
    grace = float(app.config["PRESENCE_GRACE_SECONDS"])
    if grace <= 0:
        mark_away(app, workshop_id, [participant_id])
        return
    state.leaving[participant_id] = (workshop_id, time.monotonic() + grace)
    if not state.sweeping:
        state.sweeping = True
        socketio.start_background_task(_sweep, app)


def _sweep(app: Flask) -> None:
    """Mark away, a workshop at a time, whoever's grace ran out; stop when none wait."""
    state = _of(app)
    try:
        while state.leaving:
            socketio.sleep(SWEEP_SECONDS)
            for workshop_id, ids in _due(state, time.monotonic()).items():
                try:
                    mark_away(app, workshop_id, ids)
                except Exception:  # noqa: BLE001  (presence is corrected by the next connect)
                    app.logger.exception("presence: marking %d phones away failed", len(ids))
    finally:
        state.sweeping = False


def _due(state: _Presence, now: float) -> dict[int, list[int]]:
    """Take out of the grace those whose time is up, grouped by workshop."""
    due: dict[int, list[int]] = {}
    for participant_id, (workshop_id, deadline) in list(state.leaving.items()):
        if deadline <= now:
            del state.leaving[participant_id]
            due.setdefault(workshop_id, []).append(participant_id)
    return due


def mark_away(app: Flask, workshop_id: int, participant_ids: list[int]) -> None:
    """One unit of work: these participants are away (those who left stay left)."""
    with unit_of_work(app) as db:
        workshop = db.get(Workshop, workshop_id)
        if workshop is None:
            return
        people = db.query(Participant).filter(
            Participant.workshop_id == workshop_id, Participant.id.in_(participant_ids)
        )
        for person in people:
            participants.set_presence(db, workshop, person, "away")


def waiting(app: Flask) -> int:
    """How many participants are in their grace on this worker (for tests and logs)."""
    return len(_of(app).leaving)
