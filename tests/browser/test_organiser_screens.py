"""The organiser's screens in Chromium: log in, create, edit, invite; on a laptop and a phone."""

from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.live import ROOT, server_env

from .conftest import LAPTOP, PHONE, assert_accessible, screenshot

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password"


def create_user(server, tmp_path, name: str) -> None:
    """`facilitator create-user` against the running server's database."""
    result = subprocess.run(
        [sys.executable, "-m", "facilitator", "create-user", name, "--password-stdin"],
        cwd=ROOT,
        env=server_env(tmp_path, server.base),
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def log_in(browser, server, options, name):
    page = browser.new_context(**options).new_page()
    page.goto(f"{server.base}/o/login")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.click("[data-test=login-submit]")
    expect(page.locator("h1")).to_have_text("Your workshops")
    return page


def test_an_organiser_prepares_a_workshop(browser, server, tmp_path):
    create_user(server, tmp_path, "organiser")
    laptop = log_in(browser, server, LAPTOP, "organiser")
    expect(laptop.locator("[data-test=no-workshops]")).to_be_visible()
    assert_accessible(laptop)

    laptop.click("[data-test=new-workshop]")
    assert_accessible(laptop)
    screenshot(laptop, "organiser-new-1366x900")
    laptop.click("[data-test=create]")
    expect(laptop.locator("[data-test=status]")).to_have_text("Draft")
    laptop.fill("#place", "Antwerpen, ICIC23")
    laptop.fill("#held_on", "2026-05-22")
    laptop.fill("#t1-name", "De Linde")
    laptop.click("[data-test=save]")
    expect(laptop.locator("[data-test=flash]")).to_have_text("Saved.")
    laptop.click("[data-test=status-open]")
    expect(laptop.locator("[data-test=status]")).to_have_text("Open")
    laptop.click("[data-test=invite]")
    link = laptop.locator("[data-test=new-link-url]").input_value()
    assert "/f/" in link
    expect(laptop.locator("[data-copy]")).to_be_visible()
    assert_accessible(laptop)
    screenshot(laptop, "organiser-workshop-1366x900")
    laptop.screenshot(
        path=str(ROOT / "screenshots" / "organiser-workshop-full.png"), full_page=True
    )

    # A bad edit: the message is on top and the field is marked.
    laptop.goto(laptop.url.rsplit("/invite", 1)[0])
    laptop.fill("#p0-minutes", "-5")
    laptop.click("[data-test=save]")
    expect(laptop.locator("[data-test=form-error]")).to_contain_text("Minutes")
    expect(laptop.locator("#p0-minutes")).to_have_attribute("aria-invalid", "true")
    screenshot(laptop, "organiser-error-1366x900")

    # The facilitator link works in another browser.
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(link)
    expect(facilitator.locator("[data-test=round-label]")).to_contain_text("1")

    laptop.goto(f"{server.base}/o/")
    expect(laptop.locator("[data-test=workshop-item]")).to_have_count(1)
    screenshot(laptop, "organiser-list-1366x900")

    phone = log_in(browser, server, PHONE, "organiser")
    screenshot(phone, "organiser-list-390x844")
    phone.click("[data-test=workshop-item] h2 a")
    expect(phone.locator("[data-test=status]")).to_have_text("Open")
    assert_accessible(phone)
    screenshot(phone, "organiser-workshop-390x844")
    phone.screenshot(
        path=str(ROOT / "screenshots" / "organiser-workshop-390-full.png"), full_page=True
    )
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the phone page scrolls sideways ({width}px)"
