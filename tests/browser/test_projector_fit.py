"""Every projector screen fits any room: 2, 6, 24 and 60 tables, at 1920x1080 and 1280x720.

Nothing with text overflows its box or the screen, nothing is clamped, shortened or
faded; a screen too full shows "Page x of y" and every item appears on some page; a
list that leaves out whole items counts them ("+4 more"). One server and one browser
for every room; the rooms are seeded through the domain functions into its database.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from facilitator.cafe import workshops
from facilitator.store.db import make_engine, make_session_factory, session_scope
from tests.live import LiveServer, start_demo

from .rooms import INSIGHTS, LONGEST_NOTE, PAPER_NOTE, VERY_LONG_NOTES, Room, seed_room

pytestmark = pytest.mark.browser

SIZES = ((1920, 1080), (1280, 720))
ROOMS = {2: 3, 6: 5, 24: 6, 60: 8}  # tables: people per table (6, 30, 144 and 480 people)
SHOTS = Path("/work/wt/shots/h3")
LONG_SHOTS = Path("/work/wt/shots/h4")
SHOT_ROOMS = {6, 60}
FULL_WALL_NOTES = 100  # a table, besides the seeded few
WALL_SHOTS = Path("/work/wt/shots/h5")
FIT_PROBLEMS = (Path(__file__).parent / "projector_fit.js").read_text()
# Each screen: its section, what shows it is filled, and its paged lists (pager key: list).
SCREENS: dict[str, tuple[str, str, dict[str, str]]] = {
    "join": ("join-screen", "[data-test=join-code]", {}),
    "round": ("round-screen", "[data-test=table-map] > *", {"map": "table-map"}),
    "wall": ("wall", "[data-test=wall-tables] > section", {"wall": "wall-tables"}),
    "harvest": ("harvest", "[data-test=themes] > li", {"themes": "themes"}),
    "spotlight": (
        "spotlight",
        "[data-test=spotlight-notes] > li",
        {"spotlight-notes": "spotlight-notes"},
    ),
    "vote": ("vote", "[data-test=vote-bars] > li", {"vote": "vote-bars"}),
    "summary": (
        "summary",
        "[data-test=summary-commitments] > li blockquote",
        {f"summary-{k}": f"summary-{k}" for k in ("themes", "priorities", "commitments")},
    ),
}
# The word "Page x of y" in the page's language.
PAGE_WORD = {
    "en": "Page {page} of {pages}",
    "nl": "Pagina {page} van {pages}",
    "fr": "Page {page} sur {pages}",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    tmp = tmp_path_factory.mktemp("rooms")
    live = start_demo(tmp)
    yield live, tmp
    live.stop()


def seed(tmp: Path, tables: int, people: int, **options: Any) -> Room:
    """A room seeded through the domain functions into the live server's database."""
    engine = make_engine(f"sqlite:///{tmp}/db.sqlite3")
    try:
        with session_scope(make_session_factory(engine)) as session:
            return seed_room(session, tables, people, **options)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def rooms(server: tuple[LiveServer, Path]) -> tuple[LiveServer, dict[int, Room]]:
    live, tmp = server
    return live, {tables: seed(tmp, tables, people) for tables, people in ROOMS.items()}


@pytest.fixture(scope="module")
def full_wall(server: tuple[LiveServer, Path]) -> tuple[LiveServer, Room]:
    """Six tables of a hundred notes and more, far more than a wall column holds, in the
    round's first minutes: no key insight yet, the newest note tops its column."""
    live, tmp = server
    return live, seed(tmp, 6, 3, extra_notes=FULL_WALL_NOTES, insights=False)


def show(page: Any, screen: str) -> None:
    """Click the projector's own "Next screen" until `screen` shows, filled."""
    section, filled, _lists = SCREENS[screen]
    expect(page.locator("[data-test=round-label]")).not_to_be_empty()  # the snapshot is in
    for _ in range(12):
        if page.locator(f"[data-test={section}]").is_visible():
            break
        page.click("[data-test=toggle-view]")
        page.wait_for_timeout(100)
    expect(page.locator(f"[data-test={section}]")).to_be_visible()
    # The themes are drawn by the server once a screen asks: slow on two busy cores.
    expect(page.locator(filled).first).to_be_visible(timeout=180_000)


def settle(page: Any) -> None:
    """Two frames and a little more: Fit measures in the frame after a render."""
    page.evaluate(SETTLE)


