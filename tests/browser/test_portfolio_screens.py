"""The coach's portfolio in Chromium, from `facilitator demo`: the demo organiser's
projects side by side, one project over time with its coaching sheet made, and the
programme; on a phone and a laptop, nothing wider than the screen, no axe violations."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import LAPTOP, PHONE, assert_accessible, screenshot

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
        if options is LAPTOP:  # the coaching sheet, made in the background
            page.click("[data-test=export-sheet]")
            expect(page.locator("[data-test=export-download]")).to_be_visible(timeout=60_000)
        page.goto(server.base + "/o/programme")
        expect(page.locator("[data-test=lowest] li")).to_have_count(7)
        _fits(page)
        assert_accessible(page)
        screenshot(page, f"programme-{size}")
        page.context.close()
