"""End to end in Chromium: people without a smartphone take part, through a shared tablet
and through notes written on paper that the facilitator types in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import LAPTOP, assert_accessible, screenshot

pytestmark = pytest.mark.browser

TABLET = {"viewport": {"width": 800, "height": 1280}, "has_touch": True}


def join_on_tablet(page, server, name):
    page.fill("#name", name)
    page.check("input[name=language][value=nl]")
    page.check("input[name=shared]")
    page.click("[data-test=join-submit]")
    seen_seat(page)


def seen_seat(page):
    """Online, and past the "Move to table N" card a person on the tablet gets when the
    tablet's table was full and they were seated elsewhere."""
    expect(page.locator("[data-test=connection]")).to_have_attribute("data-state", "online")
    page.wait_for_timeout(300)
    if page.locator("[data-test=move-overlay]").is_visible():
        page.click("[data-test=move-ok]")


def post_note(page, text):
    page.fill("[data-test=note-text]", text)
    page.click("[data-test=note-submit]")
    expect(page.locator("[data-test=notes] .note", has_text=text)).to_have_count(1)


def test_two_people_share_a_tablet_and_a_paper_note_reaches_their_table(browser, server):
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    facilitator.click("[data-test=start]")

    tablet = browser.new_context(**TABLET).new_page()
    tablet.goto(server.join)
    join_on_tablet(tablet, server, "Anne")
    people = tablet.locator("[data-test=device-person]")
    expect(people).to_have_text(["Anne"])
    post_note(tablet, "Een bank bij de bakker")
    expect(tablet.locator("[data-test=notes] .note .meta").first).to_contain_text("Anne")

    tablet.click("[data-test=device-someone-else] button")
    expect(tablet.locator("input[name=shared]")).to_be_checked()
    join_on_tablet(tablet, server, "Bram")
    expect(people).to_have_text(["Anne", "Bram"])
    expect(tablet.locator("[data-test=device-person][aria-pressed=true]")).to_have_text("Bram")
    screenshot(tablet, "tablet-shared-device-800x1280")
    assert_accessible(tablet)
    table = int(re.search(r"\d+", tablet.locator("[data-test=table-label]").inner_text()).group())
    expect(tablet.locator("[data-test=move-overlay]")).to_be_hidden()  # Bram sits at Anne's table

    # The facilitator types in a note written on paper at Bram's table.
    facilitator.select_option("[data-test=paper-table]", str(table))
    facilitator.select_option("[data-test=paper-language]", "nl")
    facilitator.fill("[data-test=paper-text]", "Op papier: meer licht in het park")
    facilitator.click("[data-test=paper-send]")
    expect(facilitator.locator("[data-test=paper-text]")).to_have_value("")
    paper = tablet.locator("[data-test=notes] .note", has_text="meer licht in het park")
    expect(paper).to_have_count(1)
    expect(paper.locator(".meta")).to_contain_text("op papier geschreven")

    # Back to Anne: her own name again, same tablet.
    people.filter(has_text="Anne").click()
    seen_seat(tablet)
    expect(tablet.locator("[data-test=device-person][aria-pressed=true]")).to_have_text("Anne")
    expect(facilitator.locator("[data-test=people-total]")).to_have_text("(2)")
