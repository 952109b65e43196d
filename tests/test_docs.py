"""The protocol document names every event and its fields; the README keeps its commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from facilitator.store.catalogue import ServerEvent, description, field_names
from facilitator.store.events import CATALOGUE
from facilitator.web.extensions import socketio

ROOT = Path(__file__).resolve().parent.parent


def protocol_headings() -> set[str]:
    text = (ROOT / "docs" / "PROTOCOL.md").read_text(encoding="utf-8")
    return {line[5:-1] for line in text.splitlines() if line.startswith("### `")}


def protocol_sections() -> dict[str, str]:
    """The text under each `### `name`` heading of PROTOCOL.md, up to the next heading."""
    text = (ROOT / "docs" / "PROTOCOL.md").read_text(encoding="utf-8")
    sections: dict[str, str] = {}
    name = None
    for line in text.splitlines():
        if line.startswith("#"):
            name = line[5:-1] if line.startswith("### `") else None
            if name is not None:
                sections[name] = ""
        elif name is not None:
            sections[name] += line + "\n"
    return sections


# In the first sentence after "`data`:", a code span at depth 0, a parenthesis, or a
# full stop ending the sentence (code spans may hold dots and parentheses of their own).
TOKENS = re.compile(r"`[^`]*`|[()]|\.(?=\s|$)")


def documented_fields(section: str) -> set[str] | None:
    """The data fields a server event's section lists, or None when it lists none.

    Either "`data.note`: ..." (one field per `data.<field>`), or "`data`: `id`, `table`
    (the number), ..." (the field names outside parentheses, up to the sentence's end).
    """
    single = set(re.findall(r"`data\.(\w+)`", section))
    if single:
        return single
    start = section.find("`data`:")
    if start < 0:
        return None
    found, depth = set(), 0
    for token in TOKENS.finditer(section, start + len("`data`:")):
        text = token.group()
        if text == ".":
            if depth == 0:
                break
        elif text in ("(", ")"):
            depth += 1 if text == "(" else -1
        elif depth == 0 and re.fullmatch(r"`\w+`", text):
            found.add(text[1:-1])
    return found


def test_every_server_event_is_documented(app):
    missing = set(CATALOGUE) - protocol_headings()
    assert not missing, f"add these events to docs/PROTOCOL.md: {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_each_event_class_names_its_event_and_says_who_gets_it(name):
    event = CATALOGUE[name]
    assert issubclass(event, ServerEvent) and event.name == name
    assert isinstance(event.receivers, str) and event.receivers.strip()
    # A dataclass without a docstring gets "Name(field: type, ...)": write a real one.
    doc = description(event)
    assert doc and not doc.startswith(f"{event.__name__}("), f"describe {event.__name__}"
    assert field_names(event), f"{name} carries no data"


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_the_protocol_lists_the_fields_of_each_event(name):
    section = protocol_sections().get(name)
    assert section is not None, f"add {name} to docs/PROTOCOL.md"
    documented = documented_fields(section)
    assert documented is not None, f"docs/PROTOCOL.md: say which `data` fields {name} carries"
    assert documented == set(field_names(CATALOGUE[name])), (
        f"docs/PROTOCOL.md lists {sorted(documented)} for {name}, "
        f"{CATALOGUE[name].__name__} has {list(field_names(CATALOGUE[name]))}"
    )


def test_the_field_parser_reads_both_ways_of_listing_fields():
    listed = "To: x. `data`: `a`, `b` (with `c`, `d.e`. more) and `f`: `{g: h}`. Then `i`."
    assert documented_fields(listed) == {"a", "b", "f"}
    assert documented_fields("To: x. `data.note`: `id`, `text`.") == {"note"}
    assert documented_fields("To: x. Nothing.") is None


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
