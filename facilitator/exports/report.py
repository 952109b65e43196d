"""The plenary report of a workshop: one self-contained HTML file, or a PDF (no Flask).

Both formats are drawn from the same `ReportModel`, so they hold the same sections in the
same order: title block, key numbers, agenda, each round (its question, then per table the
key insights and notes), the tablecloth photos, themes, voted priorities and commitments.
Every heading comes from `doc.label`, so it is in the export's language.

User text is never trusted: Jinja autoescapes it in HTML, and `_pdf_text` escapes it for
reportlab's Paragraph mini-markup. The HTML makes no external request (photos are inline
data: URIs, CSS is inline, no scripts) and both outputs are byte-for-byte deterministic.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from babel import UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader
from PIL import Image
from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from facilitator.exports.document import (
    ROLE_KEYS,
    CommitmentDoc,
    HarvestDocument,
    InsightDoc,
    NoteDoc,
    PriorityDoc,
    ThemeDoc,
)

Progress = Callable[[str, int], None]

TEMPLATES = Path(__file__).parent / "templates"
PHOTO_SIDE = 900  # longest side of an embedded photo, in pixels: readable, not heavy
PHOTO_QUALITY = 80
QUOTE_CHARS = 320  # a theme's quote is cut to this, on a word boundary
# Characters XML (and so reportlab's parser) refuses; a pasted note may carry them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --- the model both formats are drawn from ---------------------------------------------


@dataclass(frozen=True)
class TableBlock:
    table: int
    heading: str  # "Table 3"
    count: str  # "23 notes"
    insights: tuple[InsightDoc, ...]
    notes: tuple[NoteDoc, ...]  # most upvoted first, then oldest first


@dataclass(frozen=True)
class RoundBlock:
    number: int
    heading: str  # "Round 2"
    questions: tuple[tuple[str, str], ...]  # (language, text), export language first
    tables: tuple[TableBlock, ...]


@dataclass(frozen=True)
class PhotoBlock:
    caption: str  # "Table 3 · Round 1"
    jpeg: bytes  # downscaled once, shared by both formats
    width: int
    height: int

    def data_uri(self) -> str:
        return "data:image/jpeg;base64," + base64.b64encode(self.jpeg).decode("ascii")


@dataclass(frozen=True)
class PriorityRow:
    priority: PriorityDoc
    dots: str  # "34 dots"
    share: float  # dots relative to the most dots, 0..1, for the bar


@dataclass(frozen=True)
class ReportModel:
    doc: HarvestDocument
    kicker: str  # "Harvest report"
    subtitle: str  # "Antwerp · 23 May 2023"
    numbers: tuple[tuple[str, str], ...]  # ("2,000", "notes"): people, tables, notes, languages
    languages: str  # "NL · FR · EN"
    roles: tuple[tuple[str, int], ...]
    notes_per_table: tuple[tuple[str, int], ...]
    agenda: tuple[tuple[str, str], ...]  # (title, "15 min")
    rounds: tuple[RoundBlock, ...]
    photos: tuple[PhotoBlock, ...]
    themes: tuple[tuple[ThemeDoc, str, str], ...]  # (theme, "34 notes", shortened quote)
    priorities: tuple[PriorityRow, ...]
    commitments: tuple[CommitmentDoc, ...]


def _step(progress: Progress | None, step: str, percent: int) -> None:
    if progress is not None:
        progress(step, percent)


def _format_date(held_on: str | None, language: str) -> str | None:
    """The date as the export's language writes it (23 mei 2023); else the text as given."""
    if not held_on:
        return None
    try:
        return format_date(dt.date.fromisoformat(held_on), format="long", locale=language)
    except (ValueError, UnknownLocaleError):
        return held_on


def _number(value: int, language: str) -> str:
    """2,000 / 2.000 / 2 000, as the export's language writes it."""
    try:
        return format_decimal(value, locale=language)
    except (ValueError, UnknownLocaleError):
        return str(value)


def _shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """Cut on a word boundary and mark the cut, so a long quote keeps its page small."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(",;:.") + " …"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _questions(doc: HarvestDocument, number: int) -> tuple[tuple[str, str], ...]:
    """A round's question in every language given: the export language first."""
    texts: dict[str, str] = {}
    for question in doc.questions:
        if question.round == number:
            texts.update({lang: text for lang, text in question.text.items() if text.strip()})
    order = [doc.language, *doc.languages, *sorted(texts)]
    seen: list[str] = [lang for i, lang in enumerate(order) if lang not in order[:i]]
    return tuple((lang, texts[lang]) for lang in seen if lang in texts)


