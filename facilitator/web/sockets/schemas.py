"""What each client-to-server event carries: one msgspec struct per event, checked on arrival.

A payload that does not fit its event's struct is refused with `bad_request` before the
handler runs: a required field missing, a value of the wrong type (`true` is not a
number, "5" is not 5), a number beyond 64 bits or below zero where a count is meant, a
list or id too long. Values the domain checks with codes of their own (a note's text and
client id, a commitment's theme, a scope, a dot allocation) are typed `Raw` and handed on
as sent, `None` when missing, so their errors stay as specific as before. Keys a struct
does not name are ignored (an older or newer phone may send more).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

import msgspec
from msgspec import Meta

from facilitator.errors import DomainError

INT64_MAX = 2**63 - 1  # what both stores keep in an integer column

Count = Annotated[int, Meta(ge=0, le=INT64_MAX)]  # sequence numbers, table numbers
Id = Annotated[int, Meta(ge=-INT64_MAX - 1, le=INT64_MAX)]  # a database row's id
# Valid Unicode only: a lone surrogate ("\ud800") cannot be stored or even encoded.
NO_SURROGATES = "^[^\ud800-\udfff]*$"
Text = Annotated[str, Meta(pattern=NO_SURROGATES)]
PublicId = Annotated[str, Meta(max_length=32, pattern=NO_SURROGATES)]  # a participant's public id
Raw = Any  # any JSON value, `None` when missing: the domain checks it with its own codes
Seating = Annotated[dict[PublicId, Id], Meta(max_length=10_000)]  # public id -> table number
Together = Annotated[
    list[Annotated[list[PublicId], Meta(min_length=2, max_length=12)]], Meta(max_length=200)
]
Apart = Annotated[
    list[Annotated[list[PublicId], Meta(min_length=2, max_length=2)]], Meta(max_length=200)
]


class Payload(msgspec.Struct, frozen=True, kw_only=True):
    """The payload of one client event; `event` names it."""

    event: ClassVar[str]


def parse(name: str, payload: dict[str, Any]) -> Any:
    """The payload of event `name` as its struct, or DomainError('bad_request')."""
    try:
        return msgspec.convert(payload, SCHEMAS[name])
    except msgspec.ValidationError:
        raise DomainError("bad_request") from None


# --- every screen ------------------------------------------------------------------


class Sync(Payload, frozen=True, kw_only=True):
    """Catch up: the highest sequence number the screen applied (0: none yet)."""

    event: ClassVar[str] = "sync"

    last_seq: Count = 0


class SpotlightView(Payload, frozen=True, kw_only=True):
    """Ask for the spotlit table's view."""

    event: ClassVar[str] = "spotlight.view"


class SummaryView(Payload, frozen=True, kw_only=True):
    """Ask for the plenary's summary."""

    event: ClassVar[str] = "summary.view"


# --- phones ------------------------------------------------------------------------


class NotePost(Payload, frozen=True, kw_only=True):
    """A note for the sender's table; `client_id` makes a resend harmless.

    `round` is the number of the round the phone wrote it in (optional): a note sent
    after a round change is then stored where it was written, or refused `round_over`.
    """

    event: ClassVar[str] = "note.post"

    client_id: Raw = None
    text: Raw = None
    table: Count
    round: Count | None = None


class InsightPost(Payload, frozen=True, kw_only=True):
    """The table host's key insight for the round (`round` as for a note)."""

    event: ClassVar[str] = "insight.post"

    client_id: Raw = None
    text: Raw = None
    table: Count
    round: Count | None = None


class NotePaper(Payload, frozen=True, kw_only=True):
    """A note written on paper, typed in for a table by the facilitator or its host.

    `language` is the note's (one of the workshop's); `client_id` as for a phone's note.
    """

    event: ClassVar[str] = "note.paper"

    client_id: Raw = None
    text: Raw = None
    table: Count
    language: Raw = None


class NoteVote(Payload, frozen=True, kw_only=True):
    """Upvote a note at one's table (`up: false` takes the vote back)."""

    event: ClassVar[str] = "note.vote"

    note: Id
    up: bool = True


class ParticipantLeave(Payload, frozen=True, kw_only=True):
    """The sender leaves the workshop."""

    event: ClassVar[str] = "participant.leave"


class ParticipantReturn(Payload, frozen=True, kw_only=True):
    """The sender, marked gone, is still here."""

    event: ClassVar[str] = "participant.return"


class BallotDots(Payload, frozen=True, kw_only=True):
    """Where the sender's dots go on a vote ({option key: dots}, checked by the ballot)."""

    event: ClassVar[str] = "ballot.dots"

    ballot: Id
    dots: Raw = None


class CommitmentPost(Payload, frozen=True, kw_only=True):
    """An action commitment: "I will ...", optionally on a theme and signed."""

    event: ClassVar[str] = "commitment.post"

    client_id: Raw = None
    text: Raw = None
    theme: Raw = None
    signed: bool = False


# --- the facilitator's console -----------------------------------------------------


class RoundStart(Payload, frozen=True, kw_only=True):
    """Start the current round's timer."""

    event: ClassVar[str] = "round.start"


class RoundPause(Payload, frozen=True, kw_only=True):
    """Pause the timer."""

    event: ClassVar[str] = "round.pause"


class RoundResume(Payload, frozen=True, kw_only=True):
    """Resume the timer."""

    event: ClassVar[str] = "round.resume"


class RoundExtend(Payload, frozen=True, kw_only=True):
    """Add seconds to the current round."""

    event: ClassVar[str] = "round.extend"

    seconds: Count


class RoundEnd(Payload, frozen=True, kw_only=True):
    """End the current round now."""

    event: ClassVar[str] = "round.end"


