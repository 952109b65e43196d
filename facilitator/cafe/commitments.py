"""Action commitments at the end of the workshop: "I will ...", optionally signed and
tied to a harvested theme; stored once per client-made id."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from facilitator.errors import DomainError
from facilitator.store import events
from facilitator.store.events import StoredEvent
from facilitator.store.models import Commitment, Participant, Workshop

THEME_MAX_CHARS = 120


def commitment_view(commitment: Commitment) -> dict[str, Any]:
    """A commitment as screens show it (the author only when they signed it)."""
    return {
        "id": commitment.id,
        "client_id": commitment.client_id,
        "text": commitment.text,
        "signed_as": commitment.signed_as,
        "theme": commitment.theme,
        "created_at": commitment.created_at.isoformat(),
    }


def clean_theme(raw: object) -> str | None:
    """An optional theme label (as the harvest shows it)."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or len(raw) > THEME_MAX_CHARS:
        raise DomainError("bad_request")
    return raw.strip() or None


def post_commitment(
    session: Session,
    workshop: Workshop,
    author: Participant,
    client_id: str,
    text: str,
    theme: str | None,
    signed: bool,
) -> tuple[dict[str, Any], bool, list[StoredEvent]]:
    """Store a commitment (a resend of the same id returns the stored one)."""
    existing = _find(session, workshop.id, client_id)
    if existing is not None:
        return _replayed(existing, author, text), True, []
    signed_as = (author.display_name or None) if signed else None
    commitment = Commitment(
        workshop_id=workshop.id,
        client_id=client_id,
        participant_id=author.id,
        text=text,
        signed_as=signed_as,
        theme=theme,
    )
    try:
        with session.begin_nested():
            session.add(commitment)
    except IntegrityError:  # the same id at the same moment from a second tab
        found = _find(session, workshop.id, client_id)
        if found is None:
            raise
        return _replayed(found, author, text), True, []
    view = commitment_view(commitment)
    data = {"commitment": view}
    # Staff screens show everyone's; the author's other phones (tabs) show their own.
    audiences = (events.STAFF, events.participant_audience(author.id))
    stored = events.record_many(
        session, workshop.id, [("commitment.posted", audience, data) for audience in audiences]
    )
    return view, False, stored


def _find(session: Session, workshop_id: int, client_id: str) -> Commitment | None:
    return session.scalar(
        select(Commitment).where(
            Commitment.workshop_id == workshop_id, Commitment.client_id == client_id
        )
    )


def _replayed(commitment: Commitment, author: Participant, text: str) -> dict[str, Any]:
    if commitment.participant_id != author.id or commitment.text != text:
        raise DomainError("client_id_taken")
    return commitment_view(commitment)


def visible_commitments(session: Session, workshop_id: int) -> list[dict[str, Any]]:
    """Every commitment not taken off the wall, oldest first."""
    query = (
        select(Commitment)
        .where(Commitment.workshop_id == workshop_id, Commitment.hidden.is_(False))
        .order_by(Commitment.id)
    )
    return [commitment_view(c) for c in session.scalars(query)]


def commitments_of(session: Session, workshop_id: int, participant_id: int) -> list[dict[str, Any]]:
    """One participant's own commitments, oldest first."""
    query = (
        select(Commitment)
        .where(Commitment.workshop_id == workshop_id, Commitment.participant_id == participant_id)
        .order_by(Commitment.id)
    )
    return [commitment_view(c) for c in session.scalars(query)]
