"""A project's coaching sheet and the programme's learnings, as PDF (and CSV).

No Flask here, and nothing read from the database: the server reads the portfolio
(`organise/portfolio.py`) into `coaching/portfolio.py`'s views and passes them with the
labels already translated; a worker process draws. The sheet is one or two A4 pages:
the self-scan as bars (first vs latest per area), then themes, commitments and the cards
used. The PDF has vector text in DejaVu Sans (`pdf.fonttype` 42), so its words can be
read back and searched.
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from facilitator.coaching.portfolio import AreaRow, ProgrammeArea, ProgrammeView, ProjectView
from facilitator.coaching.selfscan import AreaProfile
from facilitator.exports.dates import medium_date

PRODUCER = "Facilitator"
A4 = (8.27, 11.69)  # inches, portrait
INK, MUTED, FIRST, LATEST, ACCENT = "#14213d", "#4a5568", "#9fc9b8", "#0b6e4f", "#b33c00"
LINE = 0.021  # one line of body text, in figure fractions
WRAP = 92  # characters per line of body text
MAX_ITEMS = 14  # per list on a page: the sheet stays at two pages
RC = {"pdf.fonttype": 42, "text.usetex": False, "font.family": "DejaVu Sans"}


def _text_in(texts: Mapping[str, str], language: str) -> str:
    if texts.get(language):
        return texts[language]
    return next((v for v in texts.values() if v), "")


def _number(value: float, language: str) -> str:
    """One decimal, the reader's way: 3,5 in Dutch and French, 3.5 in English."""
    text = f"{value:.1f}"
    return text.replace(".", ",") if language in ("nl", "fr") else text


def _signed(value: float, language: str) -> str:
    if abs(value) < 0.05:
        return "±0"
    return ("+" if value > 0 else "−") + _number(abs(value), language)


def _count(labels: Mapping[str, str], key: str, count: int, language: str) -> str:
    """ "{count} workshops" in the singular where the language says one (French: 0 and 1)."""
    one = count in (0, 1) if language == "fr" else count == 1
    return labels[f"{key}_one" if one else key].format(count=count)


def _page() -> Figure:
    figure = Figure(figsize=A4)
    figure.patch.set_facecolor("white")
    return figure


class _Writer:
    """Lines of text down a page, from the top; a new page when this one is full."""

    def __init__(self, pages: list[Figure], top: float = 0.95) -> None:
        self.pages, self.y = pages, top
        if not pages:
            pages.append(_page())

    @property
    def figure(self) -> Figure:
        return self.pages[-1]

    def room(self, lines: int) -> None:
        if self.y - lines * LINE < 0.05:
            self.pages.append(_page())
            self.y = 0.95

    def line(self, text: str, size: float = 10, weight: str = "normal", colour: str = INK) -> None:
        self.room(1)
        self.figure.text(
            0.08, self.y, text, fontsize=size, fontweight=weight, color=colour, va="top"
        )
        self.y -= LINE * size / 10 * 1.15

    def heading(self, text: str) -> None:
        self.room(3)
        self.y -= LINE * 0.6
        self.line(text, size=13, weight="bold")
        self.y -= LINE * 0.2

    def items(self, texts: Sequence[str], more: str = "") -> None:
        for text in texts[:MAX_ITEMS]:
            wrapped = textwrap.wrap(text, WRAP) or [""]
            self.room(len(wrapped))
            for index, part in enumerate(wrapped):
                self.line(("• " if index == 0 else "  ") + part)
        if len(texts) > MAX_ITEMS and more:
            self.line(more.format(count=len(texts) - MAX_ITEMS), colour=MUTED)


