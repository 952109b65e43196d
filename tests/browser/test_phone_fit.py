"""Every phone screen fits 320-390 px at 100% and 200% text, and reads well aloud.

Text size: Chromium's own default font size, set through the DevTools protocol
(`Page.setFontSizes`, 16 px -> 32 px). It is what a browser's text-size setting
changes: every `rem` and `em` grows and the page's own choices (the in-app larger
text) compound with it, as on a phone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import LAPTOP, PHONE, assert_accessible, screenshot
from .test_workshop_flow import join_phone, post_note

pytestmark = pytest.mark.browser

WIDTHS = (320, 390)
HEIGHTS = {320: 568, 390: 844}
TEXT_SIZES = (100, 200)
# axe-core at the smallest screen with the largest text, and at the common phone.
AXE_AT = {(320, 200), (390, 100)}
LONG_NOTE = (
    "Gemeenschappelijke ontmoetingsplaatsen en buurtzorgverantwoordelijkheid: "
    "mantelzorgers raken uitgeput"
)
INSIGHT = "Zorg begint bij elkaar kennen, in de eigen straat"

FIT_PROBLEMS = (Path(__file__).parent / "phone_fit.js").read_text()


def set_text_size(page, percent):
    """The browser's text size: its default font size (16 px is 100%)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 16 * percent // 100, "fixed": 13}})
    cdp.detach()


def check_fit(page, screen, *, accessible=True):
    """The screen at each width and text size: nothing wider or cut; axe-core clean."""
    found = {}
    for percent in TEXT_SIZES:
        set_text_size(page, percent)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHTS[width]})
            page.evaluate("() => new Promise((r) => requestAnimationFrame(() => setTimeout(r)))")
            problems = page.evaluate(FIT_PROBLEMS, width)
            screenshot(page, f"fit-{screen}-{width}px-{percent}pct")
            if problems:
                found[f"{screen} {width}px {percent}%"] = problems
            if accessible and (width, percent) in AXE_AT:
                assert_accessible(page)
    set_text_size(page, 100)
    page.set_viewport_size(PHONE["viewport"])
    assert not found, json.dumps(found, indent=2, ensure_ascii=False)


def start_phase(facilitator, title):
    facilitator.locator("[data-test=phases] li", has_text=title).locator("button").click()


def top(page, selector):
    return page.locator(selector).bounding_box()["y"]


def test_every_phone_screen_fits_from_320px_at_double_text(browser, server):
    join = browser.new_context(**PHONE, locale="nl-BE").new_page()
    join.goto(server.join + "?lang=nl")
    check_fit(join, "join")

    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    _context, host = join_phone(browser, server, "Sofie", "nl", host=True)
    _context, phone = join_phone(browser, server, "Els-Marie Vandenbroucke", "nl")
    start_phase(facilitator, "Setting the scene")
    expect(phone.locator("[data-test=phase]")).to_contain_text("zorgzame buurten")
    check_fit(phone, "lobby")

    start_phase(facilitator, "World Café")
    facilitator.click("[data-test=start]")
    expect(phone.locator("[data-test=timer]")).to_have_text(re.compile(r"^\d+:\d\d$"))
    post_note(phone, LONG_NOTE)
    post_note(host, "Iedereen kent iedereen")
    host.fill("[data-test=insight-input]", INSIGHT)
    host.click("[data-test=insight-submit]")
    expect(phone.locator(".notes .note")).to_have_count(1)
    check_fit(phone, "round")

    facilitator.click("[data-test=end]")
    expect(phone.locator("[data-test=timer]")).to_have_text("De tijd is om")
    facilitator.click("[data-test=plan]")
    facilitator.click("[data-test=plan-apply]")
    expect(phone.locator("[data-test=move-overlay]")).to_be_visible()
    check_fit(phone, "move")
    phone.click("[data-test=move-ok]")

    start_phase(facilitator, "Plenary")
    facilitator.click("[data-test=ballot-open]")
    expect(phone.locator("[data-test=dot-options] > li").first).to_be_visible()
    check_fit(phone, "plenary-vote")

    facilitator.click("[data-test=ballot-close]")
    expect(phone.locator("[data-test=vote-results]")).to_be_visible()
    phone.fill("[data-test=commit-text]", "Ik nodig mijn buren uit voor een buurtkoffie")
    phone.click("[data-test=commit-submit]")
    expect(phone.locator("[data-test=my-commitments] li")).to_have_count(1)
    check_fit(phone, "commitment")

    start_phase(facilitator, "Conclusion")
    expect(phone.locator("[data-test=phase]")).to_contain_text("Besluit")
    check_fit(phone, "ended")
