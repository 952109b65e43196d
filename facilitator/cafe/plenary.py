"""What the plenary looks at: one table in the spotlight, and the final summary.

Read-only views computed from the rows on request (the projector and phones ask when
the spotlight or the vote changes); the word cloud and themes come from the drawn
harvest walls, passed in by the adapter.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from facilitator.cafe.ballots import ballot_view, latest_ballot
from facilitator.cafe.commitments import visible_commitments
from facilitator.cafe.harvest import counts
from facilitator.cafe.snapshots import photos_of
from facilitator.store.models import CafeTable, Contribution, Participant, Round, Workshop
from facilitator.store.queries import list_participants, votes_per_note

TOP_NOTES = 6


def spotlight_view(session: Session, workshop: Workshop) -> dict[str, Any] | None:
    """The spotlit table's key insights, top notes and tablecloth photos, all rounds."""
    if workshop.spotlight_table is None:
        return None
    table = session.scalar(
        select(CafeTable).where(
            CafeTable.workshop_id == workshop.id, CafeTable.number == workshop.spotlight_table
        )
    )
    if table is None:
        return None
    round_ids = list(session.scalars(select(Round.id).where(Round.workshop_id == workshop.id)))
    return {
        "table": table.number,
        "insights": _contributions(session, table.id, "insight", by_votes=False),
        "notes": _contributions(session, table.id, "note", by_votes=True)[:TOP_NOTES],
        "photos": photos_of(session, round_ids, table.id),
    }


def _contributions(
    session: Session, table_id: int, kind: str, by_votes: bool
) -> list[dict[str, Any]]:
    votes = votes_per_note()
    query = (
        select(Contribution, Participant, Round.number, votes.c.votes)
        .outerjoin(Participant, Participant.id == Contribution.participant_id)
        .join(Round, Round.id == Contribution.round_id)
        .outerjoin(votes, votes.c.contribution_id == Contribution.id)
        .where(
            Contribution.table_id == table_id,
            Contribution.kind == kind,
            Contribution.hidden.is_(False),
        )
        .order_by(Contribution.id)
    )
    items = [
        {
            "text": note.text,
            "author": author.display_name if author else None,
            "round": number,
            "votes": count or 0,
            "source": note.source or "phone",
            "language": note.language or (author.language if author else None),
        }
        for note, author, number, count in session.execute(query)
    ]
    if by_votes:
        items.sort(key=lambda item: -item["votes"])  # stable: older first among equals
    return items


def summary_view(
    session: Session, workshop: Workshop, themes: list[dict[str, Any]]
) -> dict[str, Any]:
    """Top themes, voted priorities, commitments and key numbers of the workshop."""
    ballot = latest_ballot(session, workshop.id)
    priorities: list[dict[str, Any]] = []
    if ballot is not None:
        view = ballot_view(session, ballot)
        for option in view["options"]:
            priorities.append(option | {"dots": view["totals"].get(option["key"], 0)})
        priorities.sort(key=lambda option: -option["dots"])
    people = list_participants(session, workshop.id)
    numbers = counts(session, workshop.id)
    return {
        "themes": themes,
        "priorities": priorities,
        "ballot_status": ballot.status if ballot else None,
        "commitments": visible_commitments(session, workshop.id),
        # The same count as the wall's, the poster's and the report's (cafe/harvest.py).
        "numbers": numbers | {"languages": sorted({p.language for p in people})},
    }
