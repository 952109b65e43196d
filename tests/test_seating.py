"""Seating changes in the domain: moves, leaving, plans applied by hand, and the invariant."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from facilitator.cafe import participants, planning, rounds, seating, workshops
from facilitator.cafe.participants import JoinRequest
from facilitator.errors import DomainError
from facilitator.organise.demo import template
from facilitator.store.db import make_engine, make_session_factory, migrate, session_scope
from facilitator.store.models import CafeTable, Participant, Seat
from facilitator.store.queries import current_round, list_tables, seating_of_round


def setup(factory, people=10, hosts=0, tables=None):
    spec = dict(template()) | ({"tables": tables} if tables else {})
    with session_scope(factory) as s:
        code = workshops.create_workshop(s, spec).join_code
        workshop = workshops.get_by_code(s, code)
        ids = []
        for i in range(people):
            request = JoinRequest("nl", display_name=f"P{i}", wants_to_host=i < hosts)
            person, _ = participants.join(s, workshop, request, 40)
            ids.append(person.public_id)
    return code, ids


def seat_numbers(factory, code):
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        numbers = {t.id: t.number for t in list_tables(s, workshop.id)}
        people = {p.id: p.public_id for p in s.scalars(select(Participant))}
        seated = seating_of_round(s, current_round(s, workshop).id)
        return {people[p]: numbers[t] for p, t in seated.items()}


def run(factory, code, action, *args):
    with session_scope(factory) as s:
        return action(s, workshops.get_by_code(s, code), *args)


def test_a_facilitator_moves_one_person_during_the_round(factory):
    code, ids = setup(factory, people=6)
    run(factory, code, rounds.start_round)
    stored = run(factory, code, seating.move, [ids[0]], 4)
    assert seat_numbers(factory, code)[ids[0]] == 4
    seat_events = [e for e in stored if e.name == "seat.assigned"]
    assert len(seat_events) == 1 and seat_events[0].data["seat"]["table"] == 4
    assert any(e.name == "seating.changed" for e in stored)


def test_a_group_moves_together(factory):
    code, ids = setup(factory, people=12)
    run(factory, code, seating.move, ids[:3], 6)
    seats = seat_numbers(factory, code)
    assert {seats[i] for i in ids[:3]} == {6}


@pytest.mark.parametrize(
    ("who", "table", "error"),
    [
        (lambda ids: ids[1:6], 2, "table_full"),  # 5 movers + 1 who stays > 5 seats
        (lambda ids: [ids[1]], 9, "unknown_table"),
        (lambda ids: ["nobody"], 2, "unknown_participant"),
        (lambda ids: [], 2, "bad_request"),
        (lambda ids: [ids[1], ids[1]], 2, "bad_request"),
        (lambda ids: [ids[0]], 3, "host_stays"),
    ],
)
def test_bad_moves_are_refused_and_change_nothing(factory, who, table, error):
    code, ids = setup(factory, people=12, hosts=1)
    before = seat_numbers(factory, code)
    with pytest.raises(DomainError, match=error):
        run(factory, code, seating.move, who(ids), table)
    assert seat_numbers(factory, code) == before


def test_someone_of_another_workshop_cannot_be_moved(factory):
    code, _ids = setup(factory, people=2)
    _other, strangers = setup(factory, people=2)
    with pytest.raises(DomainError, match="unknown_participant"):
        run(factory, code, seating.move, [strangers[0]], 2)


def test_a_leaver_frees_their_seat_and_a_host_their_table(factory):
    code, ids = setup(factory, people=7, hosts=1)
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        host = s.scalar(select(Participant).where(Participant.public_id == ids[0]))
        stored = seating.leave(s, workshop, host)
        assert s.scalar(select(CafeTable).where(CafeTable.number == 1)).host_id is None
    assert ids[0] not in seat_numbers(factory, code)
    assert [e.name for e in stored] == [
        "participant.presence",
        "seat.assigned",
        "table.host_changed",
        "seating.changed",
    ]
    assert stored[1].data == {"seat": None}
    # Later rounds plan without them.
    run(factory, code, seating.next_round, 1)
    assert ids[0] not in seat_numbers(factory, code) and len(seat_numbers(factory, code)) == 6


def test_a_previewed_plan_can_be_adjusted_by_hand_and_applied(factory):
    code, ids = setup(factory, people=12, hosts=2)
    preview = run(factory, code, planning.preview, {ids[5]: 6})
    assert preview["round"] == 2
    assert set(preview["seating"]) == set(ids)
    assert preview["seating"][ids[5]] == 6
    assert preview["seating"][ids[0]] == seat_numbers(factory, code)[ids[0]]  # host stays
    assert {"repeats", "new_encounters_mean", "new_encounters_min", "size_spread"} <= set(
        preview["score"]
    )
    proposal = dict(preview["seating"]) | {ids[7]: 5}
    run(factory, code, seating.next_round, 1, proposal)
    assert seat_numbers(factory, code) == proposal


def test_a_stale_plan_is_refused_after_someone_left_or_joined(factory):
    code, ids = setup(factory, people=8)
    proposal = run(factory, code, planning.preview, {})["seating"]
    with session_scope(factory) as s:
        leaver = s.scalar(select(Participant).where(Participant.public_id == ids[3]))
        seating.leave(s, workshops.get_by_code(s, code), leaver)
    with pytest.raises(DomainError, match="stale_plan"):
        run(factory, code, seating.next_round, 1, proposal)
    fresh = run(factory, code, planning.preview, {})["seating"]
    with session_scope(factory) as s:
        participants.join(s, workshops.get_by_code(s, code), JoinRequest("fr"), 40)
    with pytest.raises(DomainError, match="stale_plan"):
        run(factory, code, seating.next_round, 1, fresh)
    assert current_number(factory, code) == 1


def current_number(factory, code):
    with session_scope(factory) as s:
        return current_round(s, workshops.get_by_code(s, code)).number


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda ids: {ids[1]: 1, ids[2]: 1, ids[3]: 1, ids[4]: 1, ids[5]: 1}, "table_full"),
        (lambda ids: {ids[0]: 2}, "host_stays"),
        (lambda ids: {ids[1]: 42}, "unknown_table"),
    ],
)
def test_a_plan_that_breaks_the_rules_is_refused(factory, change, error):
    code, ids = setup(factory, people=12, hosts=1)
    proposal = run(factory, code, planning.preview, {})["seating"] | change(ids)
    with pytest.raises(DomainError, match=error):
        run(factory, code, seating.next_round, 1, proposal)
    assert current_number(factory, code) == 1


def test_preview_locks_must_name_present_people_and_real_tables(factory):
    code, ids = setup(factory, people=4)
    with pytest.raises(DomainError, match="stale_plan"):
        run(factory, code, planning.preview, {"ghost": 1})
    with pytest.raises(DomainError, match="unknown_table"):
        run(factory, code, planning.preview, {ids[0]: 99})


def test_the_invariant_catches_a_lost_person(factory):
    code, ids = setup(factory, people=3)
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        cafe_round = current_round(s, workshop)
        lost = s.scalar(select(Participant.id).where(Participant.public_id == ids[0]))
        s.execute(delete(Seat).where(Seat.participant_id == lost))
        with pytest.raises(seating.SeatingInvariantError):
            seating.check_seating(s, workshop, cafe_round.id)


# --- nobody lost, nobody seated twice, over any sequence of changes ---------------

CHANGES = st.lists(
    st.one_of(
        st.tuples(st.just("join"), st.booleans(), st.none()),
        st.tuples(st.just("leave"), st.integers(0, 60), st.none()),
        st.tuples(
            st.just("move"), st.lists(st.integers(0, 60), min_size=1, max_size=3), st.integers(1, 4)
        ),
        st.tuples(st.just("next"), st.none(), st.none()),
        st.tuples(st.just("apply"), st.integers(0, 60), st.integers(1, 4)),
    ),
    max_size=30,
)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seating-template") / "db.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


def _apply_change(s, workshop, change, people):
    kind, a, b = change
    if kind == "join":
        person, _ = participants.join(s, workshop, JoinRequest("en", wants_to_host=a), 40)
        people.append(person.public_id)
    elif kind == "leave" and people:
        person = s.scalar(
            select(Participant).where(Participant.public_id == people[a % len(people)])
        )
        seating.leave(s, workshop, person)
    elif kind == "move" and people:
        seating.move(s, workshop, list({people[i % len(people)] for i in a}), b)
    elif kind == "next":
        seating.next_round(s, workshop, current_round(s, workshop).number)
    elif kind == "apply" and people:
        plan = planning.preview(s, workshop, {})["seating"]
        if plan:
            plan[sorted(plan)[a % len(plan)]] = b
        seating.next_round(s, workshop, current_round(s, workshop).number, plan)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=CHANGES)
def test_nobody_is_ever_lost_or_seated_twice(tmp_path_factory, migrated, changes):
    path = tmp_path_factory.mktemp("seating") / "db.sqlite3"
    shutil.copy(migrated, path)
    engine = make_engine(f"sqlite:///{path}")
    factory = make_session_factory(engine)
    small = dict(template()) | {"tables": {"count": 4, "capacity": 4}}
    with session_scope(factory) as s:
        code = workshops.create_workshop(s, small).join_code
    people: list[str] = []
    for change in changes:
        with session_scope(factory) as s:
            workshop = workshops.get_by_code(s, code)
            try:
                with s.begin_nested():
                    _apply_change(s, workshop, change, people)
            except DomainError:
                pass  # refused cleanly: the invariant below must still hold
        with session_scope(factory) as s:
            workshop = workshops.get_by_code(s, code)
            cafe_round = current_round(s, workshop)
            seating.check_seating(s, workshop, cafe_round.id)
            sizes = Counter(seating_of_round(s, cafe_round.id).values())
            assert all(n <= 4 for n in sizes.values())
    engine.dispose()