def _rounds(doc: HarvestDocument) -> tuple[RoundBlock, ...]:
    """Every round that has a question, a note or an insight, each with its tables."""
    numbers = sorted(
        {q.round for q in doc.questions}
        | {n.round for n in doc.notes}
        | {i.round for i in doc.insights if i.text.strip()}
    )
    blocks = []
    for number in numbers:
        notes = [n for n in doc.notes if n.round == number]
        insights = [i for i in doc.insights if i.round == number and i.text.strip()]
        tables = sorted({n.table for n in notes} | {i.table for i in insights})
        blocks.append(
            RoundBlock(
                number=number,
                heading=doc.label("round_n", number=number),
                questions=_questions(doc, number),
                tables=tuple(_table_block(doc, t, notes, insights) for t in tables),
            )
        )
    return tuple(blocks)


def _table_block(
    doc: HarvestDocument, table: int, notes: list[NoteDoc], insights: list[InsightDoc]
) -> TableBlock:
    mine = [n for n in notes if n.table == table]
    mine.sort(key=lambda n: -n.votes)  # stable: equal votes stay oldest first
    return TableBlock(
        table=table,
        heading=doc.label("table_n", table=table),
        count=doc.label("theme_notes", count=len(mine)),
        insights=tuple(i for i in insights if i.table == table),
        notes=tuple(mine),
    )


def _downscale(path: str) -> tuple[bytes, int, int] | None:
    """The photo as a JPEG of at most PHOTO_SIDE px; None when it is gone or unreadable."""
    try:
        stat = Path(path).stat()
    except OSError:  # a missing photo should cost the report a picture, not the report
        return None
    return _downscaled(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=128)  # a worker making the HTML and then the PDF shrinks each photo once
def _downscaled(path: str, mtime_ns: int, size: int) -> tuple[bytes, int, int] | None:
    try:
        with Image.open(path) as image:
            # For a JPEG, draft() decodes at 1/2, 1/4 or 1/8 scale straight away: far cheaper
            # than decoding a whole 12-megapixel phone photo and then shrinking it.
            image.draft("RGB", (PHOTO_SIDE, PHOTO_SIDE))
            small = image.convert("RGB")
            small.thumbnail((PHOTO_SIDE, PHOTO_SIDE), Image.Resampling.BICUBIC)
            buffer = io.BytesIO()
            small.save(buffer, "JPEG", quality=PHOTO_QUALITY, optimize=True)
            return buffer.getvalue(), small.width, small.height
    except OSError:
        return None


