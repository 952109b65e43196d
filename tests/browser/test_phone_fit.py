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
from .test_workshop_flow import join_phone, post_note, table_number

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


HEADING_LEVELS = """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
  .filter((h) => h.checkVisibility()).map((h) => Number(h.tagName[1]))"""


def check_heading_order(page, screen):
    """One h1 first, and no level skipped on the way down."""
    levels = page.evaluate(HEADING_LEVELS)
    assert levels and levels[0] == 1, (screen, levels)
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), (screen, levels)


def set_text_size(page, percent):
    """The browser's text size: its default font size (16 px is 100%)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 16 * percent // 100, "fixed": 13}})
    cdp.detach()


def check_fit(page, screen, *, accessible=True):
    """The screen at each width and text size: nothing wider or cut; axe-core clean."""
    check_heading_order(page, screen)
    found = {}
    for percent in TEXT_SIZES:
        set_text_size(page, percent)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHTS[width]})
            page.evaluate("() => { scrollTo(0, 0); return new Promise((r) => setTimeout(r, 50)); }")
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


def in_viewport(page, selector):
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


def check_timer_label_when_paused(facilitator, phone):
    """A screen reader hears what the screen shows: "Gepauzeerd · 9:58", not "9:59"."""
    facilitator.click("[data-test=pause]")
    timer = phone.locator("[data-test=timer]")
    expect(timer).to_contain_text("Gepauzeerd")
    assert timer.get_attribute("aria-label") == timer.inner_text()
    facilitator.click("[data-test=resume]")
    expect(timer).to_have_attribute("aria-label", re.compile(r"^Resterende tijd: \d+:\d\d$"))


def check_new_notes_are_announced_alone(host, phone):
    """One new note is read out once; the list is not a live region."""
    assert phone.locator("[data-test=notes]").get_attribute("aria-live") is None
    post_note(host, "Iedereen kent iedereen")
    announcer = phone.locator("[data-test=note-announcer]")
    expect(announcer.locator("p")).to_have_count(1)
    expect(announcer).to_contain_text("Iedereen kent iedereen")
    expect(announcer).not_to_contain_text(LONG_NOTE[:20])  # the phone's own note


def check_move_dialog(phone):
    """At 200% on 320 px: number and OK on screen, focus kept in, returned on Escape."""
    set_text_size(phone, 200)
    phone.set_viewport_size({"width": 320, "height": HEIGHTS[320]})
    expect(phone.locator("[data-test=move-title]")).to_contain_text(re.compile(r"\d"))
    assert in_viewport(phone, "[data-test=move-title]")
    assert in_viewport(phone, "[data-test=move-ok]")
    expect(phone.locator("[data-test=move-ok]")).to_be_focused()
    for key in ("Tab", "Tab", "Shift+Tab"):
        phone.keyboard.press(key)
        expect(phone.locator("[data-test=move-ok]")).to_be_focused()
    assert phone.evaluate("document.querySelector('main').inert")
    phone.keyboard.press("Escape")
    expect(phone.locator("[data-test=move-overlay]")).to_be_hidden()
    expect(phone.locator("[data-test=note-text]")).to_be_focused()
    set_text_size(phone, 100)
    phone.set_viewport_size(PHONE["viewport"])


def check_plenary_order(phone, first, then):
    """The card the moment needs is first on the phone, the round's cards are gone."""
    assert top(phone, f"[data-test={first}]") < top(phone, f"[data-test={then}]")
    assert top(phone, f"[data-test={first}]") < phone.viewport_size["height"] / 2
    for gone in ("timer", "question", "note-form", "notes-section", "tablecloth"):
        expect(phone.locator(f"[data-test={gone}]")).to_be_hidden()


BEFORE_BODY = """new MutationObserver((changes, observer) => {
  if (!document.body) return;
  const root = document.documentElement;
  window.displayBeforeBody = `${root.dataset.text} ${root.dataset.contrast}`;
  observer.disconnect();
}).observe(document, { childList: true, subtree: true });"""


