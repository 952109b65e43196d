"""The text sections of the poster: title, key numbers, agenda, questions, themes, commitments."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from facilitator.exports.document import CommitmentDoc, HarvestDocument, Question
from facilitator.exports.poster_blocks import (
    Item,
    Piece,
    fit_items,
    frame,
    placeholder,
)
from facilitator.exports.poster_layout import Box, Plan
from facilitator.exports.poster_style import MUTED, SECTION_COLOURS, Style, tint
from facilitator.exports.poster_text import (
    baseline_offset,
    clean,
    line_height,
    text_width,
    wrap,
    wrap_clamped,
)
from facilitator.exports.wording import number
from facilitator.harvest.palette import POSTER_PALETTE


def more_label(doc: HarvestDocument) -> Callable[[int], str]:
    """How a section says how many of its items are left out: "+5 more"."""
    return lambda hidden: doc.count("more", hidden)


def draw_title(plan: Plan, style: Style, doc: HarvestDocument, box: Box) -> None:
    """Title (as large as fits in two lines), place and date, and a row of colours."""
    plan.boxes.append(Box("title", box.x, box.y, box.w, box.h, "section"))
    stripe = style.mm(5)
    sub_size = style.pt(38)
    subtitle = " · ".join(part for part in (clean(doc.place or ""), doc.held_on or "") if part)
    sub_h = line_height(sub_size) if subtitle else 0.0
    room = box.h - stripe - style.mm(6) - sub_h
    # The largest size at which the whole title fits, two lines preferred; else shortened.
    size = style.pt(44)
    lines = wrap_clamped(doc.title, "bold", size, box.w, max(1, int(room // line_height(size))))
    for a1_size in (100, 88, 76, 66, 58, 50, 44):
        candidate = wrap(doc.title, "bold", style.pt(a1_size), box.w)
        if len(candidate) <= 3 and line_height(style.pt(a1_size)) * len(candidate) <= room:
            size, lines = style.pt(a1_size), candidate
            break
    colour = SECTION_COLOURS["title"]
    top = box.y + plan.lines("title.text", "title", box.x, box.y, lines, ("bold", size, colour))
    if subtitle:
        sub = wrap_clamped(subtitle, "regular", sub_size, box.w, 1)
        plan.lines("title.subtitle", "title", box.x, top, sub, ("regular", sub_size, MUTED))
    # A band of the palette's colours under the heading: the poster's one ornament.
    width = box.w / len(POSTER_PALETTE)
    for i, colour in enumerate(POSTER_PALETTE):
        part = Box(f"title.stripe.{i}", box.x + i * width, box.bottom - stripe, width, stripe)
        plan.rect(part, colour)


def draw_numbers(plan: Plan, style: Style, doc: HarvestDocument, box: Box) -> None:
    """Key numbers as tiles: people, tables, notes, key insights, languages (the same
    count as the wall's and the summary's)."""
    plan.boxes.append(Box("numbers", box.x, box.y, box.w, box.h, "section"))
    counts = [
        (doc.people, "people_noun"),
        (doc.tables, "tables_noun"),
        (len(doc.notes), "notes_noun"),
        (len(doc.insights), "insights_noun"),
        (len(doc.languages), "languages_noun"),
    ]
    # 1.250 in Dutch, 1 250 in French, 1,250 in English: the export's language decides.
    values = [(number(n, doc.language), doc.count(key, n)) for n, key in counts]
    for text in style.text_steps():  # the labels shrink only when no tile grid fits
        grid = _tile_grid(text, box, values)
        if grid:
            _tiles(plan, text, box, values, grid)
            return
    # Nothing fits comfortably (a very short header): one row, labels shortened.
    text = style.text_steps()[-1]
    tile_h = min(box.h, line_height(style.pt(30)) + line_height(text.body) + 2 * style.mm(2))
    tile_w = (box.w - style.mm(5) * (len(values) - 1)) / len(values)
    _tiles(plan, text, box, values, (len(values), 1, tile_w, tile_h, style.pt(30)))


def _tile_grid(
    text: Style, box: Box, values: Sequence[tuple[str, str]]
) -> tuple[int, int, float, float, float] | None:
    """The grid with the largest numbers whose every label fits its tile, if any."""
    gap = text.mm(5)
    label_w = max(text_width(label, "regular", text.body) for _, label in values)
    for a1_size in (72, 64, 56, 48, 40, 34, 30):
        size = Style(text.scale).pt(a1_size)  # numbers keep the design's sizes
        widest = max(label_w, *(text_width(n, "bold", size) for n, _ in values))
        for cols in dict.fromkeys((len(values), (len(values) + 1) // 2, 2, 1)):
            rows = -(-len(values) // cols)
            tile_w = (box.w - gap * (cols - 1)) / cols
            tile_h = (box.h - gap * (rows - 1)) / rows
            needed = line_height(size) + line_height(text.body) + 2 * text.mm(2)
            if needed <= tile_h and widest * 1.05 + 2 * text.mm(3) <= tile_w:
                return cols, rows, tile_w, tile_h, size
    return None


def _tiles(
    plan: Plan,
    style: Style,
    box: Box,
    values: Sequence[tuple[str, str]],
    grid: tuple[int, int, float, float, float],
) -> None:
    """Draw the number tiles in a grid of (cols, rows, tile width, tile height, size)."""
    cols, _, tile_w, tile_h, size = grid
    gap = style.mm(5)
    for i, (value, label) in enumerate(values):
        colour = POSTER_PALETTE[(i * 2) % len(POSTER_PALETTE)]
        x = box.x + (i % cols) * (tile_w + gap)
        y = box.y + (i // cols) * (tile_h + gap)
        tile = Box(f"numbers.{i}", x, y, tile_w, tile_h, "section")
        plan.rect(tile, tint(colour, 0.88), style.radius)
        plan.boxes.append(tile)
        with_label = line_height(size) + line_height(style.body) <= tile_h
        content = line_height(size) + (line_height(style.body) if with_label else 0.0)
        top = y + (tile_h - content) / 2
        centre = x + tile_w / 2
        plan.lines(
            f"numbers.{i}.value",
            tile.name,
            centre,
            top,
            [value],
            ("bold", size, colour),
            "centre",
        )
        words = wrap_clamped(label, "regular", style.body, tile_w - 2 * style.mm(3), 1)
        if not with_label:
            continue  # a very short header: the number alone
        plan.lines(
            f"numbers.{i}.label",
            tile.name,
            centre,
            top + line_height(size),
            words,
            style.text(),
            "centre",
        )


WHOLE = 99  # lines: as many as the text needs (level 0 of an item is never cut)


def draw_agenda(plan: Plan, style: Style, doc: HarvestDocument, box: Box) -> None:
    """The agenda: minutes on the left, titles wrapped on the right."""
    area = frame(plan, style, "agenda", box, doc.label("agenda"))
    if not doc.agenda:
        placeholder(plan, style, area, doc.label("no_items"))
        return
    chips = [doc.label("minutes", count=item.minutes) for item in doc.agenda]

    def build(text: Style) -> Callable[[int, int], Item]:
        chip = ("bold", text.body, SECTION_COLOURS["agenda"])
        column = max(text_width(t, "bold", text.body) for t in chips) * 1.04 + style.mm(6)
        width = area.w - column

        def item(index: int, level: int) -> Item:
            lines = (WHOLE, 3, 2, 1)[level]
            title = wrap_clamped(doc.agenda[index].title, "regular", text.body, width, lines)
            return Item((Piece((chips[index],), chip), Piece(tuple(title), text.text(), column)))

        return item

    fit_items(plan, style, area, build, len(doc.agenda), 4, style.mm(4), more_label(doc))


def _question_texts(question: Question, doc: HarvestDocument) -> tuple[str, list[str]]:
    """The question in the export's language, then its other languages in workshop order."""
    order = [doc.language, *(code for code in doc.languages if code != doc.language)]
    order += [code for code in question.text if code not in order]
    texts = [question.text[code] for code in order if question.text.get(code, "").strip()]
    return (texts[0], texts[1:]) if texts else ("", [])


