"""The coaching phase in Chromium: the facilitator opens it and draws a card, phones
answer the self-scan (one offline, then back through its outbox), a French phone reads
French titles, the projector shows the room's profile. Screens fit phones and projectors."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, select

from facilitator.store.models import SelfScanAnswer

from .conftest import LAPTOP, PHONE, screenshot
from .test_phone_fit import check_fit, set_text_size, start_phase
from .test_workshop_flow import join_phone

pytestmark = pytest.mark.browser

SHOTS = Path("/work/wt/shots/h1")
COACHING = "a self-scan of our neighbourhood"


def shot(page, name: str) -> None:
    """A screenshot to look at: in the suite's folder and in this branch's shots folder."""
    path = screenshot(page, name)
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        (SHOTS / path.name).write_bytes(path.read_bytes())


def answers(database: Path) -> list[tuple[str, int]]:
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(SelfScanAnswer.area_key, SelfScanAnswer.score))
            return sorted((area, score) for area, score in rows)
    finally:
        engine.dispose()


def eventually(check, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def score(phone, area_index: int, value: int) -> None:
    area = phone.locator("[data-test=selfscan-area]").nth(area_index)
    area.locator(f"[data-test=selfscan-score][data-score='{value}']").click()


def test_the_coaching_phase_on_phones_projector_and_console(browser, server, tmp_path):
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    phones = []
    for name, language in (("An", "nl"), ("Bram", "nl"), ("Chloé", "fr"), ("Dirk", "en")):
        _context, page = join_phone(browser, server, name, language)
        phones.append(page)
    start_phase(facilitator, COACHING)
    dutch, second, french, english = phones
    expect(dutch.locator("[data-test=selfscan]")).to_be_visible()
    expect(dutch.locator("[data-test=note-form]")).to_be_hidden()
    titles = french.locator("[data-test=selfscan-title]")
    expect(titles).to_have_count(7)
    expect(titles.first).to_have_text("Le lien entre les habitants")
    expect(dutch.locator("[data-test=selfscan-title]").first).to_have_text(
        "Verbinding tussen bewoners"
    )

    # Three phones answer; the French one goes offline first and answers from its outbox.
    french.context.set_offline(True)
    expect(french.locator("[data-test=connection]")).to_have_attribute("data-state", "offline")
    score(french, 0, 2)
    status = french.locator("[data-test=selfscan-status]").first
    expect(status).to_have_text("En attente d'envoi")
    shot(french, "h1-phone-selfscan-offline-390x844")
    for page, value in ((dutch, 4), (second, 5)):
        score(page, 0, value)
        expect(page.locator("[data-test=selfscan-status]").first).to_have_text("Opgeslagen")
    french.context.set_offline(False)
    expect(status).to_have_text("Enregistré")
    database = tmp_path / "db.sqlite3"
    assert eventually(lambda: len(answers(database)) == 3)
    assert answers(database) == [("connection", 2), ("connection", 4), ("connection", 5)]
    # A changed mind replaces the answer; a note goes with it.
    dutch.locator("[data-test=selfscan-area]").first.locator("summary").click()
    dutch.locator("[data-test=selfscan-note]").first.fill("Veel buren kennen elkaar niet")
    score(dutch, 0, 3)
    expect(dutch.locator("[data-test=selfscan-status]").first).to_have_text("Opgeslagen")
    assert eventually(lambda: ("connection", 3) in answers(database))
    assert answers(database) == [("connection", 2), ("connection", 3), ("connection", 5)]
    shot(dutch, "h1-phone-selfscan-390x844")
    check_fit(french, "coaching-selfscan")
    set_text_size(french, 200)
    french.set_viewport_size({"width": 320, "height": 568})
    area = french.locator("[data-test=selfscan-area]").nth(4)
    area.scroll_into_view_if_needed()
    shot(french, "h1-phone-selfscan-320px-200pct")
    set_text_size(french, 100)
    french.set_viewport_size(PHONE["viewport"])
    english.reload()
    expect(english.locator("[data-test=selfscan-title]").first).to_have_text(
        "Connection among residents"
    )
    assert re.search(r"\d", english.locator("[data-test=table-label]").inner_text())
