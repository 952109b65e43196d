"""The coaching phase live, in the domain: cards drawn and dealt, the self-scan's answers
(one per person and area, a replay changing nothing), the room's profile in aggregate."""

from __future__ import annotations

import random
import uuid

import pytest
from sqlalchemy import func, select

from facilitator.cafe import coaching, workshops
from facilitator.cafe.participants import JoinRequest, join
from facilitator.cafe.snapshots import participant_snapshot, staff_snapshot
from facilitator.coaching import cards, live
from facilitator.errors import DomainError
from facilitator.organise.demo import template
from facilitator.store.db import session_scope
from facilitator.store.models import Phase, Round, SelfScanAnswer, Workshop

CONNECTION = "connection"  # an area of the shipped set


def _content():
    return cards.default_set()


# --- pure -----------------------------------------------------------------------------


def test_a_draw_takes_a_card_not_drawn_yet_while_any_is_left():
    deck = live.cards_of(_content())
    rng = random.Random(4)
    used: list[str] = []
    for _ in deck:
        card = live.draw_card(deck, used, rng)
        assert card.identity not in used
        used.append(card.identity)
    assert live.draw_card(deck, used, rng) is not None  # all drawn: any card again


def test_a_draw_from_one_area_stays_in_that_area():
    deck = live.cards_of(_content())
    for seed in range(10):
        assert live.draw_card(deck, [], random.Random(seed), CONNECTION).area_key == CONNECTION
    assert live.draw_card(deck, [], random.Random(1), "nowhere") is None


def test_every_table_gets_a_different_card_while_the_set_has_enough():
    deck = live.cards_of(_content())
    dealt = live.deal_cards(deck, list(range(1, 7)), [], random.Random(2))
    assert sorted(dealt) == [1, 2, 3, 4, 5, 6]
    assert len({c.identity for c in dealt.values()}) == 6
    small = deck[:3]
    many = live.deal_cards(small, list(range(1, 8)), [], random.Random(2))
    assert len({c.identity for c in many.values()}) == 3  # then the same cards again
    assert live.deal_cards([], [1, 2], [], random.Random(2)) == {}


def test_a_card_becomes_a_question_in_the_workshops_languages_only():
    card = live.cards_of(_content())[0]
    question = live.card_question(card, ["nl", "fr"])
    assert set(question) == {"nl", "fr"} and question["fr"] == card.text["fr"]
    area = live.area_question({"nl": "Cocreatie", "fr": "La co-création"}, ["fr", "en"])
    assert area["fr"].startswith("La co-création :")
    assert area["en"].startswith("Cocreatie:")  # no English title: the first one there is


def test_the_same_client_id_replays_and_another_one_replaces():
    stored = live.StoredAnswer("a", 3, None)
    assert live.answer_outcome(None, "a") == "new"
    assert live.answer_outcome(stored, "a") == "replay"
    assert live.answer_outcome(stored, "b") == "replace"


def test_the_room_profile_withholds_areas_below_three_answers():
    areas = live.areas_of(_content())
    answers = [(1, CONNECTION, 1), (2, CONNECTION, 5), (3, CONNECTION, 3), (1, "co_creation", 4)]
    profile = live.room_profile(answers, areas)
    by_key = {a["key"]: a for a in profile["areas"]}
    assert [a["key"] for a in profile["areas"]] == [key for key, _ in areas]
    shown = by_key[CONNECTION]
    assert (shown["shown"], shown["mean"], shown["counts"]) == (True, 3.0, [1, 0, 1, 0, 1])
    assert shown["spread"] == pytest.approx(1.63, abs=0.01)
    hidden = by_key.get("co_creation") or next(a for a in profile["areas"] if a["answers"] == 1)
    assert (hidden["shown"], hidden["mean"], hidden["spread"]) == (False, None, None)
    assert hidden["counts"] == [0, 0, 0, 0, 0]
    assert (profile["answers"], profile["people"], profile["disagreed"]) == (4, 3, [CONNECTION])


# --- stored -----------------------------------------------------------------------------


