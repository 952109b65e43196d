"""The server-to-client events: one frozen dataclass per event, with typed fields.

Each class names its event (`name`), says who receives it (`receivers`) and describes
it in its docstring; its fields are the keys of the event's data. `check` refuses data
that does not fit, before anything is stored or sent: exactly the class's fields, each
of its type as msgspec checks it, strictly (a boolean is not an integer, a string is not
a number; `Any` accepts anything).
"""

from dataclasses import dataclass, fields
from typing import Any, ClassVar, get_type_hints

import msgspec

_NOTE_TABLE_AND_STAFF = "the participants at the note's table, facilitators and projectors"


@dataclass(frozen=True)
class ServerEvent:
    """An event the server sends: its name, who receives it and its data fields."""

    name: ClassVar[str]
    receivers: ClassVar[str]


@dataclass(frozen=True)
class ParticipantJoined(ServerEvent):
    """Someone joined and was seated; carries their public profile and table."""

    name: ClassVar[str] = "participant.joined"
    receivers: ClassVar[str] = "facilitators and projectors"
    participant: dict[str, Any]


@dataclass(frozen=True)
class ParticipantPresence(ServerEvent):
    """A participant's phone connected or went away."""

    name: ClassVar[str] = "participant.presence"
    receivers: ClassVar[str] = "facilitators and projectors"
    public_id: str
    presence: str


@dataclass(frozen=True)
class NotePosted(ServerEvent):
    """A note was stored; carries the note as every screen shows it."""

    name: ClassVar[str] = "note.posted"
    receivers: ClassVar[str] = _NOTE_TABLE_AND_STAFF
    note: dict[str, Any]


@dataclass(frozen=True)
class InsightPosted(ServerEvent):
    """A table host wrote (or rewrote) the round's key insight for their table."""

    name: ClassVar[str] = "insight.posted"
    receivers: ClassVar[str] = "the participants at that table, facilitators and projectors"
    insight: dict[str, Any]


@dataclass(frozen=True)
class NoteVoted(ServerEvent):
    """Someone at the table upvoted a note (or took the vote back); the new count."""

    name: ClassVar[str] = "note.voted"
    receivers: ClassVar[str] = _NOTE_TABLE_AND_STAFF
    id: int
    table: int
    votes: int
    voter: str
    up: bool


@dataclass(frozen=True)
class NoteHidden(ServerEvent):
    """A facilitator hid a note: it leaves every screen (facilitators keep it, greyed)."""

    name: ClassVar[str] = "note.hidden"
    receivers: ClassVar[str] = _NOTE_TABLE_AND_STAFF
    id: int
    table: int
    round_id: int


@dataclass(frozen=True)
class NoteRestored(ServerEvent):
    """A hidden note is back; carries the note as every screen shows it."""

    name: ClassVar[str] = "note.restored"
    receivers: ClassVar[str] = _NOTE_TABLE_AND_STAFF
    note: dict[str, Any]


@dataclass(frozen=True)
class AgendaUpdated(ServerEvent):
    """The facilitator moved to another phase of the agenda."""

    name: ClassVar[str] = "agenda.updated"
    receivers: ClassVar[str] = "everyone in the workshop"
    agenda: dict[str, Any]


@dataclass(frozen=True)
class ProjectorPage(ServerEvent):
    """The facilitator turns the page of the projector's screen now: `step` is 1 (next)
    or -1 (back). Sent, not stored: pages also turn by themselves."""

    name: ClassVar[str] = "projector.page"
    receivers: ClassVar[str] = "facilitators and projectors"
    step: int


@dataclass(frozen=True)
class ProjectorUpdated(ServerEvent):
    """What the projector shows (auto, join, round, wall, harvest, spotlight, vote,
    summary, coaching), whether its map names people, the harvest wall's scope ('all',
    't:<table>', 'r:<round>'), the spotlit table (phones follow the plenary) and the
    language the projector shows themes in first."""

    name: ClassVar[str] = "projector.updated"
    receivers: ClassVar[str] = "everyone in the workshop"
    view: str
    show_names: bool
    scope: str
    spotlight: int | None
    language: str


