"""Domain tests without Flask, on SQLite and PostgreSQL: workshops, joining, notes, rounds."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from facilitator.cafe import notes, participants, rounds, seating, workshops
from facilitator.cafe.participants import JoinRequest
from facilitator.errors import DomainError
from facilitator.organise.demo import template
from facilitator.store import events
from facilitator.store.db import session_scope
from facilitator.store.models import Contribution, Event, Phase, Round, Seat, Workshop
from facilitator.store.queries import current_round, list_tables, seating_of_round


def make(factory, **overrides):
    with session_scope(factory) as s:
        return workshops.create_workshop(s, dict(template()) | overrides)


def join(factory, code, **fields):
    request = JoinRequest(**({"language": "en"} | fields))
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        person, _ = participants.join(s, workshop, request, name_max_chars=40)
        return person.id


def post(factory, code, person_id, text, client_id=None, table=None):
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        author = s.get(participants.Participant, person_id)
        if table is None:
            table = participants.current_table(s, workshop, author).number
        return notes.post_note(s, workshop, author, client_id or str(uuid.uuid4()), text, table)


def test_demo_workshop_follows_the_seed_agenda(factory):
    links = make(factory)
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, links.join_code)
        phases = s.scalars(
            select(Phase).where(Phase.workshop_id == workshop.id).order_by(Phase.position)
        ).all()
        assert [(p.kind, p.planned_minutes) for p in phases] == [
            ("welcome", 15),
            ("presentation", 15),
            ("coaching", 15),
            ("cafe", 30),
            ("plenary", 20),
            ("conclusion", 10),
        ]
        rounds = s.scalars(select(Round).where(Round.workshop_id == workshop.id)).all()
        assert len(rounds) == 3
        assert all(set(r.question) == {"nl", "fr", "en"} for r in rounds)
        tables = list_tables(s, workshop.id)
        assert [(t.number, t.capacity) for t in tables] == [(n, 5) for n in range(1, 7)]
        assert current_round(s, workshop).number == 1


def test_join_codes_are_short_and_unambiguous(factory):
    codes = {make(factory).join_code for _ in range(5)}
    assert len(codes) == 5
    for code in codes:
        assert len(code) == 6 and not set(code) & set("01OIL")


def test_staff_secrets_are_stored_only_as_hashes(factory):
    links = make(factory)
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, links.join_code)
        assert links.facilitator_secret not in (
            workshop.facilitator_secret_hash,
            workshop.projector_secret_hash,
        )
        assert workshops.secret_matches(links.facilitator_secret, workshop.facilitator_secret_hash)
        assert not workshops.secret_matches(
            links.projector_secret, workshop.facilitator_secret_hash
        )
        assert len(links.facilitator_secret) >= 22  # 128 bits in URL-safe base64


def test_code_lookup_forgives_case_and_spaces(factory):
    links = make(factory)
    with session_scope(factory) as s:
        code = links.join_code
        spaced = f" {code[:3].lower()} - {code[3:].lower()} "
        assert workshops.get_by_code(s, spaced).join_code == code
        with pytest.raises(DomainError, match="unknown_workshop"):
            workshops.get_by_code(s, "ZZZZZZ")


def test_joiners_are_spread_evenly_and_hosts_get_a_table_each(factory):
    links = make(factory)
    hosts = [join(factory, links.join_code, wants_to_host=True) for _ in range(3)]
    others = [join(factory, links.join_code) for _ in range(15)]
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, links.join_code)
        seating = seating_of_round(s, current_round(s, workshop).id)
        sizes = Counter(seating.values())
        assert sorted(sizes.values()) == [3] * 6
        tables = list_tables(s, workshop.id)
        assert sorted(t.host_id for t in tables if t.host_id) == sorted(hosts)
        assert len({seating[h] for h in hosts}) == 3
        assert set(seating) == set(hosts + others)


def test_a_full_workshop_refuses_with_a_reason_and_stores_nobody(factory):
    links = make(factory, tables={"count": 2, "capacity": 2})
    for _ in range(4):
        join(factory, links.join_code)
    with pytest.raises(DomainError, match="workshop_full"):
        join(factory, links.join_code)
    with session_scope(factory) as s:
        assert s.scalar(select(func.count(Seat.id))) == 4


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"language": "de"}, "bad_language"),
        ({"display_name": "x" * 41}, "name_too_long"),
        ({"role": "king"}, "bad_role"),
    ],
)
def test_bad_join_requests_are_refused(factory, fields, code):
    links = make(factory)
    with pytest.raises(DomainError, match=code):
        join(factory, links.join_code, **fields)


def test_a_resent_note_is_stored_once_with_the_same_acknowledgement(factory):
    links = make(factory)
    person = join(factory, links.join_code)
    client_id = str(uuid.uuid4())
    first = post(factory, links.join_code, person, "Eenzaamheid", client_id)
    again = post(factory, links.join_code, person, "Eenzaamheid", client_id)
    assert not first.duplicate and again.duplicate
    assert again.note == first.note
    assert again.events == []
    with session_scope(factory) as s:
        assert s.scalar(select(func.count(Contribution.id))) == 1


def test_the_database_itself_refuses_a_second_row_with_the_same_client_id(factory):
    links = make(factory)
    person = join(factory, links.join_code)
    client_id = str(uuid.uuid4())
    stored = post(factory, links.join_code, person, "first", client_id)
    with pytest.raises(IntegrityError), session_scope(factory) as s:
        original = s.get(Contribution, stored.note["id"])
        s.add(
            Contribution(
                workshop_id=original.workshop_id,
                client_id=client_id,
                text="copy",
                round_id=original.round_id,
                table_id=original.table_id,
                participant_id=original.participant_id,
            )
        )


def test_someone_elses_client_id_is_refused_and_their_note_kept(factory):
    links = make(factory)
    alice, bob = join(factory, links.join_code), join(factory, links.join_code)
    client_id = str(uuid.uuid4())
    post(factory, links.join_code, alice, "Alice's note", client_id)
    with pytest.raises(DomainError, match="client_id_taken"):
        post(factory, links.join_code, bob, "Bob's note", client_id)
    with session_scope(factory) as s:
        assert s.scalars(select(Contribution.text)).all() == ["Alice's note"]


def test_a_note_to_another_table_is_refused(factory):
    links = make(factory)
    person = join(factory, links.join_code)
    with pytest.raises(DomainError, match="not_your_table"):
        post(factory, links.join_code, person, "hello", table=6)


def test_notes_are_closed_after_the_round_ends(factory):
    links = make(factory)
    person = join(factory, links.join_code)
    with session_scope(factory) as s:
        rounds.end_round(s, workshops.get_by_code(s, links.join_code))
    with pytest.raises(DomainError, match="round_closed"):
        post(factory, links.join_code, person, "too late")


@pytest.mark.parametrize("raw", ["", "   \n ", None, 42, ["x"]])
def test_note_text_must_be_a_non_blank_string(raw):
    with pytest.raises(DomainError):
        notes.clean_text(raw, 280)


def test_note_text_has_a_length_limit():
    assert notes.clean_text("  ok  ", 280) == "ok"
    with pytest.raises(DomainError, match="text_too_long"):
        notes.clean_text("x" * 281, 280)


@pytest.mark.parametrize("raw", ["not-a-uuid", 7, None, "x" * 100])
def test_client_ids_must_be_uuids(raw):
    with pytest.raises(DomainError, match="bad_client_id"):
        notes.clean_client_id(raw)


def test_round_timer_is_an_end_time_on_the_server(factory):
    links = make(factory)
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, links.join_code)
        moved, event = rounds.start_round(s, workshop)
        cafe_round = current_round(s, workshop)
        # Starting the first café round also moves the agenda to the café phase.
        assert moved.name == "agenda.updated"
        assert workshop.current_phase_id == cafe_round.phase_id
        assert cafe_round.status == "running"
        assert (cafe_round.ends_at - cafe_round.started_at).total_seconds() == 600
        assert event.data["round"]["ends_at"] == cafe_round.ends_at.isoformat()
        with pytest.raises(DomainError, match="round_already_running"):
            rounds.start_round(s, workshop)


def test_next_round_keeps_hosts_and_moves_everyone_else(factory):
    links = make(factory)
    hosts = [join(factory, links.join_code, wants_to_host=True) for _ in range(6)]
    travellers = [join(factory, links.join_code) for _ in range(18)]
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, links.join_code)
        before = seating_of_round(s, current_round(s, workshop).id)
        stored = seating.next_round(s, workshop, expected_number=1)
        after = seating_of_round(s, current_round(s, workshop).id)
    assert current_round_number(factory, links.join_code) == 2
    assert set(after) == set(before)  # nobody lost, nobody added
    assert all(after[h] == before[h] for h in hosts)
    assert all(after[p] != before[p] for p in travellers)
    assert max(Counter(after.values()).values()) <= 5
    table_messages = [e for e in stored if e.name == "round.seats"]
    assert len(table_messages) == 6  # one per table they sit at now
    told = [public_id for e in table_messages for public_id in e.data["seats"]]
    assert len(told) == len(set(told)) == 24  # everyone told once
    for message in table_messages:
        ids = [int(i) for i in message.audience.removeprefix("ps:").split(",")]
        assert len({after[i] for i in ids}) == 1  # the people of one new table
        assert len({seat["table"] for seat in message.data["seats"].values()}) == 1


def current_round_number(factory, code):
    with session_scope(factory) as s:
        return current_round(s, workshops.get_by_code(s, code)).number


def test_a_stale_next_round_is_refused_and_nothing_is_doubled(factory):
    links = make(factory)
    join(factory, links.join_code)
    with session_scope(factory) as s:
        seating.next_round(s, workshops.get_by_code(s, links.join_code), expected_number=1)
    with pytest.raises(DomainError, match="stale_round"), session_scope(factory) as s:
        seating.next_round(s, workshops.get_by_code(s, links.join_code), expected_number=1)
    assert current_round_number(factory, links.join_code) == 2
    with session_scope(factory) as s:
        assert s.scalar(select(func.count(Seat.id))) == 2  # round 1 and round 2, once each


def test_there_is_no_round_after_the_last(factory):
    links = make(factory)
    join(factory, links.join_code)
    for number in (1, 2):
        with session_scope(factory) as s:
            seating.next_round(s, workshops.get_by_code(s, links.join_code), number)
    with pytest.raises(DomainError, match="no_next_round"), session_scope(factory) as s:
        seating.next_round(s, workshops.get_by_code(s, links.join_code), 3)


def test_events_are_numbered_without_gaps_per_workshop(factory):
    a, b = make(factory), make(factory)
    join(factory, a.join_code)
    join(factory, b.join_code)
    join(factory, a.join_code)
    with session_scope(factory) as s:
        rounds.start_round(s, workshops.get_by_code(s, a.join_code))
        for links in (a, b):
            workshop = workshops.get_by_code(s, links.join_code)
            seqs = s.scalars(
                select(Event.seq).where(Event.workshop_id == workshop.id).order_by(Event.seq)
            ).all()
            assert seqs == list(range(1, workshop.last_seq + 1))
        # two joins, the agenda moving to the café, the round starting
        assert s.get(Workshop, workshops.get_by_code(s, a.join_code).id).last_seq == 4


def test_replay_shows_a_participant_only_their_tables_and_their_own_events(factory):
    links = make(factory)
    me, neighbour, elsewhere = (join(factory, links.join_code) for _ in range(3))
    post(factory, links.join_code, elsewhere, "at another table")
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, links.join_code)
        my_table = participants.current_table(s, workshop, s.get(participants.Participant, me))
        audiences = events.visible_audiences(me, my_table.id)
        seen = events.events_since(s, workshop.id, 0, audiences, limit=100)
        staff_seen = events.events_since(s, workshop.id, 0, None, limit=100)
    assert [e.name for e in seen] == []  # joins are staff news; the note was at another table
    assert [e.name for e in staff_seen].count("participant.joined") == 3
    assert "note.posted" in [e.name for e in staff_seen]


def test_replay_gives_up_when_too_much_was_missed(factory):
    links = make(factory)
    for _ in range(5):
        join(factory, links.join_code)
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, links.join_code)
        assert events.events_since(s, workshop.id, 0, None, limit=4) is None
        assert len(events.events_since(s, workshop.id, 0, None, limit=5)) == 5
