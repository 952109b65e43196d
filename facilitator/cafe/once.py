"""Rows stored once per client-made id: notes, key insights, photos, commitments.

A phone resends what it wrote (with the same client-made UUID) until it gets an
answer, and two tabs, or a resend racing the first send, can arrive at once. The
database keeps `(workshop_id, client_id)` unique; this module is the one way to write
such a row:

1. `stored_before`: a resend finds the row stored earlier and gets it back (someone
   else's row under the same id is `client_id_taken`);
2. otherwise the caller checks what it must and builds the row, and `insert_once`
   adds it in a savepoint. When a concurrent request with the same id committed first,
   the unique constraint refuses the insert; only the savepoint is rolled back, the
   winner's row is read and returned instead, exactly as for a resend.

Both callers, the winner and the loser of the race, get the same stored row; nobody
gets an error for having sent twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from facilitator.errors import DomainError
from facilitator.store.models import Commitment, Contribution

Row = TypeVar("Row", Contribution, Commitment)


def find(session: Session, model: type[Row], workshop_id: int, client_id: str) -> Row | None:
    """The row of `model` stored under this client id in the workshop, if any."""
    return session.scalar(
        select(model).where(model.workshop_id == workshop_id, model.client_id == client_id)
    )


def stored_before(
    session: Session,
    model: type[Row],
    workshop_id: int,
    client_id: str,
    is_resend: Callable[[Row], bool],
) -> Row | None:
    """The row a resend of this id stored before, or None if the id is new.

    `is_resend(row)` says whether the stored row is what this sender sent (same author,
    same content); when it is not, the id belongs to someone else: `client_id_taken`.
    """
    row = find(session, model, workshop_id, client_id)
    if row is not None and not is_resend(row):
        raise DomainError("client_id_taken")
    return row


def insert_once(session: Session, row: Row, is_resend: Callable[[Row], bool]) -> tuple[Row, bool]:
    """Insert `row` (flushed, so it has its id); returns (row, True).

    If a concurrent request stored the same `(workshop_id, client_id)` first, returns
    (that row, False), or `client_id_taken` when it is not a resend of this one. Only
    the savepoint is rolled back, so the caller's transaction goes on either way.
    """
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # PostgreSQL makes the second insert wait for the first transaction and then
        # refuses it; SQLite serialises the writers and refuses it the same way.
        winner = find(session, type(row), row.workshop_id, row.client_id)
        if winner is None:
            raise  # another constraint failed: not a race on the client id
        if not is_resend(winner):
            raise DomainError("client_id_taken") from None
        return winner, False
    return row, True