def check_display_choice_is_remembered(phone):
    """Larger text and high contrast, chosen on the phone, hold after a reload."""
    phone.locator("[data-test=display-options] summary").click()
    phone.check("[data-test=larger-text]")
    phone.check("[data-test=high-contrast]")
    # What <html> says when <body> starts: nothing is painted before that.
    phone.add_init_script(BEFORE_BODY)
    phone.reload()
    assert phone.evaluate("window.displayBeforeBody") == "large high"
    expect(phone.locator("[data-test=connection]")).to_have_attribute("data-state", "online")
    root = phone.locator("html")
    expect(root).to_have_attribute("data-text", "large")
    expect(root).to_have_attribute("data-contrast", "high")
    assert phone.evaluate("getComputedStyle(document.documentElement).fontSize") == "20.8px"
    check_fit(phone, "round-larger-high-contrast")
    phone.locator("[data-test=display-options] summary").click()
    expect(phone.locator("[data-test=larger-text]")).to_be_checked()
    phone.uncheck("[data-test=larger-text]")
    phone.uncheck("[data-test=high-contrast]")
    phone.locator("[data-test=display-options] summary").click()
    expect(root).not_to_have_attribute("data-text", "large")


def test_every_phone_screen_fits_from_320px_at_double_text(browser, server):
    join = browser.new_context(**PHONE, locale="nl-BE").new_page()
    join.goto(server.join + "?lang=nl")
    check_fit(join, "join")

    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    _context, host = join_phone(browser, server, "Sofie", "nl", host=True)
    _context, phone = join_phone(browser, server, "Els-Marie Vandenbroucke", "nl")
    if table_number(phone) != table_number(host):  # at one table: the host's note arrives
        facilitator.locator("[data-test=tables] li", has_text="Els-Marie").locator("input").check()
        facilitator.select_option("[data-test=move-target]", str(table_number(host)))
        facilitator.click("[data-test=move-now]")
        phone.click("[data-test=move-ok]")
    start_phase(facilitator, "Setting the scene")
    expect(phone.locator("[data-test=phase]")).to_contain_text("zorgzame buurten")
    check_fit(phone, "lobby")

    start_phase(facilitator, "a self-scan of our neighbourhood")
    expect(phone.locator("[data-test=selfscan-title]").first).to_have_text(
        "Verbinding tussen bewoners"
    )
    phone.locator("[data-test=selfscan-score][data-score='4']").first.click()
    expect(phone.locator("[data-test=selfscan-status]").first).to_have_text("Opgeslagen")
    check_fit(phone, "selfscan")

    start_phase(facilitator, "World Café")
    facilitator.click("[data-test=start]")
    expect(phone.locator("[data-test=timer]")).to_have_text(re.compile(r"^\d+:\d\d$"))
    check_timer_label_when_paused(facilitator, phone)
    post_note(phone, LONG_NOTE)
    expect(phone.locator(".notes .note")).to_have_count(1)
    check_new_notes_are_announced_alone(host, phone)
    host.fill("[data-test=insight-input]", INSIGHT)
    host.click("[data-test=insight-submit]")
    expect(phone.locator(".notes .note")).to_have_count(2)
    check_fit(phone, "round")
    check_display_choice_is_remembered(phone)

    facilitator.click("[data-test=end]")
    expect(phone.locator("[data-test=timer]")).to_have_text("De tijd is om")
    facilitator.click("[data-test=plan]")
    phone.focus("[data-test=note-text]")
    facilitator.click("[data-test=plan-apply]")
    expect(phone.locator("[data-test=move-overlay]")).to_be_visible()
    check_fit(phone, "move")
    check_move_dialog(phone)

    start_phase(facilitator, "Plenary")
    facilitator.click("[data-test=ballot-open]")
    expect(phone.locator("[data-test=dot-options] > li").first).to_be_visible()
    check_plenary_order(phone, "vote-card", "commit-card")
    check_fit(phone, "plenary-vote")
    phone.emulate_media(forced_colors="active")  # Windows' contrast themes, and the like
    check_fit(phone, "plenary-vote-forced-colors")
    phone.emulate_media(forced_colors="none")

    facilitator.click("[data-test=ballot-close]")
    expect(phone.locator("[data-test=vote-results]")).to_be_visible()
    phone.fill("[data-test=commit-text]", "Ik nodig mijn buren uit voor een buurtkoffie")
    phone.click("[data-test=commit-submit]")
    expect(phone.locator("[data-test=my-commitments] li")).to_have_count(1)
    check_plenary_order(phone, "commit-card", "vote-card")
    check_fit(phone, "commitment")

    start_phase(facilitator, "Conclusion")
    expect(phone.locator("[data-test=phase]")).to_contain_text("Besluit")
    check_fit(phone, "ended")
