"""Themes by meaning in Chromium: one theme per subject across languages on the projector,
renamed from the console, in the language the facilitator picks; a phone reads its own."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.test_room_harvest import SUBJECTS

from .conftest import LAPTOP, PROJECTOR, assert_accessible, screenshot
from .test_workshop_flow import join_phone, post_note

pytestmark = pytest.mark.browser


def test_the_console_renames_a_theme_and_picks_the_projectors_language(browser, server):
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    projector = browser.new_context(**PROJECTOR).new_page()
    projector.goto(server.projector)
    facilitator.click("[data-test=start]")
    facilitator.select_option("[data-test=projector-view]", "harvest")
    for language in ("nl", "fr", "en"):
        _context, phone = join_phone(browser, server, f"P-{language}", language)
        for subject in SUBJECTS.values():
            for text in subject[language]:
                post_note(phone, text)
    expect(projector.locator("[data-test=harvest-count]")).to_contain_text("18", timeout=60_000)
    themes = projector.locator("[data-test=themes] > li")
    expect(themes).to_have_count(3, timeout=30_000)
    expect(facilitator.locator("[data-test=themes-mode]")).to_contain_text("meaning")
    # Titles in the workshop's first language (Dutch), the others beside them.
    expect(themes.first.locator("h3")).to_have_attribute("lang", "nl")
    expect(themes.first.locator(".other-titles")).to_contain_text("FR:")

    first = facilitator.locator("[data-test=console-themes] > li").first
    first.locator("[data-test=theme-title-input]").fill("Buren helpen buren")
    first.locator("[data-test=theme-rename]").click()
    expect(projector.locator("[data-test=themes] h3", has_text="Buren helpen buren")).to_be_visible(
        timeout=30_000
    )
    facilitator.select_option("[data-test=harvest-language]", "fr")
    expect(projector.locator("[data-test=themes] h3[lang=fr]").first).to_be_visible()
    screenshot(projector, "projector-themes-by-meaning-1920x1080")
    screenshot(facilitator, "console-themes")
    assert_accessible(projector)
