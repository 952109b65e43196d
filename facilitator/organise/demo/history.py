"""Past workshops of a neighbourhood project, for the demo's portfolio, the portfolio's
bench and its tests: a closed workshop with its self-scan, themes, key insights,
commitments and the cards it used, written straight as rows (nobody joins a past day).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from facilitator.cafe.workshops import create_workshop
from facilitator.coaching.cards import default_set
from facilitator.organise.demo import template
from facilitator.store.models import (
    Ballot,
    CafeTable,
    CoachingDraw,
    Commitment,
    Contribution,
    Participant,
    Round,
    SelfScanAnswer,
    Workshop,
    WorkshopProject,
)


@dataclass(frozen=True)
class PastDay:
    """What happened on one past workshop day. `scan` holds each area's scores, one per
    person in order (person i gave scan[area][i]); `themes` (label, titles, dots)."""

    title: str
    held_on: str  # ISO date
    language: str = "nl"
    scan: Mapping[str, Sequence[int]] = field(default_factory=dict)
    themes: Sequence[tuple[str, Mapping[str, str], int]] = ()
    insights: Sequence[str] = ()
    commitments: Sequence[tuple[str, str | None]] = ()  # (text, theme label)
    cards: Sequence[tuple[str, int]] = ()  # (area key, index of the card in the area)


def _area_titles() -> dict[str, dict[str, str]]:
    return {str(a["key"]): dict(a["title"]) for a in default_set()["areas"]}


def _card(area_key: str, index: int) -> dict:
    area = next(a for a in default_set()["areas"] if a["key"] == area_key)
    return area["cards"][index % len(area["cards"])]


def add_past_workshop(
    session: Session, owner_id: int | None, project_ids: Sequence[int], day: PastDay
) -> Workshop:
    """A closed workshop of that day for these projects, with everything `day` holds."""
    spec = dict(template()) | {"title": day.title, "titles": None}
    links = create_workshop(session, spec, owner_id)
    workshop = session.scalars(select(Workshop).where(Workshop.join_code == links.join_code)).one()
    workshop.status, workshop.held_on = "closed", day.held_on
    created = datetime.combine(datetime.fromisoformat(day.held_on).date(), time(9), tzinfo=UTC)
    workshop.created_at = created
    for project_id in project_ids:
        session.add(WorkshopProject(workshop_id=workshop.id, project_id=project_id))
    people_count = max([len(s) for s in day.scan.values()] + [len(day.commitments), 1])
    people = [
        Participant(
            workshop_id=workshop.id,
            public_id=secrets.token_hex(8),
            language=day.language,
            spoken=day.language,
            presence="left",
            joined_at=created,
            project_id=project_ids[0] if len(project_ids) == 1 else None,
        )
        for _ in range(people_count)
    ]
    session.add_all(people)
    session.flush()
    titles = _area_titles()
    for area_key, area_scores in day.scan.items():
        for person, score in zip(people, area_scores, strict=False):
            session.add(
                SelfScanAnswer(
                    workshop_id=workshop.id,
                    participant_id=person.id,
                    area_key=area_key,
                    area_title=titles.get(area_key, {"en": area_key}),
                    score=score,
                    client_id=secrets.token_hex(8),
                    answered_at=created,
                )
            )
    for index, (text, theme) in enumerate(day.commitments):
        session.add(
            Commitment(
                workshop_id=workshop.id,
                client_id=secrets.token_hex(8),
                participant_id=people[index % len(people)].id,
                text=text,
                theme=theme,
                created_at=created,
            )
        )
    _add_insights(session, workshop, people[0], day.insights, created)
    if day.themes:
        options = [
            {"key": f"t{i}", "kind": "theme", "label": label, "text": label, "titles": dict(t)}
            for i, (label, t, _dots) in enumerate(day.themes)
        ]
        results = {f"t{i}": dots for i, (_l, _t, dots) in enumerate(day.themes)}
        session.add(
            Ballot(
                workshop_id=workshop.id,
                status="closed",
                dots_per_person=3,
                options=options,
                results=results,
                opened_at=created,
                closed_at=created,
            )
        )
    for area_key, index in day.cards:
        card = _card(area_key, index)
        session.add(
            CoachingDraw(
                workshop_id=workshop.id,
                area_key=area_key,
                area_title=titles[area_key],
                kind=card["kind"],
                text=dict(card["text"]),
                drawn_at=created,
            )
        )
    session.flush()
    return workshop


def _add_insights(
    session: Session,
    workshop: Workshop,
    author: Participant,
    insights: Sequence[str],
    created: datetime,
) -> None:
    """One key insight per table of the first round."""
    tables = session.scalars(
        select(CafeTable).where(CafeTable.workshop_id == workshop.id).order_by(CafeTable.number)
    ).all()
    first_round = session.scalars(
        select(Round).where(Round.workshop_id == workshop.id).order_by(Round.number)
    ).first()
    if first_round is None:
        return
    for table, text in zip(tables, insights, strict=False):
        session.add(
            Contribution(
                workshop_id=workshop.id,
                client_id=secrets.token_hex(8),
                kind="insight",
                text=text,
                round_id=first_round.id,
                table_id=table.id,
                participant_id=author.id,
                created_at=created,
            )
        )
