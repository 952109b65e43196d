"""The organiser makes a poster in Chromium: progress bar, then the download starts."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.live import LiveServer, start_demo

from .conftest import LAPTOP, PHONE, SCREENSHOTS, assert_accessible, screenshot
from .test_organiser_screens import create_user, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def busy_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The demo with bots that post notes once a round runs."""
    live = start_demo(tmp_path, bots=8)
    yield live
    live.stop()


def give_to(tmp_path: Path, code: str, username: str) -> None:
    """Make the demo workshop the organiser's own (the demo is created without an owner)."""
    with sqlite3.connect(tmp_path / "db.sqlite3", timeout=15) as db:
        db.execute(
            "UPDATE workshops SET owner_id = (SELECT id FROM users WHERE username = ?) "
            "WHERE join_code = ?",
            (username, code),
        )


def notes_in(tmp_path: Path) -> int:
    with sqlite3.connect(tmp_path / "db.sqlite3", timeout=15) as db:
        return db.execute("SELECT count(*) FROM contributions WHERE kind = 'note'").fetchone()[0]


def test_the_organiser_makes_a_poster_and_downloads_it(browser, busy_server, tmp_path):
    server = busy_server
    create_user(server, tmp_path, "organiser")
    give_to(tmp_path, server.code, "organiser")
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    facilitator.click("[data-test=start]")  # the bots post while the round runs
    deadline = time.monotonic() + 90
    while notes_in(tmp_path) < 12 and time.monotonic() < deadline:
        time.sleep(0.5)

    page = log_in(browser, server, LAPTOP, "organiser")
    page.goto(f"{server.base}/o/w/{server.code}")
    card = page.locator("[data-test=exports]")
    card.scroll_into_view_if_needed()
    expect(page.locator("[data-export-empty]")).to_be_visible()
    page.select_option("[data-test=export-size]", "A3")
    page.select_option("[data-test=export-orientation]", "landscape")
    with page.expect_download(timeout=180_000) as download_info:
        page.click("[data-test=export-poster]")
        progress = page.locator("[data-test=export-progress]")
        expect(progress.locator("progress")).to_be_visible()
        expect(progress.locator("[data-test=export-step]")).not_to_be_empty()
        SCREENSHOTS.mkdir(exist_ok=True)
        card.screenshot(path=str(SCREENSHOTS / "organiser-exports-progress.png"))
    download = download_info.value
    assert download.suggested_filename.endswith("-poster.pdf")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    item = page.locator("[data-test=export-item]").first
    expect(item.locator("[data-test=export-download]")).to_be_visible()
    expect(item).to_contain_text("A3")
    # A report too, so the list shows more than one line.
    with page.expect_download(timeout=180_000):
        page.click("[data-test=export-report-html]")
    expect(page.locator("[data-test=export-download]")).to_have_count(2)
    assert_accessible(page)
    card.scroll_into_view_if_needed()
    screenshot(page, "organiser-exports-1366x900")
    card.screenshot(path=str(SCREENSHOTS / "organiser-exports-card.png"))

    # After a reload the list comes back from the server.
    page.reload()
    expect(page.locator("[data-test=export-item]")).to_have_count(2)

    # On a phone the card fits the width and keeps its list.
    phone = log_in(browser, server, PHONE, "organiser")
    phone.goto(f"{server.base}/o/w/{server.code}")
    expect(phone.locator("[data-test=export-item]")).to_have_count(2)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the phone page scrolls sideways ({width}px)"
    phone.locator("[data-test=exports]").screenshot(
        path=str(SCREENSHOTS / "organiser-exports-390.png")
    )
