"""The facilitator's console on a phone (390 px) with text at 200%: the round's heading,
its question, timer and buttons, the agenda and the tables fit the screen, nothing cut."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, screenshot
from .test_phone_fit import FIT_PROBLEMS, set_text_size

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("percent", [100, 200])
def test_the_console_fits_a_phone_at_double_text(browser, server, percent):
    page = browser.new_context(**PHONE).new_page()
    page.goto(server.facilitator)
    set_text_size(page, percent)  # after loading: a navigation resets it
    heading = page.locator("[data-test=round-label]")
    expect(heading).to_contain_text("1")
    page.click("[data-test=start]")
    expect(page.locator("[data-test=timer]")).to_contain_text(":")
    problems = page.evaluate(FIT_PROBLEMS, PHONE["viewport"]["width"])
    screenshot(page, f"console-390px-{percent}pct")
    assert not problems, json.dumps(problems, indent=2, ensure_ascii=False)
    box = heading.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["viewport"]["width"]
