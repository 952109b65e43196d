"""Tablecloth photos on the poster: a grid of thumbnails, as many as fit, then "+N".

Photos are decoded small (JPEG draft mode, then a Lanczos resize) to what the print
needs, at most 800 px on the long side, so 36 photos cost little memory and the PDF
stays small; matplotlib embeds them losslessly at exactly that size.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from facilitator.exports.document import HarvestDocument, PhotoDoc
from facilitator.exports.poster_blocks import frame, placeholder
from facilitator.exports.poster_layout import Box, ImageOp, Plan
from facilitator.exports.poster_style import MUTED, RULE, SECTION_COLOURS, Style, tint
from facilitator.exports.poster_text import fits, line_height, wrap_clamped

PRINT_DPI = 120  # plenty for a photo seen from a metre or two
MAX_SIDE = 800
CELL_RATIO = 3 / 4  # height / width of a thumbnail cell: tablecloth photos are landscape


def _grid(count: int, area: Box, style: Style) -> tuple[int, int, float, float]:
    """(cols, rows, cell width, image height): all photos if they fit at a readable size."""
    gap, caption = style.mm(5), line_height(style.small) + style.mm(1)
    smallest = style.mm(50)
    best = (0, 0, 0.0, 0.0)
    for cols in range(1, 13):
        cell_w = (area.w - gap * (cols - 1)) / cols
        if cell_w < smallest and cols > 1:
            break
        image_h = cell_w * CELL_RATIO
        rows = int((area.h + gap) // (image_h + caption + gap))
        if rows * cols >= count:
            return cols, rows, cell_w, image_h
        if rows * cols > best[0] * best[1]:
            best = (cols, rows, cell_w, image_h)
    return best


def _caption(photo: PhotoDoc, doc: HarvestDocument) -> str:
    parts = []
    if photo.table:
        parts.append(doc.label("table_n", table=photo.table))
    if photo.round:
        parts.append(doc.label("round_n", number=photo.round))
    return " · ".join(parts)


def draw_photos(plan: Plan, style: Style, doc: HarvestDocument, box: Box) -> None:
    """The photo grid; the last cell says how many more photos there are."""
    area = frame(plan, style, "photos", box, doc.label("photos"))
    photos = doc.photos
    cols, rows, cell_w, image_h = _grid(len(photos), area, style)
    if not photos or cols * rows == 0:
        placeholder(plan, style, area, doc.label("no_items") if not photos else f"+{len(photos)}")
        return
    capacity = cols * rows
    shown = len(photos) if len(photos) <= capacity else capacity - 1
    gap = style.mm(5)
    cell_h = image_h + line_height(style.small) + style.mm(1)
    for i in range(min(len(photos), capacity)):
        x = area.x + (i % cols) * (cell_w + gap)
        y = area.y + (i // cols) * (cell_h + gap)
        cell = Box(f"photos.{i}", x, y, cell_w, image_h, "image", "photos")
        if i < shown:
            _thumbnail(plan, style, photos[i], cell, doc)
        else:
            _more(plan, style, cell, len(photos) - shown)


def _thumbnail(plan: Plan, style: Style, photo: PhotoDoc, cell: Box, doc: HarvestDocument) -> None:
    """One photo fitted (not cropped) in its cell, centred, with its caption below."""
    ratio = photo.height / photo.width if photo.width and photo.height else CELL_RATIO
    w, h = (cell.w, cell.w * ratio) if ratio <= cell.h / cell.w else (cell.h / ratio, cell.h)
    placed = Box(
        cell.name, cell.x + (cell.w - w) / 2, cell.y + (cell.h - h) / 2, w, h, "image", "photos"
    )
    scale = min(1.0, MAX_SIDE / (max(w, h) / 25.4 * PRINT_DPI))
    pixels = (
        max(1, round(w / 25.4 * PRINT_DPI * scale)),
        max(1, round(h / 25.4 * PRINT_DPI * scale)),
    )
    plan.rect(cell, tint(RULE, 0.5))
    plan.ops.append(ImageOp(photo.path, placed.x, placed.y, placed.w, placed.h, pixels))
    plan.boxes.append(placed)
    caption = _caption(photo, doc)
    if not fits(caption, "regular", style.small, cell.w) and photo.table:
        caption = doc.label("table_n", table=photo.table)  # narrow cell: the table only
    caption_lines = wrap_clamped(caption, "regular", style.small, cell.w, 1)
    top = cell.bottom + style.mm(1)
    plan.lines(
        f"{cell.name}.caption",
        "photos",
        cell.x + cell.w / 2,
        top,
        caption_lines,
        ("regular", style.small, MUTED),
        "centre",
    )


def _more(plan: Plan, style: Style, cell: Box, hidden: int) -> None:
    """The "+N" tile standing for the photos that did not fit."""
    colour = SECTION_COLOURS["photos"]
    plan.rect(cell, tint(colour, 0.75), style.mm(2), kind="shape")
    size = style.pt(56)
    top = cell.y + (cell.h - line_height(size)) / 2
    plan.lines(
        f"{cell.name}.more",
        cell.name,
        cell.x + cell.w / 2,
        top,
        [f"+{hidden}"],
        ("bold", size, colour),
        "centre",
    )


def load_thumbnail(path: str, pixels: tuple[int, int]) -> np.ndarray:
    """The photo as an RGB array of exactly `pixels` (width, height); grey if unreadable."""
    try:
        with Image.open(path) as image:
            image.draft("RGB", pixels)  # JPEG: decode at 1/2, 1/4 or 1/8 size, much faster
            small = image.convert("RGB").resize(pixels, Image.Resampling.LANCZOS, reducing_gap=2.0)
    except OSError:
        small = Image.new("RGB", pixels, (230, 226, 216))
    return np.asarray(small)