@dataclass(frozen=True)
class HarvestUpdated(ServerEvent):
    """A new harvest wall was drawn for a scope: the cloud's name (digest), themes, note
    count. Sent, not stored: it is derived from the notes."""

    name: ClassVar[str] = "harvest.updated"
    receivers: ClassVar[str] = "facilitators and projectors; everyone when the scope is 'all'"
    digest: str
    themes: list[dict[str, Any]]
    notes: int
    scope: str
    mode: str
    counts: dict[str, int]
    theme_notes: int


@dataclass(frozen=True)
class HarvestPreparing(ServerEvent):
    """The meaning of a workshop's texts is being computed (an imported archive's, say):
    how many of how many are done. Sent, not stored."""

    name: ClassVar[str] = "harvest.preparing"
    receivers: ClassVar[str] = "facilitators and projectors"
    done: int
    total: int


@dataclass(frozen=True)
class ThemeChanged(ServerEvent):
    """A facilitator renamed, merged, split off or reset the harvest's themes: the change,
    naming the notes it applies to (applied at every drawing from then on)."""

    name: ClassVar[str] = "theme.changed"
    receivers: ClassVar[str] = "facilitators and projectors"
    change: dict[str, Any]


@dataclass(frozen=True)
class PhotoPosted(ServerEvent):
    """A tablecloth photo was stored (re-encoded, without EXIF); carries its view."""

    name: ClassVar[str] = "photo.posted"
    receivers: ClassVar[str] = "the participants at the photo's table, facilitators and projectors"
    photo: dict[str, Any]


@dataclass(frozen=True)
class RoundUpdated(ServerEvent):
    """The current round changed or its timer started or ended."""

    name: ClassVar[str] = "round.updated"
    receivers: ClassVar[str] = "everyone in the workshop"
    round: dict[str, Any]


@dataclass(frozen=True)
class SeatAssigned(ServerEvent):
    """A participant's table for the current round was set (round change or move)."""

    name: ClassVar[str] = "seat.assigned"
    receivers: ClassVar[str] = "the participant concerned"
    seat: dict[str, Any] | None  # None: they left or were marked gone


@dataclass(frozen=True)
class RoundSeats(ServerEvent):
    """A new round at one new table: the seats there by public id and the table's contents."""

    name: ClassVar[str] = "round.seats"
    receivers: ClassVar[str] = "the phones of the people who sit at one table in the new round"
    round: dict[str, Any]
    seats: dict[str, dict[str, Any]]
    notes: list[dict[str, Any]]
    insight: dict[str, Any] | None
    photos: list[dict[str, Any]]
    handover: list[dict[str, Any]]  # earlier rounds' notes there; phones keep it for hosts


@dataclass(frozen=True)
class TableHostChanged(ServerEvent):
    """A table got or lost its host: the host's name, '' when unnamed, null when none."""

    name: ClassVar[str] = "table.host_changed"
    receivers: ClassVar[str] = "the participants at that table, facilitators and projectors"
    table: int
    host: str | None


@dataclass(frozen=True)
class SeatingChanged(ServerEvent):
    """The seating of the current round was replaced (after a round change)."""

    name: ClassVar[str] = "seating.changed"
    receivers: ClassVar[str] = "facilitators and projectors"
    tables: list[dict[str, Any]]


@dataclass(frozen=True)
class BallotUpdated(ServerEvent):
    """A dot-vote opened or closed: its options, dots per person, totals and voters."""

    name: ClassVar[str] = "ballot.updated"
    receivers: ClassVar[str] = "everyone in the workshop"
    ballot: dict[str, Any]


@dataclass(frozen=True)
class BallotTally(ServerEvent):
    """Someone placed or moved their dots: the open vote's new totals, for live bars."""

    name: ClassVar[str] = "ballot.tally"
    receivers: ClassVar[str] = "facilitators and projectors"
    ballot: int
    totals: dict[str, int]
    voters: int


@dataclass(frozen=True)
class BallotMine(ServerEvent):
    """Where this participant's dots are now on a vote ({option key: dots})."""

    name: ClassVar[str] = "ballot.mine"
    receivers: ClassVar[str] = "the participant concerned (all their phones)"
    ballot: int
    dots: dict[str, int]


