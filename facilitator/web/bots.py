"""Simulated participants that keep a demo room alive, run as a background task."""

from __future__ import annotations

import random
import uuid

from flask import Flask
from sqlalchemy import select

from facilitator.cafe import coaching, notes
from facilitator.cafe.agenda import agenda_view
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
    if workshop is not None and coaching.in_coaching_phase(agenda_view(session, workshop)):
        return _answer_one(session, workshop, rng)
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


def _answer_one(session, workshop: Workshop, rng: random.Random):  # type: ignore[no-untyped-def]
    """In the coaching phase a bot answers one area of the self-scan it has not answered:
    each area leans to a score of its own, so the room's profile has a shape and spread."""
    bots = session.scalars(
        select(Participant).where(Participant.workshop_id == workshop.id, Participant.is_bot)
    ).all()
    if not bots:
        return []
    bot = rng.choice(bots)
    areas = [a["key"] for a in coaching.set_content(session, workshop)["areas"]]
    done = coaching.my_answers(session, workshop.id, bot.id)
    left = [(i, key) for i, key in enumerate(areas) if key not in done]
    if not left:
        return []
    index, key = rng.choice(left)
    lean = 2 + (index * 7 % 5) * 0.6  # 2.0 to 4.4, the same for every bot
    score = min(5, max(1, round(rng.gauss(lean, 0.6 + index % 3 * 0.5))))
    try:
        result = coaching.answer(session, workshop, bot, key, score, None, str(uuid.uuid4()))
    except DomainError:
        return []
    return result.events
