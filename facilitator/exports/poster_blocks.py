"""Building blocks of poster sections: a card with a heading, and items stacked to fit.

An item is a few pieces of wrapped text placed relative to the item's top left. A
section offers its items (sometimes in several variants, fuller first); only those that
fit are drawn, and "+N" says how many were left out, so nothing ever overflows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from facilitator.exports.poster_layout import Box, Plan
from facilitator.exports.poster_style import MUTED, SECTION_COLOURS, Style, tint
from facilitator.exports.poster_text import line_height, wrap_clamped

TextStyle = tuple[str, float, str]


@dataclass(frozen=True, slots=True)
class Piece:
    """Lines of one style at (dx, dy) from the item's top left."""

    lines: tuple[str, ...]
    style: TextStyle
    dx: float = 0.0
    dy: float = 0.0

    @property
    def bottom(self) -> float:
        return self.dy + line_height(self.style[1]) * len(self.lines)


@dataclass(frozen=True, slots=True)
class Item:
    """One entry of a section: its text pieces and its height."""

    pieces: tuple[Piece, ...]

    @property
    def height(self) -> float:
        return max((piece.bottom for piece in self.pieces if piece.lines), default=0.0)


def stacked(*parts: tuple[Sequence[str], TextStyle], dx: float = 0.0, gap: float = 0.0) -> Item:
    """An item whose pieces sit one under the other, `gap` mm apart."""
    pieces, top = [], 0.0
    for lines, style in parts:
        if not lines:
            continue
        piece = Piece(tuple(lines), style, dx, top)
        pieces.append(piece)
        top = piece.bottom + gap
    return Item(tuple(pieces))


def frame(plan: Plan, style: Style, name: str, box: Box, heading: str) -> Box:
    """Draw the section's card and heading; return the area left for its content."""
    colour = SECTION_COLOURS[name]
    plan.rect(box, tint(colour, 0.9), style.radius)
    plan.boxes.append(Box(name, box.x, box.y, box.w, box.h, "section"))
    inner = box.inset(style.pad)
    lines = wrap_clamped(heading, "bold", style.heading, inner.w, 1)
    used = plan.lines(
        f"{name}.heading", name, inner.x, inner.y, lines, style.text("bold", style.heading, colour)
    )
    top = inner.y + used + style.mm(3)
    return Box(name, inner.x, top, inner.w, max(0.0, inner.bottom - top))


def count_fitting(heights: Sequence[float], room: float, gap: float) -> int:
    """How many items, from the first, fit in `room` mm with `gap` between them."""
    used, count = 0.0, 0
    for height in heights:
        needed = height if count == 0 else height + gap
        if used + needed > room + 1e-9:
            break
        used += needed
        count += 1
    return count


def place_items(
    plan: Plan,
    style: Style,
    area: Box,
    items: Sequence[Item],
    gap: float,
    total: int | None = None,
    more_label: Callable[[int], str] = lambda hidden: f"+{hidden}",
) -> int:
    """Stack the items that fit in `area`; add "+N more" when some are left out. Returns shown.

    `total` is the number of entries the items stand for, when fewer items were offered;
    `more_label(n)` words the count of those left out, in the export's language.
    """
    total = len(items) if total is None else total
    heights = [item.height for item in items]
    shown = count_fitting(heights, area.h, gap)
    more = ("regular", style.body, MUTED)
    if shown < total:
        shown = count_fitting(heights, area.h - line_height(style.body) - gap, gap)
    top = area.y
    for index, item in enumerate(items[:shown]):
        for number, piece in enumerate(item.pieces):
            name = f"{area.name}.{index}.{number}"
            plan.lines(name, area.name, area.x + piece.dx, top + piece.dy, piece.lines, piece.style)
        top += item.height + gap
    if shown < total:
        plan.lines(f"{area.name}.more", area.name, area.x, top, [more_label(total - shown)], more)
    return shown


def _total(items: Sequence[Item], gap: float) -> float:
    return sum(item.height for item in items) + gap * max(0, len(items) - 1)


def _shrunk(
    build: Callable[[int, int], Item],
    count: int,
    levels: int,
    room: float,
    gap: float,
    uniform: bool,
) -> list[Item]:
    """The first `count` items, the tallest (or all, if uniform) shortened until they fit."""
    if uniform:
        for level in range(levels):
            items = [build(i, level) for i in range(count)]
            if _total(items, gap) <= room:
                break
        return items
    items = [build(i, 0) for i in range(count)]
    level = [0] * count
    while _total(items, gap) > room:
        shrinkable = [i for i in range(count) if level[i] < levels - 1]
        if not shrinkable:
            break
        tallest = max(shrinkable, key=lambda i: (items[i].height, i))
        level[tallest] += 1
        items[tallest] = build(tallest, level[tallest])
    return items


def shrink_to_fit(
    build: Callable[[int, int], Item],
    count: int,
    levels: int,
    room: float,
    gap: float,
    more: float,
    uniform: bool = False,
) -> list[Item]:
    """As many items as fit at their shortest (the last level), then as full as room allows.

    `build(i, level)` makes item i, level 0 fullest; `more` is the height of the "+N" line
    that `place_items` adds when items are left out; `uniform` keeps every item at the
    same level (questions and agenda look alike), else the tallest shrink first.
    """
    if count == 0:
        return []
    first = build(0, levels - 1)
    floor = min(line_height(piece.style[1]) for piece in first.pieces)
    total, count = count, min(count, int(room // (floor + gap)) + 1)  # the rest never fit
    shortest = [first, *(build(i, levels - 1) for i in range(1, count))]
    shown = count_fitting([item.height for item in shortest], room, gap)
    if shown < total:
        room -= more + gap
        shown = count_fitting([item.height for item in shortest], room, gap)
    return _shrunk(build, shown, levels, room, gap, uniform) if shown else []


ItemBuilder = Callable[[int, int], Item]


def fit_items(
    plan: Plan,
    style: Style,
    area: Box,
    build: Callable[[Style], ItemBuilder],
    count: int,
    levels: int,
    gap: float,
    more_label: Callable[[int], str],
    uniform: bool = False,
) -> int:
    """Place all `count` items whole (level 0) at the largest text size where they fit.

    When even the smallest readable size is too big, the whole items that fit are shown
    and the rest counted ("+3 more"); `uniform` sections (and a first item too tall on
    its own) are shortened instead, every item alike.

    `build(text_style)` returns `item(i, level)` for that text size. Returns items shown.
    """
    design_gap = gap
    for text in style.text_steps():
        item, gap = build(text), design_gap * text.text_factor  # smaller text, closer items
        items: list[Item] = []
        for index in range(count):  # stop measuring once they overflow
            items.append(item(index, 0))
            if _total(items, gap) > area.h + 1e-9:
                break
        else:
            return place_items(plan, text, area, items, gap, count, more_label)
    more = line_height(text.body)
    whole = count_fitting([i.height for i in items], area.h - more - gap, gap)
    if whole and not uniform:  # whole items first, then the count of the rest
        return place_items(plan, text, area, items[:whole], gap, count, more_label)
    items = shrink_to_fit(item, count, levels, area.h, gap, more, uniform)
    return place_items(plan, text, area, items, gap, count, more_label)


def placeholder(plan: Plan, style: Style, area: Box, text: str) -> None:
    """The short "nothing here" line of an empty section."""
    lines = wrap_clamped(text, "oblique", style.body, area.w, 1)
    if line_height(style.body) <= area.h:
        plan.lines(
            f"{area.name}.empty", area.name, area.x, area.y, lines, ("oblique", style.body, MUTED)
        )