SHOWN = """(key) => [...document.querySelector(`[data-test="${key}"]`).children]
  .map((c, i) => [c, i])
  .filter(([c]) => !c.classList.contains('fit-more') && !c.hidden)
  .map(([, i]) => i)"""
ITEMS = """(key) => [...document.querySelector(`[data-test="${key}"]`).children]
  .filter((c) => !c.classList.contains('fit-more')).length"""
COUNTED = """() => [...document.querySelectorAll('.fit-more')]
  .filter((m) => m.checkVisibility())
  .map((m) => ({said: m.textContent, counted: Number(m.dataset.fitMore),
    left: [...m.parentElement.children]
      .filter((c) => !c.classList.contains('fit-more') && c.hidden).length}))"""
SETTLE = """() => new Promise((r) => requestAnimationFrame(
  () => requestAnimationFrame(() => setTimeout(r, 150))))"""


def check_screen(page: Any, room: Room, screen: str, size: tuple[int, int], lang: str) -> list[str]:
    """Every page of the screen fits; every item shows on a page or is counted."""
    _section, _filled, lists = SCREENS[screen]
    found: list[str] = []
    states = {key: page.evaluate("(k) => Fit.state(k)", key) for key in lists}
    pages = max([s["pages"] for s in states.values() if s] or [1])
    seen: dict[str, set[int]] = {key: set() for key in lists}
    for turn in range(pages):
        settle(page)
        found += [f"page {turn + 1}: {p}" for p in page.evaluate(FIT_PROBLEMS)]
        for counted in page.evaluate(COUNTED):
            if counted["counted"] != counted["left"] or str(counted["left"]) not in counted["said"]:
                found.append(f"left out {counted['left']} but says {counted['said']!r}")
        for key, list_key in lists.items():
            seen[key].update(page.evaluate(SHOWN, list_key))
            state = page.evaluate("(k) => Fit.state(k)", key)
            indicator = page.locator(f"[data-test={key}-page]")
            if state and state["pages"] > 1:
                expected = PAGE_WORD[lang].format(**state)
                if indicator.text_content() != expected or not indicator.is_visible():
                    found.append(f"{key}: shows {indicator.text_content()!r}, not {expected!r}")
        if turn == 0 and room.tables in SHOT_ROOMS:
            page.screenshot(path=str(SHOTS / f"{room.tables}-tables-{screen}-{size[0]}.png"))
        page.keyboard.press("ArrowRight")
    for key, list_key in lists.items():
        total = page.evaluate(ITEMS, list_key)
        if seen[key] != set(range(total)):
            found.append(f"{key}: {len(seen[key])} of {total} items ever shown")
    return found


LANGS = {2: "fr", 6: "en", 24: "nl", 60: "en"}


@pytest.mark.parametrize("tables", sorted(ROOMS))
def test_every_projector_screen_fits_the_room(browser, rooms, tables):
    live, seeded = rooms
    room = seeded[tables]
    lang = LANGS[tables]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    page.goto(f"{live.base}{room.projector_path}")  # the secret link sets a cookie...
    page.goto(f"{live.base}/p/{room.code}?lang={lang}")  # ...and leads here, in `lang`
    problems: dict[str, list[str]] = {}
    for screen in SCREENS:
        show(page, screen)
        for size in SIZES:
            page.set_viewport_size({"width": size[0], "height": size[1]})
            settle(page)
            found = check_screen(page, room, screen, size, lang)
            if found:
                problems[f"{tables} tables, {screen}, {size[0]}x{size[1]}"] = found
        page.set_viewport_size({"width": 1920, "height": 1080})
    assert not problems, json.dumps(problems, indent=2, ensure_ascii=False)


def test_pages_turn_by_themselves_and_by_hand(browser, rooms):
    """60 tables on the wall: "Page 1 of 10" turns by itself, and at once on a key."""
    live, seeded = rooms
    page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    page.goto(f"{live.base}{seeded[60].projector_path}")
    show(page, "wall")
    counter = page.locator("[data-test=wall-page]")
    expect(counter).to_have_text("Page 1 of 10")
    expect(counter).to_have_text("Page 2 of 10", timeout=12_000)
    page.keyboard.press("ArrowRight")
    expect(counter).to_have_text("Page 3 of 10", timeout=1_000)
    counter.click()
    expect(counter).to_have_text("Page 4 of 10", timeout=1_000)
    # The facilitator's console turns it too, both ways.
    console = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    console.goto(f"{live.base}{seeded[60].facilitator_path}")
    console.click("[data-test=projector-page-back]")
    expect(counter).to_have_text("Page 3 of 10", timeout=3_000)
    for _ in range(7):
        console.click("[data-test=projector-page-next]")
    expect(counter).to_have_text("Page 10 of 10", timeout=3_000)
    # Tables 55-60 on page 10: whole tables, one row of six.
    shown = page.locator("[data-test=wall-tables] > section:not([hidden])")
    expect(shown).to_have_count(6)
    expect(shown.first).to_have_attribute("data-table", "55")


