"""The report as an A4 PDF, laid out with reportlab Platypus: page, footer and build."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from facilitator.exports.document import HarvestDocument
from facilitator.exports.report_model import Progress, ReportModel, _shorten, _step, build_model
from facilitator.exports.report_pdf_sections import (
    _pdf_commitments,
    _pdf_overview,
    _pdf_photos,
    _pdf_priorities,
    _pdf_round,
    _pdf_themes,
    _pdf_title,
)
from facilitator.exports.report_pdf_style import (
    FONT,
    FONT_COMMAND,
    LINE,
    MUTED,
    _pdf_text,
    _register_fonts,
    _styles,
)


def _footer(title: str) -> Callable[[Canvas, BaseDocTemplate], None]:
    """Draw the title and page number at the foot of every page."""
    short = _shorten(title, 80)

    def draw(canvas: Canvas, template: BaseDocTemplate) -> None:
        canvas.saveState()
        # 6 pt in, like the frame's padding, so the footer lines up with the text
        left = template.leftMargin + 6
        right = template.pagesize[0] - template.rightMargin - 6
        y = template.bottomMargin - 22
        canvas.setStrokeColor(HexColor(LINE))
        canvas.setLineWidth(0.5)
        canvas.line(left, y + 11, right, y + 11)
        canvas.setFillColor(HexColor(MUTED))
        canvas.setFont(FONT, 8)
        canvas.drawString(left, y, short)
        canvas.drawRightString(right, y, str(canvas.getPageNumber()))
        canvas.restoreState()

    return draw


def _pdf_contents(model: ReportModel) -> list[Flowable]:
    """The contents: every section heading with its page (filled by multiBuild's passes)."""
    s = _styles()
    contents = TableOfContents()
    contents.levelStyles = [s["contents"]]
    contents.dotsMinLevel = 0
    # Its table would otherwise set Helvetica, left unembedded.
    contents.tableStyle = TableStyle([FONT_COMMAND, ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    return [Paragraph(_pdf_text(model.doc.label("contents")), s["h2_plain"]), contents]


def _contents_entry(template: BaseDocTemplate) -> Callable[[Flowable], None]:
    """After each section heading is laid out, tell the contents its page."""

    def after(flowable: Flowable) -> None:
        if isinstance(flowable, Paragraph) and flowable.style.name == "h2":
            template.notify("TOCEntry", (0, flowable.getPlainText(), template.page))

    return after


@contextmanager
def _binary_streams() -> Iterator[None]:
    """Turn off reportlab's ASCII85 stream encoding for one build.

    Without its optional C accelerator, reportlab ASCII85-encodes every image and page in
    pure Python: about 3 s for 36 photos, for a file a quarter bigger. PDFs are binary-safe.
    """
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


def render_report_pdf(doc: HarvestDocument, progress: Progress | None = None) -> bytes:
    """The report as an A4 PDF with embedded DejaVu Sans; same document, same bytes."""
    _register_fonts()
    model = build_model(doc, progress)
    _step(progress, "layout", 55)
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=22 * mm,
        title=doc.title,
        author="Facilitator",
        creator="Facilitator",
        producer="Facilitator",
        lang=doc.language,
        displayDocTitle=1,
        invariant=1,  # fixed dates and ids: the same document gives the same bytes
        pageCompression=1,
        initialFontName=FONT,  # else the canvas starts in Helvetica, left unembedded
    )
    # The frame keeps 6 pt of padding on each side: full-width tables must fit inside it.
    width, height = template.width - 12, template.height - 12
    story: list[Flowable] = [*_pdf_title(model, width), *_pdf_contents(model)]
    story += _pdf_overview(model, width)
    # Sections follow each other: no forced breaks leaving half a page empty (headings
    # keep with what follows them, photos keep with their captions).
    for block in model.rounds:
        story += _pdf_round(model, block, first=block is model.rounds[0])
    story += _pdf_photos(model, width, height)
    story += [*_pdf_themes(model), *_pdf_priorities(model, width)]
    story += _pdf_commitments(model)
    _step(progress, "writing", 65)
    footer = _footer(doc.title)
    with _binary_streams():
        template.afterFlowable = _contents_entry(template)
        template.multiBuild(story, onFirstPage=footer, onLaterPages=footer)
    _step(progress, "done", 100)
    return buffer.getvalue()
