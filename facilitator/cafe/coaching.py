"""The coaching phase live: cards drawn for the room or dealt per table, the self-scan's
answers and the room's profile, a card or an area made into a café round's question.

The choices and aggregates are pure (`facilitator/coaching/live.py`); here they are
stored and their events recorded. Self-scan answers are pseudonymous: the events carry
the room's profile only (`selfscan.profile`, in aggregate), never one person's answer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from facilitator.cafe.guards import require_not_closed
from facilitator.cafe.views import round_view
from facilitator.coaching import cards, live, selfscan
from facilitator.errors import DomainError
from facilitator.store import events
from facilitator.store.events import StoredEvent
from facilitator.store.models import (
    CafeTable,
    CoachingDraw,
    CoachingSet,
    Participant,
    Round,
    SelfScanAnswer,
    Workshop,
    utcnow,
)
from facilitator.store.queries import current_round, list_tables, seating_of_round

PHASE_KIND = "coaching"
AREA_KEY_MAX = 40  # the column's length


# --- the workshop's card set ----------------------------------------------------------


def set_content(session: Session, workshop: Workshop) -> dict[str, Any]:
    """The workshop's card set as plain data: its own, else the shipped default."""
    if workshop.coaching_set_id is not None:
        chosen = session.get(CoachingSet, workshop.coaching_set_id)
        if chosen is not None:
            return cards.set_content(session, chosen)
    return cards.default_set()


def _area_title(content: dict[str, Any], area_key: object) -> tuple[str, dict[str, str]]:
    """The key and title of one of the set's areas, or `unknown_area`."""
    if not isinstance(area_key, str) or not area_key or len(area_key) > AREA_KEY_MAX:
        raise DomainError("unknown_area")
    for key, title in live.areas_of(content):
        if key == area_key:
            return key, title
    raise DomainError("unknown_area")


# --- cards ------------------------------------------------------------------------------


def draw_view(draw: CoachingDraw, table_number: int | None) -> dict[str, Any]:
    """A drawn card as every screen shows it (`table` None: the whole room's card)."""
    return {
        "id": draw.id,
        "table": table_number,
        "area": draw.area_key,
        "area_title": dict(draw.area_title),
        "kind": draw.kind,
        "text": dict(draw.text),
        "drawn_at": draw.drawn_at.isoformat(),
    }


def current_draws(session: Session, workshop_id: int) -> list[dict[str, Any]]:
    """The cards of the latest draw or deal (all rows stored at that moment)."""
    rows = list(
        session.execute(
            select(CoachingDraw, CafeTable.number)
            .outerjoin(CafeTable, CafeTable.id == CoachingDraw.table_id)
            .where(CoachingDraw.workshop_id == workshop_id)
            .order_by(CoachingDraw.id.desc())
        )
    )
    if not rows:
        return []
    latest = rows[0][0].drawn_at
    batch = [(draw, number) for draw, number in rows if draw.drawn_at == latest]
    batch.sort(key=lambda row: (row[1] or 0, row[0].id))
    return [draw_view(draw, number) for draw, number in batch]


def _used(session: Session, workshop_id: int) -> list[str]:
    """The identities of every card drawn or dealt in this workshop so far."""
    query = select(CoachingDraw.area_key, CoachingDraw.kind, CoachingDraw.text).where(
        CoachingDraw.workshop_id == workshop_id
    )
    return [live.card_identity(key, kind, text) for key, kind, text in session.execute(query)]


def _store_draws(
    session: Session, workshop: Workshop, dealt: list[tuple[CafeTable | None, live.Card]]
) -> list[StoredEvent]:
    moment = utcnow()  # one moment for a whole deal: it is what "current" groups by
    rows = []
    for table, card in dealt:
        row = CoachingDraw(
            workshop_id=workshop.id,
            card_id=card.card_id,
            table_id=table.id if table is not None else None,
            area_key=card.area_key,
            area_title=dict(card.area_title),
            kind=card.kind,
            text=dict(card.text),
            drawn_at=moment,
        )
        session.add(row)
        rows.append((row, table.number if table is not None else None))
    session.flush()
    data = {"draws": [draw_view(row, number) for row, number in rows]}
    return [events.record(session, workshop.id, "coaching.drawn", events.ALL, data)]


