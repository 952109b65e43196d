"""Harvest charts as PNG and SVG: notes per table over time, participation by role, votes.

matplotlib's object API only (`Figure` with an Agg canvas), never pyplot: no global
figure registry, nothing to close, safe in a worker process that renders many charts.
The SVG is reproducible (fixed hash salt, no date) and carries glyphs as paths.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, DateFormatter, date2num
from matplotlib.figure import Figure

from facilitator.harvest.palette import PROJECTOR, Look

_LINE_STYLES = ("-", "--", ":", "-.")


@dataclass(frozen=True, slots=True)
class ChartConfig:
    """Output size in pixels, look, and base font size (points at `dpi`)."""

    width: int = 1920
    height: int = 1080
    dpi: int = 100
    look: Look = PROJECTOR
    font_size: float = 22
    timezone: tzinfo = UTC


@dataclass(frozen=True, slots=True)
class Chart:
    """A rendered chart."""

    png: bytes
    svg: str


@dataclass(frozen=True, slots=True)
class RoleParticipation:
    """How many people of a role took part, and the notes and votes they gave."""

    role: str
    people: int
    notes: int
    votes: int


def _figure(config: ChartConfig, title: str) -> tuple[Figure, Axes]:
    """A styled figure with one axes, sized in pixels."""
    look = config.look
    figure = Figure(figsize=(config.width / config.dpi, config.height / config.dpi), dpi=config.dpi)
    FigureCanvasAgg(figure)
    figure.set_facecolor(look.background)
    axes = figure.add_subplot()
    axes.set_facecolor(look.background)
    figure.suptitle(title, x=0.01, ha="left", color=look.text, fontsize=config.font_size * 1.4)
    axes.tick_params(colors=look.text, labelsize=config.font_size, length=0, pad=10)
    axes.grid(True, color=look.grid, linewidth=1)
    axes.set_axisbelow(True)
    for side, spine in axes.spines.items():
        spine.set_visible(side == "bottom")
        spine.set_color(look.grid)
    return figure, axes


def _empty(axes: Axes, config: ChartConfig, message: str) -> None:
    """Say that there is nothing to show yet, instead of an empty frame."""
    axes.set_xticks([])
    axes.set_yticks([])
    axes.grid(False)
    axes.text(
        0.5, 0.5, message, transform=axes.transAxes, ha="center", va="center",
        color=config.look.text, fontsize=config.font_size * 1.2,
    )  # fmt: skip


def _natural(name: str) -> list[tuple[int, str]]:
    """Sort key putting "Table 2" before "Table 10"."""
    return [(int(p), "") if p.isdigit() else (-1, p.lower()) for p in re.split(r"(\d+)", name)]


def _render(figure: Figure) -> Chart:
    """Encode a finished figure as PNG bytes and reproducible SVG text."""
    figure.tight_layout(pad=1.5)
    png, svg = io.BytesIO(), io.StringIO()
    colour = figure.get_facecolor()
    figure.savefig(png, format="png", facecolor=colour, metadata={"Software": None})
    with matplotlib.rc_context({"svg.hashsalt": "facilitator-harvest", "svg.fonttype": "path"}):
        figure.savefig(svg, format="svg", facecolor=colour, metadata={"Date": None})
    return Chart(png.getvalue(), svg.getvalue())


def notes_over_time(
    notes: Sequence[tuple[str, datetime]], config: ChartConfig | None = None
) -> Chart:
    """Cumulative notes of each table over time: (table name, UTC time of the note) pairs."""
    config = config or ChartConfig()
    figure, axes = _figure(config, "Notes per table")
    if any(at.tzinfo is None for _, at in notes):
        raise ValueError("note times must be timezone-aware (UTC)")
    if not notes:
        _empty(axes, config, "No notes yet")
        return _render(figure)
    by_table: dict[str, list[datetime]] = {}
    for table, at in sorted(notes, key=lambda pair: (pair[1], pair[0])):
        by_table.setdefault(table, []).append(at)
    start, end = min(at for _, at in notes), max(at for _, at in notes)
    for i, table in enumerate(sorted(by_table, key=_natural)):
        times = date2num([start, *by_table[table], end])
        counts = [0, *range(1, len(by_table[table]) + 1), len(by_table[table])]
        axes.step(
            times, counts, where="post", label=table, linewidth=3,
            color=config.look.palette[i % len(config.look.palette)],
            linestyle=_LINE_STYLES[(i // len(config.look.palette)) % len(_LINE_STYLES)],
        )  # fmt: skip
    locator = AutoDateLocator(tz=config.timezone, maxticks=8)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(DateFormatter("%H:%M", tz=config.timezone))
    axes.set_ylabel("notes", color=config.look.text, fontsize=config.font_size)
    legend = axes.legend(
        loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False,
        fontsize=config.font_size * 0.9, ncols=1 + len(by_table) // 16,
    )  # fmt: skip
    for text in legend.get_texts():
        text.set_color(config.look.text)
    return _render(figure)


def participation_by_role(
    roles: Sequence[RoleParticipation], config: ChartConfig | None = None
) -> Chart:
    """Grouped bars per role: people, notes and votes."""
    config = config or ChartConfig()
    figure, axes = _figure(config, "Participation by role")
    if not roles:
        _empty(axes, config, "Nobody has joined yet")
        return _render(figure)
    series = (("people", "people"), ("notes", "notes"), ("votes", "votes"))
    width = 0.8 / len(series)
    for s, (field, name) in enumerate(series):
        values = [getattr(role, field) for role in roles]
        xs = [i + (s - 1) * width for i in range(len(roles))]
        bars = axes.bar(xs, values, width * 0.95, label=name, color=config.look.palette[s])
        axes.bar_label(bars, padding=4, color=config.look.text, fontsize=config.font_size * 0.8)
    axes.set_xticks(range(len(roles)), [role.role for role in roles])
    axes.grid(False, axis="x")
    legend = axes.legend(frameon=False, fontsize=config.font_size * 0.9, loc="upper right")
    for text in legend.get_texts():
        text.set_color(config.look.text)
    axes.margins(y=0.15)
    return _render(figure)


def votes_chart(
    votes: Mapping[str, int] | Sequence[tuple[str, int]],
    config: ChartConfig | None = None,
    *,
    title: str = "Votes",
    limit: int = 12,
) -> Chart:
    """Horizontal bars of the most voted items (themes, notes), most voted on top."""
    config = config or ChartConfig()
    figure, axes = _figure(config, title)
    items = list(votes.items()) if isinstance(votes, Mapping) else list(votes)
    items = sorted(items, key=lambda item: (-item[1], item[0]))[:limit]
    if not items:
        _empty(axes, config, "No votes yet")
        return _render(figure)
    labels = [textwrap.shorten(label, width=48, placeholder="…") for label, _ in items]
    positions = list(range(len(items)))[::-1]
    bars = axes.barh(positions, [count for _, count in items], color=config.look.palette[0])
    axes.bar_label(bars, padding=8, color=config.look.text, fontsize=config.font_size)
    axes.set_yticks(positions, labels)
    axes.grid(False, axis="y")
    axes.margins(x=0.1)
    return _render(figure)
