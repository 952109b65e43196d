"""Charts drawn as shapes and text in millimetres: voted priorities and participation.

Bars are plain rectangles on the poster's own grid (not matplotlib axes), so their
labels use the poster's fonts and sizes and every piece has a box the tests can check.
"""

from __future__ import annotations

from facilitator.exports.document import ROLE_KEYS, HarvestDocument, PriorityDoc
from facilitator.exports.poster_blocks import count_fitting, frame, placeholder
from facilitator.exports.poster_layout import Box, Plan
from facilitator.exports.poster_style import MUTED, RULE, SECTION_COLOURS, Style, tint
from facilitator.exports.poster_text import line_height, text_width, wrap_clamped

WHOLE_LINES = 99  # an option's label as long as it is


def _priority_text(priority: PriorityDoc) -> str:
    """A theme is named by its label; an insight by its own words."""
    first, second = (priority.label, priority.text)
    if priority.kind != "theme":
        first, second = second, first
    return first.strip() or second.strip()


def _priority_rows(
    doc: HarvestDocument, text: Style, width: float, max_lines: int
) -> tuple[list[list[str]], list[float]]:
    """Each option's label lines (a theme's title, an insight's words) and row height."""
    labels = [
        wrap_clamped(_priority_text(p), "bold", text.body, width, max_lines) for p in doc.priorities
    ]
    bar_h = text.mm(7) * text.text_factor
    heights = [line_height(text.body) * len(lines) + text.mm(1) + bar_h for lines in labels]
    return labels, heights


def _priority_fit(
    doc: HarvestDocument, style: Style, area: Box, gap: float
) -> tuple[Style, list[list[str]], int]:
    """The largest text size where every option fits whole; else the smallest readable one
    with as many whole options as fit (a label is never cut: the count says the rest)."""
    for text in style.text_steps():
        counts = [doc.count("dots", p.dots) for p in doc.priorities]
        count_w = max(text_width(c, "bold", text.body) for c in counts) * 1.04
        labels, heights = _priority_rows(doc, text, area.w - count_w - style.mm(5), WHOLE_LINES)
        shown = count_fitting(heights, area.h, gap * text.text_factor)
        if shown == len(doc.priorities):
            return text, labels, shown
    more = line_height(text.body)
    gap *= text.text_factor
    return text, labels, count_fitting(heights, area.h - more - gap, gap)


def draw_priorities(plan: Plan, style: Style, doc: HarvestDocument, box: Box) -> None:
    """The closed dot-vote: one bar per option, longest first, with its dots."""
    area = frame(plan, style, "priorities", box, doc.label("priorities"))
    if not doc.priorities:
        placeholder(plan, style, area, doc.label("no_items"))
        return
    colour = SECTION_COLOURS["priorities"]
    gap = style.mm(5)
    text, labels, shown = _priority_fit(doc, style, area, gap)
    most = max(p.dots for p in doc.priorities) or 1
    top = area.y
    for i, (priority, label) in enumerate(zip(doc.priorities[:shown], labels, strict=False)):
        # The option with its dots; under it, a bar as long as its share.
        used = plan.lines(
            f"priorities.{i}.label", "priorities", area.x, top, label, text.text("bold")
        )
        plan.lines(
            f"priorities.{i}.dots",
            "priorities",
            area.right,
            top,
            [doc.count("dots", priority.dots)],
            ("bold", text.body, colour),
            "right",
        )
        length = max(style.mm(2), area.w * priority.dots / most)
        bar = Box(
            f"priorities.{i}.bar",
            area.x,
            top + used + text.mm(1),
            length,
            text.mm(7) * text.text_factor,
            parent="priorities",
        )
        plan.rect(bar, colour if i == 0 else tint(colour, 0.35), style.mm(1.5), kind="shape")
        top = bar.bottom + gap * text.text_factor
    if shown < len(doc.priorities):
        more = [doc.count("more", len(doc.priorities) - shown)]
        plan.lines(
            "priorities.more", "priorities", area.x, top, more, ("regular", text.body, MUTED)
        )


def draw_participation(plan: Plan, style: Style, doc: HarvestDocument, box: Box) -> None:
    """Notes per table as columns, and people by role as bars."""
    area = frame(plan, style, "participation", box, doc.label("participation"))
    roles = [(key, n) for key in ROLE_KEYS if (n := doc.people_by_role.get(key, 0)) > 0]
    row = line_height(style.small) * 1.15
    heading = line_height(style.body) + style.mm(2)
    gap = style.gap
    names = [doc.role_labels.get(key, key) for key, _ in roles] or [""]
    needs = max(text_width(name, "regular", style.small) for name in names) + style.mm(80)
    if (area.w - gap) / 2 >= needs:  # wide enough for both charts side by side
        half = (area.w - gap) / 2
        notes_box = Box("participation.tables", area.x, area.y, half, area.h)
        roles_box = Box("participation.roles", area.x + half + gap, area.y, half, area.h)
    else:
        roles_h = min(area.h * 0.5, heading + row * max(1, len(roles)))
        notes_h = area.h - roles_h - gap
        notes_box = Box("participation.tables", area.x, area.y, area.w, notes_h)
        roles_box = Box("participation.roles", area.x, area.y + notes_h + gap, area.w, roles_h)
    _notes_per_table(plan, style, doc, notes_box)
    _people_by_role(plan, style, doc, roles_box, roles)