def _bars(
    figure: Figure,
    rows: Sequence[AreaRow],
    language: str,
    labels: Mapping[str, str],
    bottom: float,
    top: float,
) -> None:
    """The self-scan as horizontal bars on the 1-5 scale: first (light) above latest."""
    axes = figure.add_axes((0.40, bottom, 0.38, top - bottom))
    count = len(rows)
    for index, row in enumerate(rows):
        y = count - 1 - index
        for offset, profile, colour in ((0.18, row.first, FIRST), (-0.18, row.latest, LATEST)):
            if profile is not None and profile.shown and profile.mean is not None:
                axes.barh(y + offset, profile.mean - 1, left=1, height=0.32, color=colour)
        figures = []
        for profile in (row.first, row.latest):
            if profile is None:
                continue
            shown = profile.shown and profile.mean is not None
            figures.append(_number(profile.mean, language) if shown else "–")  # type: ignore[arg-type]
        note = " → ".join(figures)
        if row.change is not None:
            note += f"  ({_signed(row.change, language)})"
        elif not any(p is not None and p.shown for p in (row.first, row.latest)):
            note = labels["too_few"]
        axes.text(5.08, y, note, va="center", fontsize=8, color=INK, clip_on=False)
        title = "\n".join(textwrap.wrap(_text_in(row.titles, language) or row.key, 34)[:3])
        axes.text(0.92, y, title, va="center", ha="right", fontsize=8, color=INK, clip_on=False)
    axes.set_xlim(1, 5)
    axes.set_ylim(-0.7, count - 0.3)
    axes.set_yticks([])
    axes.set_xticks([1, 2, 3, 4, 5])
    axes.tick_params(labelsize=8, colors=MUTED)
    axes.grid(axis="x", color="#e5e2d8", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)


def _legend(writer: _Writer, view: ProjectView, language: str, labels: Mapping[str, str]) -> None:
    figure = writer.figure
    x = 0.08
    for colour, scan, label in (
        (FIRST, view.first, labels["first"]),
        (LATEST, view.latest, labels["latest"]),
    ):
        if scan is None:
            continue
        figure.patches.append(
            matplotlib.patches.Rectangle(
                (x, writer.y - 0.011), 0.012, 0.009, color=colour, transform=figure.transFigure
            )
        )
        figure.text(
            x + 0.018,
            writer.y,
            f"{label}: {medium_date(scan.when, language)}",
            fontsize=9,
            color=MUTED,
            va="top",
        )
        x += 0.36
    writer.y -= LINE


def render_sheet(view: ProjectView, language: str, labels: Mapping[str, str]) -> bytes:
    """The project's coaching sheet as PDF bytes (one or two A4 pages)."""
    with matplotlib.rc_context(RC):
        pages: list[Figure] = []
        writer = _Writer(pages)
        writer.line(labels["sheet"], size=10, weight="bold", colour=LATEST)
        for part in textwrap.wrap(view.project.name, 44)[:3]:
            writer.line(part, size=20, weight="bold")
        writer.y -= LINE * 0.8
        facts = [view.project.municipality] if view.project.municipality else []
        facts.append(_count(labels, "workshops", len(view.workshops), language))
        if view.workshops:
            first, last = view.workshops[0].when, view.workshops[-1].when
            facts.append(f"{medium_date(first, language)} – {medium_date(last, language)}")
        writer.line(" · ".join(facts), colour=MUTED)
        writer.heading(labels["profile"])
        if view.scans:
            _legend(writer, view, language, labels)
            writer.line(labels["scale"], size=8, colour=MUTED)
            height = min(0.42, 0.055 * len(view.areas) + 0.03)
            top = writer.y - LINE * 0.5
            _bars(writer.figure, view.areas, language, labels, top - height, top)
            writer.y = top - height - LINE * 1.5
        else:
            writer.line(labels["no_scan"], colour=MUTED)
        writer.heading(labels["themes"])
        themes = [f"{t.label_in(language)} ({t.workshops})" for t in view.themes]
        writer.items(themes or [labels["none"]])
        commitments = [text for w in reversed(view.workshops) for text in w.commitments]
        writer.heading(labels["commitments"])
        writer.items(commitments or [labels["none"]], labels["more"])
        writer.heading(labels["cards"])
        cards = [f"{_text_in(c.text, language)} (×{c.times})" for c in view.cards]
        writer.items(cards or [labels["none"]], labels["more"])
        if view.notes:
            writer.heading(labels["scan_notes"])
            _scan_notes(writer, view, language, labels)
        insights = [text for w in reversed(view.workshops) for text in w.insights]
        if insights:
            writer.heading(labels["insights"])
            writer.items(insights, labels["more"])
        return _pdf(pages[:2])