def draw_for_room(
    session: Session,
    workshop: Workshop,
    area_key: object = None,
    rng: random.Random | None = None,
) -> list[StoredEvent]:
    """Draw one card for the whole room (of one area when `area_key` is given)."""
    require_not_closed(workshop)
    content = set_content(session, workshop)
    key = None if area_key is None else _area_title(content, area_key)[0]
    card = live.draw_card(
        live.cards_of(content), _used(session, workshop.id), rng or random.Random(), key
    )
    if card is None:
        raise DomainError("no_cards")
    return _store_draws(session, workshop, [(None, card)])


def deal_per_table(
    session: Session, workshop: Workshop, rng: random.Random | None = None
) -> list[StoredEvent]:
    """Deal one card to every table where someone sits now (every table when nobody
    does yet): different cards while the set has enough."""
    require_not_closed(workshop)
    tables = list_tables(session, workshop.id)
    now = current_round(session, workshop)
    seated = set(seating_of_round(session, now.id).values()) if now is not None else set()
    tables = [t for t in tables if t.id in seated] or tables
    content = set_content(session, workshop)
    dealt = live.deal_cards(
        live.cards_of(content),
        [t.number for t in tables],
        _used(session, workshop.id),
        rng or random.Random(),
    )
    if not dealt:
        raise DomainError("no_cards")
    by_number = {t.number: t for t in tables}
    return _store_draws(session, workshop, [(by_number[n], card) for n, card in dealt.items()])


# --- the next round's question ----------------------------------------------------------


def next_round(session: Session, workshop: Workshop) -> Round:
    """The round a new question goes to: the current one while it has not started, else
    the first pending round after it (`no_round_for_question` when none is left)."""
    now = current_round(session, workshop)
    if now is not None and now.status == "pending":
        return now
    after = now.number if now is not None else 0
    found = session.scalar(
        select(Round)
        .where(Round.workshop_id == workshop.id, Round.number > after, Round.status == "pending")
        .order_by(Round.number)
    )
    if found is None:
        raise DomainError("no_round_for_question")
    return found


def to_question(
    session: Session, workshop: Workshop, draw_id: int | None, area_key: object
) -> tuple[Round, list[StoredEvent]]:
    """Make a drawn card (`draw_id`) or an area (`area_key`) the next round's question.

    Exactly one of the two. A card of another workshop is `unknown_card`."""
    require_not_closed(workshop)
    if (draw_id is None) == (area_key is None):
        raise DomainError("bad_request")
    languages = workshop.languages.split(",")
    if draw_id is not None:
        draw = session.get(CoachingDraw, draw_id)
        if draw is None or draw.workshop_id != workshop.id:
            raise DomainError("unknown_card")
        card = live.Card(draw.card_id, draw.area_key, draw.area_title, draw.kind, draw.text)
        question = live.card_question(card, languages)
    else:
        _key, title = _area_title(set_content(session, workshop), area_key)
        question = live.area_question(title, languages)
    if not question:
        raise DomainError("unknown_card")
    target = next_round(session, workshop)
    target.question = question
    session.flush()
    if target.id != workshop.current_round_id:
        return target, []  # not on any screen yet: the round shows it when it comes
    data = {"round": round_view(target)}
    return target, [events.record(session, workshop.id, "round.updated", events.ALL, data)]


# --- the self-scan -------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerResult:
    """An answer as the phone keeps it; `duplicate` when this id was stored before."""

    answer: dict[str, Any]
    duplicate: bool
    events: list[StoredEvent]


def answer_view(row: SelfScanAnswer) -> dict[str, Any]:
    """One person's answer, for their own phone only."""
    return {"area": row.area_key, "score": row.score, "note": row.note, "client_id": row.client_id}


def _mine(
    session: Session, workshop_id: int, person_id: int, area_key: str
) -> SelfScanAnswer | None:
    return session.scalar(
        select(SelfScanAnswer).where(
            SelfScanAnswer.workshop_id == workshop_id,
            SelfScanAnswer.participant_id == person_id,
            SelfScanAnswer.area_key == area_key,
        )
    )


def _stored(row: SelfScanAnswer | None) -> live.StoredAnswer | None:
    return None if row is None else live.StoredAnswer(row.client_id, row.score, row.note)


