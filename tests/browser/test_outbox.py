"""The phone's one outbox (static/js/outbox.js): notes, photos and commitments it holds.

Its timing (2 s doubling to 60 s, jitter, reset) is checked under Node with fake
timers (tests/node/outbox.test.js, run here); in Chromium, that what a phone queued
before an update is still sent, and that a busy server gets the note later, once.
"""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import subprocess
import time
import uuid
from itertools import pairwise
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, func, select

from facilitator.store.models import Commitment, Contribution
from tests.conftest import need
from tests.live import ROOT

from .conftest import LAPTOP, PHONE
from .test_workshop_flow import post_note, table_number

NODE_TESTS = ROOT / "tests" / "node" / "outbox.test.js"


def test_the_outbox_passes_its_node_tests():
    node = shutil.which("node")
    if node is None:
        need("Node.js is not installed")
    run = subprocess.run(
        [node, "--test", str(NODE_TESTS)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stdout + run.stderr


def join(context, server, name, language="en"):
    """A phone in `context` joins through the printed link and waits for its table."""
    page = context.new_page()
    page.goto(server.join)
    page.fill("#name", name)
    page.check(f"input[name=language][value={language}]")
    page.click("[data-test=join-submit]")
    expect(page.locator("[data-test=table-label]")).to_have_text(re.compile(r"\d"))
    expect(page.locator("[data-test=connection]")).to_have_attribute("data-state", "online")
    return page


def count(database: Path, model, text_column, text: str) -> int:
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as db:
            return db.scalar(select(func.count()).select_from(model).where(text_column == text))
    finally:
        engine.dispose()


def eventually(check, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while not (value := check()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return value


def png_data_url() -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (236, 229, 210)).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@pytest.mark.browser
def test_what_a_phone_queued_before_an_update_is_still_sent(browser, server, tmp_path):
    """Phones in the field hold items under the old keys, in the old shapes (a note
    without its round): the new page reads and sends them, once each."""
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    facilitator.click("[data-test=start]")
    page = join(browser.new_context(**PHONE), server, "Noor")
    table = table_number(page)
    queued = {
        f"facilitator.outbox.{server.code}": [
            {"client_id": str(uuid.uuid4()), "text": "Queued by an older page", "table": table}
        ],
        f"facilitator.commitments.{server.code}": [
            {
                "client_id": str(uuid.uuid4()),
                "text": "I will ask my neighbour",
                "theme": None,
                "signed": False,
            }
        ],
        f"facilitator.photos.{server.code}": [
            {"client_id": str(uuid.uuid4()), "table": table, "data": png_data_url()}
        ],
    }
    page.evaluate(
        "(queued) => { for (const [k, v] of Object.entries(queued)) "
        "localStorage.setItem(k, JSON.stringify(v)); }",
        queued,
    )
    page.reload()
    expect(page.locator(".notes .note p", has_text="Queued by an older page")).to_have_count(1)
    expect(page.locator("[data-test=photos] img")).to_have_count(1, timeout=30_000)
    database = tmp_path / "db.sqlite3"
    assert (
        eventually(lambda: count(database, Commitment, Commitment.text, "I will ask my neighbour"))
        == 1
    )
    left = page.evaluate(
        "(keys) => keys.map((k) => JSON.parse(localStorage.getItem(k)))", list(queued)
    )
    assert left == [[], [], []]
    page.reload()  # nothing is sent twice
    expect(page.locator("[data-test=connection]")).to_have_attribute("data-state", "online")
    assert count(database, Contribution, Contribution.text, "Queued by an older page") == 1
    assert count(database, Commitment, Commitment.text, "I will ask my neighbour") == 1


class BusyServer:
    """Between the phone and the server: answers the first `busy` note.post itself with
    `server_busy` (as an overloaded server does), then with `refuse` once, if given."""

    POST = re.compile(r'^42(\d+)\["note\.post",')

    def __init__(self, busy: int):
        self.busy = busy
        self.tries: list[float] = []  # when each note.post arrived
        self.refuse: str | None = None

    def route(self, ws):
        server = ws.connect_to_server()

        def from_page(message):
            match = self.POST.match(message) if isinstance(message, str) else None
            if match:
                self.tries.append(time.monotonic())
                answer = self.answer()
                if answer is not None:
                    ws.send(f"43{match.group(1)}{json.dumps([answer])}")
                    return
            server.send(message)

        ws.on_message(from_page)

    def answer(self):
        if self.busy > 0:
            self.busy -= 1
            return {"ok": False, "error": "server_busy", "message": "The server is busy."}
        if self.refuse:
            code, self.refuse = self.refuse, None
            return {"ok": False, "error": code, "message": "This note clashes with another."}
        return None


@pytest.mark.browser
def test_a_busy_server_gets_the_note_later_and_a_refusal_is_final(browser, server, tmp_path):
    facilitator = browser.new_context(**LAPTOP).new_page()
    facilitator.goto(server.facilitator)
    facilitator.click("[data-test=start]")
    busy = BusyServer(busy=2)
    context = browser.new_context(**PHONE)
    context.route_web_socket(re.compile(r".*/socket\.io/.*"), busy.route)
    page = join(context, server, "Ruben")

    post_note(page, "Sent when the server has time")
    expect(page.locator("[data-test=notes] .note.pending")).to_have_count(1)
    expect(page.locator(".notes .note:not(.pending) p", has_text="has time")).to_have_count(
        1, timeout=20_000
    )
    assert len(busy.tries) == 3, busy.tries
    first, second = (later - earlier for earlier, later in pairwise(busy.tries))
    assert 1.3 <= first <= 4.0 and 2.7 <= second <= 7.0, busy.tries  # 2 s, then 4 s, +-30%
    database = tmp_path / "db.sqlite3"
    assert count(database, Contribution, Contribution.text, "Sent when the server has time") == 1

    # A final refusal leaves the outbox: the words come back, nothing is sent again.
    busy.refuse = "client_id_taken"
    post_note(page, "Refused for good")
    expect(page.locator("[data-test=note-error]")).to_have_text("This note clashes with another.")
    expect(page.locator("[data-test=note-text]")).to_have_value("Refused for good")
    expect(page.locator("[data-test=notes] .note.pending")).to_have_count(0)
    tries = len(busy.tries)
    time.sleep(3)
    assert len(busy.tries) == tries
    assert count(database, Contribution, Contribution.text, "Refused for good") == 0
