"""What the harvest reads, and the one count of it every screen and document shows.

The harvest reads a scope's visible notes and its key insights. A table host may rewrite
the key insight of a round; only the latest one counts (as the report prints it), so
the wall, the summary, the poster and the report all count the same things:
`notes` (participants' notes), `insights` (one per table and round at most), `people`
(everyone who joined) and `tables`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from facilitator.harvest.base import Note
from facilitator.harvest.meaning import MODEL_ID
from facilitator.store.models import CafeTable, Contribution, Participant, Round
from facilitator.store.queries import NOTE_LANGUAGE, votes_per_note

THEMED_KINDS = ("note", "insight")


def scope_filter(workshop_id: int, scope: str) -> list[Any]:
    """The WHERE clause of a scope: a table (all its rounds) or a round (its question)."""
    kind, _, number = scope.partition(":")
    if kind == "t":
        table = select(CafeTable.id).where(
            CafeTable.workshop_id == workshop_id, CafeTable.number == int(number)
        )
        return [Contribution.table_id.in_(table.scalar_subquery())]
    if kind == "r":
        cafe_round = select(Round.id).where(
            Round.workshop_id == workshop_id, Round.number == int(number)
        )
        return [Contribution.round_id.in_(cafe_round.scalar_subquery())]
    return []


def _latest_insights(workshop_id: int) -> Any:
    """The id of each table and round's latest visible key insight (a subquery)."""
    return (
        select(func.max(Contribution.id))
        .where(
            Contribution.workshop_id == workshop_id,
            Contribution.kind == "insight",
            Contribution.hidden.is_(False),
        )
        .group_by(Contribution.table_id, Contribution.round_id)
        .scalar_subquery()
    )


def _harvested(workshop_id: int, scope: str) -> list[Any]:
    """Visible notes and latest key insights of a scope."""
    return [
        Contribution.workshop_id == workshop_id,
        Contribution.hidden.is_(False),
        (Contribution.kind == "note") | Contribution.id.in_(_latest_insights(workshop_id)),
        *scope_filter(workshop_id, scope),
    ]


def harvest_notes(session: Session, workshop_id: int, scope: str = "all") -> list[Note]:
    """Every visible note and latest key insight of a scope, as the harvest reads them."""
    votes = votes_per_note()
    rows = session.execute(
        select(Contribution.id, Contribution.text, NOTE_LANGUAGE.label("language"), votes.c.votes)
        .outerjoin(Participant, Participant.id == Contribution.participant_id)
        .outerjoin(votes, votes.c.contribution_id == Contribution.id)
        .where(*_harvested(workshop_id, scope))
        .order_by(Contribution.id)
    )
    # Upvotes break ties when a theme picks its representative quote.
    return [Note(id=r.id, text=r.text, language=r.language, upvotes=r.votes or 0) for r in rows]


def stored_vectors(session: Session, workshop_id: int) -> dict[int, bytes]:
    """The vectors of meaning of a workshop's notes and key insights (current model)."""
    rows = session.execute(
        select(Contribution.id, Contribution.meaning).where(
            Contribution.workshop_id == workshop_id,
            Contribution.meaning_model == MODEL_ID,
            Contribution.kind.in_(THEMED_KINDS),
        )
    )
    return {row.id: row.meaning for row in rows if row.meaning}


def counts(session: Session, workshop_id: int, scope: str = "all") -> dict[str, int]:
    """Notes, key insights, people and tables of a scope: the numbers every screen shows."""
    by_kind = dict(
        session.execute(
            select(Contribution.kind, func.count(Contribution.id))
            .where(*_harvested(workshop_id, scope))
            .group_by(Contribution.kind)
        ).all()
    )
    authors = select(func.count(func.distinct(Contribution.participant_id))).where(
        *_harvested(workshop_id, scope)
    )
    people = select(func.count(Participant.id)).where(Participant.workshop_id == workshop_id)
    tables = select(func.count(CafeTable.id)).where(CafeTable.workshop_id == workshop_id)
    return {
        "notes": by_kind.get("note", 0),
        "insights": by_kind.get("insight", 0),
        "people": session.scalar(people) or 0,
        "authors": session.scalar(authors) or 0,
        # One table's scope is that table; a round's question was asked at every table.
        "tables": 1 if scope.startswith("t:") else session.scalar(tables) or 0,
    }