@pytest.fixture
def room(factory):
    """The demo workshop with a coaching phase made current and four people."""
    with session_scope(factory) as s:
        code = workshops.create_workshop(s, dict(template())).join_code
        workshop = workshops.get_by_code(s, code)
        phase = Phase(
            workshop_id=workshop.id,
            position=9,
            kind="coaching",
            title={"en": "Self-scan"},
            planned_minutes=20,
        )
        s.add(phase)
        s.flush()
        workshop.current_phase_id = phase.id
        s.flush()
        people = [join(s, workshop, JoinRequest(lang), 40)[0].id for lang in "nl fr en nl".split()]
    return factory, code, people


def _answer(s, code, person_id, area=CONNECTION, score=3, note=None, client_id=None):
    from facilitator.store.models import Participant

    workshop = workshops.get_by_code(s, code)
    person = s.get(Participant, person_id)
    return coaching.answer(s, workshop, person, area, score, note, client_id or str(uuid.uuid4()))


def _count(s) -> int:
    return s.scalar(select(func.count(SelfScanAnswer.id))) or 0


def test_an_answer_is_stored_and_the_staff_get_the_profile_only(room):
    factory, code, people = room
    with session_scope(factory) as s:
        result = _answer(s, code, people[0], score=4, note="  Veel buren kennen elkaar  ")
    assert result.answer["score"] == 4 and result.answer["note"] == "Veel buren kennen elkaar"
    [event] = result.events
    assert (event.name, event.audience) == ("selfscan.profile", "staff")
    profile = event.data["profile"]
    assert profile["answers"] == 1 and profile["people"] == 1
    area = next(a for a in profile["areas"] if a["key"] == CONNECTION)
    assert (area["answers"], area["shown"], area["mean"]) == (1, False, None)
    assert "Veel buren" not in str(event.data) and "4" not in str(area["counts"][3:4])


def test_a_new_answer_replaces_the_same_persons_earlier_one(room):
    factory, code, people = room
    with session_scope(factory) as s:
        _answer(s, code, people[0], score=2)
        for person in people[1:3]:
            _answer(s, code, person, score=4)
        result = _answer(s, code, people[0], score=4)
        assert _count(s) == 3
    area = next(a for a in result.events[0].data["profile"]["areas"] if a["key"] == CONNECTION)
    assert (area["answers"], area["mean"], area["spread"]) == (3, 4.0, 0.0)


def test_a_replayed_client_id_changes_nothing(room):
    factory, code, people = room
    client_id = str(uuid.uuid4())
    with session_scope(factory) as s:
        first = _answer(s, code, people[0], score=2, client_id=client_id)
        seq = workshops.get_by_code(s, code).last_seq
    with session_scope(factory) as s:
        again = _answer(s, code, people[0], score=5, client_id=client_id)
        assert (again.duplicate, again.events, again.answer) == (True, [], first.answer)
        assert workshops.get_by_code(s, code).last_seq == seq
        assert s.scalar(select(SelfScanAnswer.score)) == 2 and _count(s) == 1


def test_someone_elses_client_id_is_refused(room):
    factory, code, people = room
    client_id = str(uuid.uuid4())
    with session_scope(factory) as s:
        _answer(s, code, people[0], client_id=client_id)
        with pytest.raises(DomainError) as refused:
            _answer(s, code, people[1], client_id=client_id)
        assert refused.value.code == "answer_id_taken"
        with pytest.raises(DomainError) as other_area:
            _answer(s, code, people[0], area="co_creation", client_id=client_id)
        assert other_area.value.code == "answer_id_taken"
        assert _count(s) == 1


@pytest.mark.parametrize("score", [0, 6, "3", 3.0, True, None, -1])
def test_a_score_off_the_scale_is_refused(room, score):
    factory, code, people = room
    with session_scope(factory) as s:
        with pytest.raises(DomainError) as refused:
            _answer(s, code, people[0], score=score)
        assert refused.value.code == "bad_score" and _count(s) == 0


@pytest.mark.parametrize("area", [None, "", "nowhere", 3, "x" * 41])
def test_an_area_not_in_the_set_is_refused(room, area):
    factory, code, people = room
    with session_scope(factory) as s:
        with pytest.raises(DomainError) as refused:
            _answer(s, code, people[0], area=area)
        assert refused.value.code == "unknown_area" and _count(s) == 0


