"""End to end in Chromium: phones join through the printed link, post, rotate, go offline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import LAPTOP, PHONE, PROJECTOR, assert_accessible, screenshot

pytestmark = pytest.mark.browser


def join_phone(browser, server, name, language, host=False):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(server.join)
    page.fill("#name", name)
    page.check(f"input[name=language][value={language}]")
    if host:
        page.check("input[name=host]")
    page.click("[data-test=join-submit]")
    expect(page.locator("[data-test=table-label]")).to_have_text(re.compile(r"\d"))
    expect(page.locator("[data-test=connection]")).to_have_attribute("data-state", "online")
    return context, page


def table_number(page) -> int:
    return int(re.search(r"\d+", page.locator("[data-test=table-label]").inner_text()).group())


def post_note(page, text):
    page.fill("[data-test=note-text]", text)
    page.click("[data-test=note-submit]")


def test_a_workshop_runs_end_to_end_on_three_phones(browser, server):
    projector = browser.new_context(**PROJECTOR).new_page()
    projector.goto(server.projector)
    expect(projector.locator("[data-test=join-code]")).to_have_text(server.code)
    expect(projector.locator("[data-test=qr] svg")).to_be_visible()
    expect(projector.locator("[data-test=join-url]")).to_have_text(server.join)
    screenshot(projector, "projector-join-1920x1080")
    assert_accessible(projector)

    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    expect(facilitator.locator("[data-test=round-label]")).to_contain_text("1")
    assert server.facilitator.split("/")[-1] not in facilitator.url, "the secret leaves the URL"

    join_page = browser.new_context(**PHONE).new_page()
    join_page.goto(server.join)
    screenshot(join_page, "phone-join-390x844")
    assert_accessible(join_page)

    phones = [
        join_phone(browser, server, name, lang)
        for name, lang in [("Els", "nl"), ("Hélène", "fr"), ("Sam", "en")]
    ]
    pages = [page for _context, page in phones]
    expect(pages[0].locator("[data-test=question]")).to_contain_text("bewoners")
    expect(pages[1].locator("[data-test=question]")).to_contain_text("habitants")
    expect(pages[2].locator("[data-test=question]")).to_contain_text("residents")
    expect(facilitator.locator("[data-test=people-total]")).to_have_text("(3)")
    facilitator.click("[data-test=start]")
    for page in pages:
        expect(page.locator("[data-test=timer]")).to_have_text(re.compile(r"^\d+:\d\d$"))
    expect(projector.locator("[data-test=wall]")).to_be_visible()

    notes = [
        "Buren kennen elkaar niet meer",
        "Les aidants proches s'épuisent",
        "<b>Loneliness</b> & care",
    ]
    for page, text in zip(pages, notes, strict=True):
        post_note(page, text)
    for text in notes:
        expect(projector.locator(".wall-notes p", has_text=text)).to_have_count(1)
    # User text is text, never markup.
    expect(projector.locator(".wall-notes b")).to_have_count(0)
    expect(pages[2].locator(".note p", has_text="<b>Loneliness</b>")).to_have_count(1)
    screenshot(pages[0], "phone-table-390x844")
    assert_accessible(pages[0])
    screenshot(projector, "projector-wall-1920x1080")
    assert_accessible(projector)
    screenshot(facilitator, "facilitator-1366x900")
    assert_accessible(facilitator)

    facilitator.fill("[data-test=broadcast-text]", "Nog 2 minuten / Encore 2 minutes")
    facilitator.click("[data-test=broadcast-send]")
    for page in [*pages, projector]:
        expect(page.locator("[data-test=message]")).to_contain_text("Encore 2 minutes")

    before = [table_number(page) for page in pages]
    facilitator.click("[data-test=plan]")
    expect(facilitator.locator("[data-test=plan-panel]")).to_be_visible()
    expect(facilitator.locator("[data-test=plan-score]")).to_contain_text("0")
    facilitator.click("[data-test=plan-apply]")
    for page, old in zip(pages, before, strict=True):
        overlay = page.locator("[data-test=move-overlay]")
        expect(overlay).to_be_visible()
        expect(page.locator("[data-test=round-label]")).to_contain_text("2")
        new = table_number(page)
        assert new != old
        expect(page.locator("[data-test=move-title]")).to_contain_text(str(new))
    screenshot(pages[1], "phone-move-390x844")
    assert_accessible(pages[1])
    for page in pages:
        page.click("[data-test=move-ok]")
        expect(page.locator("[data-test=notes] .note")).to_have_count(0)  # a new table, a new round
    expect(projector.locator(".wall-notes li")).to_have_count(0)


def test_a_phone_that_goes_offline_loses_nothing_and_doubles_nothing(browser, server):
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    facilitator.click("[data-test=start]")
    projector = browser.new_context(**PROJECTOR).new_page()
    projector.goto(server.projector)
    context, page = join_phone(browser, server, "Karim", "fr")

    context.set_offline(True)
    expect(page.locator("[data-test=connection]")).to_have_attribute("data-state", "offline")
    post_note(page, "Écrit sans réseau")
    post_note(page, "Deuxième note hors ligne")
    expect(page.locator(".note.pending")).to_have_count(2)
    screenshot(page, "phone-offline-390x844")
    context.set_offline(False)
    expect(page.locator("[data-test=connection]")).to_have_attribute("data-state", "online")
    expect(page.locator(".note.pending")).to_have_count(0)
    for text in ("Écrit sans réseau", "Deuxième note hors ligne"):
        expect(projector.locator(".wall-notes p", has_text=text)).to_have_count(1)
        expect(page.locator(".note p", has_text=text)).to_have_count(1)

    # The outbox survives a reload too, and a resend after the reload is stored once.
    resend = {
        "client_id": "9b2f4c1e-8d3a-4f6b-9c2d-1a2b3c4d5e6f",
        "text": "Na herladen",
        "table": table_number(page),
    }
    put_in_outbox(page, server.code, resend)
    page.reload()
    expect(projector.locator(".wall-notes p", has_text="Na herladen")).to_have_count(1)
    put_in_outbox(page, server.code, resend)
    page.reload()
    expect(page.locator(".note.pending")).to_have_count(0)
    expect(page.locator(".note p", has_text="Na herladen")).to_have_count(1)
    expect(projector.locator(".wall-notes p", has_text="Na herladen")).to_have_count(1)


def put_in_outbox(page, code, item):
    """What a phone holds after writing a note it could not send yet."""
    page.evaluate(
        "([code, item]) => localStorage.setItem("
        "`facilitator.outbox.${code}`, JSON.stringify([item]))",
        [code, item],
    )


def test_a_reloaded_phone_keeps_its_identity_and_seat(browser, server):
    context, page = join_phone(browser, server, "Lotte", "nl")
    seat = table_number(page)
    page.reload()
    expect(page.locator("[data-test=table-label]")).to_contain_text(str(seat))
    page.goto(server.join)  # the join link again: straight back to the table, not a second person
    expect(page).to_have_url(re.compile(r"/w/"))
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    expect(facilitator.locator("[data-test=people-total]")).to_have_text("(1)")


def test_the_participant_page_speaks_the_chosen_language(browser, server):
    context, page = join_phone(browser, server, "Marie", "fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("[data-test=note-submit]")).to_have_text("Publier")
    expect(page.locator("[data-test=table-label]")).to_contain_text("table")


def test_typing_the_short_code_leads_to_the_join_page(browser, server):
    page = browser.new_context(**PHONE).new_page()
    page.goto(server.base + "/?lang=nl")
    assert_accessible(page)
    page.fill("[data-test=code]", "ZZZZZZ")
    page.click("button[type=submit]")
    expect(page.locator("[role=alert]")).to_contain_text("code")
    assert_accessible(page)
    page.fill("[data-test=code]", server.code.lower())
    page.click("button[type=submit]")
    expect(page.locator("[data-test=join-form]")).to_be_visible()


def test_when_the_round_ends_the_phone_waits_for_the_next(browser, server):
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    _context, page = join_phone(browser, server, "Driss", "nl")
    facilitator.click("[data-test=start]")
    expect(page.locator("[data-test=timer]")).to_have_text(re.compile(r"^\d+:\d\d$"))
    facilitator.click("[data-test=end]")
    expect(page.locator("[data-test=timer]")).to_have_text("De tijd is om")
    expect(page.locator("[data-test=note-submit]")).to_be_disabled()
    expect(page.locator("[data-test=round-closed]")).to_be_visible()
    screenshot(page, "phone-round-ended-390x844")
    assert_accessible(page)
