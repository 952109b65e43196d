"""A note written offline while the round changes is stored at its round, or offered again.

The scenario of the issue: round 1 runs, one phone loses the network, the facilitator
plans and applies round 2, and the phone (still showing round 1) takes a note. Back
online, the note must be stored once at the table and round it was written in while the
server's grace lasts; after it (or when its writer had been moved away from that table
meanwhile), the phone shows the note in a card that offers to post it at the writer's
new table, or to discard it: it is never dropped silently.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, select

from facilitator.config import SETTINGS
from facilitator.store.models import CafeTable, Contribution, Round
from facilitator.web.sockets.schemas import NotePost
from tests.live import LiveServer, start_demo

from .conftest import LAPTOP, assert_accessible, screenshot
from .test_workshop_flow import join_phone, post_note, table_number

pytestmark = pytest.mark.browser

# The server side (note.post with `round`, a grace for late notes) is built separately:
# without it a late note is refused `not_your_table`; without a setting for the grace,
# a test cannot end it.
LATE_NOTES = "round" in NotePost.__struct_fields__
GRACE = next((s for s in SETTINGS if "LATE_NOTE" in s.name or "GRACE" in s.name), None)
WAITING = "Waiting for the network…"


def serve(tmp_path: Path, grace: int | None) -> Iterator[LiveServer]:
    """`facilitator demo`, with the late notes' grace set when the server has a setting."""
    env = {GRACE.variables[0]: str(grace)} if GRACE and grace is not None else None
    live = start_demo(tmp_path, env=env)
    yield live
    live.stop()


@pytest.fixture
def graceful(tmp_path: Path) -> Iterator[LiveServer]:
    yield from serve(tmp_path, None)  # the default grace: minutes


@pytest.fixture
def graceless(tmp_path: Path) -> Iterator[LiveServer]:
    yield from serve(tmp_path, 0)


def stored(database: Path, text: str) -> list[tuple[int, int]]:
    """(table number, round number) of each stored note with this text."""
    engine = create_engine(f"sqlite:///{database}")
    query = (
        select(CafeTable.number, Round.number)
        .select_from(Contribution)
        .join(CafeTable, CafeTable.id == Contribution.table_id)
        .join(Round, Round.id == Contribution.round_id)
        .where(Contribution.text == text)
    )
    try:
        with engine.connect() as db:
            return [(table, round_number) for table, round_number in db.execute(query)]
    finally:
        engine.dispose()


