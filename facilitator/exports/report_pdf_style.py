"""The report PDF's look: colours, the embedded DejaVu fonts, paragraph styles, safe text."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib.colors import HexColor
from reportlab.lib.fonts import addMapping
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# Characters XML (and so reportlab's parser) refuses; a pasted note may carry them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

FONT = "FacilitatorSans"
FONT_BOLD = "FacilitatorSans-Bold"
FONT_SYMBOLS = "FacilitatorSymbols"  # emoji and symbols DejaVu lacks (Debian fonts-symbola)
SYMBOLA = Path("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf")
BRAND = "#0b6e4f"
INK = "#14213d"
MUTED = "#5a6473"
LINE = "#d8d4c7"
TINT = "#eef5f1"  # a pale brand green behind key insights
# Tables set their cell font even around Paragraphs: without this, Helvetica (not
# embedded) lands in the PDF.
FONT_COMMAND = ("FONT", (0, 0), (-1, -1), FONT)


@cache
def _register_fonts() -> None:
    """DejaVu Sans (shipped with matplotlib) for accents; TTFs are embedded as subsets."""
    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(fonts / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(fonts / "DejaVuSans-Bold.ttf")))
    # <b> in our own markup must find the bold face; there is no italic, so map it plainly.
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, FONT_BOLD)
    if SYMBOLA.exists():
        pdfmetrics.registerFont(TTFont(FONT_SYMBOLS, str(SYMBOLA)))


@cache
def _dejavu_covers() -> frozenset[int]:
    """Code points DejaVu Sans draws; others go to the symbol font, or are dropped."""
    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return frozenset(TTFont("probe", str(fonts / "DejaVuSans.ttf")).face.charToGlyph)


@cache
def _symbols_cover() -> frozenset[int]:
    if not SYMBOLA.exists():
        return frozenset()
    return frozenset(TTFont("probe-symbols", str(SYMBOLA)).face.charToGlyph)


def _with_symbols(escaped: str) -> str:
    """Put characters DejaVu lacks (emoji) in the symbol font; drop what neither draws,
    so no empty box is printed. Variation selectors and joiners are dropped too."""
    plain, symbols = _dejavu_covers(), _symbols_cover()
    out: list[str] = []
    for char in escaped:
        code = ord(char)
        if code in plain or char in "\n\t":
            out.append(char)
        elif code in symbols:
            out.append(f'<font name="{FONT_SYMBOLS}">{char}</font>')
    return "".join(out)


def _pdf_text(text: str) -> str:
    """User text made inert for Paragraph markup: <b>, & or <script> print as typed."""
    return _with_symbols(escape(_CONTROL.sub("", text))).replace("\n", "<br/>")


@cache
def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "base", fontName=FONT, bulletFontName=FONT, fontSize=10, leading=14, textColor=INK
    )

    def style(name: str, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    ink, muted, brand = HexColor(INK), HexColor(MUTED), HexColor(BRAND)
    styles = {
        "body": base,
        "kicker": style("kicker", fontName=FONT_BOLD, fontSize=11, textColor=brand),
        "title": style("title", fontName=FONT_BOLD, fontSize=26, leading=31, spaceBefore=4),
        "subtitle": style("subtitle", fontSize=13, leading=18, textColor=muted, spaceBefore=6),
        "h2": style(
            "h2",
            fontName=FONT_BOLD,
            fontSize=16,
            leading=20,
            textColor=brand,
            spaceBefore=18,
            spaceAfter=8,
            keepWithNext=1,
        ),
        "contents": style("contents", fontSize=10, leading=15, leftIndent=0),
        "h3": style(
            "h3", fontName=FONT_BOLD, fontSize=12, leading=16, spaceBefore=14, keepWithNext=1
        ),
        "count": style("count", fontSize=8.5, leading=11, textColor=muted, spaceAfter=4),
        "question": style(
            "question", fontName=FONT_BOLD, fontSize=12.5, leading=17, spaceAfter=3, textColor=ink
        ),
        "question_other": style(
            "question_other", fontSize=10, leading=14, textColor=muted, spaceAfter=2
        ),
        "insight": style(
            "insight",
            fontSize=10,
            leading=14,
            backColor=HexColor(TINT),
            borderPadding=(5, 7, 6, 7),
            leftIndent=7,
            rightIndent=7,
            spaceBefore=7,
            spaceAfter=9,
        ),
        "note": style(
            "note", fontSize=9, leading=12.2, leftIndent=11, bulletIndent=1, spaceAfter=3.2
        ),
        "hidden": style("hidden", fontSize=8.5, leading=11.5, textColor=muted, spaceBefore=6),
        "small": style("small", fontSize=8.5, leading=11.5, textColor=muted),
        "number": style("number", fontName=FONT_BOLD, fontSize=24, leading=28, textColor=brand),
        "rank": style("rank", fontName=FONT_BOLD, fontSize=16, leading=19, textColor=brand),
        "cell": style("cell", fontSize=9.5, leading=13),
        "cell_right": style("cell_right", fontSize=9.5, leading=13, alignment=2),
        "caption": style(
            "caption", fontSize=9, leading=12, textColor=muted, spaceAfter=14, alignment=1
        ),
        "quote": style("quote", fontSize=9.5, leading=13.5, textColor=muted, leftIndent=10),
    }
    # The contents' own heading looks like a section's, but is not listed in itself.
    styles["h2_plain"] = ParagraphStyle("h2_plain", parent=styles["h2"], keepWithNext=0)
    return styles


def _meta(note_author: str | None, votes: int, anonymous: str) -> str:
    """The grey tail of a note: '— An · ▲ 5' (votes only when there are any)."""
    tail = "— " + _pdf_text(note_author or anonymous)
    if votes:
        tail += f" · ▲ {votes}"
    return f' <font size="7.5" color="{MUTED}">{tail}</font>'
