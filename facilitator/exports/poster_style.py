"""Sizes and colours of the poster, designed for A1 and scaled with the paper.

On A1 the body is 28 pt (readable from about 2 m); A2 and A3 get the same design
proportionally smaller, so the layout never changes with the paper size. A section whose
content does not fit whole sets its text smaller, step by step (`TEXT_STEPS`), but never
below `MIN_TEXT` of the design: 18 pt on A1, 9 pt on A3, still readable at arm's length.
"""

from __future__ import annotations

from dataclasses import dataclass

from facilitator.harvest.palette import POSTER_PALETTE, POSTER_TEXT

A1_SHORT_SIDE = 594.0
MUTED = "#5b6660"  # secondary text: translations, counts, captions
RULE = "#d8d2c4"
PAGE = "#ffffff"
TEXT_STEPS = (1.0, 0.9, 0.8, 0.72, 0.64)  # text sizes a section may take, largest first
MIN_TEXT = TEXT_STEPS[-1]

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
    text_factor: float = 1.0  # < 1 where a section sets its text smaller to fit whole

    @classmethod
    def for_paper(cls, width: float, height: float) -> Style:
        return cls(min(width, height) / A1_SHORT_SIDE)

    def with_text(self, factor: float) -> Style:
        """The same paper with text `factor` of the design size (distances unchanged)."""
        return Style(self.scale, max(MIN_TEXT, factor))

    def text_steps(self) -> tuple[Style, ...]:
        """This style at each text size a section may try, largest first."""
        return tuple(self.with_text(factor) for factor in TEXT_STEPS)

    @property
    def min_size(self) -> float:
        """The smallest text the poster ever prints on this paper (small text, last step)."""
        return 24 * self.scale * MIN_TEXT

    def pt(self, a1_points: float) -> float:
        """A font size given for A1, on this paper, at this section's text size."""
        return a1_points * self.scale * self.text_factor

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
