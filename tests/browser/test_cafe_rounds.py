"""A three-round café with twelve phones: timers, rotation, a move, a late joiner."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import LAPTOP, PROJECTOR, assert_accessible, screenshot
from .test_workshop_flow import join_phone, table_number

pytestmark = pytest.mark.browser

NAMES = [
    ("An", "nl"),
    ("Bram", "nl"),
    ("Chloé", "fr"),
    ("Driss", "fr"),
    ("Els", "nl"),
    ("Fatima", "fr"),
    ("Geert", "nl"),
    ("Hélène", "fr"),
    ("Ilse", "nl"),
    ("Jonas", "en"),
    ("Karim", "fr"),
    ("Lotte", "en"),
]


def seats(pages):
    return [table_number(page) for page in pages]


def test_a_three_round_cafe_runs_on_twelve_phones(browser, server):
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    projector = browser.new_context(**PROJECTOR).new_page()
    projector.goto(server.projector)
    phones = [join_phone(browser, server, name, lang) for name, lang in NAMES]
    pages = [page for _context, page in phones]
    expect(facilitator.locator("[data-test=people-total]")).to_have_text("(12)")

    # The agenda: start the café phase; the console compares the plan with the clock.
    facilitator.locator("[data-test=phases] li", has_text="World Café").locator("button").click()
    expect(facilitator.locator("[data-test=drift]")).to_have_text(re.compile(r"\S"))
    expect(pages[0].locator("[data-test=phase]")).to_contain_text("Wereldcafé")

    # Round 1: timers count down on phone and projector, pause and extend work.
    facilitator.click("[data-test=start]")
    expect(pages[0].locator("[data-test=timer]")).to_have_text(re.compile(r"^(10:00|9:\d\d)$"))
    expect(projector.locator("[data-test=timer]")).to_have_text(re.compile(r"^(10:00|9:\d\d)$"))
    facilitator.click("[data-test=pause]")
    expect(pages[1].locator("[data-test=timer]")).to_contain_text("Gepauzeerd")
    facilitator.click("[data-test=extend-5]")
    expect(pages[1].locator("[data-test=timer]")).to_contain_text(re.compile(r"1[45]:\d\d"))
    facilitator.click("[data-test=resume]")
    expect(pages[2].locator("[data-test=timer]")).to_have_text(re.compile(r"^1[45]:\d\d$"))

    # A facilitator move during the round: someone sat down at the wrong table.
    mover = facilitator.locator("[data-test=tables] li", has_text="Jonas")
    mover.locator("input[type=checkbox]").check()
    facilitator.select_option("[data-test=move-target]", "6")
    facilitator.click("[data-test=move-now]")
    expect(pages[9].locator("[data-test=move-overlay]")).to_be_visible()
    expect(pages[9].locator("[data-test=table-label]")).to_contain_text("6")
    pages[9].click("[data-test=move-ok]")

    history = [seats(pages)]
    for number in (2, 3):
        if number == 3:
            # A late joiner arrives before the last round and gets a seat straight away.
            late_context, late = join_phone(browser, server, "Marie", "fr")
            pages.append(late)
        facilitator.click("[data-test=plan]")
        expect(facilitator.locator("[data-test=plan-title]")).to_contain_text(str(number))
        if number == 2:
            screenshot(facilitator, "facilitator-plan-1366x900")
            assert_accessible(facilitator)
            # Three rounds on six tables: nobody but a host returns to a table, unless
            # the facilitator unticks it (the plan is made again, the box says so).
            new_tables = facilitator.locator("[data-test=plan-new-tables]")
            expect(new_tables).to_be_checked()
            new_tables.uncheck()
            expect(new_tables).not_to_be_checked()
            new_tables.check()
            expect(new_tables).to_be_checked()
            expect(facilitator.locator("[data-test=plan-score]")).to_have_attribute(
                "data-revisits", "0"
            )
        facilitator.click("[data-test=plan-apply]")
        for page in pages:
            # "Round 3 of 3": the first number must be the new round ("Round 2 of 3" also
            # contains a 3, and let the seats be read before the phone had moved).
            first_number = re.compile(rf"^\D*{number}\D")
            expect(page.locator("[data-test=round-label]")).to_have_text(first_number)
            expect(page.locator("[data-test=table-label]")).to_contain_text(re.compile(r"\d"))
        history.append(seats(pages))
        for page in pages:
            if page.locator("[data-test=move-overlay]").is_visible():
                page.click("[data-test=move-ok]")
        facilitator.click("[data-test=start]")
        expect(pages[0].locator("[data-test=timer]")).to_have_text(re.compile(r"^\d+:\d\d$"))

    # Nobody lost or seated twice: the console shows all thirteen, every table within 5.
    expect(facilitator.locator("[data-test=people-total]")).to_have_text("(13)")
    sizes = [len([s for s in history[-1] if s == table]) for table in range(1, 7)]
    assert sum(sizes) == 13 and max(sizes) <= 5
    # Travellers changed tables between rounds.
    assert history[1][:12] != history[0][:12] and history[2][:12] != history[1][:12]

    facilitator.select_option("[data-test=projector-view]", "round")
    expect(projector.locator("[data-test=round-screen]")).to_be_visible()
    expect(projector.locator("[data-test=table-map]")).to_contain_text("Marie")
    screenshot(projector, "projector-round-1920x1080")
    assert_accessible(projector)
    facilitator.uncheck("[data-test=show-names]")
    expect(projector.locator("[data-test=table-map]")).not_to_contain_text("Marie")
    screenshot(facilitator, "facilitator-round3-1366x900")
    late_context.close()


def test_a_host_sees_what_earlier_rounds_wrote(browser, server):
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    _context, host = join_phone(browser, server, "Sofie", "nl", host=True)
    _context, guest = join_phone(browser, server, "Yasmine", "fr")
    facilitator.click("[data-test=start]")
    if table_number(guest) != table_number(host):
        facilitator.locator("[data-test=tables] li", has_text="Yasmine").locator("input").check()
        facilitator.select_option("[data-test=move-target]", str(table_number(host)))
        facilitator.click("[data-test=move-now]")
        guest.click("[data-test=move-ok]")
    guest.fill("[data-test=note-text]", "Les voisins ne se connaissent plus")
    guest.click("[data-test=note-submit]")
    expect(host.locator(".notes .note p", has_text="voisins")).to_have_count(1)
    # The host upvotes the guest's note: the count shows on both phones, once.
    vote = host.locator(".notes .note", has_text="voisins").locator("[data-test=vote]")
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "true")
    expect(
        guest.locator(".notes .note", has_text="voisins").locator("[data-test=vote]")
    ).to_have_text("▲ 1")
    screenshot(host, "phone-votes-390x844")
    # The host writes the round's key insight: the guest sees it too.
    host.fill("[data-test=insight-input]", "Zorg begint bij elkaar kennen")
    host.click("[data-test=insight-submit]")
    expect(guest.locator("[data-test=insight-text]")).to_have_text("Zorg begint bij elkaar kennen")
    screenshot(guest, "phone-insight-390x844")
    assert_accessible(host)
    facilitator.click("[data-test=plan]")
    facilitator.click("[data-test=plan-apply]")
    expect(host.locator("[data-test=handover]")).to_be_visible()
    expect(host.locator("[data-test=handover-notes]")).to_contain_text("voisins")
    screenshot(host, "phone-host-handover-390x844")
    assert_accessible(host)


def test_a_hidden_note_leaves_every_screen_and_comes_back(browser, server):
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    projector = browser.new_context(**PROJECTOR).new_page()
    projector.goto(server.projector)
    _context, phone = join_phone(browser, server, "Thomas", "en")
    facilitator.click("[data-test=start]")
    phone.fill("[data-test=note-text]", "Something rude")
    phone.click("[data-test=note-submit]")
    expect(projector.locator(".wall-notes p", has_text="Something rude")).to_have_count(1)
    row = facilitator.locator("[data-test=moderation] li", has_text="Something rude")
    toggle = row.locator("button")
    toggle.click()
    expect(projector.locator(".wall-notes p", has_text="Something rude")).to_have_count(0)
    expect(phone.locator(".notes .note p", has_text="Something rude")).to_have_count(0)
    expect(facilitator.locator("[data-test=moderation] li.hidden-note")).to_have_count(1)
    toggle.click()
    expect(projector.locator(".wall-notes p", has_text="Something rude")).to_have_count(1)
    expect(phone.locator(".notes .note p", has_text="Something rude")).to_have_count(1)