def _photos(doc: HarvestDocument, progress: Progress | None) -> tuple[PhotoBlock, ...]:
    blocks = []
    ordered = sorted(doc.photos, key=lambda p: (p.table, p.round))
    for index, photo in enumerate(ordered):
        if index % 6 == 0:
            _step(progress, "photos", 10 + 40 * index // len(ordered))
        small = _downscale(photo.path)
        if small is None:
            continue
        caption = doc.label("table_n", table=photo.table)
        if photo.round:
            caption += " · " + doc.label("round_n", number=photo.round)
        blocks.append(PhotoBlock(caption, *small))
    return tuple(blocks)


def _priorities(doc: HarvestDocument) -> tuple[PriorityRow, ...]:
    most = max((p.dots for p in doc.priorities), default=0) or 1
    return tuple(
        PriorityRow(p, doc.label("dots", count=p.dots), max(p.dots, 0) / most)
        for p in doc.priorities
    )


def build_model(doc: HarvestDocument, progress: Progress | None = None) -> ReportModel:
    """Everything both formats show, in the order they show it (photos downscaled here)."""
    _step(progress, "rounds", 5)
    rounds = _rounds(doc)
    photos = _photos(doc, progress)
    date = _format_date(doc.held_on, doc.language)
    roles = tuple(
        (doc.role_labels.get(key, key), doc.people_by_role[key])
        for key in (*ROLE_KEYS, *sorted(set(doc.people_by_role) - set(ROLE_KEYS)))
        if doc.people_by_role.get(key)
    )
    return ReportModel(
        doc=doc,
        kicker=doc.label("report_title"),
        subtitle=" · ".join(part for part in (doc.place, date) if part),
        numbers=tuple(
            (_number(value, doc.language), doc.label(key))
            for value, key in (
                (doc.people, "people"),
                (doc.tables, "tables"),
                (len(doc.notes), "notes"),
                (len(doc.languages), "languages"),
            )
        ),
        languages=" · ".join(lang.upper() for lang in doc.languages),
        roles=roles,
        notes_per_table=tuple(
            (doc.label("table_n", table=t), n) for t, n in doc.notes_per_table().items()
        ),
        agenda=tuple((a.title, doc.label("minutes", count=a.minutes)) for a in doc.agenda),
        rounds=rounds,
        photos=photos,
        themes=tuple(
            (t, doc.label("theme_notes", count=t.notes), _shorten(t.quote)) for t in doc.themes
        ),
        priorities=_priorities(doc),
        commitments=doc.commitments,
    )


# --- HTML ------------------------------------------------------------------------------


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every user text is escaped unless the template says otherwise
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["capitalised"] = _capitalised
    return env


def render_report_html(doc: HarvestDocument, progress: Progress | None = None) -> str:
    """The report as one HTML file with everything inline: no request leaves the page."""
    model = build_model(doc, progress)
    _step(progress, "writing", 60)
    html = _environment().get_template("report.html").render(m=model, doc=doc)
    _step(progress, "done", 100)
    return html


# --- PDF -------------------------------------------------------------------------------

FONT = "FacilitatorSans"
FONT_BOLD = "FacilitatorSans-Bold"
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


def _pdf_text(text: str) -> str:
    """User text made inert for Paragraph markup: <b>, & or <script> print as typed."""
    return escape(_CONTROL.sub("", text)).replace("\n", "<br/>")


@cache
def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "base", fontName=FONT, bulletFontName=FONT, fontSize=10, leading=14, textColor=INK
    )

    def style(name: str, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    ink, muted, brand = HexColor(INK), HexColor(MUTED), HexColor(BRAND)
    return {
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
        "cell": style("cell", fontSize=9.5, leading=13),
        "cell_right": style("cell_right", fontSize=9.5, leading=13, alignment=2),
        "caption": style(
            "caption", fontSize=9, leading=12, textColor=muted, spaceAfter=14, alignment=1
        ),
        "quote": style("quote", fontSize=9.5, leading=13.5, textColor=muted, leftIndent=10),
    }


def _meta(note_author: str | None, votes: int, anonymous: str) -> str:
    """The grey tail of a note: '— An · ▲ 5' (votes only when there are any)."""
    tail = "— " + _pdf_text(note_author or anonymous)
    if votes:
        tail += f" · ▲ {votes}"
    return f' <font size="7.5" color="{MUTED}">{tail}</font>'


def _pdf_title(model: ReportModel, width: float) -> list[Flowable]:
    s = _styles()
    story: list[Flowable] = [
        Paragraph(_pdf_text(model.kicker), s["kicker"]),
        Paragraph(_pdf_text(model.doc.title), s["title"]),
    ]
    if model.subtitle:
        story.append(Paragraph(_pdf_text(model.subtitle), s["subtitle"]))
    story.append(Spacer(1, 18))
    cells = [
        [Paragraph(_pdf_text(value), s["number"]) for value, _ in model.numbers],
        [Paragraph(_pdf_text(label), s["small"]) for _, label in model.numbers],
    ]
    numbers = Table(cells, colWidths=[width / len(model.numbers)] * len(model.numbers))
    numbers.setStyle(
        TableStyle(
            [
                FONT_COMMAND,
                ("LINEABOVE", (0, 0), (-1, 0), 0.8, HexColor(LINE)),
                ("LINEBELOW", (0, -1), (-1, -1), 0.8, HexColor(LINE)),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, 0), 10),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 10),
            ]
        )
    )
    story.append(numbers)
    if model.languages:
        story.append(Spacer(1, 4))
        text = _capitalised(model.doc.label("languages")) + ": " + model.languages
        story.append(Paragraph(_pdf_text(text), s["small"]))
    return story


