"""The coaching phase in Chromium: the facilitator opens it and draws a card, phones
answer the self-scan (one offline, then back through its outbox), a French phone reads
French titles, the projector shows the room's profile. Screens fit phones and projectors."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, select

from facilitator.store.models import SelfScanAnswer, Workshop
from tests.conftest import need
from tests.live import ROOT

from .conftest import LAPTOP, PHONE, PROJECTOR, assert_accessible, screenshot
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


def answers(database: Path, code: str) -> list[tuple[str, int]]:
    """The self-scan of the workshop `code` (the demo's past workshops have their own)."""
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            query = (
                select(SelfScanAnswer.area_key, SelfScanAnswer.score)
                .join(Workshop, Workshop.id == SelfScanAnswer.workshop_id)
                .where(Workshop.join_code == code)
            )
            rows = connection.execute(query)
            return sorted((area, score) for area, score in rows)
    finally:
        engine.dispose()


def id_versions(database: Path, code: str) -> set[int]:
    """The UUID versions of the workshop's answers' client ids (phones make time-ordered
    ones)."""
    import uuid

    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            query = (
                select(SelfScanAnswer.client_id)
                .join(Workshop, Workshop.id == SelfScanAnswer.workshop_id)
                .where(Workshop.join_code == code)
            )
            ids = connection.execute(query).scalars()
            return {uuid.UUID(i).version for i in ids}
    finally:
        engine.dispose()


def eventually(check, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


FIT_PROBLEMS = (Path(__file__).parent / "phone_fit.js").read_text()
BELOW_THE_SCREEN = """() => [...document.querySelectorAll('[data-test=coaching] *')]
  .filter((n) => n.checkVisibility() && (n.textContent || '').trim())
  .filter((n) => n.getBoundingClientRect().bottom > innerHeight + 1)
  .map((n) => `${n.tagName} ${(n.textContent || '').trim().slice(0, 40)}`)"""


def check_projector_fits(projector, name: str) -> None:
    """At 1920x1080 and 1280x720: nothing wider than its box, cut, or below the screen."""
    for width, height in ((1920, 1080), (1280, 720)):
        projector.set_viewport_size({"width": width, "height": height})
        projector.wait_for_timeout(100)
        problems = projector.evaluate(FIT_PROBLEMS, width) + projector.evaluate(BELOW_THE_SCREEN)
        shot(projector, f"h1-projector-{name}-{width}x{height}")
        assert not problems, (name, width, problems)
    projector.set_viewport_size(PROJECTOR["viewport"])


def test_the_coaching_store_passes_its_node_tests():
    node = shutil.which("node")
    if node is None:
        need("Node.js is not installed")
    tests = ROOT / "tests" / "node" / "coaching_store.test.js"
    run = subprocess.run([node, "--test", str(tests)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr


def score(phone, area_index: int, value: int) -> None:
    area = phone.locator("[data-test=selfscan-area]").nth(area_index)
    area.locator(f"[data-test=selfscan-score][data-score='{value}']").click()


def test_the_coaching_phase_on_phones_projector_and_console(browser, server, tmp_path):
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    projector = browser.new_context(**PROJECTOR).new_page()
    projector.goto(server.projector)
    phones = []
    for name, language in (("An", "nl"), ("Bram", "nl"), ("Chloé", "fr"), ("Dirk", "en")):
        _context, page = join_phone(browser, server, name, language)
        phones.append(page)
    start_phase(facilitator, COACHING)
    dutch, second, french, english = phones
    expect(facilitator.locator("[data-test=coaching-panel]")).to_be_visible()
    expect(facilitator.locator("[data-test=coaching-count]")).to_have_text("No answers yet")
    expect(projector.locator("[data-test=coaching]")).to_be_visible()
    expect(projector.locator("[data-test=coaching-area]")).to_have_count(7)
    # The projector's page is in English; its coaching screen speaks the harvest
    # language, by default the workshop's first (Dutch), words and titles alike.
    expect(projector.locator("[data-test=coaching-area-figures]").first).to_contain_text(
        "te weinig antwoorden om te tonen"
    )
    expect(projector.locator("[data-test=coaching-title]")).to_have_text("De zelfscan van de zaal")
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
    score(french, 6, 1)  # a mind changed while offline: only the newest answer is sent
    score(french, 6, 5)
    expect(french.locator("[data-test=selfscan-status]").nth(6)).to_have_text("En attente d'envoi")
    assert (
        french.evaluate(
            "(code) => JSON.parse(localStorage.getItem(`facilitator.selfscan.${code}`)).length",
            server.code,
        )
        == 2
    )
    shot(french, "h1-phone-selfscan-offline-390x844")
    for page, value in ((dutch, 4), (second, 5)):
        score(page, 0, value)
        expect(page.locator("[data-test=selfscan-status]").first).to_have_text("Opgeslagen")
    french.context.set_offline(False)
    expect(status).to_have_text("Enregistré")
    expect(french.locator("[data-test=selfscan-progress]")).to_have_text(
        "Domaines renseignés : 2 sur 7"
    )
    database = tmp_path / "db.sqlite3"
    assert eventually(lambda: len(answers(database, server.code)) == 4)
    assert id_versions(database, server.code) == {7}
    assert answers(database, server.code) == [
        ("access", 5),
        ("connection", 2),
        ("connection", 4),
        ("connection", 5),
    ]
    # A changed mind replaces the answer; a note goes with it.
    dutch.locator("[data-test=selfscan-area]").first.locator("summary").click()
    dutch.locator("[data-test=selfscan-note]").first.fill("Veel buren kennen elkaar niet")
    score(dutch, 0, 3)
    expect(dutch.locator("[data-test=selfscan-status]").first).to_have_text("Opgeslagen")
    assert eventually(lambda: ("connection", 3) in answers(database, server.code))
    assert answers(database, server.code) == [
        ("access", 5),
        ("connection", 2),
        ("connection", 3),
        ("connection", 5),
    ]
    shot(dutch, "h1-phone-selfscan-390x844")

    # The console draws a card for the room: every phone and the projector show it.
    expect(facilitator.locator("[data-test=coaching-count]")).to_contain_text("4 answers")
    facilitator.select_option("[data-test=coaching-area]", "participation")
    facilitator.click("[data-test=coaching-draw]")
    expect(french.locator("[data-test=phone-card]")).to_be_visible()
    expect(french.locator("[data-test=phone-card-area]")).to_contain_text(
        "La participation et l'inclusion des habitants"
    )
    card = projector.locator("[data-test=coaching-card]")
    expect(card).to_have_count(1)
    expect(projector.locator("[data-test=radar-svg]")).to_be_visible()
    figures = projector.locator("[data-test=coaching-area-figures]").first
    expect(figures).to_contain_text("3 antwoorden")
    expect(figures).to_contain_text("3,3")  # (2 + 3 + 5) / 3
    expect(projector.locator("[data-test=coaching-counts]")).to_contain_text("3 mensen antwoordden")
    expect(card.locator(".card-label")).to_have_text("Kaart voor de hele zaal")
    for page, values in ((dutch, (2, 5, 2, 4)), (second, (4, 1, 4, 4)), (french, (3, 1, 3, 4))):
        for index, value in enumerate(values, start=1):
            score(page, index, value)
    expect(projector.locator("[data-test=radar-shape]")).to_be_visible()
    expect(projector.locator("[data-test=disagreed-area]")).to_have_count(3)
    expect(projector.locator("[data-test=disagreed-area]").first).to_contain_text("Participatie")
    french.evaluate("() => scrollTo(0, 0)")
    shot(french, "h1-phone-card-390x844")
    check_fit(french, "coaching-card")
    check_projector_fits(projector, "room-card")
    assert_accessible(projector)
    # In French, the longest titles: the projector shows the themes' language, and its
    # own words in it too (the projector's page is in English).
    facilitator.select_option("[data-test=harvest-language]", "fr")
    expect(projector.locator("[data-test=coaching-area-title]").nth(2)).to_have_text(
        "La participation et l'inclusion des habitants et des publics cibles"
    )
    expect(projector.locator("[data-test=coaching-title]")).to_have_text(
        "L'autodiagnostic de la salle"
    )
    expect(card.locator(".card-label")).to_have_text("Carte pour toute la salle")
    expect(projector.locator("[data-test=coaching-counts]")).to_contain_text(
        "3 personnes ont répondu"
    )
    expect(figures).to_contain_text("3 réponses")
    expect(projector.locator("[data-test=coaching]")).to_have_attribute("lang", "fr")
    assert projector.evaluate("document.documentElement.lang") == "en"
    check_projector_fits(projector, "room-card-fr")
    facilitator.click("[data-test=card-to-question]")
    expect(facilitator.locator("[data-test=coaching-status]")).to_contain_text("Round 1")
    facilitator.click("[data-test=coaching-deal]")
    expect(card).to_have_count(4)  # the four tables where people sit
    expect(dutch.locator("[data-test=phone-card-label]")).to_contain_text("Kaart voor tafel")
    check_projector_fits(projector, "dealt")
    shot(facilitator, "h1-console-coaching-1366x900")
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


def test_the_organiser_chooses_the_card_set_of_the_coaching_phase(browser, server, tmp_path):
    from .test_organiser_screens import create_user, log_in

    create_user(server, tmp_path, "coach")
    laptop = log_in(browser, server, LAPTOP, "coach")
    laptop.goto(f"{server.base}/o/coaching/")
    laptop.click("[data-test=create-set]")  # a copy of the default set, to edit
    laptop.goto(f"{server.base}/o/")
    laptop.click("[data-test=new-workshop]")
    laptop.click("[data-test=create]")
    field = laptop.locator("[data-test=coaching-set]")
    expect(field).to_be_visible()
    choice = field.locator("select")
    expect(choice.locator("option")).to_have_count(2)
    choice.select_option(index=1)
    laptop.click("[data-test=save]")
    expect(laptop.locator("[data-test=flash]")).to_have_text("Saved.")
    expect(laptop.locator("[data-test=coaching-set] select option:checked")).not_to_have_attribute(
        "value", ""
    )
    field.scroll_into_view_if_needed()
    shot(laptop, "h1-organiser-coaching-set-1366x900")
    assert_accessible(laptop)
    laptop.set_viewport_size({"width": 320, "height": 568})
    field.scroll_into_view_if_needed()
    assert not laptop.evaluate(FIT_PROBLEMS, 320)
    shot(laptop, "h1-organiser-coaching-set-320px")
