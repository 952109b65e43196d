"""A coach deletes a neighbourhood project in Chromium, from `facilitator demo`: the
confirmation says what stays and what is cleared, fits a 320 px phone at 200% text and
a laptop, and after it the project is gone from the list while its workshops stay."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import LAPTOP, PHONE, screenshot
from .test_phone_fit import check_fit
from .test_portfolio_screens import _fits, _log_in

pytestmark = pytest.mark.browser

KIEL = "Zorgzame buurt Kiel"


def test_a_coach_deletes_a_project_after_reading_what_happens(browser, server):
    page = _log_in(browser, server, LAPTOP)
    workshops = page.locator("[data-test=workshop-item]").count()
    page.goto(server.base + "/o/projects")
    kiel = page.locator("[data-test=project-item]", has_text=KIEL)
    kiel.locator("[data-test=delete-project]").click()
    expect(page.locator("h1")).to_have_text(f"Delete the project “{KIEL}”?")
    effects = page.locator("[data-test=delete-effects]")
    expect(effects).to_contain_text("workshops took part for it: they stay")
    expect(effects).to_contain_text("that answer is cleared")
    _fits(page)
    screenshot(page, "project-delete-1366x900")
    phone = page.context.browser.new_context(**PHONE, storage_state=page.context.storage_state())
    small = phone.new_page()
    small.goto(server.base + "/o/projects")
    check_fit(small, "project-list")  # its delete buttons
    small.goto(page.url)
    check_fit(small, "project-delete")
    phone.close()
    page.click("[data-test=delete-confirm]")
    expect(page.locator("[data-test=flash]")).to_contain_text(f"“{KIEL}” is deleted")
    expect(page.locator("[data-test=project-item]", has_text=KIEL)).to_have_count(0)
    page.goto(server.base + "/o/")
    expect(page.locator("[data-test=workshop-item]")).to_have_count(workshops)
