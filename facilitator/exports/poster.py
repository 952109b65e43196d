"""The printable visual-harvest poster (A3, A2, A1; portrait or landscape; PDF or PNG).

Pure code: a `HarvestDocument` in, bytes out. The poster is first planned as boxes in
millimetres (`poster_layout` returns them, for tests), every text measured and wrapped
to its box, then drawn with matplotlib's object API (never pyplot) on one axes in mm.
The PDF has vector text with DejaVu Sans embedded (TrueType, `pdf.fonttype` 42) and
no creation date, so the same document gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import FigureCanvasPdf
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import FancyBboxPatch, Rectangle

from facilitator.exports.document import HarvestDocument
from facilitator.exports.poster_charts import draw_participation, draw_priorities
from facilitator.exports.poster_cloud import draw_cloud
from facilitator.exports.poster_layout import (
    Box,
    ImageOp,
    Plan,
    RectOp,
    Split,
    TextOp,
    prune,
    resolve,
)
from facilitator.exports.poster_photos import draw_photos, load_thumbnail
from facilitator.exports.poster_sections import (
    draw_agenda,
    draw_commitments,
    draw_footer,
    draw_numbers,
    draw_questions,
    draw_themes,
    draw_title,
    items_held,
)
from facilitator.exports.poster_shares import rebalance
from facilitator.exports.poster_style import PAGE, Style
from facilitator.exports.poster_text import font_properties, line_height
from facilitator.exports.poster_trees import (
    LANDSCAPE,
    LANDSCAPES,
    PORTRAIT,
    PORTRAITS,
    TEXT_SECTIONS,
)

PAPER: dict[str, tuple[int, int]] = {"A3": (297, 420), "A2": (420, 594), "A1": (594, 841)}
PNG_DPI = {"A3": 200, "A2": 150, "A1": 120}  # about the same pixel count for every size
PRODUCER = "Facilitator"
Progress = Callable[[str, int], None]
__all__ = [
    "LANDSCAPE",
    "PAPER",
    "PORTRAIT",
    "paper_mm",
    "plan_poster",
    "poster_layout",
    "render_poster",
]

DRAW = {
    "title": draw_title,
    "numbers": draw_numbers,
    "agenda": draw_agenda,
    "questions": draw_questions,
    "cloud": draw_cloud,
    "themes": draw_themes,
    "priorities": draw_priorities,
    "commitments": draw_commitments,
    "photos": draw_photos,
    "participation": draw_participation,
}


def paper_mm(size: str, orientation: str) -> tuple[float, float]:
    """(width, height) of the sheet in mm."""
    if size not in PAPER or orientation not in ("portrait", "landscape"):
        raise ValueError(f"unknown paper {size!r} {orientation!r}")
    short, long = PAPER[size]
    return (short, long) if orientation == "portrait" else (long, short)


def _has_content(doc: HarvestDocument) -> Callable[[str], bool]:
    """Sections with nothing to show collapse, so their neighbours get the room."""
    empty = {
        "cloud": not doc.cloud_terms,
        "themes": not doc.themes,
        "priorities": not doc.priorities,
        "commitments": not doc.commitments,
        "photos": not doc.photos,
        "agenda": not doc.agenda,
    }
    return lambda name: not empty.get(name, False)


def _missing(
    doc: HarvestDocument, style: Style, boxes: dict[str, Box], seen: dict[tuple, int]
) -> dict[str, int]:
    """Per text section in these boxes: items left out (weighted) and lines cut with "…".

    A section's fit depends only on its box's size, so `seen` keeps each size's answer
    for the next layout tried."""
    held = items_held(doc)
    found = {}
    for name in TEXT_SECTIONS:
        if name not in boxes:
            continue
        key = (name, round(boxes[name].w, 3), round(boxes[name].h, 3))
        if key not in seen:
            scratch = Plan(0, 0, 0)
            DRAW[name](scratch, style, doc, boxes[name])
            shown = {b.name.split(".")[1] for b in scratch.boxes if _is_item(b.name, name)}
            cut = sum(1 for op in scratch.ops if isinstance(op, TextOp) and op.text.endswith("…"))
            seen[key] = (held[name] - len(shown)) * _ITEM_WEIGHT.get(name, 10_000) + cut
        found[name] = seen[key]
    return found


# Whole items come before lines kept whole; the vote's tail (its fewest dots) is counted
# before any question, agenda item, theme or commitment is.
_ITEM_WEIGHT = {"priorities": 100}


def _is_item(box_name: str, section: str) -> bool:
    """Whether a box is part of one of the section's items ("priorities.3.label")."""
    parts = box_name.split(".")
    return len(parts) > 2 and parts[0] == section and parts[1].isdigit()


def _layout(doc: HarvestDocument, style: Style, body: Box, orientation: str) -> dict[str, Box]:
    """The first layout (the design first) in which the text sections show everything,
    once the boxes share the page by what they hold; else the one that leaves the least
    out."""
    trees = PORTRAITS if orientation == "portrait" else LANDSCAPES
    seen: dict[tuple, int] = {}

    def missing(tree: Split | str) -> dict[str, int]:
        return _missing(doc, style, resolve(tree, body, style.gap), seen)

    best: tuple[int, dict[str, Box]] | None = None
    for design in trees:
        tree = rebalance(prune(design, _has_content(doc)) or "title", missing, _can_give)
        boxes = resolve(tree, body, style.gap)
        left = sum(missing(tree).values())
        if left == 0:
            return boxes
        if best is None or left < best[0]:
            best = (left, boxes)
    assert best is not None
    return best[1]


