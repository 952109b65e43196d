"""Dot-voting in the plenary: each participant spreads N dots over the harvested themes
and key insights; live totals for the projector; results frozen when the vote closes.

One participant's dots are one allocation (rows of `dots`, unique per ballot, person and
option): sending a new allocation replaces the old one, so a resend changes nothing and
nobody's dots count twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from facilitator.cafe.guards import require_not_closed
from facilitator.errors import DomainError
from facilitator.store import events
from facilitator.store.events import StoredEvent
from facilitator.store.models import (
    Ballot,
    CafeTable,
    Contribution,
    Dot,
    Participant,
    Round,
    Workshop,
    utcnow,
)

MAX_DOTS = 10
MAX_OPTIONS = 24
LABEL_CHARS = 80


def ballot_view(session: Session, ballot: Ballot) -> dict[str, Any]:
    """A ballot as every screen shows it, with its totals (frozen once closed)."""
    totals, voters = (ballot.results or {}), None
    if ballot.status == "open" or ballot.results is None:
        totals, voters = _tally(session, ballot.id)
    if voters is None:
        voters = _voters(session, ballot.id)
    return {
        "id": ballot.id,
        "status": ballot.status,
        "dots_per_person": ballot.dots_per_person,
        "options": ballot.options,
        "totals": totals,
        "voters": voters,
    }


def _tally(session: Session, ballot_id: int) -> tuple[dict[str, int], int]:
    rows = session.execute(
        select(Dot.option, func.sum(Dot.dots))
        .where(Dot.ballot_id == ballot_id)
        .group_by(Dot.option)
    )
    totals = {option: int(total) for option, total in rows if total}
    return dict(sorted(totals.items())), _voters(session, ballot_id)


def _voters(session: Session, ballot_id: int) -> int:
    query = select(func.count(func.distinct(Dot.participant_id))).where(Dot.ballot_id == ballot_id)
    return session.scalar(query) or 0


def latest_ballot(session: Session, workshop_id: int) -> Ballot | None:
    """The newest ballot of a workshop (open or closed)."""
    query = select(Ballot).where(Ballot.workshop_id == workshop_id).order_by(Ballot.id.desc())
    return session.scalars(query.limit(1)).first()


def insight_options(session: Session, workshop_id: int) -> list[dict[str, Any]]:
    """The latest visible key insight of each table and round, as ballot options."""
    rows = session.execute(
        select(Contribution, CafeTable.number, Round.number)
        .join(CafeTable, CafeTable.id == Contribution.table_id)
        .join(Round, Round.id == Contribution.round_id)
        .where(
            Contribution.workshop_id == workshop_id,
            Contribution.kind == "insight",
            Contribution.hidden.is_(False),
        )
        .order_by(Contribution.id)
    )
    latest: dict[tuple[int, int], tuple[Contribution, int, int]] = {}
    for note, table, round_number in rows:
        latest[(round_number, table)] = (note, table, round_number)
    return [
        {
            "key": f"i{note.id}",
            "kind": "insight",
            "label": f"{table}·{round_number}",
            "text": note.text,
        }
        for (note, table, round_number) in (latest[k] for k in sorted(latest))
    ]


def theme_options(themes: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The harvested themes as ballot options: title and quote as the wall shows them, in
    each language the theme has (each voter reads their own where there is one)."""
    return [
        {
            "key": f"t{i}",
            "kind": "theme",
            "label": str(t["label"]),
            "text": str(t.get("quote", "")),
            "titles": {str(k): str(v) for k, v in (t.get("titles") or {}).items()},
            "texts": {str(k): str(q["text"]) for k, q in (t.get("quotes") or {}).items()},
            "table": None,
            "round": None,
        }
        for i, t in enumerate(themes, start=1)
    ]


def open_ballot(
    session: Session,
    workshop: Workshop,
    dots_per_person: int,
    themes: Sequence[dict[str, Any]],
) -> list[StoredEvent]:
    """Open a new vote on the themes and key insights (an open one is closed first)."""
    if not 1 <= dots_per_person <= MAX_DOTS:
        raise DomainError("bad_dots", limit=MAX_DOTS)
    options = (theme_options(themes) + insight_options(session, workshop.id))[:MAX_OPTIONS]
    if not options:
        raise DomainError("nothing_to_vote_on")
    stored: list[StoredEvent] = []
    current = latest_ballot(session, workshop.id)
    if current is not None and current.status == "open":
        stored += close_ballot(session, workshop)
    ballot = Ballot(
        workshop_id=workshop.id, status="open", dots_per_person=dots_per_person, options=options
    )
    session.add(ballot)
    session.flush()
    return stored + [_updated(session, workshop, ballot)]


