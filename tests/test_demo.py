"""The demo: links on the venue's network, fresh staff links each start, live bots."""

from __future__ import annotations

import re
import time

import pytest
import requests
import socketio as socketio_client

from facilitator import netinfo
from facilitator.cafe.workshops import get_by_code, secret_matches
from facilitator.organise.demo import load_demo, samples
from facilitator.store.db import session_scope
from tests.live import start_demo


def test_the_public_url_can_be_set_and_otherwise_uses_a_lan_address():
    assert netinfo.public_url("http://cafe.local:8080/", 5000) == "http://cafe.local:8080"
    detected = netinfo.public_url(None, 5123)
    assert re.fullmatch(r"http://\d+\.\d+\.\d+\.\d+:5123", detected)
    address = netinfo.first_lan_address()
    assert address == "127.0.0.1" or not address.startswith("127.")


def test_restarting_the_demo_keeps_the_workshop_and_replaces_the_staff_links(app):
    factory = app.extensions["facilitator.sessions"]
    with session_scope(factory) as s:
        first = load_demo(s)
    with session_scope(factory) as s:
        second = load_demo(s)
        workshop = get_by_code(s, second.join_code)
        assert second.join_code == first.join_code
        assert secret_matches(second.facilitator_secret, workshop.facilitator_secret_hash)
        assert not secret_matches(first.facilitator_secret, workshop.facilitator_secret_hash)


def test_bot_samples_cover_the_three_languages():
    notes = samples()["notes"]
    assert set(notes) == {"nl", "fr", "en"}
    assert all(len(v) >= 10 for v in notes.values())


@pytest.mark.timeout(60)
def test_demo_bots_join_and_post_once_the_round_runs(tmp_path):
    server = start_demo(tmp_path, bots=6, env={"FACILITATOR_BOT_INTERVAL": "0.5"})
    try:
        http = requests.Session()
        http.get(server.facilitator)
        client = socketio_client.SimpleClient()
        cookies = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
        client.connect(
            server.base,
            headers={"Cookie": cookies},
            auth={"code": server.code, "role": "facilitator"},
            transports=["websocket"],
        )
        deadline = time.monotonic() + 15
        snapshot = client.call("sync", {"last_seq": 0})["snapshot"]
        while sum(len(t["participants"]) for t in snapshot["tables"]) < 6:
            assert time.monotonic() < deadline, "the bots never sat down"
            time.sleep(0.2)
            snapshot = client.call("sync", {"last_seq": 0})["snapshot"]
        assert client.call("round.start", {})["ok"]
        languages = set()
        while len(languages) < 2:
            name, payload = client.receive(timeout=15)
            if name == "note.posted":
                text = payload["data"]["note"]["text"]
                languages |= {lang for lang, texts in samples()["notes"].items() if text in texts}
        client.disconnect()
    finally:
        server.stop()


def test_numbers_in_the_environment_are_read_as_numbers():
    from facilitator.config import from_environment

    found = from_environment(
        {
            "FACILITATOR_BOT_INTERVAL": "0.5",
            "FACILITATOR_PORT": "8080",
            "FACILITATOR_SESSION_COOKIE_SECURE": "1",
        }
    )
    assert found == {"BOT_INTERVAL": 0.5, "PORT": 8080, "SESSION_COOKIE_SECURE": True}


def test_the_demo_prints_an_organiser_login_that_owns_the_demo(tmp_path):
    server = start_demo(tmp_path)
    try:
        line = re.search(r"Organiser login:\s+(\S+)\s+\(user (\w+), password (\S+)\)", server.log())
        assert line, server.log()
        login, user, password = line.groups()
        http = requests.Session()
        form = http.get(login, timeout=10).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        answer = http.post(
            login,
            data={"username": user, "password": password, "csrf_token": token},
            timeout=10,
        )
        assert answer.status_code == 200 and server.code in answer.text  # the list holds it
        page = http.get(f"{server.base}/o/w/{server.code}", timeout=10)
        assert page.status_code == 200
    finally:
        server.stop()


def test_restarting_after_a_round_began_gives_a_fresh_demo_workshop(app):
    from facilitator.store.models import Round

    factory = app.extensions["facilitator.sessions"]
    with session_scope(factory) as s:
        first = load_demo(s)
        workshop = get_by_code(s, first.join_code)
        s.query(Round).filter(Round.workshop_id == workshop.id).first().status = "ended"
    with session_scope(factory) as s:
        second = load_demo(s)
        assert second.join_code != first.join_code
        assert get_by_code(s, first.join_code) is not None  # the old one is kept


def test_the_demo_organiser_coaches_projects_with_a_history(app):
    from facilitator.organise import portfolio
    from facilitator.organise.demo import demo_organiser
    from facilitator.organise.demo.history import demo_portfolio

    factory = app.extensions["facilitator.sessions"]
    with session_scope(factory) as s:
        links = load_demo(s)
        demo_organiser(s, links.join_code)
        demo_portfolio(s, links.join_code)
        demo_portfolio(s, links.join_code)  # a restart adds nothing twice
    with session_scope(factory) as s:
        owner = get_by_code(s, links.join_code).owner_id
        views = portfolio.coach_portfolio(s, owner, "nl")
        assert [v.project.name for v in views] == [
            "Quartier solidaire Molenbeek",
            "Zorgzame buurt Kiel",
            "Zorgzame buurt Rabot",
        ]
        kiel = views[1]
        assert len(kiel.workshops) == 4 and len(kiel.scans) == 3  # the live one: no scan yet
        assert links.join_code in [w.code for w in kiel.workshops]
        assert all(row.change is not None for row in kiel.areas)
        programme = portfolio.programme(s, "nl")
        assert programme.lowest and programme.moving and programme.themes
        # The organiser's list starts with the live demo workshop, then the past days.
        from facilitator.organise.admin import owned_workshops

        listed = owned_workshops(s, owner)
        assert listed[0].join_code == links.join_code and len(listed) == 8
