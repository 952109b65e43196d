"""The projector's harvest wall in Chromium: notes in three languages become a cloud."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from .conftest import LAPTOP, PROJECTOR, assert_accessible, screenshot
from .test_workshop_flow import join_phone, post_note

pytestmark = pytest.mark.browser

NOTES = {
    "nl": [
        "Eenzaamheid bij ouderen in de buurt",
        "Mantelzorgers hebben ondersteuning nodig",
        "Buren helpen buren met boodschappen",
    ],
    "fr": [
        "L'isolement des personnes âgées",
        "Les aidants proches ont besoin de soutien",
        "Un point de contact dans le quartier",
    ],
    "en": [
        "Loneliness among older neighbours",
        "Family carers need support and respite",
        "Volunteers are hard to keep",
    ],
}


def test_the_projector_shows_a_live_word_cloud_and_themes(browser, server):
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    projector = browser.new_context(**PROJECTOR).new_page()
    projector.goto(server.projector)
    facilitator.click("[data-test=start]")
    facilitator.select_option("[data-test=projector-view]", "harvest")
    expect(projector.locator("[data-test=harvest]")).to_be_visible()
    for language, notes in NOTES.items():
        _context, phone = join_phone(browser, server, f"P-{language}", language)
        for text in notes:
            post_note(phone, text)
    expect(projector.locator("[data-test=harvest-count]")).to_contain_text("9", timeout=30_000)
    cloud = projector.locator("[data-test=cloud]")
    expect(cloud).to_be_visible()
    assert projector.evaluate("document.querySelector('[data-test=cloud]').naturalWidth") == 1920
    expect(projector.locator("[data-test=themes] li").first).to_be_visible()
    screenshot(projector, "projector-harvest-1920x1080")
    assert_accessible(projector)


def tablecloth_jpeg() -> bytes:
    """A photographed paper tablecloth: paper, marker circles and lines."""
    image = Image.new("RGB", (1200, 900), (246, 241, 228))
    draw = ImageDraw.Draw(image)
    for i in range(12):
        colour = [(200, 40, 40), (30, 90, 180), (20, 140, 70)][i % 3]
        draw.ellipse(
            [60 + 90 * i, 80 + 50 * i, 300 + 90 * i, 200 + 50 * i], outline=colour, width=8
        )
        draw.line([(40, 60 * i), (1160, 60 * i + 120)], fill=colour, width=5)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def test_scope_photos_and_the_phones_view_of_the_room(browser, server):
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    projector = browser.new_context(**PROJECTOR).new_page()
    projector.goto(server.projector)
    facilitator.click("[data-test=start]")
    facilitator.select_option("[data-test=projector-view]", "harvest")
    phones = {}
    for language, notes in NOTES.items():
        _context, phone = join_phone(browser, server, f"P-{language}", language)
        phones[language] = phone
        for text in notes:
            post_note(phone, text)
    expect(projector.locator("[data-test=harvest-count]")).to_contain_text("9", timeout=30_000)
    # A photo of the tablecloth from a phone reaches its table and the projector's strip.
    phone = phones["nl"]
    phone.set_input_files(
        "[data-test=photo-input]",
        files=[{"name": "cloth.jpg", "mimeType": "image/jpeg", "buffer": tablecloth_jpeg()}],
    )
    expect(phone.locator("[data-test=photos] img")).to_have_count(1, timeout=30_000)
    expect(projector.locator("[data-test=strip-photo-row] img")).to_have_count(1)
    expect(projector.locator("[data-test=newest-text]")).not_to_be_empty()
    # The facilitator narrows the wall to one table: fewer notes, labelled as such.
    table = phone.locator("[data-test=table-label]").inner_text().split()[-1]
    facilitator.select_option("[data-test=harvest-scope]", f"t:{table}")
    expect(projector.locator("[data-test=harvest-scope]")).to_contain_text(table)
    expect(projector.locator("[data-test=harvest-count]")).not_to_contain_text("9 ")
    screenshot(projector, "projector-harvest-table-1920x1080")
    facilitator.select_option("[data-test=harvest-scope]", "all")
    expect(projector.locator("[data-test=harvest-count]")).to_contain_text("9")
    # Time's up: phones see the whole room's cloud and themes until the next round.
    facilitator.click("[data-test=end]")
    room = phone.locator("[data-test=room-harvest]")
    expect(room).to_be_visible(timeout=30_000)
    expect(phone.locator("[data-test=room-cloud]")).to_be_visible()
    room.scroll_into_view_if_needed()
    screenshot(phone, "phone-room-harvest-390x844")
    assert_accessible(phone)
    screenshot(projector, "projector-harvest-strip-1920x1080")
    assert_accessible(projector)
