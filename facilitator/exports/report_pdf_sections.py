"""The report PDF's sections, each a list of flowables drawn from the `ReportModel`."""

from __future__ import annotations

from collections.abc import Iterable

from reportlab.lib.colors import HexColor
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from facilitator.exports.report_model import ReportModel, RoundBlock, _capitalised
from facilitator.exports.report_pdf_flowables import _DotBar, _Photo
from facilitator.exports.report_pdf_style import (
    BRAND,
    FONT_BOLD,
    FONT_COMMAND,
    LINE,
    MUTED,
    _meta,
    _pdf_text,
    _styles,
)


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
            # A note typed in from paper has no author: its mark says where it came from.
            who = f"✎ {doc.label('on_paper')}" if note.source == "paper" else note.author
            text = _pdf_text(note.text) + _meta(who, note.votes, anonymous)
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


def _pdf_priorities(model: ReportModel, width: float) -> list[Flowable]:
    s, doc = _styles(), model.doc
    story: list[Flowable] = [Paragraph(_pdf_text(doc.label("priorities")), s["h2"])]
    if not model.priorities:
        return [*story, Paragraph(_pdf_text(doc.label("no_items")), s["small"])]
    bar = width * 0.22
    rows = []
    for rank, row in enumerate(model.priorities, start=1):
        text = f"<b>{_pdf_text(row.title)}</b>"
        if row.detail:
            text += f'<br/><font size="8.5" color="{MUTED}">{_pdf_text(row.detail)}</font>'
        rows.append(
            [
                Paragraph(str(rank), s["rank"]),
                Paragraph(text, s["cell"]),
                [_DotBar(row.share, bar), Paragraph(_pdf_text(row.dots), s["small"])],
            ]
        )
    # The rank column holds "24" on one line: a fixed width, not a share of the page.
    rank_w = 34
    columns = [rank_w, width * 0.74 - rank_w, width * 0.26]
    table = Table(rows, colWidths=columns, hAlign="LEFT")
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
