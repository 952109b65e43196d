"""Cards dealt to the demo's six tables on the projector: their text reads from the back
of the room (at least 18 px at 1280x720), and nothing is cut, wider than its box or below
the screen, in English and in French (the longest), at 1280x720 and 1920x1080."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import LAPTOP, PROJECTOR, screenshot
from .test_coaching_phase import BELOW_THE_SCREEN, COACHING, FIT_PROBLEMS
from .test_phone_fit import start_phase

pytestmark = pytest.mark.browser

TEXT_SIZES = """() => [...document.querySelectorAll('[data-test=coaching-card]')]
  .filter((card) => card.checkVisibility())
  .map((card) => parseFloat(getComputedStyle(card.querySelector('.card-text')).fontSize))"""


def test_six_dealt_cards_read_from_the_back_and_fit(browser, server):
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    projector = browser.new_context(**PROJECTOR).new_page()
    projector.goto(server.projector)
    start_phase(facilitator, COACHING)
    facilitator.click("[data-test=coaching-deal]")  # nobody sits yet: all six tables
    cards = projector.locator("[data-test=coaching-card]")
    expect(cards).to_have_count(6)
    for language in ("en", "fr"):
        facilitator.select_option("[data-test=harvest-language]", language)
        expect(cards.first.locator(".card-text")).to_have_attribute("lang", language)
        for width, height in ((1280, 720), (1920, 1080)):
            projector.set_viewport_size({"width": width, "height": height})
            projector.wait_for_timeout(200)
            screenshot(projector, f"projector-dealt-6-{language}-{width}x{height}")
            sizes = projector.evaluate(TEXT_SIZES)
            assert len(sizes) == 6, sizes  # all on one page
            assert min(sizes) >= 18 * width / 1280 - 0.5, (language, width, sizes)
            expect(projector.locator("[data-test=cards-page]")).to_be_hidden()
            problems = projector.evaluate(FIT_PROBLEMS, width) + projector.evaluate(
                BELOW_THE_SCREEN
            )
            assert not problems, (language, width, problems)
