"""The workshop life cycle: creation from a template, secrets, rounds and messages."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from facilitator.cafe.text import ascii_number
from facilitator.errors import DomainError
from facilitator.store import events
from facilitator.store.events import StoredEvent
from facilitator.store.models import CafeTable, Phase, Round, Workshop, utcnow

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


def create_workshop(
    session: Session, template: dict[str, Any], owner_id: int | None = None
) -> WorkshopLinks:
    """Create a workshop with its phases, rounds and tables from a template."""
    facilitator_secret = secrets.token_urlsafe(16)
    projector_secret = secrets.token_urlsafe(16)
    workshop = Workshop(
        title=template["title"],
        titles=template.get("titles") or None,
        join_code=new_join_code(session),
        languages=",".join(template.get("languages", ["nl", "fr", "en"])),
        status="open",
        facilitator_secret_hash=hash_secret(facilitator_secret),
        projector_secret_hash=hash_secret(projector_secret),
        last_seq=0,
        owner_id=owner_id,
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
        phase = new_phase(workshop.id, position, spec)
        session.add(phase)
        session.flush()
        if position == 0:
            workshop.current_phase_id = phase.id  # the agenda starts at its beginning
        for round_spec in spec.get("rounds", []):
            number += 1
            cafe_round = new_round(workshop.id, phase.id, number, round_spec)
            session.add(cafe_round)
            session.flush()
            if first_round is None:
                first_round = cafe_round
    return first_round


def new_phase(workshop_id: int, position: int, spec: Mapping[str, Any]) -> Phase:
    """An agenda item made from its spec (kind, title, minutes), not yet added."""
    return Phase(
        workshop_id=workshop_id,
        position=position,
        kind=spec["kind"],
        title=spec["title"],
        planned_minutes=spec["minutes"],
    )


def new_round(workshop_id: int, phase_id: int, number: int, spec: Mapping[str, Any]) -> Round:
    """A pending round made from its spec (question, minutes), not yet added."""
    return Round(
        workshop_id=workshop_id,
        phase_id=phase_id,
        number=number,
        question=spec["question"],
        duration_seconds=spec["minutes"] * 60,
        status="pending",
    )


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


def broadcast_message(session: Session, workshop: Workshop, text: str) -> list[StoredEvent]:
    """Show a short message on every screen of the workshop."""
    workshop.message = text
    data = {"text": text, "sent_at": utcnow().isoformat()}
    return [events.record(session, workshop.id, "message.broadcast", events.ALL, data)]


PROJECTOR_VIEWS = (
    "auto",
    "join",
    "round",
    "wall",
    "harvest",
    "spotlight",
    "vote",
    "summary",
    "coaching",  # the coaching phase's cards and self-scan (auto shows it in that phase)
)


def projector_state(workshop: Workshop) -> dict[str, Any]:
    """What the projector shows, as screens and the `projector.updated` event carry it."""
    return {
        "view": workshop.projector_view,
        "show_names": workshop.show_names,
        "scope": workshop.harvest_scope,
        "spotlight": workshop.spotlight_table,
        "language": harvest_language(workshop),
    }


def harvest_language(workshop: Workshop) -> str:
    """The language the projector shows the harvest's themes in first."""
    languages = workshop.languages.split(",")
    chosen = workshop.harvest_language
    return chosen if chosen in languages else languages[0]


def set_harvest_language(
    session: Session, workshop: Workshop, language: object
) -> list[StoredEvent]:
    """Which of the workshop's languages the projector shows themes in first."""
    if not isinstance(language, str) or language not in workshop.languages.split(","):
        raise DomainError("bad_language")
    workshop.harvest_language = language
    return _projector_event(session, workshop)


def _projector_event(session: Session, workshop: Workshop) -> list[StoredEvent]:
    data = projector_state(workshop)
    return [events.record(session, workshop.id, "projector.updated", events.ALL, data)]


def set_projector(
    session: Session, workshop: Workshop, view: str, show_names: bool
) -> list[StoredEvent]:
    """Choose what the projector shows, and whether its table map names people."""
    if view not in PROJECTOR_VIEWS:
        raise DomainError("bad_request")
    workshop.projector_view = view
    workshop.show_names = show_names
    return _projector_event(session, workshop)


def turn_projector_page(session: Session, workshop: Workshop, step: object) -> list[StoredEvent]:
    """Tell the projectors to turn their page now: `step` 1 (next) or -1 (back).

    Sent, not stored: a projector that missed it simply turns at its own pace."""
    if isinstance(step, bool) or step not in (1, -1):
        raise DomainError("bad_page_step")
    data = {"step": step}
    return [
        events.transient(
            session, workshop.id, workshop.last_seq, "projector.page", events.STAFF, data
        )
    ]


def parse_scope(session: Session, workshop: Workshop, scope: object) -> str:
    """A harvest scope: "all", "t:<table number>" or "r:<round number>" that exists."""
    if scope == "all":
        return "all"
    if not isinstance(scope, str) or len(scope) > 12 or scope[:2] not in ("t:", "r:"):
        raise DomainError("bad_scope")
    # ASCII digits only: "t:²" passes `isdigit`, then `int` raises (a traceback).
    number = ascii_number(scope[2:], 10, "bad_scope")
    model = CafeTable if scope.startswith("t:") else Round
    found = session.scalar(
        select(model.id).where(model.workshop_id == workshop.id, model.number == number)
    )
    if found is None:
        raise DomainError("bad_scope")
    return f"{scope[:2]}{number}"


def set_harvest_scope(session: Session, workshop: Workshop, scope: object) -> list[StoredEvent]:
    """What the harvest wall covers: the whole workshop, one table or one round (question)."""
    workshop.harvest_scope = parse_scope(session, workshop, scope)
    events.ask_for_redraw(session, workshop.id)
    return _projector_event(session, workshop)


def spotlight(session: Session, workshop: Workshop, table_number: int | None) -> list[StoredEvent]:
    """Put one table in the plenary's spotlight (None: nobody); the projector shows it.

    The harvest wall follows: the table's own cloud, or the whole workshop again."""
    if table_number is not None:
        found = session.scalar(
            select(CafeTable.id).where(
                CafeTable.workshop_id == workshop.id, CafeTable.number == table_number
            )
        )
        if found is None:
            raise DomainError("unknown_table")
        workshop.projector_view = "spotlight"
    workshop.spotlight_table = table_number
    workshop.harvest_scope = f"t:{table_number}" if table_number is not None else "all"
    events.ask_for_redraw(session, workshop.id)
    return _projector_event(session, workshop)
