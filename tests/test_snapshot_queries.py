"""A phone's snapshot costs a handful of queries, whatever the size of the workshop."""

from __future__ import annotations

import uuid

from sqlalchemy import event

from facilitator.cafe import notes, participants, planning, rounds, seating, workshops
from facilitator.cafe.participants import JoinRequest
from facilitator.cafe.snapshots import participant_snapshot
from facilitator.organise.demo import template
from facilitator.store.db import make_engine, make_session_factory, migrate, session_scope
from facilitator.store.models import Participant

MAX_QUERIES = 6


def _queries_per_snapshot(tmp_path, people: int, notes_each: int) -> dict[str, int]:
    """Statements run by the snapshot of a host's phone and of a guest's phone."""
    engine = make_engine(f"sqlite:///{tmp_path}/db-{people}-{notes_each}.sqlite3")
    migrate(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        code = workshops.create_workshop(s, dict(template())).join_code
        workshop = workshops.get_by_code(s, code)
        ids = [
            participants.join(s, workshop, JoinRequest("nl", wants_to_host=i < 2), 40)[0].id
            for i in range(people)
        ]
        rounds.start_round(s, workshop)
        for round_number in (1, 2):  # notes in two rounds: the host's briefing has some
            for person_id in ids:
                person = s.get(Participant, person_id)
                table = participants.current_table(s, workshop, person)
                for _ in range(notes_each):
                    notes.post_note(s, workshop, person, str(uuid.uuid4()), "idea", table.number)
            if round_number == 1:
                seating.next_round(s, workshop, 1)
        host_table = participants.current_table(s, workshop, s.get(Participant, ids[0]))
        guest = ids[-1]
        seating.move(s, workshop, [s.get(Participant, guest).public_id], host_table.number)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    counts = {}
    for name, person_id in (("host", ids[0]), ("guest", guest)):  # the guest has a host
        with session_scope(factory) as s:
            workshop = workshops.get_by_code(s, code)
            person = s.get(Participant, person_id)
            statements.clear()
            snapshot = participant_snapshot(s, workshop, person)
            counts[name] = len(statements)
            assert len(snapshot["notes"]) >= notes_each
            assert (snapshot["handover"] is not None) == (name == "host")
            assert snapshot["seat"]["host"] is not None
    engine.dispose()
    return counts


def test_a_phones_snapshot_takes_a_handful_of_queries_whatever_the_size(tmp_path):
    small = _queries_per_snapshot(tmp_path, people=4, notes_each=1)
    large = _queries_per_snapshot(tmp_path, people=24, notes_each=6)
    assert small == large, "the number of queries grows with the workshop"
    assert max(large.values()) <= MAX_QUERIES, large


# --- a round change --------------------------------------------------------------

# Locking and reading the workshop, rounds, tables and people once, the seats, the
# stored events, every new table's contents in one; the planner adds its tables and
# the history (11 and 14 when this was written).
MAX_ROUND_CHANGE_QUERIES = 14


def _queries_per_round_change(tmp_path, people: int) -> dict[str, int]:
    """Statements run by `next_round` on a workshop of `people` at tables of 5 (notes
    at every table), with the console's previewed plan and with the planner's own."""
    engine = make_engine(f"sqlite:///{tmp_path}/round-change-{people}.sqlite3")
    migrate(engine)
    factory = make_session_factory(engine)
    spec = dict(template()) | {"tables": {"count": people // 5, "capacity": 6}}
    with session_scope(factory) as s:
        code = workshops.create_workshop(s, spec).join_code
        workshop = workshops.get_by_code(s, code)
        joined = [
            participants.join(s, workshop, JoinRequest("nl", wants_to_host=i < 2), 40)[0]
            for i in range(people)
        ]
        rounds.start_round(s, workshop)
        for person in joined:
            table = participants.current_table(s, workshop, person)
            notes.post_note(s, workshop, person, str(uuid.uuid4()), "idea", table.number)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    counts = {}
    for name, number in (("previewed plan", 1), ("planner's plan", 2)):
        with session_scope(factory) as s:
            workshop = workshops.get_by_code(s, code)
            proposal = planning.preview(s, workshop, {})["seating"] if number == 1 else None
            statements.clear()
            sent = seating.next_round(s, workshop, number, proposal)
            counts[name] = len(statements)
            seated = {
                public_id for e in sent if e.name == "round.seats" for public_id in e.data["seats"]
            }
            assert seated == {p.public_id for p in joined}, "someone got no new seat"
    engine.dispose()
    return counts


def test_a_round_change_takes_a_few_queries_whatever_the_number_of_people(tmp_path):
    small = _queries_per_round_change(tmp_path, people=10)
    large = _queries_per_round_change(tmp_path, people=60)
    assert small == large, "the number of queries grows with the people or the tables"
    assert max(large.values()) <= MAX_ROUND_CHANGE_QUERIES, large