def test_a_closed_workshop_takes_no_answer_but_acknowledges_a_replay(room):
    factory, code, people = room
    client_id = str(uuid.uuid4())
    with session_scope(factory) as s:
        _answer(s, code, people[0], client_id=client_id)
        workshops.get_by_code(s, code).status = "closed"
    with session_scope(factory) as s:
        assert _answer(s, code, people[0], client_id=client_id).duplicate
        with pytest.raises(DomainError) as refused:
            _answer(s, code, people[1])
        assert refused.value.code == "workshop_closed" and _count(s) == 1


def test_cards_drawn_and_dealt_are_stored_and_sent_to_everyone(room):
    factory, code, _people = room
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        [drawn] = coaching.draw_for_room(s, workshop, CONNECTION, random.Random(1))
        assert (drawn.name, drawn.audience) == ("coaching.drawn", "all")
        [card] = drawn.data["draws"]
        assert card["table"] is None and card["area"] == CONNECTION
        assert set(card["text"]) == {"nl", "fr", "en"}
        [dealt] = coaching.deal_per_table(s, workshop, random.Random(1))
        tables = [d["table"] for d in dealt.data["draws"]]
        assert tables == [1, 2, 3, 4]  # where the four people sit, not the empty tables
        assert len({d["text"]["en"] for d in dealt.data["draws"]}) == 4
        assert coaching.current_draws(s, workshop.id) == dealt.data["draws"]
        empty = workshops.get_by_code(s, workshops.create_workshop(s, dict(template())).join_code)
        [everywhere] = coaching.deal_per_table(s, empty, random.Random(1))
        assert [d["table"] for d in everywhere.data["draws"]] == [1, 2, 3, 4, 5, 6]


def test_a_drawn_card_becomes_the_next_rounds_question(room):
    factory, code, _people = room
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        [drawn] = coaching.draw_for_room(s, workshop, None, random.Random(3))
        card = drawn.data["draws"][0]
        target, stored = coaching.to_question(s, workshop, card["id"], None)
        assert target.number == 1  # round 1 has not started: it is the next one
        assert target.question == {lang: card["text"][lang] for lang in ("nl", "fr", "en")}
        assert [e.name for e in stored] == ["round.updated"]
        s.get(Round, workshop.current_round_id).status = "running"
        target, stored = coaching.to_question(s, workshop, None, CONNECTION)
        assert target.number == 2 and stored == []  # not on a screen until round 2 starts
        assert "Connection among residents" in target.question["en"]


def test_another_workshops_card_is_unknown(room):
    factory, code, _people = room
    with session_scope(factory) as s:
        other = workshops.get_by_code(s, workshops.create_workshop(s, dict(template())).join_code)
        [drawn] = coaching.draw_for_room(s, other)
        workshop = workshops.get_by_code(s, code)
        with pytest.raises(DomainError) as refused:
            coaching.to_question(s, workshop, drawn.data["draws"][0]["id"], None)
        assert refused.value.code == "unknown_card"


def test_screens_load_the_cards_and_profile_beside_their_snapshot(room):
    factory, code, people = room
    with session_scope(factory) as s:
        for person in people[:3]:
            _answer(s, code, person, score=3)
        workshop = workshops.get_by_code(s, code)
        coaching.draw_for_room(s, workshop)
    with session_scope(factory) as s:
        from facilitator.store.models import Participant

        workshop = workshops.get_by_code(s, code)
        staff = coaching.staff_coaching(s, workshop)
        assert len(staff["areas"]) == 7 and len(staff["draws"]) == 1
        area = next(a for a in staff["profile"]["areas"] if a["key"] == CONNECTION)
        assert (area["shown"], area["mean"]) == (True, 3.0)
        phone = coaching.participant_coaching(s, workshop, s.get(Participant, people[0]))
        assert phone["mine"][CONNECTION]["score"] == 3 and "profile" not in phone
        nobody = coaching.participant_coaching(s, workshop, s.get(Participant, people[3]))
        assert nobody["mine"] == {}
        # Not in snapshots: they stay the same size in every phase (loaded on demand).
        assert "coaching" not in staff_snapshot(s, workshop, "projector")
        assert "coaching" not in participant_snapshot(s, workshop, s.get(Participant, people[0]))