def _scan_notes(
    writer: _Writer, view: ProjectView, language: str, labels: Mapping[str, str]
) -> None:
    """Each area's self-scan notes, latest workshop first; a day with too few answers
    says so instead."""
    for index, area in enumerate(view.notes):
        writer.room(3)
        writer.y -= LINE * (0.4 if index else 0)  # the area apart from the last one's notes
        writer.line(_text_in(area.titles, language) or area.key, weight="bold")
        for day in area.days:
            writer.line(f"{medium_date(day.when, language)} · {day.title}", size=8, colour=MUTED)
            if day.shown:
                writer.items([note.text for note in day.notes], labels["more"])
            else:
                writer.line(labels["too_few"], size=9, colour=MUTED)


def _pdf(pages: Sequence[Figure]) -> bytes:
    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"CreationDate": None, "Producer": PRODUCER}) as pdf:
        for page in pages:
            pdf.savefig(page)
    return buffer.getvalue()


# --- the programme ----------------------------------------------------------------------


def render_programme(view: ProgrammeView, language: str, labels: Mapping[str, str]) -> bytes:
    """The programme's learnings as PDF bytes: totals, areas, themes (aggregates only)."""
    with matplotlib.rc_context(RC):
        pages: list[Figure] = []
        writer = _Writer(pages)
        writer.line(labels["programme"], size=20, weight="bold")
        writer.y -= LINE * 0.8
        writer.line(labels["totals"].format(**_totals(view)), colour=MUTED)
        writer.line(labels["aggregate"], size=8, colour=MUTED)
        writer.heading(labels["lowest"])
        if view.lowest:  # the shown areas as bars: the latest mean, and the mean change
            rows = [_as_row(area) for area in view.lowest]
            height = min(0.42, 0.05 * len(rows) + 0.03)
            top = writer.y - LINE * 0.3
            _bars(writer.figure, rows, language, labels, top - height, top)
            writer.y = top - height - LINE * 1.5
        lowest = [
            f"{_text_in(a.titles, language) or a.key}: {_number(a.mean or 0, language)}"
            f" ({_count(labels, 'projects', a.projects, language)})"
            for a in view.lowest
        ]
        writer.items(lowest or [labels["too_few_projects"]])
        writer.heading(labels["moving"])
        moving = [
            f"{_text_in(a.titles, language) or a.key}: {_signed(a.mean_change or 0, language)}"
            f" ({_count(labels, 'projects', a.moved_projects, language)})"
            for a in view.moving
        ]
        writer.items(moving or [labels["too_few_projects"]])
        writer.heading(labels["themes"])
        themes = [
            f"{t.label_in(language)}: {_count(labels, 'workshops', t.workshops, language)},"
            f" {_count(labels, 'projects', t.projects, language)}; {', '.join(t.languages).upper()}"
            for t in view.themes
        ]
        writer.items(themes or [labels["none"]], labels["more"])
        return _pdf(pages[:2])


def _as_row(area: ProgrammeArea) -> AreaRow:
    """A programme area drawn as a project's area is: its mean as the latest bar."""
    mean = AreaProfile(area.key, area.answers, area.shown, area.mean, None, ())
    return AreaRow(area.key, area.titles, None, mean, area.mean_change)


def _totals(view: ProgrammeView) -> dict[str, Any]:
    return {
        "projects": view.projects,
        "workshops": view.workshops,
        "scanned": view.scanned_projects,
    }


def programme_csv(view: ProgrammeView, language: str, labels: Mapping[str, str]) -> bytes:
    """The programme's learnings as CSV (UTF-8 with BOM, for spreadsheets): one row per
    area shown and per theme; withheld figures stay empty."""
    out = io.StringIO()
    rows = csv.writer(out)
    rows.writerow(
        [labels["csv_kind"], labels["csv_name"], labels["csv_projects"], labels["csv_mean"],
         labels["csv_change"], labels["csv_workshops"], labels["csv_languages"]]
    )  # fmt: skip
    for area in view.areas:
        rows.writerow(
            [
                "area",
                _text_in(area.titles, language) or area.key,
                area.projects if area.shown else "",
                f"{area.mean:.2f}" if area.mean is not None else "",
                f"{area.mean_change:+.2f}" if area.mean_change is not None else "",
                "",
                "",
            ]
        )
    for theme in view.themes:
        rows.writerow(
            [
                "theme",
                theme.label_in(language),
                theme.projects,
                "",
                "",
                theme.workshops,
                " ".join(theme.languages),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
