"""The plenary report of a workshop: one self-contained HTML file, or a PDF (no Flask).

Both formats are drawn from the same `ReportModel`, so they hold the same sections in the
same order: title block, key numbers, agenda, each round (its question, then per table the
key insights and notes), the tablecloth photos, themes, voted priorities and commitments.
Every heading comes from `doc.label`, so it is in the export's language.

User text is never trusted: Jinja autoescapes it in HTML, and `_pdf_text` escapes it for
reportlab's Paragraph mini-markup. The HTML makes no external request (photos are inline
data: URIs, CSS is inline, no scripts) and both outputs are byte-for-byte deterministic.
"""

from facilitator.exports.report_html import TEMPLATES, render_report_html
from facilitator.exports.report_model import (
    PHOTO_QUALITY,
    PHOTO_SIDE,
    PhotoBlock,
    PriorityRow,
    Progress,
    ReportModel,
    RoundBlock,
    TableBlock,
    _downscaled,
    _shorten,
    build_model,
)
from facilitator.exports.report_pdf import render_report_pdf
from facilitator.exports.report_pdf_style import (
    BRAND,
    FONT,
    FONT_BOLD,
    FONT_COMMAND,
    INK,
    LINE,
    MUTED,
    TINT,
)

# The model lives in `report_model`, the HTML page in `report_html`, the PDF in `report_pdf`
# (with `report_pdf_style`, `report_pdf_flowables` and `report_pdf_sections`); this module
# keeps the names other modules, tests and the benchmark import from here.
__all__ = [
    "BRAND",
    "FONT",
    "FONT_BOLD",
    "FONT_COMMAND",
    "INK",
    "LINE",
    "MUTED",
    "PHOTO_QUALITY",
    "PHOTO_SIDE",
    "TEMPLATES",
    "TINT",
    "PhotoBlock",
    "PriorityRow",
    "Progress",
    "ReportModel",
    "RoundBlock",
    "TableBlock",
    "_downscaled",
    "_shorten",
    "build_model",
    "render_report_html",
    "render_report_pdf",
]