def test_the_workshops_own_card_set_is_used(room):
    factory, code, people = room
    from facilitator.organise.users import create_user

    with session_scope(factory) as s:
        owner = create_user(s, "coach", "correct horse battery")
        card_set = cards.create_set(s, owner.id, cards.DEFAULT)
        content = cards.set_content(s, card_set)
        content_area = content["areas"][0]
        workshop = s.get(Workshop, workshops.get_by_code(s, code).id)
        workshop.coaching_set_id = card_set.id
        [drawn] = coaching.draw_for_room(s, workshop, content_area["key"])
        assert drawn.data["draws"][0]["text"] in [c["text"] for c in content_area["cards"]]
        assert _answer(s, code, people[0], area=content_area["key"]).answer["score"] == 3


def test_no_round_left_for_a_question_is_said(room):
    factory, code, _people = room
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        for cafe_round in s.scalars(select(Round).where(Round.workshop_id == workshop.id)):
            cafe_round.status = "ended"
        with pytest.raises(DomainError) as refused:
            coaching.to_question(s, workshop, None, CONNECTION)
        assert refused.value.code == "no_round_for_question"


# SQLite has one writer at a time by design: seven threads would only wait on its file
# lock. The race is PostgreSQL's, so this runs there only (no skip for CI to refuse).
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_answers_at_the_same_moment_count_each_person_once(room):
    """Two tabs of one person and five other people answer at once (PostgreSQL): one row
    per person and area, and the last profile recorded counts every answer."""
    import threading

    from facilitator.store.models import Participant

    factory, code, people = room
    assert factory.kw["bind"].dialect.name == "postgresql"
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        extra = [join(s, workshop, JoinRequest("nl"), 40)[0].id for _ in range(2)]
    senders = [people[0], people[0], *people[1:], *extra]
    barrier = threading.Barrier(len(senders))
    results, errors = [], []

    def send(person_id: int, value: int) -> None:
        try:
            barrier.wait()
            with session_scope(factory) as s:
                workshop = workshops.get_by_code(s, code)
                person = s.get(Participant, person_id)
                results.append(
                    coaching.answer(s, workshop, person, CONNECTION, value, None, str(uuid.uuid4()))
                )
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(p, 1 + i % 5)) for i, p in enumerate(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    with session_scope(factory) as s:
        assert _count(s) == len(set(senders)) == 6
        final = coaching.room_profile(s, workshops.get_by_code(s, code))
    counted = [r.events[0].data["profile"]["answers"] for r in results if r.events]
    assert max(counted) == final["answers"] == 6


def _made_at(ms: int) -> str:
    """A time-ordered id (UUID version 7) made at `ms`, as the phone's self-scan makes them."""
    return str(uuid.UUID(int=(ms << 80) | (0x7 << 76) | (0x8 << 60) | 0x1234))


def test_an_answer_made_before_the_stored_one_does_not_replace_it():
    assert live.written_at(_made_at(1_700_000_000_000)) == 1_700_000_000_000
    assert live.written_at(str(uuid.uuid4())) is None
    newer = live.StoredAnswer(_made_at(2_000), 4, None)
    assert live.answer_outcome(newer, _made_at(1_000)) == "stale"
    assert live.answer_outcome(newer, _made_at(3_000)) == "replace"
    assert live.answer_outcome(newer, str(uuid.uuid4())) == "replace"  # no time to compare


def test_a_late_older_answer_leaves_the_newer_one(room):
    factory, code, people = room
    with session_scope(factory) as s:
        _answer(s, code, people[0], score=5, client_id=_made_at(2_000))
        seq = workshops.get_by_code(s, code).last_seq
        late = _answer(s, code, people[0], score=1, client_id=_made_at(1_000))
        assert (late.duplicate, late.events, late.answer["score"]) == (True, [], 5)
        assert workshops.get_by_code(s, code).last_seq == seq
        assert s.scalar(select(SelfScanAnswer.score)) == 5
