"""A phone that reloads its page without network keeps its coaching state: the card drawn
for the room and the self-scan with the answers still waiting to be sent. The service
worker (static/js/phone_sw.js) gives back the page and its scripts, the page the state it
kept (participant.js); back online, the answers go out once each."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import LAPTOP, screenshot
from .test_coaching_phase import COACHING, answers, eventually, score
from .test_phone_fit import start_phase
from .test_workshop_flow import join_phone

pytestmark = pytest.mark.browser

KEPT = """async () => {
  await navigator.serviceWorker.ready;
  const cache = await caches.open("facilitator-phone-v1");
  return (await cache.keys()).map((r) => new URL(r.url).pathname);
}"""


def test_a_phone_reloaded_offline_keeps_its_card_and_unsent_answers(browser, server, tmp_path):
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    context, phone = join_phone(browser, server, "Noor", "en")
    start_phase(facilitator, COACHING)
    expect(phone.locator("[data-test=selfscan]")).to_be_visible()
    facilitator.click("[data-test=coaching-draw]")
    card = phone.locator("[data-test=phone-card-text]")
    expect(card).not_to_be_empty()
    drawn = card.inner_text()
    assert eventually(lambda: f"/w/{server.code}" in phone.evaluate(KEPT))

    context.set_offline(True)
    expect(phone.locator("[data-test=connection]")).to_have_attribute("data-state", "offline")
    score(phone, 0, 2)
    score(phone, 3, 4)
    phone.reload()
    expect(phone.locator("[data-test=connection]")).not_to_have_attribute("data-state", "online")
    expect(phone.locator("[data-test=phone-card-text]")).to_have_text(drawn)
    expect(phone.locator("[data-test=phone-card-label]")).to_have_text("Card for the whole room")
    status = phone.locator("[data-test=selfscan-status]")
    for index in (0, 3):
        expect(status.nth(index)).to_have_text("Waiting to send")
    expect(status.nth(1)).to_have_text("")
    pressed = phone.locator("[data-test=selfscan-area]").nth(3).locator("[aria-pressed=true]")
    expect(pressed).to_have_text("4")
    phone.evaluate("() => scrollTo(0, 0)")
    screenshot(phone, "phone-selfscan-reloaded-offline-390x844")
    assert answers(tmp_path / "db.sqlite3", server.code) == []

    context.set_offline(False)
    for index in (0, 3):
        expect(status.nth(index)).to_have_text("Saved")
    expect(phone.locator("[data-test=connection]")).to_have_attribute("data-state", "online")
    database = tmp_path / "db.sqlite3"
    expected = [("care_mix", 4), ("connection", 2)]  # the first and fourth areas, once each
    assert eventually(lambda: answers(database, server.code) == expected), answers(
        database, server.code
    )
    phone.reload()  # online: nothing is sent again
    expect(status.nth(3)).to_have_text("Saved")
    expect(phone.locator("[data-test=connection]")).to_have_attribute("data-state", "online")
    assert answers(database, server.code) == expected