def answer(
    session: Session,
    workshop: Workshop,
    person: Participant,
    area_key: object,
    score: object,
    note: object,
    client_id: str,
) -> AnswerResult:
    """Store this person's score (1-5) and optional note for one area of the set.

    A later answer for the same area replaces the earlier one (each person counts once);
    the same client id again changes nothing and gets the stored answer back; another
    person's id (or one of another area) is `answer_id_taken`. Records the room's new
    profile for the staff."""
    content = set_content(session, workshop)
    key, title = _area_title(content, area_key)
    checked_score = selfscan.checked_score(score)
    checked_note = selfscan.checked_note(note)
    taken = session.scalar(
        select(SelfScanAnswer).where(
            SelfScanAnswer.workshop_id == workshop.id, SelfScanAnswer.client_id == client_id
        )
    )
    if taken is not None and (taken.participant_id != person.id or taken.area_key != key):
        raise DomainError("answer_id_taken")
    mine = _mine(session, workshop.id, person.id, key)
    outcome = live.answer_outcome(_stored(mine), client_id)
    if outcome in ("replay", "stale"):  # a stale one: the newer stored answer stands
        assert mine is not None
        return AnswerResult(answer_view(mine), True, [])
    require_not_closed(workshop)
    # Serialise the workshop's writers first, so the profile below counts every answer
    # committed before this one (PostgreSQL; SQLite has one writer anyway).
    session.refresh(workshop, with_for_update=True)
    mine = _mine(session, workshop.id, person.id, key)  # another tab may have answered first
    if mine is None:
        mine = SelfScanAnswer(
            workshop_id=workshop.id,
            participant_id=person.id,
            area_key=key,
            area_title=title,
            score=checked_score,
            note=checked_note,
            client_id=client_id,
        )
        try:
            with session.begin_nested():
                session.add(mine)
        except IntegrityError:  # a second tab answered the same area at the same moment
            mine = _mine(session, workshop.id, person.id, key)
            if mine is None:
                raise
            if mine.client_id == client_id:
                return AnswerResult(answer_view(mine), True, [])
    if live.answer_outcome(_stored(mine), client_id) == "stale":
        return AnswerResult(answer_view(mine), True, [])  # a newer one won the race
    if mine.client_id != client_id:
        mine.score, mine.note, mine.client_id = checked_score, checked_note, client_id
        mine.area_title, mine.answered_at = title, utcnow()
    session.flush()
    data = {"profile": room_profile(session, workshop, content)}
    stored = events.record(session, workshop.id, "selfscan.profile", events.STAFF, data)
    return AnswerResult(answer_view(mine), False, [stored])


def room_profile(
    session: Session, workshop: Workshop, content: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The room's self-scan profile in aggregate (`coaching.live.room_profile`)."""
    content = content if content is not None else set_content(session, workshop)
    rows = list(
        session.execute(
            select(
                SelfScanAnswer.participant_id,
                SelfScanAnswer.area_key,
                SelfScanAnswer.score,
                SelfScanAnswer.area_title,
            ).where(SelfScanAnswer.workshop_id == workshop.id)
        )
    )
    extra = {key: title for _p, key, _s, title in rows}
    triples = [(person, key, score) for person, key, score, _t in rows]
    return live.room_profile(triples, live.areas_of(content), extra)


def my_answers(session: Session, workshop_id: int, person_id: int) -> dict[str, dict[str, Any]]:
    """This person's own answers by area key (their phone shows what it saved)."""
    query = select(SelfScanAnswer).where(
        SelfScanAnswer.workshop_id == workshop_id, SelfScanAnswer.participant_id == person_id
    )
    return {row.area_key: answer_view(row) for row in session.scalars(query)}


# --- what screens hold ------------------------------------------------------------------


def _areas(content: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"key": key, "title": title} for key, title in live.areas_of(content)]


def in_coaching_phase(agenda: dict[str, Any]) -> bool:
    """Whether the agenda's current item (as `agenda.agenda_view` has it) is a coaching
    phase: only then do snapshots carry the coaching state (phones load it otherwise)."""
    current = agenda["current"]
    return any(p["id"] == current and p["kind"] == PHASE_KIND for p in agenda["phases"])


def staff_coaching(session: Session, workshop: Workshop) -> dict[str, Any]:
    """The coaching phase as the console and projector hold it."""
    content = set_content(session, workshop)
    return {
        "areas": _areas(content),
        "draws": current_draws(session, workshop.id),
        "profile": room_profile(session, workshop, content),
    }


def participant_coaching(
    session: Session, workshop: Workshop, person: Participant
) -> dict[str, Any]:
    """The coaching phase as a phone holds it: the areas, the cards, its own answers."""
    return {
        "areas": _areas(set_content(session, workshop)),
        "draws": current_draws(session, workshop.id),
        "mine": my_answers(session, workshop.id, person.id),
    }