@dataclass(frozen=True)
class CommitmentPosted(ServerEvent):
    """A participant recorded an action commitment (signed or not, with a theme or not)."""

    name: ClassVar[str] = "commitment.posted"
    receivers: ClassVar[str] = "facilitators and projectors; the author's own phones"
    commitment: dict[str, Any]


@dataclass(frozen=True)
class MessageBroadcast(ServerEvent):
    """The facilitator broadcast a short message to every screen."""

    name: ClassVar[str] = "message.broadcast"
    receivers: ClassVar[str] = "everyone in the workshop"
    text: str
    sent_at: str  # ISO 8601 UTC


@dataclass(frozen=True)
class CoachingDrawn(ServerEvent):
    """The facilitator drew a challenge card for the room (one card, `table` null) or
    dealt one per table: the cards now in play, with their area and words per language."""

    name: ClassVar[str] = "coaching.drawn"
    receivers: ClassVar[str] = "everyone in the workshop"
    draws: list[dict[str, Any]]


@dataclass(frozen=True)
class SelfScanProfile(ServerEvent):
    """Someone answered the self-scan: the room's profile in aggregate only (per area the
    number of answers and, from 3 answers on, mean, spread and counts per score; the most
    disagreed areas), never one person's answer."""

    name: ClassVar[str] = "selfscan.profile"
    receivers: ClassVar[str] = "facilitators and projectors"
    profile: dict[str, Any]


EVENT_CLASSES: tuple[type[ServerEvent], ...] = (
    ParticipantJoined,
    ParticipantPresence,
    NotePosted,
    InsightPosted,
    NoteVoted,
    NoteHidden,
    NoteRestored,
    AgendaUpdated,
    ProjectorPage,
    ProjectorUpdated,
    HarvestUpdated,
    HarvestPreparing,
    ThemeChanged,
    PhotoPosted,
    RoundUpdated,
    SeatAssigned,
    RoundSeats,
    TableHostChanged,
    SeatingChanged,
    BallotUpdated,
    BallotTally,
    BallotMine,
    CommitmentPosted,
    MessageBroadcast,
    CoachingDrawn,
    SelfScanProfile,
)

CATALOGUE: dict[str, type[ServerEvent]] = {cls.name: cls for cls in EVENT_CLASSES}


def field_names(event: type[ServerEvent]) -> tuple[str, ...]:
    """The data keys of an event, in declaration order."""
    return tuple(f.name for f in fields(event))


def description(event: type[ServerEvent]) -> str:
    """An event's docstring on one line (wrapped docstrings joined by single spaces)."""
    return " ".join((event.__doc__ or "").split())


# {event name: its field names}, worked out once: a round change checks thousands.
_FIELDS: dict[str, frozenset[str]] = {
    name: frozenset(field_names(cls)) for name, cls in CATALOGUE.items()
}
_HINTS: dict[str, dict[str, Any]] = {name: get_type_hints(cls) for name, cls in CATALOGUE.items()}


def check(name: str, data: dict[str, Any]) -> None:
    """Raise ValueError unless `data` has exactly the event's fields, each of its type."""
    expected = _FIELDS.get(name)
    if expected is None:
        raise ValueError(f"event {name!r} is not in the catalogue")
    if not isinstance(data, dict):
        raise ValueError(f"event {name!r} needs a dict of data, got {type(data).__name__}")
    if data.keys() != expected:
        missing, extra = sorted(expected - data.keys()), sorted(data.keys() - expected)
        raise ValueError(
            f"event {name!r} has fields {sorted(data)}, expected {sorted(expected)} "
            f"(missing {missing}, unexpected {extra})"
        )
    try:
        # The whole data in one conversion: a round change checks hundreds of events,
        # and this is several times faster than a conversion per field.
        msgspec.convert(data, CATALOGUE[name])
        return
    except msgspec.ValidationError:
        pass  # field by field below, to name the field that is wrong
    for key, value in data.items():
        try:
            # msgspec checks the types strictly (no bool for an int, no "3" for 3).
            msgspec.convert(value, _HINTS[name][key])
        except msgspec.ValidationError as exc:
            got = type(value).__name__
            raise ValueError(f"event {name!r} field {key!r} is wrong: got {got} ({exc})") from None
