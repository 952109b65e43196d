"""The workshop life cycle: creation from a template, secrets, rounds and messages."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from . import events, rotation
from .errors import DomainError
from .events import StoredEvent
from .models import CafeTable, Phase, Round, Seat, Workshop, utcnow
from .queries import current_round, list_participants, list_tables, seating_of_round
from .snapshots import round_view, seat_view, tables_view

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read aloud
CODE_LENGTH = 6


@dataclass(frozen=True)
class WorkshopLinks:
    """The secrets that open the staff screens; only their hashes are stored."""

    join_code: str
    facilitator_secret: str
    projector_secret: str


def hash_secret(secret: str) -> str:
    """A secret link's stored form (the secrets carry 128 bits, so SHA-256 suffices)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    """Compare in constant time."""
    return hmac.compare_digest(hash_secret(secret), stored_hash)


def new_join_code(session: Session) -> str:
    """A short, unused join code of unambiguous characters."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalar(select(Workshop.id).where(Workshop.join_code == code)) is None:
            return code


def normalise_code(raw: str) -> str:
    """Accept codes typed in lower case or with spaces and dashes."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def create_workshop(session: Session, template: dict[str, Any]) -> WorkshopLinks:
    """Create a workshop with its phases, rounds and tables from a template."""
    facilitator_secret = secrets.token_urlsafe(16)
    projector_secret = secrets.token_urlsafe(16)
    workshop = Workshop(
        title=template["title"],
        join_code=new_join_code(session),
        languages=",".join(template.get("languages", ["nl", "fr", "en"])),
        status="open",
        facilitator_secret_hash=hash_secret(facilitator_secret),
        projector_secret_hash=hash_secret(projector_secret),
        last_seq=0,
    )
    session.add(workshop)
    session.flush()
    first_round = _add_agenda(session, workshop, template["phases"])
    for number in range(1, template["tables"]["count"] + 1):
        session.add(
            CafeTable(
                workshop_id=workshop.id, number=number, capacity=template["tables"]["capacity"]
            )
        )
    workshop.current_round_id = first_round.id if first_round else None
    session.flush()
    return WorkshopLinks(workshop.join_code, facilitator_secret, projector_secret)


def _add_agenda(session: Session, workshop: Workshop, phases: list[dict[str, Any]]) -> Round | None:
    first_round = None
    number = 0
    for position, spec in enumerate(phases):
        phase = Phase(
            workshop_id=workshop.id,
            position=position,
            kind=spec["kind"],
            title=spec["title"],
            planned_minutes=spec["minutes"],
        )
        session.add(phase)
        session.flush()
        for round_spec in spec.get("rounds", []):
            number += 1
            cafe_round = Round(
                workshop_id=workshop.id,
                phase_id=phase.id,
                number=number,
                question=round_spec["question"],
                duration_seconds=round_spec["minutes"] * 60,
                status="pending",
            )
            session.add(cafe_round)
            session.flush()
            if first_round is None:
                first_round = cafe_round
                workshop.current_phase_id = phase.id
    return first_round


def rotate_secrets(session: Session, workshop: Workshop) -> WorkshopLinks:
    """Issue new staff links; the old ones stop working."""
    facilitator_secret = secrets.token_urlsafe(16)
    projector_secret = secrets.token_urlsafe(16)
    workshop.facilitator_secret_hash = hash_secret(facilitator_secret)
    workshop.projector_secret_hash = hash_secret(projector_secret)
    session.flush()
    return WorkshopLinks(workshop.join_code, facilitator_secret, projector_secret)


def get_by_code(session: Session, code: str) -> Workshop:
    """The workshop with this join code, or DomainError('unknown_workshop')."""
    workshop = session.scalar(select(Workshop).where(Workshop.join_code == normalise_code(code)))
    if workshop is None:
        raise DomainError("unknown_workshop")
    return workshop