def _subheading(plan: Plan, style: Style, box: Box, text: str) -> float:
    """A chart's title line; returns the height used."""
    lines = wrap_clamped(text, "bold", style.body, box.w, 2)
    colour = SECTION_COLOURS["participation"]
    return plan.lines(
        f"{box.name}.title", "participation", box.x, box.y, lines, ("bold", style.body, colour)
    ) + style.mm(2)


def _nothing_below(plan: Plan, style: Style, doc: HarvestDocument, box: Box, top: float) -> None:
    """The "nothing yet" placeholder under a chart's title line."""
    area = Box("participation", box.x, top, box.w, box.bottom - top)
    placeholder(plan, style, area, doc.label("no_items"))


def _notes_per_table(plan: Plan, style: Style, doc: HarvestDocument, box: Box) -> None:
    """Columns of notes per table with the count on top and the table number below."""
    title = doc.label("notes_per_table")
    if paper := doc.paper_notes():  # typed in for people without a smartphone, counted too
        title += f" · {doc.count('paper_notes', paper)}"
    top = box.y + _subheading(plan, style, box, title)
    counts = doc.notes_per_table()
    tables = list(range(1, max([doc.tables, *counts]) + 1)) if (doc.tables or counts) else []
    label_h = line_height(style.small)
    chart_h = box.bottom - top - 2 * label_h
    if not counts or not tables or chart_h < label_h:
        _nothing_below(plan, style, doc, box, top)
        return
    slot = box.w / len(tables)
    widest = max(text_width(str(n), "regular", style.small) for n in [*counts.values(), *tables])
    every = 1 if widest * 1.1 <= slot else int(widest * 1.1 // slot) + 1  # label thinning
    most = max(counts.values()) or 1
    base = top + label_h + chart_h
    colour = SECTION_COLOURS["participation"]
    plan.rect(Box("participation.axis", box.x, base, box.w, style.mm(0.6)), RULE)
    for i, table in enumerate(tables):
        value = counts.get(table, 0)
        height = chart_h * value / most
        centre = box.x + slot * (i + 0.5)
        bar = Box(
            f"participation.bar.{table}",
            centre - slot * 0.35,
            base - height,
            slot * 0.7,
            height,
            parent="participation",
        )
        if height > 0:
            plan.rect(bar, tint(colour, 0.25), style.mm(0.8), kind="shape")
        if i % every == 0:
            small = ("regular", style.small, MUTED)
            plan.lines(
                f"participation.count.{table}",
                "participation",
                centre,
                base - height - label_h,
                [str(value)],
                small,
                "centre",
            )
            plan.lines(
                f"participation.table.{table}",
                "participation",
                centre,
                base + style.mm(0.6),
                [str(table)],
                small,
                "centre",
            )


def _people_by_role(
    plan: Plan, style: Style, doc: HarvestDocument, box: Box, roles: list[tuple[str, int]]
) -> None:
    """One bar per role, label on the left, number at the end of the bar."""
    top = box.y + _subheading(plan, style, box, doc.label("by_role"))
    if not roles:
        _nothing_below(plan, style, doc, box, top)
        return
    row = line_height(style.small) * 1.15
    names = [doc.role_labels.get(key, key) for key, _ in roles]
    number_w = max(text_width(str(n), "bold", style.small) for _, n in roles) * 1.05
    label_w = min(
        box.w * 0.5, max(text_width(name, "regular", style.small) for name in names) * 1.04
    )
    track = box.w - label_w - number_w - 2 * style.mm(3)
    most = max(n for _, n in roles) or 1
    colour = SECTION_COLOURS["participation"]
    shown = int((box.bottom - top) // row)
    for i, ((key, count), name) in enumerate(zip(roles, names, strict=True)):
        if i >= shown:
            break
        y = top + i * row
        label = wrap_clamped(name, "regular", style.small, label_w, 1)
        plan.lines(
            f"participation.role.{key}",
            "participation",
            box.x,
            y,
            label,
            ("regular", style.small, MUTED),
        )
        length = max(style.mm(1.5), track * count / most)
        bar_h = line_height(style.small) * 0.7
        bar = Box(
            f"participation.rolebar.{key}",
            box.x + label_w + style.mm(3),
            y + (line_height(style.small) - bar_h) / 2,
            length,
            bar_h,
            parent="participation",
        )
        plan.rect(bar, colour, style.mm(0.8), kind="shape")
        plan.lines(
            f"participation.people.{key}",
            "participation",
            bar.right + style.mm(3),
            y,
            [str(count)],
            ("bold", style.small, colour),
        )
