"""The poster uses its paper: the demo workshop's content whole on A1, whole items and a
count of the rest on A3, never text below the readable minimum (layout only: fast)."""

from __future__ import annotations

import re

import pytest

from facilitator.exports.document import HarvestDocument
from facilitator.exports.poster import paper_mm, plan_poster
from facilitator.exports.poster_layout import Plan, TextOp
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
    assert not [line for line in texts(plan) if "…" in line]


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