def draw_questions(plan: Plan, style: Style, doc: HarvestDocument, box: Box) -> None:
    """Each round's question, the export language first and larger, then the others."""
    area = frame(plan, style, "questions", box, doc.label("questions"))
    if not doc.questions:
        placeholder(plan, style, area, doc.label("no_items"))
        return
    colour = SECTION_COLOURS["questions"]
    labels = [doc.label("round_n", number=question.round) for question in doc.questions]
    # Lines of the question and of each translation, fullest first.
    levels = ((WHOLE, WHOLE), (3, 2), (3, 1), (2, 1), (3, 0), (2, 0), (1, 0))

    def build(text: Style) -> Callable[[int, int], Item]:
        main, other = text.pt(32), text.pt(26)
        column = max(text_width(t, "bold", text.body) for t in labels) * 1.04 + style.mm(6)
        beside = column <= area.w * 0.22  # a narrow box puts "Round n" above the question
        indent, start = (column, 0.0) if beside else (0.0, line_height(text.body))
        width = area.w - indent

        def item(index: int, level: int) -> Item:
            first, others = levels[level]
            primary, rest = _question_texts(doc.questions[index], doc)
            main_lines = wrap_clamped(primary, "regular", main, width, first)
            # Beside the question, the round's name shares its first baseline.
            nudge = baseline_offset(main) - baseline_offset(text.body) if beside else 0.0
            pieces = [
                Piece((labels[index],), ("bold", text.body, colour), 0.0, nudge),
                Piece(tuple(main_lines), text.text("regular", main), indent, start),
            ]
            top = start + line_height(main) * len(main_lines) + style.mm(1)
            for translation in rest if others else []:
                lines = wrap_clamped(translation, "oblique", other, width, others)
                pieces.append(Piece(tuple(lines), ("oblique", other, MUTED), indent, top))
                top += line_height(other) * len(lines)
            return Item(tuple(pieces))

        return item

    count = len(doc.questions)
    fit_items(plan, style, area, build, count, len(levels), style.mm(5), more_label(doc), True)