class RoundNext(Payload, frozen=True, kw_only=True):
    """Plan and apply the next round; `expected` is the round the sender saw."""

    event: ClassVar[str] = "round.next"

    expected: Count
    new_tables: bool | None = None  # None: on while the rounds fit the tables


class PlanPreview(Payload, frozen=True, kw_only=True):
    """Preview a plan around people placed by hand and the groups' wishes."""

    event: ClassVar[str] = "plan.preview"

    locks: Seating | None = None
    together: Together = []  # groups of 2-12 kept together
    apart: Apart = []  # pairs kept apart
    new_tables: bool | None = None  # nobody but a host returns; None: the default rule


class PlanApply(Payload, frozen=True, kw_only=True):
    """Apply a (hand-adjusted) plan as round `expected` + 1."""

    event: ClassVar[str] = "plan.apply"

    expected: Count
    seating: Seating


class SeatMove(Payload, frozen=True, kw_only=True):
    """Move people (by public id) to a table now."""

    event: ClassVar[str] = "seat.move"

    participants: Annotated[list[PublicId], Meta(max_length=100)]
    table: Count


class ParticipantRemove(Payload, frozen=True, kw_only=True):
    """Mark someone as gone."""

    event: ClassVar[str] = "participant.remove"

    participant: PublicId


class PhaseStart(Payload, frozen=True, kw_only=True):
    """Move the agenda to a phase (by id)."""

    event: ClassVar[str] = "phase.start"

    phase: Count


class NoteHide(Payload, frozen=True, kw_only=True):
    """Hide a note or photo."""

    event: ClassVar[str] = "note.hide"

    note: Id


class NoteRestore(Payload, frozen=True, kw_only=True):
    """Restore a hidden note or photo."""

    event: ClassVar[str] = "note.restore"

    note: Id


class MessageSend(Payload, frozen=True, kw_only=True):
    """Broadcast a short message."""

    event: ClassVar[str] = "message.send"

    text: Raw = None


class ProjectorShow(Payload, frozen=True, kw_only=True):
    """Choose the projector's screen and whether its map shows names."""

    event: ClassVar[str] = "projector.show"

    view: Text
    show_names: bool = True


class ProjectorTurn(Payload, frozen=True, kw_only=True):
    """Turn the projector's page now: 1 (next) or -1 (back)."""

    event: ClassVar[str] = "projector.turn"

    step: Raw = None


class HarvestScope(Payload, frozen=True, kw_only=True):
    """What the harvest wall covers ("all", "t:<table>", "r:<round>")."""

    event: ClassVar[str] = "harvest.scope"

    scope: Raw = None


class HarvestLanguage(Payload, frozen=True, kw_only=True):
    """The language the projector shows the harvest's themes in first."""

    event: ClassVar[str] = "harvest.language"

    language: Raw = None


class SpotlightSet(Payload, frozen=True, kw_only=True):
    """Spotlight a table (`null` clears it)."""

    event: ClassVar[str] = "spotlight.set"

    table: Count | None = None


class BallotOpen(Payload, frozen=True, kw_only=True):
    """Open a dot-vote with this many dots per person."""

    event: ClassVar[str] = "ballot.open"

    dots: Count


class BallotClose(Payload, frozen=True, kw_only=True):
    """Close the open vote."""

    event: ClassVar[str] = "ballot.close"


# --- the harvest's themes (facilitators): the notes a theme held name it ---------------


class ThemeNotes(Payload, frozen=True, kw_only=True):
    """The texts of a theme's notes (to pick some to split off)."""

    event: ClassVar[str] = "theme.notes"

    notes: Raw = None


class ThemeRename(Payload, frozen=True, kw_only=True):
    """Give the theme holding these notes the facilitator's title."""

    event: ClassVar[str] = "theme.rename"

    notes: Raw = None
    title: Raw = None


class ThemeMerge(Payload, frozen=True, kw_only=True):
    """Make one theme of the two holding notes `a` and notes `b`."""

    event: ClassVar[str] = "theme.merge"

    a: Raw = None
    b: Raw = None


class ThemeSplit(Payload, frozen=True, kw_only=True):
    """Take these notes out of their theme into one of their own (title optional)."""

    event: ClassVar[str] = "theme.split"

    notes: Raw = None
    title: Raw = None


class ThemeReset(Payload, frozen=True, kw_only=True):
    """Forget every change made to the themes."""

    event: ClassVar[str] = "theme.reset"


# --- the coaching phase -------------------------------------------------------------


class CoachingView(Payload, frozen=True, kw_only=True):
    """Ask for the coaching phase's state (a screen that entered the phase)."""

    event: ClassVar[str] = "coaching.view"


class SelfScanAnswer(Payload, frozen=True, kw_only=True):
    """A participant's self-scan answer for one area: a score 1-5 and an optional note;
    `client_id` makes a resend harmless. The domain checks each with its own codes."""

    event: ClassVar[str] = "selfscan.answer"

    client_id: Raw = None
    area: Raw = None
    score: Raw = None
    note: Raw = None


class CoachingDraw(Payload, frozen=True, kw_only=True):
    """Draw a card for the room, from one area (its key) or any."""

    event: ClassVar[str] = "coaching.draw"

    area: Raw = None


class CoachingDeal(Payload, frozen=True, kw_only=True):
    """Deal one card to every table."""

    event: ClassVar[str] = "coaching.deal"


class CoachingToQuestion(Payload, frozen=True, kw_only=True):
    """Make a drawn card (`draw`, its id) or an area (`area`, its key) the next round's
    question: one of the two."""

    event: ClassVar[str] = "coaching.to_question"

    draw: Id | None = None
    area: Raw = None


SCHEMAS: dict[str, type[Payload]] = {cls.event: cls for cls in Payload.__subclasses__()}
