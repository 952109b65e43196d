"""Bytes on the wire for the join and table pages, and the first note on a 2G-like link.

A real `facilitator demo` (tests/live.py) and Debian's Chromium through Playwright; every
figure comes from Chromium's own network log over CDP: the sum of `encodedDataLength`
of each request's `Network.loadingFinished` (headers and body as sent, compressed or
not; a file taken from the cache costs 0). Socket.IO's WebSocket frames are not
counted, its polling requests are.

- join cold: a fresh browser profile opens the join link; join warm: it opens it again.
- table cold: after joining, the cache is emptied (`Network.clearBrowserCache`) and the
  table page opened; table warm: opened again (the Socket.IO handshake included, up to
  the page showing "online").
- first note on 2G: a fresh profile under `Network.emulateNetworkConditions` (250 kbps
  each way, 800 ms latency) opens the join link, joins, and posts a note; the times are
  from opening the link to the table page being online, and to the note's
  acknowledgement (it stops being "pending"). Typing takes no time here.

Run: `.venv/bin/python -m bench.wire [--runs 3]` (about a minute a run).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.measure import commit

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}
# Chromium's "throughput" is in bytes per second: 250 kbps = 31,250 B/s.
SLOW_2G = {
    "offline": False,
    "latency": 800,
    "downloadThroughput": 31_250,
    "uploadThroughput": 31_250,
}


class WireLog:
    """What Chromium reports received for one page, between `start` and `total`."""

    def __init__(self, page: Any) -> None:
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.bytes = 0
        self.requests = 0
        self.cdp.on("Network.loadingFinished", self._finished)

    def _finished(self, event: dict[str, Any]) -> None:
        self.bytes += int(event.get("encodedDataLength", 0))
        self.requests += 1

    def start(self) -> None:
        self.bytes = 0
        self.requests = 0

    def total(self) -> tuple[int, int]:
        return self.bytes, self.requests


def wait_online(page: Any) -> None:
    """The table page is shown and its socket connected."""
    page.wait_for_selector("[data-test=connection][data-state=online]", timeout=120_000)


def settle(page: Any) -> None:
    """Let the socket upgrade and late requests finish before counting stops."""
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)


def measure_pages(browser: Any, join_url: str) -> dict[str, tuple[int, int]]:
    """Bytes and requests of join and table pages, cold and warm, on a fast link."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    log = WireLog(page)
    figures: dict[str, tuple[int, int]] = {}
    for label in ("join cold", "join warm"):
        log.start()
        page.goto(join_url)
        settle(page)
        figures[label] = log.total()
    page.fill("#name", "Wire")
    page.click("[data-test=join-submit]")
    wait_online(page)
    table_url = page.url
    log.cdp.send("Network.clearBrowserCache")
    for label in ("table cold", "table warm"):
        log.start()
        page.goto(table_url)
        wait_online(page)
        settle(page)
        figures[label] = log.total()
    context.close()
    return figures


def first_note_on_2g(browser: Any, join_url: str, text: str) -> dict[str, float]:
    """Seconds from opening the join link to the table page online and to the note's ack."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    log = WireLog(page)
    log.cdp.send("Network.emulateNetworkConditions", SLOW_2G)
    started = time.perf_counter()
    page.goto(join_url, timeout=120_000)
    join_shown = time.perf_counter() - started
    page.fill("#name", "Slow")
    page.click("[data-test=join-submit]")
    wait_online(page)
    online = time.perf_counter() - started
    page.fill("[data-test=note-text]", text)
    page.click("[data-test=note-submit]")
    page.locator(".note:not(.pending)", has_text=text).wait_for(timeout=120_000)
    acked = time.perf_counter() - started
    received, _ = log.total()
    context.close()
    return {"join shown": join_shown, "online": online, "note acked": acked, "kB": received / 1000}


def start_round(browser: Any, facilitator_url: str) -> None:
    """Notes are taken while a round runs."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(facilitator_url)
    page.click("[data-test=start]")
    page.wait_for_selector("[data-test=timer]")
    page.wait_for_timeout(500)
    context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="2G runs (median reported)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from tests.live import start_demo

    with tempfile.TemporaryDirectory(prefix="bench-wire-") as tmp:
        server = start_demo(Path(tmp))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                start_round(browser, server.facilitator)
                pages = measure_pages(browser, server.join)
                runs = [
                    first_note_on_2g(browser, server.join, f"Note over 2G {i}")
                    for i in range(args.runs)
                ]
                browser.close()
        finally:
            server.stop()
    print(f"commit {commit()}")
    print("| page | bytes received | requests |\n| --- | ---: | ---: |")
    for label, (size, count) in pages.items():
        print(f"| {label} | {size:,} | {count} |")
    print(f"\n2G-like (250 kbps, 800 ms), median of {len(runs)} runs:")
    for key in runs[0]:
        values = [run[key] for run in runs]
        each = ", ".join(f"{v:.1f}" for v in values)
        print(f"  {key}: {statistics.median(values):.1f} (runs: {each})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