def _two_column_table(rows: Iterable[tuple[str, str]], width: float, right: float) -> Table:
    """A plain listing, figures right-aligned (role and count, agenda item and minutes)."""
    s = _styles()
    cells = [
        [Paragraph(_pdf_text(a), s["cell"]), Paragraph(_pdf_text(b), s["cell_right"])]
        for a, b in rows
    ]
    table = Table(cells, colWidths=[width - right, right], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                FONT_COMMAND,
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, HexColor(LINE)),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("RIGHTPADDING", (-1, 0), (-1, -1), 0),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _pdf_overview(model: ReportModel, width: float) -> list[Flowable]:
    s, doc = _styles(), model.doc
    story: list[Flowable] = []
    if model.roles:
        story.append(Paragraph(_pdf_text(doc.label("by_role")), s["h2"]))
        story.append(_two_column_table(((r, str(n)) for r, n in model.roles), width * 0.55, 50))
    if model.notes_per_table:
        story.append(Paragraph(_pdf_text(doc.label("notes_per_table")), s["h2"]))
        line = " · ".join(f"{table}: {count}" for table, count in model.notes_per_table)
        story.append(Paragraph(_pdf_text(line), s["body"]))
    story.append(Paragraph(_pdf_text(doc.label("agenda")), s["h2"]))
    if model.agenda:
        story.append(_two_column_table(model.agenda, width, 60))
    else:
        story.append(Paragraph(_pdf_text(doc.label("no_items")), s["small"]))
    return story


def _pdf_round(model: ReportModel, block: RoundBlock, first: bool) -> list[Flowable]:
    s, doc = _styles(), model.doc
    story: list[Flowable] = [Paragraph(_pdf_text(block.heading), s["h2"])]
    for index, (_, text) in enumerate(block.questions):
        story.append(Paragraph(_pdf_text(text), s["question" if index == 0 else "question_other"]))
    if first:  # said once, where the notes begin
        story.append(Paragraph(_pdf_text(doc.label("hidden_left_out")), s["hidden"]))
    if not block.tables:
        story.append(Paragraph(_pdf_text(doc.label("no_items")), s["small"]))
    anonymous = doc.label("anonymous")
    for table in block.tables:
        story.append(Paragraph(_pdf_text(table.heading), s["h3"]))
        story.append(Paragraph(_pdf_text(table.count), s["count"]))
        for insight in table.insights:
            head = f'<font name="{FONT_BOLD}" size="8" color="{BRAND}">'
            head += _pdf_text(doc.label("key_insights").upper()) + "</font><br/>"
            body = _pdf_text(insight.text) + _meta(insight.author, 0, anonymous)
            story.append(Paragraph(head + body, s["insight"]))
        for note in table.notes:
            text = _pdf_text(note.text) + _meta(note.author, note.votes, anonymous)
            story.append(Paragraph(text, s["note"], bulletText="•"))
    return story


def _pdf_photos(model: ReportModel, width: float, height: float) -> list[Flowable]:
    s = _styles()
    story: list[Flowable] = [Paragraph(_pdf_text(model.doc.label("photos")), s["h2"])]
    if not model.photos:
        return [*story, Paragraph(_pdf_text(model.doc.label("no_items")), s["small"])]
    for photo in model.photos:
        # Frame width, but never taller than ~half a page, so two fit on each page.
        scale = min(width / photo.width, height * 0.42 / photo.height)
        picture = _Photo(photo.jpeg, photo.width * scale, photo.height * scale)
        caption = Paragraph(_pdf_text(photo.caption), s["caption"])
        story.append(KeepTogether([picture, caption]))
    return story


def _pdf_themes(model: ReportModel) -> list[Flowable]:
    s, doc = _styles(), model.doc
    story: list[Flowable] = [Paragraph(_pdf_text(doc.label("themes")), s["h2"])]
    if not model.themes:
        story.append(Paragraph(_pdf_text(doc.label("no_items")), s["small"]))
    for theme, count, quote in model.themes:
        head = f"<b>{_pdf_text(theme.label)}</b>"
        head += f' <font size="8.5" color="{MUTED}">{_pdf_text(count)}</font>'
        parts = [Paragraph(head, s["body"])]
        if quote:
            parts.append(Paragraph("“" + _pdf_text(quote) + "”", s["quote"]))
        story += [KeepTogether(parts), _gap(8)]
    return story


def _gap(points: float) -> Spacer:
    return Spacer(1, points)


class _JpegReader(ImageReader):
    """One of our downscaled JPEGs, handed to the PDF as it is (DCTDecode, no re-encoding).

    reportlab's ImageReader decodes a photo to raw RGB only to hash it for the image's name,
    and keeps those pixels: ~4 MB a photo, 140 MB of peak memory for 36 of them. Hashing
    the JPEG bytes names the image just as well.
    """

    def __init__(self, jpeg: bytes) -> None:
        super().__init__(io.BytesIO(jpeg))
        self._jpeg = jpeg

    def getRGBData(self) -> bytes:  # reportlab's name, hence not snake case
        self._dataA = None  # no alpha channel
        return self._jpeg


