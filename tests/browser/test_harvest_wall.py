"""The projector's harvest wall in Chromium: notes in three languages become a cloud."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import LAPTOP, PROJECTOR, assert_accessible, screenshot
from .test_workshop_flow import join_phone, post_note

pytestmark = pytest.mark.browser

NOTES = {
    "nl": [
        "Eenzaamheid bij ouderen in de buurt",
        "Mantelzorgers hebben ondersteuning nodig",
        "Buren helpen buren met boodschappen",
    ],
    "fr": [
        "L'isolement des personnes âgées",
        "Les aidants proches ont besoin de soutien",
        "Un point de contact dans le quartier",
    ],
    "en": [
        "Loneliness among older neighbours",
        "Family carers need support and respite",
        "Volunteers are hard to keep",
    ],
}


def test_the_projector_shows_a_live_word_cloud_and_themes(browser, server):
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    projector = browser.new_context(**PROJECTOR).new_page()
    projector.goto(server.projector)
    facilitator.click("[data-test=start]")
    facilitator.select_option("[data-test=projector-view]", "harvest")
    expect(projector.locator("[data-test=harvest]")).to_be_visible()
    for language, notes in NOTES.items():
        _context, phone = join_phone(browser, server, f"P-{language}", language)
        for text in notes:
            post_note(phone, text)
    expect(projector.locator("[data-test=harvest-count]")).to_contain_text("9", timeout=30_000)
    cloud = projector.locator("[data-test=cloud]")
    expect(cloud).to_be_visible()
    assert projector.evaluate("document.querySelector('[data-test=cloud]').naturalWidth") == 1920
    expect(projector.locator("[data-test=themes] li").first).to_be_visible()
    screenshot(projector, "projector-harvest-1920x1080")
    assert_accessible(projector)