def _can_give(section: str) -> bool:
    """Text sections give their spare room; not the questions (they shorten their
    translations quietly), nor pictures and charts (the other layouts trade those)."""
    return section in TEXT_SECTIONS and section != "questions"


def plan_poster(
    doc: HarvestDocument,
    size: str = "A1",
    orientation: str = "portrait",
    progress: Progress | None = None,
) -> Plan:
    """Lay out the whole poster: every box, text line, bar and photo, in mm."""
    width, height = paper_mm(size, orientation)
    style = Style.for_paper(width, height)
    plan = Plan(width, height, style.margin)
    footer_h = line_height(style.small)
    page = Box(
        "page", style.margin, style.margin, width - 2 * style.margin, height - 2 * style.margin
    )
    body = Box("body", page.x, page.y, page.w, page.h - footer_h - style.gap)
    boxes = _layout(doc, style, body, orientation)
    for name, box in boxes.items():
        if name == "cloud" and progress:
            progress("cloud", 15)
        DRAW[name](plan, style, doc, box)
    draw_footer(plan, style, doc, Box("footer", page.x, page.bottom - footer_h, page.w, footer_h))
    return plan


def poster_layout(
    doc: HarvestDocument, size: str = "A1", orientation: str = "portrait"
) -> list[Box]:
    """Every box the poster draws (sections, text blocks, words, photos, bars), in mm."""
    return list(plan_poster(doc, size, orientation).boxes)


def _draw(plan: Plan, progress: Progress | None) -> Figure:
    """Replay the plan on a figure of the paper's size, one axes in millimetres."""
    figure = Figure(figsize=(plan.width / 25.4, plan.height / 25.4), facecolor=PAGE)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_axis_off()
    fonts = font_properties()
    images = [op for op in plan.ops if isinstance(op, ImageOp)]
    if progress:
        progress("photos", 35)
    thumbnails = {id(op): load_thumbnail(op.path, op.pixels) for op in images}
    if progress:
        progress("charts", 60)
    for op in plan.ops:
        if isinstance(op, RectOp):
            axes.add_patch(_patch(op))
        elif isinstance(op, ImageOp):
            extent = (op.x, op.x + op.w, op.y + op.h, op.y)
            axes.imshow(
                thumbnails[id(op)], extent=extent, interpolation="antialiased", aspect="auto"
            )
        elif isinstance(op, TextOp):
            _text(axes, op, fonts[op.font])
    axes.set_xlim(0, plan.width)
    axes.set_ylim(plan.height, 0)  # y grows downwards, like the plan
    return figure


def _text(axes: Axes, op: TextOp, font: FontProperties) -> None:
    """One line of user or label text, always literal: no mathtext, no TeX."""
    axes.text(
        op.x, op.y, op.text, fontproperties=font, fontsize=op.size, color=op.colour,
        rotation=op.rotation, rotation_mode="anchor", ha="left", va="baseline",
        parse_math=False, usetex=False, wrap=False, clip_on=False,
    )  # fmt: skip


def _patch(op: RectOp) -> Rectangle | FancyBboxPatch:
    if op.radius <= 0 or min(op.w, op.h) < 2 * op.radius:
        return Rectangle(
            (op.x, op.y), op.w, op.h, facecolor=op.colour, edgecolor="none", linewidth=0
        )
    return FancyBboxPatch(
        (op.x, op.y), op.w, op.h, boxstyle=f"round,pad=0,rounding_size={op.radius}",
        facecolor=op.colour, edgecolor="none", linewidth=0, mutation_aspect=1,
    )  # fmt: skip


def render_poster(
    doc: HarvestDocument,
    size: str = "A1",
    orientation: str = "portrait",
    fmt: str = "pdf",
    progress: Progress | None = None,
) -> bytes:
    """The poster as PDF (vector, fonts embedded) or PNG bytes; same input, same bytes."""
    if fmt not in ("pdf", "png"):
        raise ValueError(f"unknown poster format {fmt!r}")
    if progress:
        progress("layout", 0)
    plan = plan_poster(doc, size, orientation, progress)
    rc = {
        "pdf.fonttype": 42,
        "text.usetex": False,
        "image.resample": True,
    }
    with matplotlib.rc_context(rc):
        figure = _draw(plan, progress)
        if progress:
            progress("writing", 80)
        buffer = io.BytesIO()
        if fmt == "pdf":
            FigureCanvasPdf(figure)
            figure.savefig(
                buffer, format="pdf", metadata={"CreationDate": None, "Producer": PRODUCER}
            )
        else:
            FigureCanvasAgg(figure)
            figure.savefig(
                buffer, format="png", dpi=PNG_DPI[size],
                metadata={"Software": PRODUCER}, pil_kwargs={"compress_level": 6},
            )  # fmt: skip
    if progress:
        progress("done", 100)
    return buffer.getvalue()
