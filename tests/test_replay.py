"""Reconnecting: a snapshot plus the events after it must equal a fresh snapshot."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from facilitator.cafe import agenda, notes, participants, rounds, seating, workshops
from facilitator.cafe.participants import JoinRequest
from facilitator.cafe.snapshots import participant_snapshot, staff_snapshot
from facilitator.errors import DomainError
from facilitator.organise.demo import template
from facilitator.store import events
from facilitator.store.db import make_engine, make_session_factory, migrate, session_scope
from facilitator.store.models import Contribution, Participant, Round
from facilitator.store.queries import current_round, table_of
from tests.js_reducer import apply_event, apply_events, catch_up

TIMER_ACTIONS = {
    "start": rounds.start_round,
    "pause": rounds.pause_round,
    "resume": rounds.resume_round,
    "end": rounds.end_round,
}
ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("join"), st.booleans(), st.sampled_from(["nl", "fr", "en"])),
        st.tuples(st.just("post"), st.integers(0, 50), st.booleans()),
        st.tuples(st.just("late"), st.integers(0, 50), st.sampled_from(["note", "insight"])),
        st.tuples(
            st.sampled_from(["start", "pause", "resume", "end", "next"]), st.none(), st.none()
        ),
        st.tuples(st.just("extend"), st.sampled_from([60, 300]), st.none()),
        st.tuples(
            st.just("message"), st.text(min_size=1, max_size=20).filter(str.strip), st.none()
        ),
        st.tuples(st.just("presence"), st.integers(0, 50), st.booleans()),
        st.tuples(st.just("move"), st.integers(0, 50), st.integers(1, 6)),
        st.tuples(st.just("leave"), st.integers(1, 50), st.none()),
        st.tuples(st.sampled_from(["hide", "restore"]), st.integers(0, 50), st.none()),
        st.tuples(
            st.just("vote"), st.integers(0, 50), st.tuples(st.integers(0, 50), st.booleans())
        ),
        st.tuples(st.just("phase"), st.integers(0, 4), st.none()),
        st.tuples(st.just("projector"), st.sampled_from(["join", "round", "wall"]), st.booleans()),
        st.tuples(st.just("snapshot"), st.none(), st.none()),
    ),
    min_size=1,
    max_size=40,
)


def _without_clock(state):
    return {k: v for k, v in state.items() if k != "server_time"}


def _person(session, people, index):
    return session.get(Participant, people[index % len(people)])


def _run(session, workshop, action, people):
    kind, a, b = action
    if kind == "join":
        person, _ = participants.join(session, workshop, JoinRequest(b, wants_to_host=a), 40)
        people.append(person.id)
    elif kind == "post":
        author = _person(session, people, a)
        table = participants.current_table(session, workshop, author)
        if table is not None:
            notes.post_note(session, workshop, author, str(uuid.uuid4()), "note", table.number)
    elif kind == "late":
        _post_late(session, workshop, _person(session, people, a), b)
    elif kind in TIMER_ACTIONS:
        TIMER_ACTIONS[kind](session, workshop)
    elif kind == "extend":
        rounds.extend_round(session, workshop, a)
    elif kind == "next":
        return seating.next_round(session, workshop, current_round(session, workshop).number)
    elif kind == "message":
        workshops.broadcast_message(session, workshop, a)
    elif kind == "presence":
        person = _person(session, people, a)
        if person.presence != "left":
            participants.set_presence(session, workshop, person, "connected" if b else "away")
    elif kind == "move":
        seating.move(session, workshop, [_person(session, people, a).public_id], b)
    elif kind == "leave" and len(people) > 1:  # the watcher, people[0], stays
        seating.leave(
            session, workshop, session.get(Participant, people[1 + a % (len(people) - 1)])
        )
    elif kind in ("hide", "restore"):
        ids = session.scalars(select(Contribution.id).order_by(Contribution.id)).all()
        if ids:
            act = notes.hide_note if kind == "hide" else notes.restore_note
            act(session, workshop, ids[a % len(ids)])
    elif kind == "vote":
        ids = session.scalars(select(Contribution.id).order_by(Contribution.id)).all()
        if ids:
            voter_index, up = b
            voter = _person(session, people, voter_index)
            notes.vote(session, workshop, voter, ids[a % len(ids)], up)
    elif kind == "insight":
        author = _person(session, people, a)
        table = participants.current_table(session, workshop, author)
        if table is not None:
            text = "key insight"
            notes.post_note(
                session, workshop, author, str(uuid.uuid4()), text, table.number, "insight"
            )
    elif kind == "phase":
        phase_ids = [p.id for p in agenda.list_phases(session, workshop.id)]
        agenda.start_phase(session, workshop, phase_ids[a])
    elif kind == "projector":
        workshops.set_projector(session, workshop, a, b)


def _post_late(session, workshop, author, kind="note"):
    """A note (or insight) written offline in the round before this one, sent now: the
    server stores it at its own round and table, and screens must keep it out of this
    round's notes (a host's briefing holds it)."""
    now = current_round(session, workshop)
    if now is None or now.number == 1:
        return None
    earlier = session.scalar(
        select(Round).where(Round.workshop_id == workshop.id, Round.number == now.number - 1)
    )
    table = table_of(session, earlier.id, author.id)
    if table is None:
        return None
    client_id, text = str(uuid.uuid4()), f"late {kind}"
    return notes.post_note(
        session, workshop, author, client_id, text, table.number, kind, written_in=earlier.number
    )


def _catch_up(state, replay, last_seq):
    """What a phone's `sync` does with replayed events (the browser's reducer, in Node)."""
    state = apply_events(state, replay)
    state["seq"] = last_seq
    return state


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS)
# Found by hypothesis: a phone's own vote on a note the facilitator then hid (the fresh
# snapshot forgot it, the replay kept it).
@example(
    actions=[
        ("start", None, None),
        ("post", 0, True),
        ("projector", "join", True),
        ("snapshot", None, None),
        ("vote", 24, (13, True)),
        ("join", False, "nl"),
        ("start", None, None),
        ("snapshot", None, None),
        ("join", False, "nl"),
        ("hide", 0, None),
    ]
)
# A round change after the snapshot: the phone applies its seat message (its new table's
# contents), then the events after it; a late note then reaches the briefing.
@example(
    actions=[
        ("join", True, "nl"),
        ("join", False, "en"),
        ("start", None, None),
        ("post", 0, True),
        ("snapshot", None, None),
        ("post", 1, True),
        ("message", "pause", None),
        ("next", None, None),
        ("late", 2, "note"),
        ("post", 0, True),
        ("vote", 0, (0, True)),
    ]
)
def test_snapshot_plus_replayed_events_equals_a_fresh_snapshot(tmp_path_factory, actions):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('replay')}/db.sqlite3")
    migrate(engine)
    factory = make_session_factory(engine)
    people: list[int] = []
    with session_scope(factory) as s:
        code = workshops.create_workshop(s, dict(template())).join_code
        workshop = workshops.get_by_code(s, code)
        person, _ = participants.join(s, workshop, JoinRequest("fr"), 40)
        people.append(person.id)
    watcher = people[0]  # never leaves: "leave" picks from index 1 on
    states = None
    seats_sent = []  # the round changes' seat messages to the watcher (sent, not stored)
    for action in actions:
        with session_scope(factory) as s:
            workshop = workshops.get_by_code(s, code)
            if action[0] == "snapshot" or states is None:
                me = s.get(Participant, watcher)
                states = {
                    "facilitator": staff_snapshot(s, workshop, "facilitator"),
                    "projector": staff_snapshot(s, workshop, "projector"),
                    "participant": participant_snapshot(s, workshop, me),
                }
                continue
            try:
                with s.begin_nested():
                    sent = _run(s, workshop, action, people) or []
            except DomainError:
                sent = []
            public_id = s.get(Participant, watcher).public_id
            seats_sent += [
                e for e in sent if e.name == "round.seats" and public_id in e.data["seats"]
            ]
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        for role in ("facilitator", "projector"):
            replay = events.events_since(s, workshop.id, states[role]["seq"], None, limit=10_000)
            caught_up = _catch_up(states[role], replay, workshop.last_seq)
            assert _without_clock(caught_up) == _without_clock(staff_snapshot(s, workshop, role))

        me = s.get(Participant, watcher)
        table = participants.current_table(s, workshop, me)
        audiences = events.visible_audiences(me.id, table.id if table else None)
        mine = states["participant"]
        replay = events.events_since(s, workshop.id, mine["seq"], audiences, limit=10_000)
        changes = events.events_since(s, workshop.id, mine["seq"], None, limit=10_000)
        moved = [e.seq for e in changes if e.name == "seating.changed"]
        sent = {e.seq: e for e in seats_sent if e.seq > mine["seq"]}
        if moved and moved[-1] not in sent:
            return  # a move: the server answers with a fresh snapshot (web.sockets.core.on_sync)
        if moved:
            # The last seat change was a round change: its seat message (the new table
            # with its contents) replaces what the phone held of its table.
            last = sent[moved[-1]]
            before = [e for e in replay if e.seq < last.seq]
            replay = [*before, last, *(e for e in replay if e.seq > last.seq)]
        caught_up = _catch_up(mine, replay, workshop.last_seq)
        assert _without_clock(caught_up) == _without_clock(participant_snapshot(s, workshop, me))
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
        state = apply_events(before, replay)
        state["seq"] = workshop.last_seq
        fresh = participant_snapshot(s, workshop, me)
        assert fresh["seat"]["host"] == "Els"
        assert _without_clock(state) == _without_clock(fresh)
    engine.dispose()


# --- a sync's answer and the live events that arrive while it is on its way ----------


def _note(note_id, seq_table=2, round_id=7):
    return {
        "id": note_id,
        "client_id": f"00000000-0000-4000-8000-{note_id:012d}",
        "text": f"note {note_id}",
        "author": None,
        "table": seq_table,
        "round_id": round_id,
        "created_at": "2025-01-01T10:00:00+00:00",
        "hidden": False,
        "votes": 0,
        "kind": "note",
    }


def _phone_at_table_2(seq, notes, message):
    return {
        "seq": seq,
        "round": {"id": 7, "number": 1, "status": "running"},
        "seat": {"round": 1, "table": 2, "table_name": "2", "host": None},
        "notes": notes,
        "my_votes": [],
        "insight": None,
        "handover": None,
        "photos": [],
        "message": message,
        "me": {"public_id": "p1", "language": "nl", "is_host": False, "left": False},
    }


def test_a_snapshot_at_10_arriving_after_live_events_11_and_12_keeps_them():
    """Live events newer than the snapshot that answers a sync are applied after it, in
    order; ones it covers (at or below 10) are not applied twice. Dropping 11 and 12 was
    how a note vanished from a phone with two workers."""
    before = _phone_at_table_2(8, [], None)
    snapshot = _phone_at_table_2(10, [_note(1)], "later")
    arrived = [
        {"name": "message.broadcast", "seq": 12, "data": {"text": "newest"}},
        {"name": "note.posted", "seq": 11, "data": {"note": _note(2)}},
        {"name": "message.broadcast", "seq": 9, "data": {"text": "earlier"}},  # covered
        {"name": "note.posted", "seq": 10, "data": {"note": _note(1)}},  # covered
    ]
    state = catch_up(before, {"ok": True, "snapshot": snapshot}, arrived)
    assert [n["id"] for n in state["notes"]] == [1, 2]
    assert state["message"] == "newest"  # 12 after 11, 9 not at all
    assert state["seq"] == 12
    # Nothing newer than the snapshot: the snapshot as it came.
    assert catch_up(before, {"ok": True, "snapshot": snapshot}, arrived[2:]) == snapshot


def test_live_events_during_a_sync_equal_a_fresh_snapshot(tmp_path):
    """On the domain's own events: the phone's snapshot, answered late, and two notes its
    table posted meanwhile (live) give what a fresh snapshot holds; for a staff screen
    catching up by replay, a live event the replay also carried counts once."""
    engine = make_engine(f"sqlite:///{tmp_path}/db.sqlite3")
    migrate(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        code = workshops.create_workshop(s, dict(template())).join_code
        workshop = workshops.get_by_code(s, code)
        me, _ = participants.join(s, workshop, JoinRequest("nl"), 40)
        rounds.start_round(s, workshop)
        table = participants.current_table(s, workshop, me)
        notes.post_note(s, workshop, me, str(uuid.uuid4()), "before", table.number)
        phone_before = participant_snapshot(s, workshop, me)
        staff_before = staff_snapshot(s, workshop, "facilitator")
        snapshot = participant_snapshot(s, workshop, me)  # taken, then slow on the wire
        first = s.scalars(select(Contribution.id)).one()
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        me = s.get(Participant, me.id)
        mate, _ = participants.join(s, workshop, JoinRequest("fr"), 40)
        seating.move(s, workshop, [mate.public_id], table.number)
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        mate = s.get(Participant, mate.id)
        notes.post_note(s, workshop, mate, str(uuid.uuid4()), "during one", table.number)
        notes.hide_note(s, workshop, first)
        notes.restore_note(s, workshop, first)
        notes.post_note(s, workshop, mate, str(uuid.uuid4()), "during two", table.number)
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        me = s.get(Participant, me.id)
        audiences = events.visible_audiences(me.id, table.id)
        live = events.events_since(s, workshop.id, snapshot["seq"], audiences, limit=100)
        assert [e.name for e in live][-2:] == ["note.restored", "note.posted"]
        phone = catch_up(phone_before, {"ok": True, "snapshot": snapshot}, live)
        fresh = participant_snapshot(s, workshop, me)
        assert [n["text"] for n in phone["notes"]] == ["before", "during one", "during two"]
        assert _without_clock(phone) == _without_clock(fresh)

        # The staff's replay ends with the restore, which also came live, followed by the
        # last note. Applied twice, the restore would count its note twice.
        stored = events.events_since(s, workshop.id, staff_before["seq"], None, limit=100)
        replay = [{"name": e.name, "seq": e.seq, "data": e.data} for e in stored[:-1]]
        ack = {"ok": True, "events": replay, "seq": stored[-2].seq}
        staff = catch_up(staff_before, ack, stored[-2:])
        assert _without_clock(staff) == _without_clock(staff_snapshot(s, workshop, "facilitator"))
    engine.dispose()


def test_a_late_note_reaches_the_hosts_briefing_not_this_rounds_notes(tmp_path):
    """A note written in round 1 and stored after the change to round 2 (the phone was
    offline) goes to its table's audience: the host there now keeps it in the briefing,
    staff screens leave it out of this round's notes and counts, as fresh snapshots do."""
    engine = make_engine(f"sqlite:///{tmp_path}/db.sqlite3")
    migrate(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        code = workshops.create_workshop(s, dict(template())).join_code
        workshop = workshops.get_by_code(s, code)
        host, _ = participants.join(s, workshop, JoinRequest("nl", wants_to_host=True), 40)
        guest, _ = participants.join(s, workshop, JoinRequest("fr"), 40)
        rounds.start_round(s, workshop)
        table = participants.current_table(s, workshop, host)
        if participants.current_table(s, workshop, guest).id != table.id:
            seating.move(s, workshop, [guest.public_id], table.number)
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        seating.next_round(s, workshop, 1)
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        host = s.get(Participant, host.id)
        before = {"host": participant_snapshot(s, workshop, host)}
        for role in ("facilitator", "projector"):
            before[role] = staff_snapshot(s, workshop, role)
        assert before["host"]["handover"] == []
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        late = _post_late(s, workshop, s.get(Participant, guest.id))
        assert late is not None and late.round_number == 1
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        host = s.get(Participant, host.id)
        audiences = events.visible_audiences(host.id, table.id)
        replay = events.events_since(s, workshop.id, before["host"]["seq"], audiences, 100)
        assert [e.name for e in replay] == ["note.posted"]
        phone = _catch_up(before["host"], replay, workshop.last_seq)
        assert [n["text"] for n in phone["handover"]] == ["late note"]
        assert phone["notes"] == []
        assert _without_clock(phone) == _without_clock(participant_snapshot(s, workshop, host))
        for role in ("facilitator", "projector"):
            replay = events.events_since(s, workshop.id, before[role]["seq"], None, 100)
            staff = _catch_up(before[role], replay, workshop.last_seq)
            assert _without_clock(staff) == _without_clock(staff_snapshot(s, workshop, role))
    engine.dispose()


def test_the_phones_reducer_applies_the_seat_message_of_its_own_new_table():
    """`round.seats` names the phone: its new seat and the table's contents replace the
    old table's (a guest keeps no briefing, a host does); a message naming only others
    changes nothing."""
    before = _phone_at_table_2(8, [_note(1)], None)
    before["my_votes"] = [1]
    seat = {"round": 2, "table": 4, "table_name": "4", "host": "Els"}
    data = {
        "round": {"id": 8, "number": 2, "status": "pending"},
        "seats": {"p1": seat, "p2": seat},
        "notes": [_note(5, seq_table=4, round_id=8)],
        "insight": None,
        "photos": [],
        "handover": [_note(3, seq_table=4)],
    }
    guest = apply_event(before, "round.seats", 9, data)
    assert guest["seat"] == seat and guest["round"]["id"] == 8 and guest["seq"] == 9
    assert [n["id"] for n in guest["notes"]] == [5]
    assert guest["my_votes"] == [] and guest["handover"] is None
    host = apply_event({**before, "me": {**before["me"], "is_host": True}}, "round.seats", 9, data)
    assert [n["id"] for n in host["handover"]] == [3]
    others = {**data, "seats": {"p2": seat}}
    assert apply_event(before, "round.seats", 9, others) == {**before, "seq": 9}