def eventually(check, timeout: float = 15.0):
    """The first truthy value of `check()`, polled; the last one when time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def offline_across_a_round_change(browser, server, texts, moved_first=False):
    """Round 1 runs; Sam's phone goes offline, round 2 is applied, Sam writes `texts`.

    With `moved_first`, the facilitator moves Sam to another table of round 1 before
    the round change (the offline phone never learns it). Returns Sam's context, page
    and the table the phone shows in round 1, and another phone."""
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    phones = [join_phone(browser, server, n, lang) for n, lang in [("Sam", "en"), ("Els", "nl")]]
    (context, page), (_other_context, other) = phones
    facilitator.click("[data-test=start]")
    expect(page.locator("[data-test=timer]")).to_have_text(re.compile(r"^\d+:\d\d$"))
    table = table_number(page)

    context.set_offline(True)
    expect(page.locator("[data-test=connection]")).to_have_attribute("data-state", "offline")
    if moved_first:
        elsewhere = table % 6 + 1  # the demo has six tables
        facilitator.locator("[data-test=tables] li", has_text="Sam").locator("input").check()
        facilitator.select_option("[data-test=move-target]", str(elsewhere))
        facilitator.click("[data-test=move-now]")
        moved = facilitator.locator(f"[data-test=tables] [data-table='{elsewhere}']")
        expect(moved).to_contain_text("Sam")
    facilitator.click("[data-test=plan]")
    expect(facilitator.locator("[data-test=plan-panel]")).to_be_visible()
    facilitator.click("[data-test=plan-apply]")
    expect(other.locator("[data-test=round-label]")).to_have_text(re.compile(r"^\D*2\D"))
    for text in texts:
        post_note(page, text)
    expect(page.locator(".note.pending")).to_have_count(len(texts))
    expect(page.locator(".note.pending .meta").first).to_have_text(WAITING)
    expect(page.locator("[data-test=round-label]")).to_have_text(re.compile(r"^\D*1\D"))
    return context, page, table, other


@pytest.mark.xfail(
    not LATE_NOTES,
    reason="the server does not take a note's round yet (note.post has no `round` field): "
    "it refuses the late note with not_your_table, so the phone offers it again instead",
    strict=True,
)
def test_a_note_written_offline_is_stored_once_at_its_table_and_round(browser, graceful, tmp_path):
    text = "Written on the bus, offline"
    context, page, table, _other = offline_across_a_round_change(browser, graceful, [text])
    context.set_offline(False)
    expect(page.locator("[data-test=connection]")).to_have_attribute("data-state", "online")
    # The phone shows its new table, for round 2.
    expect(page.locator("[data-test=round-label]")).to_have_text(re.compile(r"^\D*2\D"))
    expect(page.locator("[data-test=move-overlay]")).to_be_visible()
    assert table_number(page) != table
    expect(page.locator(".note.pending")).to_have_count(0)
    assert eventually(lambda: stored(tmp_path / "db.sqlite3", text)) == [(table, 1)]
    expect(page.locator("[data-test=late-notes]")).to_be_hidden()
    expect(page.locator("[data-test=note-status]")).to_have_text(f"Sent to table {table} (round 1)")
    page.reload()  # nothing left to resend: still once
    expect(page.locator("[data-test=connection]")).to_have_attribute("data-state", "online")
    assert stored(tmp_path / "db.sqlite3", text) == [(table, 1)]


@pytest.mark.xfail(
    GRACE is None,
    reason="the server has no setting for the late notes' grace (LATE_NOTE_MINUTES is read "
    "from the app's config only), so a test cannot end it: the note is stored late instead",
    run=False,  # it cannot pass then, and would spend half a minute finding out
)
def test_after_the_grace_the_phone_offers_to_post_the_note_at_its_new_table(
    browser, graceless, tmp_path
):
    text = "Still worth saying at the new table"
    context, page, table, _other = offline_across_a_round_change(browser, graceless, [text])
    context.set_offline(False)
    new_table = back_in_round_2(page)
    assert new_table != table
    card = page.locator("[data-test=late-notes]")
    expect(card.locator("[data-test=late-note]")).to_have_count(1)
    expect(card).to_contain_text(
        f"This note was written at table {table} in round 1, which is over."
    )
    card.locator("[data-test=late-post]").click()
    expect(card).to_be_hidden()
    assert eventually(lambda: stored(tmp_path / "db.sqlite3", text)) == [(new_table, 2)]


def test_a_refused_late_note_is_offered_again_posted_here_or_discarded(browser, graceful, tmp_path):
    """Sam was moved to another table before the round change: the note's table was not
    Sam's in round 1, so the server refuses it (`round_over`, or `not_your_table` from a
    server without late notes) however long the grace, and the phone asks what to do."""
    kept, dropped = "Still worth saying at the new table", "Never mind this one"
    context, page, table, _other = offline_across_a_round_change(
        browser, graceful, [kept, dropped], moved_first=True
    )
    context.set_offline(False)
    new_table = back_in_round_2(page)  # the plan may bring Sam back to the note's table

    card = page.locator("[data-test=late-notes]")
    expect(card.locator("[data-test=late-note]")).to_have_count(2)
    expect(card.locator("[data-test=late-where]").first).to_have_text(
        f"This note was written at table {table} in round 1, which is over."
    )
    expect(page.locator(".note.pending")).to_have_count(0)
    screenshot(page, "phone-late-note-390x844")
    assert_accessible(page)
    database = tmp_path / "db.sqlite3"
    assert stored(database, kept) == [] and stored(database, dropped) == []

    card.locator("[data-test=late-note]", has_text=dropped).locator(
        "[data-test=late-discard]"
    ).click()
    expect(card.locator("[data-test=late-note]")).to_have_count(1)
    card.locator("[data-test=late-note]", has_text=kept).locator("[data-test=late-post]").click()
    expect(card).to_be_hidden()
    expect(page.locator(".notes .note:not(.pending) p", has_text=kept)).to_have_count(1)
    assert eventually(lambda: stored(database, kept)) == [(new_table, 2)]
    page.reload()  # the card's choices were kept: nothing comes back
    expect(page.locator("[data-test=connection]")).to_have_attribute("data-state", "online")
    expect(page.locator("[data-test=late-notes]")).to_be_hidden()
    assert stored(database, kept) == [(new_table, 2)] and stored(database, dropped) == []


def back_in_round_2(page) -> int:
    """The phone, online again, shows round 2 and its seat; returns its table."""
    expect(page.locator("[data-test=connection]")).to_have_attribute("data-state", "online")
    expect(page.locator("[data-test=round-label]")).to_have_text(re.compile(r"^\D*2\D"))
    page.click("[data-test=move-ok]")
    return table_number(page)