# A wall column: its key insight and notes as shown (not left out and counted).
SHOWN_IN_COLUMNS = """() => [...document.querySelectorAll('[data-test=wall-tables] > section')]
  .filter((c) => !c.hidden)
  .map((c) => [...c.querySelectorAll('.wall-notes > li:not(.fit-more)')]
    .filter((l) => !l.hidden).length)"""


@pytest.mark.parametrize("size", SIZES)
def test_past_six_tables_each_column_shows_its_insight_and_a_note(browser, rooms, size):
    """Six tables a page, as high as the screen: two rows of six left each column room
    for its key insight alone ("+5 more" under it)."""
    live, seeded = rooms
    page = browser.new_context(viewport={"width": size[0], "height": size[1]}).new_page()
    page.goto(f"{live.base}{seeded[24].projector_path}")
    show(page, "wall")
    settle(page)
    shown = page.evaluate(SHOWN_IN_COLUMNS)
    assert len(shown) == 6 and min(shown) >= 2, shown
    assert page.evaluate(FIT_PROBLEMS) == []
    LONG_SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(LONG_SHOTS / f"wall-24-tables-{size[0]}.png"))


def test_notes_carry_their_language_and_paper_notes_are_marked(browser, rooms):
    live, seeded = rooms
    page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    page.goto(f"{live.base}{seeded[6].projector_path}")
    show(page, "wall")
    dutch = page.locator(".wall-notes p", has_text="Gemeenschappelijke").first
    expect(dutch).to_have_attribute("lang", "nl")
    french = page.locator(".wall-notes p", has_text="aidants proches").first
    expect(french).to_have_attribute("lang", "fr")
    assert dutch.evaluate("(n) => getComputedStyle(n).hyphens") == "auto"
    on_paper = page.locator(".wall-notes li", has_text=PAPER_NOTE[:30]).first
    expect(on_paper).to_contain_text(re.compile("on paper"))


@pytest.fixture(scope="module")
def long_room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Room]]:
    """Six tables whose notes are 400 characters and more, each."""
    tmp = tmp_path_factory.mktemp("long")
    live = start_demo(tmp)
    engine = make_engine(f"sqlite:///{tmp}/db.sqlite3")
    try:
        with session_scope(make_session_factory(engine)) as session:
            room = seed_room(session, 6, 4, VERY_LONG_NOTES)
            # The whole room's themes, not the spotlit table's: several themes to page.
            workshops.set_harvest_scope(session, workshops.get_by_code(session, room.code), "all")
    finally:
        engine.dispose()
    yield live, room
    live.stop()


# Each theme's quote as the projector holds it, shown or on another page.
QUOTES = """() => [...document.querySelectorAll('[data-test=themes] > li blockquote')]
  .map((q) => q.firstChild.textContent)"""
# What a table says in that room: its notes, key insights and the note from paper.
SAID = {text for texts in VERY_LONG_NOTES.values() for text in texts}
SAID |= {*INSIGHTS, LONGEST_NOTE, PAPER_NOTE}


def test_long_notes_are_quoted_whole_on_the_harvest_and_fit(browser, long_room):
    """A theme's quote is its note whole, never cut with "…"; the themes still fit at
    1280x720 and 1920x1080, a page at a time."""
    live, room = long_room
    LONG_SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    page.goto(f"{live.base}{room.projector_path}")
    show(page, "harvest")
    quotes = page.evaluate(QUOTES)
    assert quotes and all(quote in SAID for quote in quotes), quotes
    assert max(len(quote) for quote in quotes) >= 400
    problems = {}
    for size in SIZES:
        page.set_viewport_size({"width": size[0], "height": size[1]})
        settle(page)
        page.screenshot(path=str(LONG_SHOTS / f"harvest-long-quotes-{size[0]}.png"))
        found = check_screen(page, room, "harvest", size, "en")
        if found:
            problems[f"{size[0]}x{size[1]}"] = found
    assert not problems, json.dumps(problems, indent=2, ensure_ascii=False)


