"""The coach's portfolio in Chromium, from `facilitator demo`: the demo organiser's
projects side by side, one project over time with its coaching sheet made, and the
programme; on a phone and a laptop, nothing wider than the screen, no axe violations."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import LAPTOP, PHONE, assert_accessible, screenshot
from .test_phone_fit import set_text_size

pytestmark = pytest.mark.browser


def _log_in(browser, server, options):
    line = re.search(r"Organiser login:\s+(\S+)\s+\(user (\w+), password (\S+)\)", server.log())
    assert line, server.log()
    login, user, password = line.groups()
    page = browser.new_context(**options).new_page()
    page.goto(login)
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("[data-test=login-submit]")
    expect(page.locator("h1")).to_have_text("Your workshops")
    return page


def _fits(page) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{page.url} is {wide} px wider than the screen"


def _look_at_the_scan_notes(page, phone: bool) -> None:
    """A project's self-scan notes, with their language and localised days: on a phone at
    200% text and on a 1280 px desktop, nothing wider than the screen."""
    notes = page.locator("[data-test=scan-notes] li[lang=nl]")
    expect(notes.filter(has_text="Sinds de buurtkoffie groeten")).to_have_count(3)  # 3 days
    expect(page.locator("[data-test=project-workshop] .muted.small").first).to_have_text(
        re.compile(r"^\d{1,2} \w{3}\.? 2026$")
    )
    if phone:
        set_text_size(page, 200)
    else:
        page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("[data-test=scan-notes]").first.scroll_into_view_if_needed()
    _fits(page)
    screenshot(page, "project-notes-390x844-200pct" if phone else "project-notes-1280x900")
    set_text_size(page, 100)


def test_a_coach_looks_at_the_portfolio_a_project_and_the_programme(browser, server):
    for options, size in ((PHONE, "390x844"), (LAPTOP, "1366x900")):
        page = _log_in(browser, server, options)
        page.click("[data-test=portfolio]")
        expect(page.locator("[data-test=portfolio-project]")).to_have_count(3)
        _fits(page)
        assert_accessible(page)
        screenshot(page, f"portfolio-{size}")
        page.click("text=Zorgzame buurt Kiel")
        expect(page.locator("[data-test=project-name]")).to_have_text("Zorgzame buurt Kiel")
        expect(page.locator("[data-test=project-workshop]")).to_have_count(4)
        _fits(page)
        assert_accessible(page)
        _look_at_the_scan_notes(page, options is PHONE)
        if options is LAPTOP:  # the coaching sheet, made in the background
            page.click("[data-test=export-sheet]")
            expect(page.locator("[data-test=export-download]")).to_be_visible(timeout=60_000)
        page.goto(server.base + "/o/programme")
        expect(page.locator("[data-test=lowest] li")).to_have_count(7)
        _fits(page)
        assert_accessible(page)
        screenshot(page, f"programme-{size}")
        page.context.close()
