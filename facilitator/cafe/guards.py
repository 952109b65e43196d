"""Checks shared by everything a participant adds to a workshop."""

from __future__ import annotations

from facilitator.errors import DomainError
from facilitator.store.models import Workshop

CLOSED = "closed"


def require_not_closed(workshop: Workshop) -> None:
    """A closed workshop takes nothing new: no notes, insights, photos, votes, dots or
    commitments, also from people who joined before it closed (its harvest is final)."""
    if workshop.status == CLOSED:
        raise DomainError("workshop_closed")
