"""Sizes and colours of the poster, designed for A1 and scaled with the paper.

On A1 the body is 28 pt (readable from about 2 m); A2 and A3 get the same design
proportionally smaller, so the layout never changes with the paper size.
"""

from __future__ import annotations

from dataclasses import dataclass

from facilitator.harvest.palette import POSTER_PALETTE, POSTER_TEXT

A1_SHORT_SIDE = 594.0
MUTED = "#5b6660"  # secondary text: translations, counts, captions
RULE = "#d8d2c4"
PAGE = "#ffffff"

SECTION_COLOURS = {
    "title": POSTER_PALETTE[0],
    "numbers": POSTER_PALETTE[2],
    "agenda": POSTER_PALETTE[2],
    "questions": POSTER_PALETTE[0],
    "cloud": POSTER_PALETTE[0],
    "themes": POSTER_PALETTE[4],
    "priorities": POSTER_PALETTE[1],
    "commitments": "#8a6a00",  # the palette's ochre, darkened to read on a light card
    "photos": POSTER_PALETTE[5],
    "participation": POSTER_PALETTE[6],
}


def tint(colour: str, amount: float) -> str:
    """Mix a #rrggbb colour with white (`amount` 1.0 = white): calm card backgrounds."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(c + (255 - c) * amount) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


@dataclass(frozen=True, slots=True)
class Style:
    """Every size of the poster for one paper: points for text, millimetres otherwise."""

    scale: float

    @classmethod
    def for_paper(cls, width: float, height: float) -> Style:
        return cls(min(width, height) / A1_SHORT_SIDE)

    def pt(self, a1_points: float) -> float:
        """A font size given for A1, on this paper."""
        return a1_points * self.scale

    def mm(self, a1_mm: float) -> float:
        """A distance given for A1, on this paper."""
        return a1_mm * self.scale

    @property
    def body(self) -> float:
        return self.pt(28)

    @property
    def small(self) -> float:
        return self.pt(24)  # chart ticks and captions only

    @property
    def heading(self) -> float:
        return self.pt(38)

    @property
    def margin(self) -> float:
        return self.mm(18)

    @property
    def gap(self) -> float:
        return self.mm(9)

    @property
    def pad(self) -> float:
        return self.mm(8)

    @property
    def radius(self) -> float:
        return self.mm(6)

    def text(self, font: str = "regular", size: float | None = None, colour: str = "") -> tuple:
        """A (font, size, colour) triple for `Plan.lines`; defaults: body, text colour."""
        return (font, self.body if size is None else size, colour or POSTER_TEXT)
