"""The demo workshop from the seed abstract, and simulated participants for it."""

from __future__ import annotations

import json
import random
import secrets
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from facilitator.cafe.participants import JoinRequest, join
from facilitator.cafe.workshops import WorkshopLinks, create_workshop, rotate_secrets
from facilitator.organise.editing import has_started
from facilitator.organise.users import create_user, set_password
from facilitator.store.models import Participant, User, Workshop

HERE = Path(__file__).resolve().parent


@cache
def template() -> dict[str, Any]:
    """The Caring Neighbourhoods workshop: agenda, 3 café rounds, 6 tables of 5."""
    return json.loads((HERE / "caring_neighbourhoods.json").read_text(encoding="utf-8"))


@cache
def samples() -> dict[str, Any]:
    """Names and short notes in Dutch, French and English for simulated participants."""
    return json.loads((HERE / "sample_notes.json").read_text(encoding="utf-8"))


def load_demo(session: Session) -> WorkshopLinks:
    """Reuse the last demo workshop with fresh staff links while no round has started;
    once one has, a new demo workshop (the old ones stay listed for the organiser)."""
    existing = session.scalar(
        select(Workshop)
        .where(Workshop.title == template()["title"])
        .order_by(Workshop.id.desc())
        .limit(1)
    )
    if existing is not None and not has_started(session, existing):
        return rotate_secrets(session, existing)
    return create_workshop(session, template())


DEMO_ORGANISER = "demo"


def demo_organiser(session: Session, code: str) -> str:
    """A fresh password for the `demo` organiser, who owns the demo workshop.

    Each start issues a new one (only its hash is stored), like the staff links, so the
    organiser's screens and exports can be tried at once.
    """
    password = secrets.token_urlsafe(12)
    user = session.scalar(select(User).where(User.username == DEMO_ORGANISER))
    if user is None:
        user = create_user(session, DEMO_ORGANISER, password)
    else:
        set_password(user, password)
    workshop = session.scalar(select(Workshop).where(Workshop.join_code == code))
    if workshop is not None and workshop.owner_id is None:
        workshop.owner_id = user.id
    session.flush()
    return password


def seat_bots(session: Session, workshop: Workshop, count: int, seed: int = 7):  # type: ignore[no-untyped-def]
    """Join simulated participants until `count` of them are present; returns the events."""
    rng = random.Random(seed)
    have = session.scalars(
        select(Participant).where(Participant.workshop_id == workshop.id, Participant.is_bot)
    ).all()
    stored = []
    languages = workshop.languages.split(",")
    names = samples()["names"]
    for index in range(len(have), count):
        request = JoinRequest(
            language=rng.choice(languages),
            display_name=f"{names[index % len(names)]} (demo)",
            role=rng.choice(["resident", "care_organisation", "welfare_organisation", "volunteer"]),
            wants_to_host=index < 2,
            is_bot=True,
        )
        try:
            _person, events = join(session, workshop, request, name_max_chars=80)
        except Exception:  # noqa: BLE001  (a full workshop simply seats fewer bots)
            break
        stored.extend(events)
    return stored


def bot_note(rng: random.Random, language: str) -> str:
    """A sample note in the bot's language."""
    return rng.choice(samples()["notes"][language])