class _Photo(Flowable):
    """A photo at a fixed size, drawn from its JPEG bytes."""

    def __init__(self, jpeg: bytes, width: float, height: float) -> None:
        super().__init__()
        self.jpeg, self.width, self.height = jpeg, width, height
        self.hAlign = "CENTER"

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        reader = _JpegReader(self.jpeg)  # made when drawn, dropped right after
        self.canv.drawImage(reader, 0, 0, self.width, self.height, mask=None)


class _DotBar(Flowable):
    """A proportional bar for a priority's dots, drawn straight on the canvas.

    (A reportlab Drawing would do, but it sets Helvetica, which then sits unembedded
    in the PDF.)
    """

    def __init__(self, share: float, width: float, height: float = 9) -> None:
        super().__init__()
        self.share, self.width, self.height = share, width, height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFillColor(HexColor("#e7eee9"))
        self.canv.roundRect(0, 0, self.width, self.height, 2, stroke=0, fill=1)
        if self.share > 0:
            self.canv.setFillColor(HexColor(BRAND))
            filled = max(self.width * self.share, 4)
            self.canv.roundRect(0, 0, filled, self.height, 2, stroke=0, fill=1)


def _pdf_priorities(model: ReportModel, width: float) -> list[Flowable]:
    s, doc = _styles(), model.doc
    story: list[Flowable] = [Paragraph(_pdf_text(doc.label("priorities")), s["h2"])]
    if not model.priorities:
        return [*story, Paragraph(_pdf_text(doc.label("no_items")), s["small"])]
    bar = width * 0.22
    rows = []
    for rank, row in enumerate(model.priorities, start=1):
        text = f"<b>{_pdf_text(row.priority.label)}</b>"
        if row.priority.text and row.priority.text != row.priority.label:
            text += f'<br/><font size="8.5" color="{MUTED}">'
            text += _pdf_text(_shorten(row.priority.text, 200)) + "</font>"
        rows.append(
            [
                Paragraph(str(rank), s["number"]),
                Paragraph(text, s["cell"]),
                [_DotBar(row.share, bar), Paragraph(_pdf_text(row.dots), s["small"])],
            ]
        )
    table = Table(rows, colWidths=[width * 0.08, width * 0.66, width * 0.26], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                FONT_COMMAND,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, HexColor(LINE)),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (2, 0), (2, -1), 9),
            ]
        )
    )
    story.append(table)
    return story


def _pdf_commitments(model: ReportModel) -> list[Flowable]:
    s, doc = _styles(), model.doc
    story: list[Flowable] = [Paragraph(_pdf_text(doc.label("commitments")), s["h2"])]
    if not model.commitments:
        return [*story, Paragraph(_pdf_text(doc.label("no_items")), s["small"])]
    for commitment in model.commitments:
        text = _pdf_text(commitment.text)
        # A theme label holds " · " itself, so it gets brackets, not another dot.
        tail = [f"— {_pdf_text(commitment.signed_as)}"] if commitment.signed_as else []
        if commitment.theme:
            tail.append(f'<font color="{BRAND}">({_pdf_text(commitment.theme)})</font>')
        if tail:
            text += f' <font size="7.5" color="{MUTED}">{" ".join(tail)}</font>'
        story.append(Paragraph(text, s["note"], bulletText="•"))
    return story


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
    story: list[Flowable] = [*_pdf_title(model, width), *_pdf_overview(model, width)]
    # A section starts a fresh page unless most of this one is still free: big workshops
    # read round by round, and a small one is not spread over near-empty pages.
    fresh = height * 0.6
    for block in model.rounds:
        story += [CondPageBreak(fresh), *_pdf_round(model, block, first=block is model.rounds[0])]
    story += [CondPageBreak(fresh), *_pdf_photos(model, width, height)]
    story += [CondPageBreak(fresh), *_pdf_themes(model), *_pdf_priorities(model, width)]
    story += _pdf_commitments(model)
    _step(progress, "writing", 65)
    footer = _footer(doc.title)
    with _binary_streams():
        template.build(story, onFirstPage=footer, onLaterPages=footer)
    _step(progress, "done", 100)
    return buffer.getvalue()
