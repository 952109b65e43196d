"""The tables of the domain: workshops, phases, rounds, tables, people, seats, notes, events,
and the plenary and organiser tables: photos, dot-votes, commitments, users, export jobs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Store naive UTC (SQLite keeps no zone), always hand back aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Workshop(Base):
    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    # The title per language where the organiser gave one; `title` is the default.
    titles: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    join_code: Mapped[str] = mapped_column(String(12), unique=True)
    languages: Mapped[str] = mapped_column(String(40), default="nl,fr,en")
    status: Mapped[str] = mapped_column(String(12), default="open")
    facilitator_secret_hash: Mapped[str] = mapped_column(String(64))
    projector_secret_hash: Mapped[str] = mapped_column(String(64))
    current_round_id: Mapped[int | None] = mapped_column(
        ForeignKey("rounds.id", use_alter=True, ondelete="SET NULL"), nullable=True
    )
    current_phase_id: Mapped[int | None] = mapped_column(
        ForeignKey("phases.id", use_alter=True, ondelete="SET NULL"), nullable=True
    )
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    # What the projector shows (join, round, wall) and whether its table map names people.
    projector_view: Mapped[str] = mapped_column(String(12), default="auto", server_default="auto")
    show_names: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # What the harvest wall covers: "all", "t:<table number>" or "r:<round number>".
    harvest_scope: Mapped[str] = mapped_column(String(12), default="all", server_default="all")
    # The language the projector shows themes in first (None: the workshop's first).
    harvest_language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    # The table the plenary looks at now (its number), when the projector spotlights one.
    spotlight_table: Mapped[int | None] = mapped_column(Integer, nullable=True)
    place: Mapped[str | None] = mapped_column(String(120), nullable=True)
    held_on: Mapped[str | None] = mapped_column(String(10), nullable=True)  # ISO date
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    # The card set of the coaching phase (None: the shipped default set).
    coaching_set_id: Mapped[int | None] = mapped_column(
        ForeignKey("coaching_sets.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Phase(Base):
    __tablename__ = "phases"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    planned_minutes: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Round(Base):
    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("workshop_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    phase_id: Mapped[int | None] = mapped_column(
        ForeignKey("phases.id", ondelete="SET NULL"), nullable=True
    )
    number: Mapped[int] = mapped_column(Integer)
    question: Mapped[dict[str, str]] = mapped_column(JSON)
    duration_seconds: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # While paused the clock stops: the seconds that were left, until resumed.
    paused_remaining: Mapped[int | None] = mapped_column(Integer, nullable=True)


class CafeTable(Base):
    __tablename__ = "cafe_tables"
    __table_args__ = (UniqueConstraint("workshop_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(60), nullable=True)
    capacity: Mapped[int] = mapped_column(Integer)
    host_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", use_alter=True, ondelete="SET NULL"), nullable=True
    )


class Participant(Base):
    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(80), nullable=True)
    language: Mapped[str] = mapped_column(String(5))
    # Every language the person can talk in at a table (their screen language first).
    spoken: Mapped[str] = mapped_column(String(40), default="", server_default="")
    role: Mapped[str | None] = mapped_column(String(30), nullable=True)
    is_host: Mapped[bool] = mapped_column(Boolean, default=False)
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    presence: Mapped[str] = mapped_column(String(12), default="connected")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The neighbourhood project the person says they come from (optional).
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), nullable=True, index=True
    )


class Seat(Base):
    """Where a participant sits in a round; one row per participant and round."""

    __tablename__ = "seats"
    __table_args__ = (UniqueConstraint("round_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    table_id: Mapped[int] = mapped_column(ForeignKey("cafe_tables.id", ondelete="CASCADE"))


class Contribution(Base):
    __tablename__ = "contributions"
    # The client's id is stored once per workshop: a resend can never make a second row.
    __table_args__ = (UniqueConstraint("workshop_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(12), default="note")
    text: Mapped[str] = mapped_column(Text)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    table_id: Mapped[int] = mapped_column(ForeignKey("cafe_tables.id", ondelete="CASCADE"))
    # None for a note written on paper and typed in for the table (`source` "paper").
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), nullable=True
    )
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # "phone", or "paper": typed in by the facilitator or the table's host.
    source: Mapped[str] = mapped_column(String(8), default="phone", server_default="phone")
    # The note's own language when its author's is not it (a paper note has no author).
    language: Mapped[str | None] = mapped_column(String(5), nullable=True)
    # The text's meaning (harvest/meaning.py): computed once in a worker, kept with the
    # model that made it, so restarts, imports and other workers never recompute it.
    meaning: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    meaning_model: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Event(Base):
    """A numbered workshop event, kept so a reconnecting client can catch up."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("workshop_id", "seq"),
        # A phone's catch-up reads its audiences' events after its seq, and asks whether
        # seats changed since: without these, every reconnect walked every event since
        # (after a Wi-Fi blip, thousands of staff-only presence events).
        Index("ix_events_workshop_id_audience_seq", "workshop_id", "audience", "seq"),
        Index("ix_events_workshop_id_name_seq", "workshop_id", "name", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(40))
    audience: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Vote(Base):
    """One participant's upvote on one note; undoing it deletes the row."""

    __tablename__ = "votes"
    # One vote per person and note, kept by the database, not by a check in Python.
    __table_args__ = (UniqueConstraint("contribution_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contributions.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Photo(Base):
    """The image of a `photo` contribution (a tablecloth): files under SESSIONS_DIR."""

    __tablename__ = "photos"

    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contributions.id", ondelete="CASCADE"), primary_key=True
    )
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)