def close_ballot(session: Session, workshop: Workshop) -> list[StoredEvent]:
    """Close the open vote: its totals are frozen and shown to everyone."""
    ballot = latest_ballot(session, workshop.id)
    if ballot is None or ballot.status != "open":
        raise DomainError("no_open_ballot")
    totals, _voters_now = _tally(session, ballot.id)
    ballot.status = "closed"
    ballot.results = totals
    ballot.closed_at = utcnow()
    session.flush()
    return [_updated(session, workshop, ballot)]


def _updated(session: Session, workshop: Workshop, ballot: Ballot) -> StoredEvent:
    data = {"ballot": ballot_view(session, ballot)}
    return events.record(session, workshop.id, "ballot.updated", events.ALL, data)


def clean_allocation(ballot: Ballot, raw: object) -> dict[str, int]:
    """{option key: dots} within the ballot's options and the person's allowance."""
    if not isinstance(raw, dict) or len(raw) > MAX_OPTIONS:
        raise DomainError("bad_request")
    keys = {option["key"] for option in ballot.options}
    allocation: dict[str, int] = {}
    for key, dots in raw.items():
        if not isinstance(key, str) or key not in keys:
            raise DomainError("unknown_option")
        if isinstance(dots, bool) or not isinstance(dots, int) or dots < 0:
            raise DomainError("bad_request")
        if dots:
            allocation[key] = dots
    if sum(allocation.values()) > ballot.dots_per_person:
        raise DomainError("too_many_dots", limit=ballot.dots_per_person)
    return dict(sorted(allocation.items()))


@dataclass(frozen=True)
class Placed:
    """A voter's dots after casting: where they are, how many are left, the events."""

    dots: dict[str, int]
    left: int
    events: list[StoredEvent]


def cast_dots(
    session: Session, workshop: Workshop, voter: Participant, ballot_id: object, raw: object
) -> Placed:
    """Replace the voter's dots on an open ballot; returns their allocation and the tally."""
    if isinstance(ballot_id, bool) or not isinstance(ballot_id, int):
        raise DomainError("bad_request")
    require_not_closed(workshop)  # the harvest of a closed workshop is final
    ballot = session.get(Ballot, ballot_id)
    if ballot is None or ballot.workshop_id != workshop.id:
        raise DomainError("unknown_ballot")
    if ballot.status != "open":
        raise DomainError("ballot_closed")
    allocation = clean_allocation(ballot, raw)
    _check_not_hidden(session, allocation)
    left = ballot.dots_per_person - sum(allocation.values())
    if allocation == my_dots(session, ballot.id, voter.id):
        return Placed(allocation, left, [])  # a resend: nothing changes, nothing to tell
    session.execute(delete(Dot).where(Dot.ballot_id == ballot.id, Dot.participant_id == voter.id))
    if allocation:
        rows = [
            {"ballot_id": ballot.id, "participant_id": voter.id, "option": key, "dots": dots}
            for key, dots in allocation.items()
        ]
        session.execute(insert(Dot), rows)
    totals, voters = _tally(session, ballot.id)
    tally = {"ballot": ballot.id, "totals": totals, "voters": voters}
    mine = {"ballot": ballot.id, "dots": allocation}
    stored = events.record_many(
        session,
        workshop.id,
        [
            ("ballot.tally", events.STAFF, tally),
            ("ballot.mine", events.participant_audience(voter.id), mine),
        ],
    )
    return Placed(allocation, left, stored)


def _check_not_hidden(session: Session, allocation: dict[str, int]) -> None:
    """A key insight the facilitator took off the wall after the vote opened gets no dots."""
    ids = [int(key[1:]) for key in allocation if key.startswith("i")]
    if ids:
        hidden = select(Contribution.id).where(Contribution.id.in_(ids), Contribution.hidden)
        if session.scalars(hidden).first() is not None:
            raise DomainError("note_hidden")


def my_dots(session: Session, ballot_id: int, participant_id: int) -> dict[str, int]:
    """Where one participant put their dots."""
    rows = session.execute(
        select(Dot.option, Dot.dots).where(
            Dot.ballot_id == ballot_id, Dot.participant_id == participant_id
        )
    )
    return dict(sorted((option, dots) for option, dots in rows))
