"""Action commitments at the end of the workshop: "I will ...", optionally signed and
tied to a harvested theme; stored once per client-made id."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from facilitator.cafe import once
from facilitator.cafe.guards import require_not_closed
from facilitator.cafe.text import clean_text
from facilitator.store import events
from facilitator.store.events import StoredEvent
from facilitator.store.models import Commitment, Participant, Workshop

THEME_MAX_CHARS = 120


def commitment_view(commitment: Commitment, language: str | None) -> dict[str, Any]:
    """A commitment as screens show it (the author only when they signed it), with its
    `language` (its author's, as for a phone's note) for the screens' hyphenation."""
    return {
        "id": commitment.id,
        "client_id": commitment.client_id,
        "text": commitment.text,
        "signed_as": commitment.signed_as,
        "theme": commitment.theme,
        "created_at": commitment.created_at.isoformat(),
        "language": language,
    }


def clean_theme(raw: object) -> str | None:
    """An optional theme label (as the harvest shows it), cleaned as any typed line."""
    if raw is None:
        return None
    theme = clean_text(
        raw,
        THEME_MAX_CHARS,
        multiline=False,
        bad="bad_request",
        broken="bad_request",
        empty=None,
        too_long="bad_request",
    )
    return theme or None


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

    def is_resend(row: Commitment) -> bool:
        return row.participant_id == author.id and row.text == text

    existing = once.stored_before(session, Commitment, workshop.id, client_id, is_resend)
    if existing is not None:
        return commitment_view(existing, author.language), True, []
    require_not_closed(workshop)
    signed_as = (author.display_name or None) if signed else None
    commitment = Commitment(
        workshop_id=workshop.id,
        client_id=client_id,
        participant_id=author.id,
        text=text,
        signed_as=signed_as,
        theme=theme,
    )
    commitment, inserted = once.insert_once(session, commitment, is_resend)
    if not inserted:  # the same id at the same moment from a second tab
        return commitment_view(commitment, author.language), True, []
    view = commitment_view(commitment, author.language)
    data = {"commitment": view}
    # Staff screens show everyone's; the author's other phones (tabs) show their own.
    audiences = (events.STAFF, events.participant_audience(author.id))
    stored = events.record_many(
        session, workshop.id, [("commitment.posted", audience, data) for audience in audiences]
    )
    return view, False, stored


def visible_commitments(session: Session, workshop_id: int) -> list[dict[str, Any]]:
    """Every commitment not taken off the wall, oldest first."""
    query = (
        select(Commitment, Participant.language)
        .join(Participant, Participant.id == Commitment.participant_id)
        .where(Commitment.workshop_id == workshop_id, Commitment.hidden.is_(False))
        .order_by(Commitment.id)
    )
    return [commitment_view(c, language) for c, language in session.execute(query)]


def commitments_of(session: Session, workshop_id: int, participant_id: int) -> list[dict[str, Any]]:
    """One participant's own commitments, oldest first."""
    query = (
        select(Commitment, Participant.language)
        .join(Participant, Participant.id == Commitment.participant_id)
        .where(Commitment.workshop_id == workshop_id, Commitment.participant_id == participant_id)
        .order_by(Commitment.id)
    )
    return [commitment_view(c, language) for c, language in session.execute(query)]