class Commitment(Base):
    """One participant's action commitment at the end ("I will ...")."""

    __tablename__ = "commitments"
    __table_args__ = (UniqueConstraint("workshop_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(36))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    # Shown with the commitment only when the person chose to sign it.
    signed_as: Mapped[str | None] = mapped_column(String(80), nullable=True)
    theme: Mapped[str | None] = mapped_column(String(120), nullable=True)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    meaning: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    meaning_model: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Ballot(Base):
    """A dot-vote on harvested themes and key insights; frozen when closed."""

    __tablename__ = "ballots"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default="open")
    dots_per_person: Mapped[int] = mapped_column(Integer)
    # [{"key": "t1", "kind": "theme"|"insight", "label": ..., "text": ...}], fixed at opening.
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    results: Mapped[dict[str, int] | None] = mapped_column(JSON, nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Dot(Base):
    """How many of their dots one participant put on one option of a ballot."""

    __tablename__ = "dots"
    __table_args__ = (UniqueConstraint("ballot_id", "participant_id", "option"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    option: Mapped[str] = mapped_column(String(20))
    dots: Mapped[int] = mapped_column(Integer)


class User(Base):
    """An organiser's login; the password is stored only as a salted hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExportJob(Base):
    """A poster, report or archive being made (or made) in a worker process."""

    __tablename__ = "export_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A workshop's poster, report or archive; None for a coach's export (a project's
    # coaching sheet, the programme's learnings), which has its `owner_id` instead.
    workshop_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), nullable=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The same export asked twice while one runs finds that one (see exports service).
    key: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(12), default="queued")
    step: Mapped[str] = mapped_column(String(40), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    filename: Mapped[str | None] = mapped_column(String(200), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


# --- the coaching tool (facilitator/coaching/) -----------------------------------------------


class CoachingSet(Base):
    """An organiser's own areas and cards, started from the shipped default or a copy."""

    __tablename__ = "coaching_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[dict[str, str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CoachingArea(Base):
    """An area of reflection and action; its title per language."""

    __tablename__ = "coaching_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_sets.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    # Stable across copies of a set (the shipped areas have one each): self-scans of
    # different workshops compare by it. None for an area an organiser added.
    key: Mapped[str | None] = mapped_column(String(40), nullable=True)


class CoachingCard(Base):
    """A challenge card of an area: a reflection question or an action prompt."""

    __tablename__ = "coaching_cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_areas.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    text: Mapped[dict[str, str]] = mapped_column(JSON)


class CoachingDraw(Base):
    """A card drawn for the room (no table) or dealt to one table in the coaching phase.
    Its text and area are copied: a later edit of the set does not rewrite what was used."""

    __tablename__ = "coaching_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    card_id: Mapped[int | None] = mapped_column(
        ForeignKey("coaching_cards.id", ondelete="SET NULL"), nullable=True
    )
    table_id: Mapped[int | None] = mapped_column(
        ForeignKey("cafe_tables.id", ondelete="CASCADE"), nullable=True
    )
    area_key: Mapped[str] = mapped_column(String(40))
    area_title: Mapped[dict[str, str]] = mapped_column(JSON)
    kind: Mapped[str] = mapped_column(String(12))
    text: Mapped[dict[str, str]] = mapped_column(JSON)
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SelfScanAnswer(Base):
    """One person's score (1-5) for one area of the self-scan, with an optional note.
    Pseudonymous: shown only in aggregate, never below coaching.selfscan.MIN_ANSWERS."""

    __tablename__ = "selfscan_answers"
    __table_args__ = (UniqueConstraint("workshop_id", "participant_id", "area_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique constraint's (workshop, ...) prefix serves the workshop's reads.
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    area_key: Mapped[str] = mapped_column(String(40))
    area_title: Mapped[dict[str, str]] = mapped_column(JSON)
    score: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    client_id: Mapped[str] = mapped_column(String(64))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Project(Base):
    """A neighbourhood project of the programme, followed by one coach."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    municipality: Mapped[str] = mapped_column(String(120), default="", server_default="")
    languages: Mapped[str] = mapped_column(String(40), default="nl", server_default="nl")
    coach_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WorkshopProject(Base):
    """A workshop took part for this project (a workshop may serve several)."""

    __tablename__ = "workshop_projects"

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True, index=True
    )
