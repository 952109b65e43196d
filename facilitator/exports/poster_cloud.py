"""The poster's word cloud: wordcloud places the words, the poster draws them as text.

The layout runs on a pixel canvas of fixed size whatever the paper (so A3 is the same
cloud as A1, smaller); each placed word becomes a vector text operation in mm, with
its baseline taken from the font's ascent exactly as wordcloud drew it.
"""

from __future__ import annotations

from functools import lru_cache

from PIL import ImageFont

from facilitator.exports.document import HarvestDocument
from facilitator.exports.poster_blocks import frame, placeholder
from facilitator.exports.poster_layout import Box, Plan, TextOp
from facilitator.exports.poster_style import Style
from facilitator.exports.poster_text import FONTS, MM_PER_PT, clean
from facilitator.harvest.cloud import CloudConfig, layout
from facilitator.harvest.palette import POSTER_PALETTE

_CANVAS_LONG_SIDE = 1400  # output pixels of the layout canvas's long side (laid out at half)
_SCALE = 2
_MAX_WORDS = 70


@lru_cache(maxsize=256)
def _pil_font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONTS["bold"], size)


def _config(area: Box, style: Style) -> tuple[CloudConfig, float]:
    """The layout canvas for the area, and millimetres per canvas pixel (at layout scale)."""
    px_per_mm = _CANVAS_LONG_SIDE / max(area.w, area.h)
    width, height = int(area.w * px_per_mm), int(area.h * px_per_mm)
    to_px = px_per_mm * MM_PER_PT  # output pixels per point on this paper
    config = CloudConfig(
        width=width,
        height=height,
        scale=_SCALE,
        palette=POSTER_PALETTE,
        background=None,
        max_words=_MAX_WORDS,
        max_font_size=int(min(style.pt(130) * to_px, height / 3.2)),
        min_font_size=int(style.pt(22) * to_px),
        margin=12,
        prefer_horizontal=0.85,
        seed=7,
        font_path=FONTS["bold"],
    )
    return config, _SCALE / px_per_mm


def draw_cloud(plan: Plan, style: Style, doc: HarvestDocument, box: Box) -> None:
    """Lay out the cloud terms in the section and draw each as bold vector text."""
    area = frame(plan, style, "cloud", box, doc.label("word_cloud"))
    frequencies: dict[str, float] = {}
    for term, weight in doc.cloud_terms:
        word = clean(term, symbols=False)
        if word and weight > 0:
            frequencies[word] = max(frequencies.get(word, 0.0), float(weight))
    config, mm_per_px = _config(area, style)
    cloud = layout(frequencies, config) if frequencies and area.h > style.mm(30) else None
    if cloud is None:
        placeholder(plan, style, area, doc.label("no_items"))
        return
    for index, ((word, _), font_size, (row, col), orientation, colour) in enumerate(cloud.layout_):
        placed = (int(font_size), int(row), int(col), orientation is not None)
        _place_word(plan, area, index, word, placed, colour, mm_per_px)


def _place_word(
    plan: Plan,
    area: Box,
    index: int,
    word: str,
    placed: tuple[int, int, int, bool],
    colour: str,
    mm_per_px: float,
) -> None:
    """Turn one wordcloud placement (pixels, maybe rotated) into a text op at its baseline.

    wordcloud puts the top left of the word's ink box at (col, row), rotated or not
    (Pillow's TransposedFont crops to the ink), so the pen origin follows from the box.
    """
    font_size, row, col, rotated = placed
    x0, y0, x1, y1 = _pil_font(font_size).getbbox(word, anchor="ls")
    size_pt = font_size * mm_per_px / MM_PER_PT
    if rotated:
        # A quarter turn anticlockwise: the baseline is vertical, glyph tops point left,
        # and the word starts at the bottom of its box.
        pen = (col - y0, row + x1)
        ink = (col, row, y1 - y0, x1 - x0)
    else:
        pen = (col - x0, row - y0)
        ink = (col, row, x1 - x0, y1 - y0)
    x, y = area.x + pen[0] * mm_per_px, area.y + pen[1] * mm_per_px
    plan.ops.append(TextOp(x, y, word, "bold", size_pt, colour, 90.0 if rotated else 0.0))
    left, top, width, height = (value * mm_per_px for value in ink)
    box = Box(f"cloud.word.{index}", area.x + left, area.y + top, width, height, "word", "cloud")
    plan.boxes.append(box)
