"""The protocol document names every event, and the README keeps its two commands."""

from __future__ import annotations

from pathlib import Path

from facilitator.store.events import CATALOGUE
from facilitator.web.app import socketio

ROOT = Path(__file__).resolve().parent.parent


def protocol_headings() -> set[str]:
    text = (ROOT / "docs" / "PROTOCOL.md").read_text(encoding="utf-8")
    return {line[5:-1] for line in text.splitlines() if line.startswith("### `")}


def test_every_server_event_is_documented(app):
    missing = set(CATALOGUE) - protocol_headings()
    assert not missing, f"add these events to docs/PROTOCOL.md: {sorted(missing)}"


def test_every_client_event_is_documented(app):
    handled = {message for message, _handler, _namespace in socketio.handlers}
    assert {"connect", "note.post", "sync", "round.next"} <= handled
    missing = handled - protocol_headings()
    assert not missing, f"add these handlers to docs/PROTOCOL.md: {sorted(missing)}"


def test_the_protocol_documents_nothing_that_does_not_exist(app):
    handled = {message for message, _handler, _namespace in socketio.handlers}
    stale = protocol_headings() - handled - set(CATALOGUE)
    assert not stale, f"docs/PROTOCOL.md describes events that do not exist: {sorted(stale)}"


def test_the_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make demo" in quick_start and "make test" in quick_start
