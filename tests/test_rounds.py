"""Timers and the agenda, in the domain (SQLite and PostgreSQL) and as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from facilitator.cafe import agenda, rounds, workshops
from facilitator.errors import DomainError
from facilitator.organise.demo import template
from facilitator.store.db import session_scope
from facilitator.store.models import utcnow
from facilitator.store.queries import current_round


@pytest.fixture
def code(factory):
    with session_scope(factory) as s:
        return workshops.create_workshop(s, dict(template())).join_code


def act(factory, code, action, *args):
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        action(s, workshop, *args)
        return current_round(s, workshop)


def test_pause_keeps_the_seconds_left_and_resume_gives_them_back(factory, code):
    started = act(factory, code, rounds.start_round)
    paused = act(factory, code, rounds.pause_round)
    assert paused.status == "paused" and paused.ends_at is None
    assert 598 <= paused.paused_remaining <= 600
    resumed = act(factory, code, rounds.resume_round)
    assert resumed.status == "running" and resumed.paused_remaining is None
    left = (resumed.ends_at - utcnow()).total_seconds()
    assert 595 <= left <= 600
    assert resumed.started_at == started.started_at


def test_extending_adds_to_whatever_the_round_is_doing(factory, code):
    pending = act(factory, code, rounds.extend_round, 60)
    assert pending.duration_seconds == 660
    running = act(factory, code, rounds.start_round)
    before = running.ends_at
    assert act(factory, code, rounds.extend_round, 300).ends_at == before + timedelta(seconds=300)
    act(factory, code, rounds.pause_round)
    paused = act(factory, code, rounds.extend_round, 60)
    assert paused.paused_remaining >= 1010


def test_extending_after_time_is_up_counts_from_now(factory, code):
    act(factory, code, rounds.start_round)
    with session_scope(factory) as s:
        cafe_round = current_round(s, workshops.get_by_code(s, code))
        cafe_round.ends_at = utcnow() - timedelta(minutes=3)
    extended = act(factory, code, rounds.extend_round, 60)
    assert 55 <= (extended.ends_at - utcnow()).total_seconds() <= 60


@pytest.mark.parametrize(
    ("setup", "action", "error"),
    [
        ([], rounds.pause_round, "round_not_running"),
        ([], rounds.resume_round, "round_not_paused"),
        ([rounds.start_round], rounds.resume_round, "round_not_paused"),
        ([rounds.start_round, rounds.pause_round], rounds.start_round, "round_already_running"),
        ([rounds.end_round], rounds.start_round, "round_already_ended"),
        ([rounds.end_round], rounds.end_round, "round_already_ended"),
    ],
)
def test_timer_actions_out_of_order_are_refused(factory, code, setup, action, error):
    for step in setup:
        act(factory, code, step)
    with pytest.raises(DomainError, match=error):
        act(factory, code, action)


@pytest.mark.parametrize("seconds", [0, -60, 3601])
def test_extensions_must_be_sensible(factory, code, seconds):
    with pytest.raises(DomainError, match="bad_extension"):
        act(factory, code, rounds.extend_round, seconds)


def test_timers_survive_a_restart_because_only_times_are_stored(factory, code):
    act(factory, code, rounds.start_round)
    act(factory, code, rounds.pause_round)
    # A new session is what a restarted (or another) worker sees.
    with session_scope(factory) as s:
        cafe_round = current_round(s, workshops.get_by_code(s, code))
        assert cafe_round.status == "paused" and cafe_round.paused_remaining >= 598


def test_starting_a_phase_makes_it_current_for_every_screen(factory, code):
    with session_scope(factory) as s:
        workshop = workshops.get_by_code(s, code)
        phases = agenda.list_phases(s, workshop.id)
        (event,) = agenda.start_phase(s, workshop, phases[3].id)
        assert event.name == "agenda.updated" and event.audience == "all"
        view = event.data["agenda"]
        assert view["current"] == phases[3].id
        assert view["phases"][3]["started_at"] is not None
        assert [p["planned_minutes"] for p in view["phases"]] == [15, 15, 15, 30, 20, 10]


def test_a_phase_of_another_workshop_is_refused(factory, code):
    with session_scope(factory) as s:
        other = workshops.create_workshop(s, dict(template())).join_code
        foreign = agenda.list_phases(s, workshops.get_by_code(s, other).id)[0].id
        with pytest.raises(DomainError, match="unknown_phase"):
            agenda.start_phase(s, workshops.get_by_code(s, code), foreign)


T0 = datetime(2026, 5, 22, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("current", "phase_start_min", "now_min", "expected_min"),
    [
        (0, 0, 10, 0),  # on time, 10 minutes into a 15-minute phase
        (0, 0, 21, 6),  # the first phase runs 6 minutes over
        (1, 21, 25, 6),  # started the second phase 6 minutes late
        (2, 28, 40, -2),  # started the café 2 minutes early: 2 ahead
        (3, 60, 60, 0),
    ],
)
def test_the_plan_against_the_clock(current, phase_start_min, now_min, expected_min):
    planned = [15, 15, 30, 20, 10]
    drift = agenda.drift_seconds(
        planned,
        current,
        T0,
        T0 + timedelta(minutes=phase_start_min),
        T0 + timedelta(minutes=now_min),
    )
    assert drift == expected_min * 60
