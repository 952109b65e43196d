"""Joining a workshop, being seated, and presence."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from facilitator.cafe.snapshots import participant_view
from facilitator.cafe.text import clean_text
from facilitator.config import ROLES
from facilitator.errors import DomainError
from facilitator.planner import rotation
from facilitator.store import events
from facilitator.store.events import StoredEvent
from facilitator.store.models import CafeTable, Participant, Seat, Workshop, WorkshopProject
from facilitator.store.queries import current_round, list_tables, seating_of_round, table_of

LEFT = "left"  # presence of someone who left the workshop: no seat, skipped by plans


@dataclass(frozen=True)
class JoinRequest:
    """What a person fills in on the join screen; every field is optional but language."""

    language: str
    display_name: str | None = None
    role: str | None = None
    wants_to_host: bool = False
    is_bot: bool = False
    also_speaks: tuple[str, ...] = ()
    # A shared device: the public id of someone who joined on it; the newcomer sits at
    # their table when it has room (a tablet stays at its table).
    near: str | None = None
    # The neighbourhood project the person comes from, as the form sent it (its id);
    # `project_id` is set by validate_join once it is known to be one of the workshop's.
    project: str | None = None
    project_id: int | None = None


def validate_join(
    request: JoinRequest,
    workshop: Workshop,
    name_max_chars: int,
    session: Session,
) -> JoinRequest:
    """Check and tidy a join request, or raise DomainError."""
    if request.language not in workshop.languages.split(","):
        raise DomainError("bad_language")
    # One line, cleaned like every typed text; a name of spaces or zero-width spaces
    # is no name (the person stays anonymous), as an empty field is.
    name = (
        clean_text(
            request.display_name or "",
            name_max_chars,
            multiline=False,
            empty=None,
            too_long="name_too_long",
        )
        or None
    )
    role = request.role or None
    if role is not None and role not in ROLES:
        raise DomainError("bad_role")
    offered = workshop.languages.split(",")
    if any(lang not in offered for lang in request.also_speaks):
        raise DomainError("bad_language")
    also = tuple(
        lang for lang in offered if lang in request.also_speaks and lang != request.language
    )
    project_id = _project_of(session, workshop, request.project)
    return replace(request, display_name=name, role=role, also_speaks=also, project_id=project_id)


def _project_of(session: Session, workshop: Workshop, raw: str | None) -> int | None:
    """The id of one of the workshop's projects, or None when none was chosen; any other
    value (another workshop's project, a word) is refused."""
    if not raw:
        return None
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise DomainError("bad_project")
    found = session.scalar(
        select(WorkshopProject.project_id).where(
            WorkshopProject.workshop_id == workshop.id, WorkshopProject.project_id == int(raw)
        )
    )
    if found is None:
        raise DomainError("bad_project")
    return found


def join(
    session: Session, workshop: Workshop, request: JoinRequest, name_max_chars: int
) -> tuple[Participant, list[StoredEvent]]:
    """Add a participant and seat them at the current round's least-filled table."""
    request = validate_join(request, workshop, name_max_chars, session)
    if workshop.status == "closed":
        raise DomainError("workshop_closed")
    if workshop.status == "draft":  # the organiser is still preparing it
        raise DomainError("workshop_not_open")
    # Lock the workshop row: two phones joining at once must not take the same last seat.
    session.refresh(workshop, with_for_update=True)
    cafe_round = current_round(session, workshop)
    if cafe_round is None:
        raise DomainError("no_round")
    tables = list_tables(session, workshop.id)
    table = _table_of_near(session, workshop, tables, cafe_round.id, request) or pick_table(
        session, tables, cafe_round.id, request.wants_to_host
    )
    person = Participant(
        workshop_id=workshop.id,
        public_id=secrets.token_hex(8),
        display_name=request.display_name,
        language=request.language,
        spoken=",".join((request.language, *request.also_speaks)),
        role=request.role,
        is_host=request.wants_to_host and table.host_id is None,
        is_bot=request.is_bot,
        presence="connected" if request.is_bot else "away",  # phones connect right after
        project_id=request.project_id,
    )
    session.add(person)
    session.flush()
    if person.is_host:
        table.host_id = person.id
    session.add(Seat(round_id=cafe_round.id, participant_id=person.id, table_id=table.id))
    session.flush()
    items = [
        (
            "participant.joined",
            events.STAFF,
            {"participant": participant_view(person, table.number)},
        )
    ]
    if person.is_host:
        host_data = {"table": table.number, "host": person.display_name or ""}
        items.append(("table.host_changed", events.table_audience(table.id), host_data))
    return person, events.record_many(session, workshop.id, items)


def _table_of_near(
    session: Session,
    workshop: Workshop,
    tables: list[CafeTable],
    round_id: int,
    request: JoinRequest,
) -> CafeTable | None:
    """The table of the person a shared device names, if it has a free seat."""
    if request.near is None or request.wants_to_host:
        return None
    near = session.scalar(
        select(Participant.id).where(
            Participant.public_id == request.near, Participant.workshop_id == workshop.id
        )
    )
    seating = seating_of_round(session, round_id)
    table_id = seating.get(near) if near is not None else None
    taken = sum(1 for seat in seating.values() if seat == table_id)
    return next((t for t in tables if t.id == table_id and taken < t.capacity), None)


def pick_table(
    session: Session, tables: list[CafeTable], round_id: int, wants_to_host: bool
) -> CafeTable:
    """The least-filled table with room (a hostless one for a host), or 'workshop_full'."""
    occupancy: dict[int, int] = {}
    for table_id in seating_of_round(session, round_id).values():
        occupancy[table_id] = occupancy.get(table_id, 0) + 1
    infos = [rotation.TableInfo(t.id, t.capacity, t.host_id) for t in tables]
    chosen = None
    if wants_to_host:
        chosen = rotation.choose_table_for_newcomer(infos, occupancy, as_host=True)
    if chosen is None:
        chosen = rotation.choose_table_for_newcomer(infos, occupancy, as_host=False)
    if chosen is None:
        raise DomainError("workshop_full")
    return next(t for t in tables if t.id == chosen)


def get_participant(session: Session, workshop: Workshop, public_id: str) -> Participant:
    """A participant of this workshop, or DomainError('unknown_participant')."""
    person = session.scalar(
        select(Participant).where(
            Participant.public_id == public_id, Participant.workshop_id == workshop.id
        )
    )
    if person is None:
        raise DomainError("unknown_participant")
    return person


def current_table(session: Session, workshop: Workshop, person: Participant) -> CafeTable | None:
    """Where the participant sits in the current round."""
    cafe_round = current_round(session, workshop)
    return table_of(session, cafe_round.id, person.id) if cafe_round else None


def set_presence(
    session: Session, workshop: Workshop, person: Participant, presence: str
) -> list[StoredEvent]:
    """Record that a phone connected or went away; no event when nothing changed.

    Someone who left stays left when their phone reconnects: they have no seat, and
    only `seating.come_back` gives them one again.
    """
    if person.presence in (presence, LEFT):
        return []
    person.presence = presence
    data = {"public_id": person.public_id, "presence": presence}
    return [events.record(session, workshop.id, "participant.presence", events.STAFF, data)]
