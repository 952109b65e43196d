"""What a table holds in a round: its notes, insight, photos and a host's briefing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from facilitator.cafe.views import note_view, photo_view
from facilitator.store.models import CafeTable, Contribution, Participant, Photo, Round, Vote
from facilitator.store.queries import votes_per_note


def photos_of(
    session: Session, round_ids: list[int], table_id: int | None, with_hidden: bool = False
) -> list[dict[str, Any]]:
    """Tablecloth photos of some rounds (and one table), oldest first."""
    query = (
        select(Contribution, Photo, Participant, CafeTable)
        .join(Photo, Photo.contribution_id == Contribution.id)
        .outerjoin(Participant, Participant.id == Contribution.participant_id)
        .join(CafeTable, CafeTable.id == Contribution.table_id)
        .where(Contribution.round_id.in_(round_ids), Contribution.kind == "photo")
        .order_by(Contribution.id)
    )
    if not with_hidden:
        query = query.where(Contribution.hidden.is_(False))
    if table_id is not None:
        query = query.where(Contribution.table_id == table_id)
    return [photo_view(n, p, a, t.number) for n, p, a, t in session.execute(query)]


def notes_of(
    session: Session,
    round_ids: list[int],
    table_id: int | None,
    with_hidden: bool = False,
    kind: str = "note",
) -> list[dict[str, Any]]:
    """Notes (or insights) of some rounds (and one table), oldest first, as screens show them."""
    votes = votes_per_note()
    query = (
        select(Contribution, Participant, CafeTable, func.coalesce(votes.c.votes, 0))
        .outerjoin(Participant, Participant.id == Contribution.participant_id)
        .join(CafeTable, CafeTable.id == Contribution.table_id)
        .outerjoin(votes, votes.c.contribution_id == Contribution.id)
        .where(Contribution.round_id.in_(round_ids), Contribution.kind == kind)
        .order_by(Contribution.id)
    )
    if not with_hidden:
        query = query.where(Contribution.hidden.is_(False))
    if table_id is not None:
        query = query.where(Contribution.table_id == table_id)
    return [note_view(n, a, t.number, v) for n, a, t, v in session.execute(query)]


def _contributions_so_far(cafe_round: Round) -> Select[Any]:
    """Contributions of the workshop's rounds up to this one, oldest first, with each
    one's author, photo (for a photo) and upvotes: the query a table's contents and a
    phone's table are split from."""
    votes = votes_per_note()
    return (
        select(Contribution, Participant, Photo, func.coalesce(votes.c.votes, 0))
        .outerjoin(Participant, Participant.id == Contribution.participant_id)
        .join(Round, Round.id == Contribution.round_id)
        .outerjoin(Photo, Photo.contribution_id == Contribution.id)
        .outerjoin(votes, votes.c.contribution_id == Contribution.id)
        .where(Round.workshop_id == cafe_round.workshop_id)
        .where(Round.number <= cafe_round.number)
        .order_by(Contribution.id)
    )


def table_contents(
    session: Session, cafe_round: Round, tables: Sequence[CafeTable]
) -> dict[int, dict[str, Any]]:
    """What a phone holds of its table this round, for every table at once (by table id).

    Built once per round change from one query, whatever the number of tables or notes:
    the seat message carries it so a phone shows its new table without a snapshot.
    """
    numbers = {t.id: t.number for t in tables}
    contents: dict[int, dict[str, Any]] = {
        t.id: {"notes": [], "insight": None, "photos": [], "handover": []} for t in tables
    }
    query = _contributions_so_far(cafe_round).where(Contribution.hidden.is_(False))
    for note, author, photo, votes in session.execute(query):
        table = contents.get(note.table_id)
        if table is None:
            continue  # not written at a table
        number = numbers[note.table_id]
        if note.round_id != cafe_round.id:
            if note.kind == "note":  # the host's briefing: earlier rounds' notes there
                table["handover"].append(note_view(note, author, number, votes))
        elif note.kind == "note":
            table["notes"].append(note_view(note, author, number, votes))
        elif note.kind == "insight":
            table["insight"] = note_view(note, author, number, votes)  # the latest wins
        elif note.kind == "photo" and photo is not None:
            table["photos"].append(photo_view(note, photo, author, number))
    return contents


def my_table(
    session: Session, cafe_round: Round, table: CafeTable, person: Participant
) -> dict[str, Any]:
    """A phone's table this round (and a host's briefing) from one query.

    Every contribution of the table in this round (and, for a host, in earlier rounds),
    hidden ones too, with its votes and whether this person voted: the split is done
    here, so a snapshot costs a handful of queries whatever the number of notes.
    """
    mine = select(Vote.contribution_id).where(Vote.participant_id == person.id).subquery()
    numbers = [cafe_round.number] if not person.is_host else None
    query = (
        _contributions_so_far(cafe_round)
        .add_columns(mine.c[0])
        .outerjoin(mine, mine.c[0] == Contribution.id)
        .where(Contribution.table_id == table.id)
    )
    if numbers is not None:
        query = query.where(Round.number.in_(numbers))
    found: dict[str, Any] = {"notes": [], "insight": None, "photos": [], "my_votes": []}
    handover: list[dict[str, Any]] = []
    for note, author, photo, count, voted in session.execute(query):
        now = note.round_id == cafe_round.id
        if now and voted is not None:
            # Hidden ones too: a hidden note keeps its votes (restoring brings them back),
            # so the list is the same whether the phone replayed the hiding or not.
            found["my_votes"].append(note.id)
        if note.hidden:
            continue
        if not now:
            if note.kind == "note":
                handover.append(note_view(note, author, table.number, count))
        elif note.kind == "note":
            found["notes"].append(note_view(note, author, table.number, count))
        elif note.kind == "insight":
            found["insight"] = note_view(note, author, table.number, count)
        elif note.kind == "photo" and photo is not None:
            found["photos"].append(photo_view(note, photo, author, table.number))
    found["my_votes"].sort()
    found["handover"] = handover if person.is_host else None
    return found
