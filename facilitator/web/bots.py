"""Simulated participants that keep a demo room alive, run as a background task."""

from __future__ import annotations

import random
import uuid

from flask import Flask
from sqlalchemy import select

from facilitator.cafe import notes
from facilitator.cafe.participants import current_table
from facilitator.errors import DomainError
from facilitator.organise.demo import bot_note, seat_bots
from facilitator.store.models import Participant, Workshop
from facilitator.store.queries import current_round
from facilitator.web.extensions import socketio
from facilitator.web.work import unit_of_work


def start_bots(app: Flask, join_code: str, count: int) -> None:
    """Seat `count` bots and let them post now and then while a round is open."""
    socketio.start_background_task(_run, app, join_code, count)


def _run(app: Flask, join_code: str, count: int) -> None:
    rng = random.Random(42)
    with app.app_context():
        with unit_of_work(app) as session:  # its commit announces the bots
            workshop = session.scalar(select(Workshop).where(Workshop.join_code == join_code))
            seat_bots(session, workshop, count)
        interval = app.config["BOT_INTERVAL"] / max(1, count) * 3
        while True:
            socketio.sleep(rng.uniform(0.5, 1.5) * interval)
            try:
                with unit_of_work(app) as session:
                    _post_one(session, join_code, rng)
            except Exception:  # noqa: BLE001  (a demo bot must never take the server down)
                app.logger.exception("demo bot failed to post; trying again later")


def _post_one(session, join_code: str, rng: random.Random):  # type: ignore[no-untyped-def]
    workshop = session.scalar(select(Workshop).where(Workshop.join_code == join_code))
    cafe_round = current_round(session, workshop) if workshop else None
    if cafe_round is None or cafe_round.status != "running":
        return []
    bots = session.scalars(
        select(Participant).where(Participant.workshop_id == workshop.id, Participant.is_bot)
    ).all()
    if not bots:
        return []
    bot = rng.choice(bots)
    table = current_table(session, workshop, bot)
    if table is None:
        return []
    try:
        result = notes.post_note(
            session, workshop, bot, str(uuid.uuid4()), bot_note(rng, bot.language), table.number
        )
    except DomainError:
        return []
    return result.events
