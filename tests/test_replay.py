"""Reconnecting: a snapshot plus the events after it must equal a fresh snapshot."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator import events, notes, participants, workshops
from facilitator.db import make_engine, make_session_factory, migrate, session_scope
from facilitator.demo import template
from facilitator.errors import DomainError
from facilitator.models import Participant
from facilitator.participants import JoinRequest
from facilitator.snapshots import apply_event, participant_snapshot, staff_snapshot

ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("join"), st.booleans(), st.sampled_from(["nl", "fr", "en"])),
        st.tuples(st.just("post"), st.integers(0, 50), st.booleans()),
        st.tuples(st.just("start"), st.none(), st.none()),
        st.tuples(st.just("end"), st.none(), st.none()),
        st.tuples(st.just("next"), st.none(), st.none()),
        st.tuples(
            st.just("message"), st.text(min_size=1, max_size=20).filter(str.strip), st.none()
        ),
        st.tuples(st.just("presence"), st.integers(0, 50), st.booleans()),
        st.tuples(st.just("snapshot"), st.integers(0, 50), st.none()),
    ),
    min_size=1,
    max_size=40,
)


def _without_clock(state):
    return {k: v for k, v in state.items() if k != "server_time"}


def _run(session, workshop, action, people):
    kind, a, b = action
    if kind == "join":
        person, _ = participants.join(session, workshop, JoinRequest(b, wants_to_host=a), 40)
        people.append(person.id)
    elif kind == "post" and people:
        author = session.get(Participant, people[a % len(people)])
        table = participants.current_table(session, workshop, author)
        if table is not None:
            notes.post_note(session, workshop, author, str(uuid.uuid4()), "note", table.number)
    elif kind == "start":
        workshops.start_round(session, workshop)
    elif kind == "end":
        workshops.end_round(session, workshop)
    elif kind == "next":
        current = workshops.current_round(session, workshop)
        workshops.next_round(session, workshop, current.number)
    elif kind == "message":
        workshops.broadcast_message(session, workshop, a)
    elif kind == "presence" and people:
        person = session.get(Participant, people[a % len(people)])
        participants.set_presence(session, workshop, person, "connected" if b else "away")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS, watcher_index=st.integers(0, 50))
def test_snapshot_plus_replayed_events_equals_a_fresh_snapshot(
    tmp_path_factory, actions, watcher_index
):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('replay')}/db.sqlite3")
    migrate(engine)
    factory = make_session_factory(engine)
    people: list[int] = []
    with session_scope(factory) as s:
        code = workshops.create_workshop(s, dict(template())).join_code
        workshop = workshops.get_by_code(s, code)
        person, _ = participants.join(s, workshop, JoinRequest("fr"), 40)
        people.append(person.id)
    watcher = people[0]
    staff_state = None
    mine = None
    for action in actions:
        with session_scope(factory) as s:
            workshop = workshops.get_by_code(s, code)
            if action[0] == "snapshot" or staff_state is None:
                staff_state = staff_snapshot(s, workshop)
                mine = participant_snapshot(s, workshop, s.get(Participant, watcher))
                continue
            try:
                with s.begin_nested():
                    _run(s, workshop, action, people)
            except DomainError:
                pass
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        # Staff: every non-personal event since their snapshot.
        replay = events.events_since(s, workshop.id, staff_state["seq"], None, limit=10_000)
        for e in replay:
            staff_state = apply_event(staff_state, e.name, e.seq, e.data)
        staff_state["seq"] = workshop.last_seq
        assert _without_clock(staff_state) == _without_clock(staff_snapshot(s, workshop))

        # A participant: the events of their audiences, unless their seat changed.
        me = s.get(Participant, watcher)
        table = participants.current_table(s, workshop, me)
        audiences = events.visible_audiences(me.id, table.id if table else None)
        replay = events.events_since(s, workshop.id, mine["seq"], audiences, limit=10_000)
        if any(e.name == "seat.assigned" for e in replay):
            return  # the server answers with a fresh snapshot then (see realtime.on_sync)
        for e in replay:
            mine = apply_event(mine, e.name, e.seq, e.data)
        mine["seq"] = workshop.last_seq
        assert _without_clock(mine) == _without_clock(participant_snapshot(s, workshop, me))
    engine.dispose()


def test_a_host_arriving_at_my_table_reaches_me_by_replay_too(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/db.sqlite3")
    migrate(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        code = workshops.create_workshop(s, dict(template())).join_code
        workshop = workshops.get_by_code(s, code)
        me, _ = participants.join(s, workshop, JoinRequest("nl"), 40)
        for _ in range(5):  # one at every other table, so the host comes to mine
            participants.join(s, workshop, JoinRequest("en"), 40)
        before = participant_snapshot(s, workshop, me)
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        host, _ = participants.join(
            s, workshop, JoinRequest("fr", display_name="Els", wants_to_host=True), 40
        )
        me = s.get(Participant, me.id)
        table = participants.current_table(s, workshop, me)
        assert participants.current_table(s, workshop, host).id == table.id
        replay = events.events_since(
            s, workshop.id, before["seq"], events.visible_audiences(me.id, table.id), 100
        )
        state = before
        for e in replay:
            state = apply_event(state, e.name, e.seq, e.data)
        state["seq"] = workshop.last_seq
        fresh = participant_snapshot(s, workshop, me)
        assert fresh["seat"]["host"] == "Els"
        assert _without_clock(state) == _without_clock(fresh)
    engine.dispose()