def draw_themes(plan: Plan, style: Style, doc: HarvestDocument, box: Box) -> None:
    """Themes, biggest first: title, number of notes, and a representative quote."""
    area = frame(plan, style, "themes", box, doc.label("themes"))
    if not doc.themes:
        placeholder(plan, style, area, doc.label("no_items"))
        return
    colour = SECTION_COLOURS["themes"]
    levels = ((3, 6), (2, 3), (2, 2), (1, 1))  # lines of the title and of the quote

    def build(text: Style) -> Callable[[int, int], Item]:
        def item(index: int, level: int) -> Item:
            theme, (title_lines, quote_lines) = doc.themes[index], levels[level]
            count = doc.count("notes", theme.notes)
            count_w = text_width(count, "regular", text.small) * 1.04
            label_w = area.w - count_w - style.mm(6)
            label = tuple(wrap_clamped(theme.label, "bold", text.body, label_w, title_lines))
            quote = wrap_clamped(
                f"“{clean(theme.quote)}”", "oblique", text.body, area.w, quote_lines
            )
            top = line_height(text.body) * len(label) + style.mm(1.5)
            nudge = baseline_offset(text.body) - baseline_offset(text.small)  # same baseline
            pieces = [
                Piece(label, ("bold", text.body, colour)),
                Piece((count,), ("regular", text.small, MUTED), area.w - count_w, nudge),
            ]
            if quote and clean(theme.quote):
                pieces.append(Piece(tuple(quote), text.text("oblique"), 0.0, top))
            return Item(tuple(pieces))

        return item

    fit_items(plan, style, area, build, len(doc.themes), len(levels), style.mm(6), more_label(doc))


def _grouped(commitments: Sequence[CommitmentDoc], anonymous: str) -> list[tuple[str, str]]:
    """Identical commitments once, with everyone who signed them (first three names, +N)."""
    signers: dict[str, list[str]] = {}
    for commitment in commitments:
        text = clean(commitment.text)
        if text:
            signers.setdefault(text, []).append(clean(commitment.signed_as or "") or anonymous)
    grouped = []
    for text, names in signers.items():
        unique = list(dict.fromkeys(names))
        who = ", ".join(unique[:3]) + (f" +{len(names) - 3}" if len(names) > 3 else "")
        grouped.append((text, who))
    return grouped


def items_held(doc: HarvestDocument) -> dict[str, int]:
    """How many items each text section has to show (identical commitments count once)."""
    return {
        "questions": len(doc.questions),
        "agenda": len(doc.agenda),
        "themes": len(doc.themes),
        "priorities": len(doc.priorities),
        "commitments": len(_grouped(doc.commitments, "")),
    }


def draw_commitments(plan: Plan, style: Style, doc: HarvestDocument, box: Box) -> None:
    """Commitments, identical ones merged, each with who made it."""
    area = frame(plan, style, "commitments", box, doc.label("commitments"))
    grouped = _grouped(doc.commitments, doc.label("anonymous"))
    if not grouped:
        placeholder(plan, style, area, doc.label("no_items"))
        return
    colour = SECTION_COLOURS["commitments"]
    bullet = style.mm(9)
    width = area.w - bullet

    def build(text: Style) -> Callable[[int, int], Item]:
        def item(index: int, level: int) -> Item:
            words, who = grouped[index]
            body = wrap_clamped(words, "regular", text.body, width, (WHOLE, 3, 2)[level])
            signed = wrap_clamped(f"— {who}", "oblique", text.body, width, 1)
            below = line_height(text.body) * len(body)
            return Item(
                (
                    Piece(("•",), ("bold", text.body, colour)),
                    Piece(tuple(body), text.text(), bullet),
                    Piece(tuple(signed), ("oblique", text.body, MUTED), bullet, below),
                )
            )

        return item

    fit_items(plan, style, area, build, len(grouped), 3, style.mm(5), more_label(doc))


def draw_footer(plan: Plan, style: Style, doc: HarvestDocument, box: Box) -> None:
    """The small print at the bottom of the page."""
    plan.boxes.append(Box("footer", box.x, box.y, box.w, box.h, "section"))
    size = style.small
    text = wrap_clamped(doc.label("poster_footer"), "regular", size, box.w, 1)
    plan.lines("footer.text", "footer", box.x, box.y, text, ("regular", size, MUTED))
