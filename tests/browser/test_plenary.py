"""The plenary in Chromium: a table in the spotlight, a dot-vote, commitments, the summary."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import LAPTOP, PROJECTOR, assert_accessible, screenshot
from .test_harvest_wall import NOTES, tablecloth_jpeg
from .test_workshop_flow import join_phone, post_note, table_number

pytestmark = pytest.mark.browser

PEOPLE = [("Els", "nl"), ("Hélène", "fr"), ("Sam", "en")]
INSIGHT = "Zorg begint bij elkaar kennen"
SECOND_INSIGHT = "Un lieu de rencontre ouvert à tous, près de chez soi"

# The dots each phone puts on the ballot's first, second and third option.
DOTS = [(3, 0, 0), (1, 2, 0), (0, 1, 1)]


def plus(page, index, times):
    button = page.locator("[data-test=dot-options] > li").nth(index).locator("[data-test=dot-plus]")
    for _ in range(times):
        button.click()


def refused_dots(page, code):
    """A phone sends dots after the vote closed (a second connection, as a late tab)."""
    card = page.locator("[data-test=vote-card]")
    ballot = int(card.get_attribute("data-ballot"))
    option = page.locator("[data-test=result-bars] > li").first.get_attribute("data-option")
    return page.evaluate(
        """([code, ballot, option]) => new Promise((resolve) => {
            const socket = io({auth: {code, role: "participant"}, transports: ["websocket"]});
            socket.on("connect", () => socket.emit("ballot.dots",
              {ballot, dots: {[option]: 1}}, (ack) => { socket.disconnect(); resolve(ack); }));
        })""",
        [code, ballot, option],
    )


def test_the_plenary_spotlight_vote_commitments_and_summary(browser, server):
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    projector = browser.new_context(**PROJECTOR).new_page()
    projector.goto(server.projector)
    _context, host = join_phone(browser, server, "Sofie", "nl", host=True)
    _context, second_host = join_phone(browser, server, "Karim", "fr", host=True)
    phones = [join_phone(browser, server, name, lang)[1] for name, lang in PEOPLE]
    facilitator.click("[data-test=start]")
    facilitator.select_option("[data-test=projector-view]", "harvest")
    # Els sits with the first host: the spotlit table has notes, votes and a photo.
    if table_number(phones[0]) != table_number(host):
        facilitator.locator("[data-test=tables] li", has_text="Els").locator("input").check()
        facilitator.select_option("[data-test=move-target]", str(table_number(host)))
        facilitator.click("[data-test=move-now]")
        phones[0].click("[data-test=move-ok]")
    for phone, notes in zip(phones, NOTES.values(), strict=True):
        for text in notes:
            post_note(phone, text)
    expect(host.locator(".notes .note")).to_have_count(3)
    host.locator(".notes .note", has_text="Mantelzorgers").locator("[data-test=vote]").click()
    host.fill("[data-test=insight-input]", INSIGHT)
    host.click("[data-test=insight-submit]")
    expect(host.locator("[data-test=insight-text]")).to_have_text(INSIGHT)
    second_host.fill("[data-test=insight-input]", SECOND_INSIGHT)
    second_host.click("[data-test=insight-submit]")
    expect(second_host.locator("[data-test=insight-text]")).to_have_text(SECOND_INSIGHT)
    host.set_input_files(
        "[data-test=photo-input]",
        files=[{"name": "cloth.jpg", "mimeType": "image/jpeg", "buffer": tablecloth_jpeg()}],
    )
    expect(host.locator("[data-test=photos] img")).to_have_count(1, timeout=30_000)
    # Themes first: the vote is on them and the key insights.
    expect(projector.locator("[data-test=themes] li").first).to_be_visible(timeout=30_000)

    # The facilitator spotlights the host's table: the projector and every phone follow.
    spot = table_number(host)
    facilitator.select_option("[data-test=spotlight-table]", str(spot))
    facilitator.click("[data-test=spotlight-set]")
    expect(projector.locator("[data-test=spotlight]")).to_be_visible()
    expect(projector.locator("[data-test=spotlight-title]")).to_contain_text(str(spot))
    expect(projector.locator("[data-test=spotlight-insights]")).to_contain_text(INSIGHT)
    expect(facilitator.locator("[data-test=projector-view]")).to_have_value("spotlight")
    for phone in phones:
        card = phone.locator("[data-test=phone-spotlight]")
        expect(card).to_be_visible()
        expect(card).to_contain_text(str(spot))
        expect(card).to_contain_text(INSIGHT)
    expect(projector.locator("[data-test=spotlight-notes] li")).to_have_count(3)
    expect(projector.locator("[data-test=spotlight-notes] li").first).to_contain_text("▲ 1")
    expect(projector.locator("[data-test=spotlight-photo]")).to_be_visible()
    expect(projector.locator("[data-test=spotlight-cloud]")).to_be_visible(timeout=30_000)
    screenshot(projector, "projector-spotlight-1920x1080")
    assert_accessible(projector)
    phones[1].locator("[data-test=phone-spotlight]").scroll_into_view_if_needed()
    screenshot(phones[1], "phone-spotlight-390x844")
    # "Next table" moves on; "Clear" takes the spotlight off the phones.
    facilitator.click("[data-test=spotlight-next]")
    following = spot % 6 + 1  # the demo has six tables
    expect(projector.locator("[data-test=spotlight-title]")).to_have_text(
        re.compile(rf"\b{following}\b")
    )
    expect(phones[0].locator("[data-test=phone-spotlight-title]")).to_contain_text(str(following))
    facilitator.click("[data-test=spotlight-clear]")
    for phone in phones:
        expect(phone.locator("[data-test=phone-spotlight]")).to_be_hidden()

    # A dot-vote with three dots each.
    facilitator.fill("[data-test=ballot-dots]", "3")
    facilitator.click("[data-test=ballot-open]")
    facilitator.select_option("[data-test=projector-view]", "vote")
    expect(projector.locator("[data-test=vote]")).to_be_visible()
    for phone in phones:
        expect(phone.locator("[data-test=vote-card]")).to_be_visible()
        expect(phone.locator("[data-test=dots-left]")).to_contain_text("3")
    # Options: the harvested themes, then the key insights of both hosts.
    assert phones[0].locator("[data-test=dot-options] > li").count() >= 3
    expect(phones[0].locator("[data-test=dot-options]")).to_contain_text(SECOND_INSIGHT)
    for phone, dots in zip(phones, DOTS, strict=True):
        for index, times in enumerate(dots):
            plus(phone, index, times)
    expect(phones[0].locator("[data-test=dot-plus]").first).to_be_disabled()  # all three used
    expect(phones[2].locator("[data-test=dots-left]")).to_contain_text("1")
    totals = [sum(d[i] for d in DOTS) for i in range(3)]  # 4, 3, 1
    bars = projector.locator("[data-test=vote-bars] > li")
    expect(projector.locator("[data-test=vote-voters]")).to_contain_text("3")
    for index, total in enumerate(totals):
        expect(bars.nth(index)).to_have_attribute("data-dots", str(total))
    expect(facilitator.locator("[data-test=ballot-totals] > li").first).to_have_attribute(
        "data-dots", "4"
    )
    # The ack's allocation stands after a reload.
    phones[2].reload()
    expect(phones[2].locator("[data-test=dots-left]")).to_contain_text("1")
    card = phones[1].locator("[data-test=vote-card]")
    card.scroll_into_view_if_needed()
    screenshot(phones[1], "phone-vote-390x844")
    assert_accessible(phones[1])
    screenshot(projector, "projector-vote-1920x1080")
    assert_accessible(projector)

    # Closed: the phones show the results, and later dots are refused.
    facilitator.click("[data-test=ballot-close]")
    expect(projector.locator("[data-test=vote-status]")).to_have_attribute("data-status", "closed")
    for phone in phones:
        expect(phone.locator("[data-test=vote-results]")).to_be_visible()
        expect(phone.locator("[data-test=dot-options]")).to_be_hidden()
    expect(phones[0].locator("[data-test=result-bars] > li").first).to_have_attribute(
        "data-dots", "4"
    )
    expect(phones[0].locator("[data-test=my-dots-mark]")).to_have_count(1)
    expect(phones[2].locator("[data-test=my-dots-mark]")).to_have_count(2)
    ack = refused_dots(phones[2], server.code)
    assert ack["ok"] is False and ack["error"] == "ballot_closed", ack
    phones[0].locator("[data-test=vote-card]").scroll_into_view_if_needed()
    screenshot(phones[0], "phone-vote-results-390x844")
    assert_accessible(phones[0])

    # Commitments: one signed, one with a theme, one plain.
    els, helene, sam = phones
    for phone in phones:
        expect(phone.locator("[data-test=commit-card]")).to_be_visible()
    els.fill("[data-test=commit-text]", "Ik nodig mijn buren uit voor koffie")
    els.check("[data-test=commit-signed]")
    els.click("[data-test=commit-submit]")
    expect(helene.locator("[data-test=commit-theme] option")).not_to_have_count(1)
    theme = helene.locator("[data-test=commit-theme] option").nth(1).get_attribute("value")
    helene.fill("[data-test=commit-text]", "Je vais créer un point de contact")
    helene.select_option("[data-test=commit-theme]", theme)
    helene.click("[data-test=commit-submit]")
    sam.fill("[data-test=commit-text]", "I will call my neighbour every week")
    sam.click("[data-test=commit-submit]")
    expect(els.locator("[data-test=my-commitments] li")).to_have_count(1)
    expect(els.locator("[data-test=my-commitments]")).to_contain_text("Els")
    expect(helene.locator("[data-test=my-commitments]")).to_contain_text(theme)
    expect(facilitator.locator("[data-test=commitments] li")).to_have_count(3)
    expect(facilitator.locator("[data-test=commitments]")).to_contain_text("koffie")
    # Each commitment is marked with its author's language (hyphenation, screen readers).
    expect(els.locator("[data-test=my-commitments] li p")).to_have_attribute("lang", "nl")
    expect(helene.locator("[data-test=my-commitments] li p")).to_have_attribute("lang", "fr")
    for text, lang in (("koffie", "nl"), ("point de contact", "fr"), ("neighbour", "en")):
        on_console = facilitator.locator("[data-test=commitments] li p", has_text=text)
        expect(on_console).to_have_attribute("lang", lang)
    els.locator("[data-test=commit-card]").scroll_into_view_if_needed()
    screenshot(els, "phone-commitment-390x844")
    assert_accessible(els)
    facilitator.locator("[data-test=plenary]").scroll_into_view_if_needed()
    screenshot(facilitator, "facilitator-plenary-1366x900")
    assert_accessible(facilitator)

    # The summary: numbers, themes, the voted priorities and commitments.
    facilitator.select_option("[data-test=projector-view]", "summary")
    expect(projector.locator("[data-test=summary]")).to_be_visible()
    priorities = projector.locator("[data-test=summary-priorities] > li")
    expect(priorities.first).to_have_attribute("data-dots", "4")
    commitments = projector.locator("[data-test=summary-commitments]")
    expect(commitments).to_contain_text("koffie")
    expect(commitments).to_contain_text("Els")
    expect(commitments).to_contain_text("neighbour")
    for text, lang in (("koffie", "nl"), ("point de contact", "fr"), ("neighbour", "en")):
        on_screen = commitments.locator("blockquote", has_text=text)
        expect(on_screen).to_have_attribute("lang", lang)
    # 5 people (two hosts and three phones), the demo's 6 tables, 9 notes, 2 key insights,
    # 3 languages.
    expect(projector.locator("[data-test=summary-numbers] dd")).to_have_text(
        ["5", "6", "9", "2", "3"]
    )
    expect(projector.locator("[data-test=summary-themes] h3").first).to_be_visible()
    screenshot(projector, "projector-summary-1920x1080")
    assert_accessible(projector)