WALL_COLUMNS = (Path(__file__).parent / "wall_columns.js").read_text()
# What static/js/projector.js flash() does on "note.posted": the newest card lights up.
# The first note of each column (the newest, votes aside), held at the first frame of
# its animation, where it is furthest from where it settles.
JUST_POSTED = """() => {
  for (const list of document.querySelectorAll('.wall-notes')) {
    const card = list.querySelector(':scope > li[data-client-id]:not([hidden])');
    if (!card || !card.checkVisibility()) continue;
    card.classList.add('fresh');
    for (const animation of card.getAnimations()) { animation.pause(); animation.currentTime = 0; }
  }
}"""


def check_wall_columns(page: Any, shot: str) -> list[str]:
    """The wall's columns as they settle, then with each newest card just posted."""
    settle(page)
    found = page.evaluate(FIT_PROBLEMS) + page.evaluate(WALL_COLUMNS)
    page.evaluate(JUST_POSTED)
    found += [f"just posted: {p}" for p in page.evaluate(WALL_COLUMNS)]
    WALL_SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(WALL_SHOTS / f"{shot}.png"))
    return found


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_full_wall_shows_every_card_that_fits_and_the_newest_whole(browser, full_wall, size):
    """Six tables of a hundred notes: each column shows whole cards down to its edge, the
    newest one included while it lights up; a card left out would not have fitted."""
    live, room = full_wall
    page = browser.new_context(viewport={"width": size[0], "height": size[1]}).new_page()
    page.goto(f"{live.base}{room.projector_path}")
    show(page, "wall")
    found = check_wall_columns(page, f"6-full-tables-wall-{size[0]}")
    counts = page.locator("[data-test=wall-tables] .fit-more")
    expect(counts).to_have_count(6)  # every column leaves out notes: the test measures a full wall
    assert not found, json.dumps(found, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_page_of_sixty_tables_shows_whole_columns(browser, rooms, size):
    live, seeded = rooms
    page = browser.new_context(viewport={"width": size[0], "height": size[1]}).new_page()
    page.goto(f"{live.base}{seeded[60].projector_path}")
    show(page, "wall")
    found: list[str] = []
    for turn in range(page.evaluate("() => Fit.state('wall').pages")):
        found += [
            f"page {turn + 1}: {p}"
            for p in check_wall_columns(page, f"60-tables-wall-{size[0]}-{turn + 1}")
        ]
        page.keyboard.press("ArrowRight")
    assert not found, json.dumps(found, indent=2, ensure_ascii=False)


SPOTLIGHT_HINT = {
    "en": "pick it under “Spotlight a table” on the facilitator's screen",
    "nl": "bij “Een tafel in de kijker” op het scherm van de facilitator",
    "fr": "sous «\u00a0Mettre une table à l'honneur\u00a0» sur l'écran du facilitateur",
}


@pytest.mark.parametrize("lang", sorted(SPOTLIGHT_HINT))
def test_the_spotlight_without_a_table_says_how_to_choose_one(browser, full_wall, lang):
    """Cleared on the console: no empty "Top notes" heading, a line that says how instead;
    a table chosen again brings its notes back."""
    live, room = full_wall
    projector = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    projector.goto(f"{live.base}{room.projector_path}")
    projector.goto(f"{live.base}/p/{room.code}?lang={lang}")
    show(projector, "spotlight")
    console = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    console.goto(f"{live.base}{room.facilitator_path}")
    console.click("[data-test=spotlight-clear]")
    hint = projector.locator("[data-test=spotlight-hint]")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text(SPOTLIGHT_HINT[lang])
    expect(projector.locator("#spot-top-title")).to_be_hidden()
    settle(projector)
    assert not projector.evaluate(FIT_PROBLEMS)
    WALL_SHOTS.mkdir(parents=True, exist_ok=True)
    projector.screenshot(path=str(WALL_SHOTS / f"spotlight-none-{lang}-1280.png"))
    console.select_option("[data-test=spotlight-table]", "2")
    console.click("[data-test=spotlight-set]")
    expect(projector.locator("[data-test=spotlight-title]")).to_contain_text("2")
    expect(hint).to_be_hidden()
    expect(projector.locator("#spot-top-title")).to_be_visible()
    expect(projector.locator("[data-test=spotlight-notes] > li").first).to_be_visible()
