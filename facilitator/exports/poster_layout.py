"""Poster geometry: named boxes in millimetres (origin top left, y down) and a drawing plan.

The poster is planned completely before anything is drawn: every text line, bar and
photo becomes an operation with its box. Tests read the boxes to prove that nothing
overlaps and nothing leaves the page; the renderer only replays the operations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from facilitator.exports.poster_text import baseline_offset, line_height, text_width


@dataclass(frozen=True, slots=True)
class Box:
    """A named rectangle in mm; `kind` is section, text, word, image or shape."""

    name: str
    x: float
    y: float
    w: float
    h: float
    kind: str = "section"
    parent: str = ""

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def inset(self, dx: float, dy: float | None = None) -> Box:
        """The same box shrunk by dx left and right, dy top and bottom."""
        dy = dx if dy is None else dy
        return Box(self.name, self.x + dx, self.y + dy, self.w - 2 * dx, self.h - 2 * dy)

    def overlaps(self, other: Box, tolerance: float = 1e-6) -> bool:
        """Whether the two boxes share any area (touching edges do not count)."""
        return (
            self.x < other.right - tolerance
            and other.x < self.right - tolerance
            and self.y < other.bottom - tolerance
            and other.y < self.bottom - tolerance
        )

    def contains(self, other: Box, tolerance: float = 1e-6) -> bool:
        """Whether `other` lies wholly inside this box."""
        return (
            other.x >= self.x - tolerance
            and other.y >= self.y - tolerance
            and other.right <= self.right + tolerance
            and other.bottom <= self.bottom + tolerance
        )


@dataclass(frozen=True, slots=True)
class Split:
    """Children side by side (`across=True`) or stacked, each with a relative weight."""

    across: bool
    parts: tuple[tuple[float, Split | str], ...]


def row(*parts: tuple[float, Split | str]) -> Split:
    """Children side by side, left to right."""
    return Split(True, parts)


def column(*parts: tuple[float, Split | str]) -> Split:
    """Children stacked, top to bottom."""
    return Split(False, parts)


def prune(node: Split | str, keep: Callable[[str], bool]) -> Split | str | None:
    """Drop the sections `keep` rejects, and splits left empty, so neighbours grow."""
    if isinstance(node, str):
        return node if keep(node) else None
    parts = tuple((w, child) for w, child in ((w, prune(c, keep)) for w, c in node.parts) if child)
    if not parts:
        return None
    return parts[0][1] if len(parts) == 1 else Split(node.across, parts)


def resolve(node: Split | str, area: Box, gap: float) -> dict[str, Box]:
    """Cut `area` by the weights of the tree, leaving `gap` mm between neighbours."""
    if isinstance(node, str):
        return {node: Box(node, area.x, area.y, area.w, area.h)}
    total = sum(weight for weight, _ in node.parts)
    length = (area.w if node.across else area.h) - gap * (len(node.parts) - 1)
    boxes: dict[str, Box] = {}
    offset = area.x if node.across else area.y
    for weight, child in node.parts:
        size = length * weight / total
        if node.across:
            part = Box("", offset, area.y, size, area.h)
        else:
            part = Box("", area.x, offset, area.w, size)
        boxes.update(resolve(child, part, gap))
        offset += size + gap
    return boxes


@dataclass(frozen=True, slots=True)
class TextOp:
    """One line of text, placed by its baseline; rotation 90 reads bottom to top."""

    x: float
    y: float
    text: str
    font: str
    size: float
    colour: str
    rotation: float = 0.0


@dataclass(frozen=True, slots=True)
class RectOp:
    """A filled rectangle, optionally with rounded corners (radius in mm)."""

    x: float
    y: float
    w: float
    h: float
    colour: str
    radius: float = 0.0


@dataclass(frozen=True, slots=True)
class ImageOp:
    """A photo scaled into its box, decoded at `pixels` (width, height) for print."""

    path: str
    x: float
    y: float
    w: float
    h: float
    pixels: tuple[int, int]


Op = TextOp | RectOp | ImageOp


@dataclass(slots=True)
class Plan:
    """Everything the poster will draw, in order, and the boxes it occupies."""

    width: float
    height: float
    margin: float
    ops: list[Op] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)

    def rect(self, box: Box, colour: str, radius: float = 0.0, kind: str = "") -> None:
        """Fill a box; with `kind`, also record it (bars, tiles) for the overlap checks."""
        self.ops.append(RectOp(box.x, box.y, box.w, box.h, colour, radius))
        if kind:
            self.boxes.append(box if box.kind == kind else _with_kind(box, kind))

    def lines(
        self,
        name: str,
        parent: str,
        x: float,
        y: float,
        lines: Sequence[str],
        style: tuple[str, float, str],
        align: str = "left",
    ) -> float:
        """Draw lines of text from (x, y) top; `x` is the left, centre or right edge.

        Returns the height used. `style` is (font, size in pt, colour).
        """
        font, size, colour = style
        if not lines:
            return 0.0
        pitch = line_height(size)
        widths = [text_width(line, font, size) for line in lines]
        for i, (line, width) in enumerate(zip(lines, widths, strict=True)):
            left = x - width if align == "right" else x - width / 2 if align == "centre" else x
            self.ops.append(
                TextOp(left, y + i * pitch + baseline_offset(size), line, font, size, colour)
            )
        widest = max(widths)
        left = x - widest if align == "right" else x - widest / 2 if align == "centre" else x
        self.boxes.append(Box(name, left, y, widest, pitch * len(lines), "text", parent))
        return pitch * len(lines)


def _with_kind(box: Box, kind: str) -> Box:
    return Box(box.name, box.x, box.y, box.w, box.h, kind, box.parent)
