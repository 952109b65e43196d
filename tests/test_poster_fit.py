"""The poster uses its paper: the demo workshop's content whole on A1, whole items and a
count of the rest on A3, never text below the readable minimum (layout only: fast)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from facilitator.exports.document import HarvestDocument, PriorityDoc
from facilitator.exports.poster import LANDSCAPE, PORTRAIT, paper_mm, plan_poster
from facilitator.exports.poster_charts import draw_priorities
from facilitator.exports.poster_layout import Box, Plan, TextOp, resolve
from facilitator.exports.poster_style import Style
from tests.demo_document import COMMITMENTS, THEMES, demo_document
from tests.test_poster import assert_fits


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> HarvestDocument:
    return demo_document(tmp_path_factory.mktemp("demo"))


def texts(plan: Plan) -> list[str]:
    return [op.text for op in plan.ops if isinstance(op, TextOp)]


def flowing(plan: Plan) -> str:
    """Every line of the poster in one string, so wrapped text reads whole again."""
    return " ".join(texts(plan))


def test_a1_portrait_shows_the_demo_whole(demo: HarvestDocument) -> None:
    plan = plan_poster(demo, "A1", "portrait")
    assert_fits(plan.boxes, "A1", "portrait")
    cut = [line for line in texts(plan) if "…" in line]
    assert not cut, cut
    words = flowing(plan)
    for text in [*THEMES, *(text for text, _ in COMMITMENTS), *(a.title for a in demo.agenda)]:
        assert " ".join(text.replace("☕", "").replace("🎉", "").split()) in words, text
    for question in demo.questions:
        for translation in question.text.values():
            assert translation in words
    assert "9 dots" in words and not re.search(r"(?<!\d)1 dots", words)


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_a1_cuts_no_line_in_dutch_or_french(tmp_path, language: str) -> None:
    # French counts ("9 gommettes") leave the labels less room than English ones: an
    # option that does not fit goes whole and is counted, its label is never cut.
    plan = plan_poster(demo_document(tmp_path, language), "A1", "portrait")
    assert_fits(plan.boxes, "A1", "portrait")
    assert not cut_in(plan, ("priorities", "themes", "commitments", "agenda", "questions"))


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_a1_shows_every_theme_and_commitment(demo: HarvestDocument, orientation: str) -> None:
    plan = plan_poster(demo, "A1", orientation)
    words = flowing(plan)
    assert all(theme in words for theme in THEMES)
    assert not [line for line in texts(plan) if line.startswith(THEMES) and "…" in line]
    assert sum(1 for line in texts(plan) if line.startswith("— ")) == len(COMMITMENTS)


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_a3_shows_whole_items_then_counts_the_rest(demo: HarvestDocument, orientation: str) -> None:
    plan = plan_poster(demo, "A3", orientation)
    assert_fits(plan.boxes, "A3", orientation)
    counts = [line for line in texts(plan) if re.fullmatch(r"\+\d+ more", line)]
    assert counts
    shown = [theme for theme in THEMES if theme in flowing(plan)]
    assert shown == list(THEMES[: len(shown)])  # biggest first, whole


@pytest.mark.parametrize("size", ["A1", "A3"])
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_no_text_below_the_readable_minimum(
    demo: HarvestDocument, size: str, orientation: str
) -> None:
    plan = plan_poster(demo, size, orientation)
    floor = Style.for_paper(*paper_mm(size, orientation)).min_size
    sizes = [op.size for op in plan.ops if isinstance(op, TextOp)]
    assert min(sizes) >= floor - 1e-6
    assert floor >= (15 if size == "A1" else 7.5)


def a_long_vote(demo: HarvestDocument) -> HarvestDocument:
    """The demo after a vote on 20 options, with only two commitments made."""
    extra = tuple(
        PriorityDoc("theme", f"Extra priority number {i} for the neighbourhood", "", 0)
        for i in range(6)
    )
    return replace(demo, priorities=demo.priorities + extra, commitments=demo.commitments[:2])


def cut_in(plan: Plan, sections: tuple[str, ...]) -> list[str]:
    """The lines shortened with "…" inside these sections' boxes."""
    boxes = [box for box in plan.boxes if box.kind == "section" and box.name in sections]
    return [
        op.text
        for op in plan.ops
        if isinstance(op, TextOp)
        and "…" in op.text
        and any(box.x <= op.x <= box.right and box.y <= op.y <= box.bottom for box in boxes)
    ]


def priorities_shown(plan: Plan) -> int:
    return sum(1 for box in plan.boxes if re.fullmatch(r"priorities\.\d+\.label", box.name))


def shown_in_the_designs_box(doc: HarvestDocument, size: str, orientation: str) -> int:
    """How many priorities the design's fixed share of the page holds."""
    width, height = paper_mm(size, orientation)
    style = Style.for_paper(width, height)
    body = Box("body", style.margin, style.margin, width - 2 * style.margin, height * 0.9)
    design = PORTRAIT if orientation == "portrait" else LANDSCAPE
    box = resolve(design, body, style.gap)["priorities"]
    scratch = Plan(0, 0, 0)
    draw_priorities(scratch, style, doc, box)
    return priorities_shown(scratch)


@pytest.mark.parametrize("size", ["A1", "A3"])
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_a_long_vote_takes_the_room_that_few_commitments_leave(
    demo: HarvestDocument, size: str, orientation: str
) -> None:
    doc = a_long_vote(demo)
    plan = plan_poster(doc, size, orientation)
    assert_fits(plan.boxes, size, orientation)
    shown = priorities_shown(plan)
    assert shown > shown_in_the_designs_box(doc, size, orientation) + 3
    assert f"+{len(doc.priorities) - shown} more" in texts(plan)  # the rest, counted
    words = flowing(plan)
    assert all(theme in words for theme in THEMES)  # nothing else gave up an item
    assert sum(1 for line in texts(plan) if line.startswith("— ")) == 2
    assert not cut_in(plan, ("priorities", "themes", "commitments", "agenda", "questions"))