def start_round(session: Session, workshop: Workshop) -> list[StoredEvent]:
    """Start the current round's timer: the server keeps an end time, not a counter."""
    cafe_round = _require_round(session, workshop)
    if cafe_round.status == "running":
        raise DomainError("round_already_running")
    if cafe_round.status == "ended":
        raise DomainError("round_already_ended")
    now = utcnow()
    cafe_round.status = "running"
    cafe_round.started_at = now
    cafe_round.ends_at = now + timedelta(seconds=cafe_round.duration_seconds)
    return [
        events.record(session, workshop.id, "round.updated", events.ALL, _round_data(cafe_round))
    ]


def end_round(session: Session, workshop: Workshop) -> list[StoredEvent]:
    """End the current round now; notes are closed until the next round."""
    cafe_round = _require_round(session, workshop)
    if cafe_round.status == "ended":
        raise DomainError("round_already_ended")
    cafe_round.status = "ended"
    cafe_round.ends_at = utcnow()
    return [
        events.record(session, workshop.id, "round.updated", events.ALL, _round_data(cafe_round))
    ]


def next_round(session: Session, workshop: Workshop, expected_number: int) -> list[StoredEvent]:
    """Move everyone on to the next round with a valid rotation (hosts stay).

    `expected_number` is the round the caller saw as current: a second facilitator
    pressing the button at the same moment gets 'stale_round', not a skipped round.
    """
    # Lock the workshop row first so two facilitators cannot both advance.
    session.refresh(workshop, with_for_update=True)
    old = _require_round(session, workshop)
    if old.number != expected_number:
        raise DomainError("stale_round")
    new = session.scalar(
        select(Round).where(Round.workshop_id == workshop.id, Round.number == old.number + 1)
    )
    if new is None:
        raise DomainError("no_next_round")
    if old.status != "ended":
        old.status = "ended"
        old.ends_at = utcnow()
    tables = list_tables(session, workshop.id)
    current = seating_of_round(session, old.id)
    hosts = {t.host_id: t.id for t in tables if t.host_id is not None}
    plan = rotation.rotate(
        [rotation.TableInfo(t.id, t.capacity, t.host_id) for t in tables], current, hosts
    )
    seats = [{"round_id": new.id, "participant_id": p, "table_id": t} for p, t in plan.items()]
    if seats:
        session.execute(insert(Seat), seats)
    workshop.current_round_id = new.id
    workshop.current_phase_id = new.phase_id
    session.flush()
    return _round_change_events(session, workshop, new, plan, tables)


def _round_change_events(
    session: Session,
    workshop: Workshop,
    new: Round,
    plan: dict[int, int],
    tables: list[CafeTable],
) -> list[StoredEvent]:
    people = {p.id: p for p in list_participants(session, workshop.id)}
    by_id = {t.id: t for t in tables}
    items: list[tuple[str, str, dict[str, Any]]] = [
        ("round.updated", events.ALL, _round_data(new)),
        ("seating.changed", events.STAFF, {"tables": tables_view(tables, people, plan)}),
    ]
    for person_id, table_id in plan.items():
        table = by_id[table_id]
        host = people.get(table.host_id) if table.host_id else None
        items.append(
            (
                "seat.assigned",
                events.participant_audience(person_id),
                {"seat": seat_view(table, host, new.number)},
            )
        )
    return events.record_many(session, workshop.id, items)


def broadcast_message(session: Session, workshop: Workshop, text: str) -> list[StoredEvent]:
    """Show a short message on every screen of the workshop."""
    workshop.message = text
    data = {"text": text, "sent_at": utcnow().isoformat()}
    return [events.record(session, workshop.id, "message.broadcast", events.ALL, data)]


def _require_round(session: Session, workshop: Workshop) -> Round:
    cafe_round = current_round(session, workshop)
    if cafe_round is None:
        raise DomainError("no_round")
    return cafe_round


def _round_data(cafe_round: Round) -> dict[str, Any]:
    return {"round": round_view(cafe_round)}


def _round_updated(session: Session, workshop: Workshop, cafe_round: Round) -> StoredEvent:
    return events.record(session, workshop.id, "round.updated", events.ALL, _round_data(cafe_round))
