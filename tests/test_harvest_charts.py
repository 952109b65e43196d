"""Charts: PNG and SVG at the requested size, empty inputs, reproducible SVG, no pyplot."""

from __future__ import annotations

import io
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from facilitator.harvest.charts import (
    Chart,
    ChartConfig,
    RoleParticipation,
    notes_over_time,
    participation_by_role,
    votes_chart,
)
from facilitator.harvest.palette import POSTER

START = datetime(2026, 11, 24, 13, 30, tzinfo=UTC)
TIMES = [(f"Table {1 + i % 11}", START + timedelta(minutes=3 * i)) for i in range(40)]
ROLES = [RoleParticipation("host", 8, 31, 40), RoleParticipation("participant", 42, 120, 310)]
VOTES = {"aidants proches · mantelzorgers": 42, "personnes âgées · isolement": 37, "bancs": 3}
SMALL = ChartConfig(width=800, height=450, font_size=10)


def check(chart: Chart, size: tuple[int, int]) -> ET.Element:
    """Assert a valid PNG of `size` and parse the SVG."""
    assert chart.png[:8] == b"\x89PNG\r\n\x1a\n"
    assert Image.open(io.BytesIO(chart.png)).size == size
    root = ET.fromstring(chart.svg)
    assert root.tag.endswith("svg")
    return root


def test_projector_charts_are_1920x1080() -> None:
    check(notes_over_time(TIMES), (1920, 1080))
    check(participation_by_role(ROLES), (1920, 1080))
    check(votes_chart(VOTES), (1920, 1080))


@pytest.mark.parametrize(
    "render",
    [
        lambda config: notes_over_time([], config),
        lambda config: participation_by_role([], config),
        lambda config: votes_chart({}, config),
    ],
)
def test_empty_inputs_render_a_message(render) -> None:  # type: ignore[no-untyped-def]
    check(render(SMALL), (800, 450))


def test_svg_and_png_are_reproducible() -> None:
    first, second = votes_chart(VOTES, SMALL), votes_chart(VOTES, SMALL)
    assert first == second
    assert "Date" not in first.svg.split("<defs>")[0] or "<dc:date>" not in first.svg


def test_poster_look_and_other_sizes() -> None:
    config = ChartConfig(width=1200, height=800, look=POSTER, font_size=14)
    check(notes_over_time(TIMES, config), (1200, 800))
    image = Image.open(io.BytesIO(votes_chart(VOTES, config).png)).convert("RGB")
    assert image.getpixel((2, 2)) == (255, 255, 255)


def test_votes_accept_pairs_and_keep_the_top() -> None:
    pairs = [(f"theme {i}", i) for i in range(30)]
    check(votes_chart(pairs, SMALL, title="Dot votes", limit=5), (800, 450))


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        notes_over_time([("Table 1", datetime(2026, 11, 24, 13, 30))], SMALL)  # noqa: DTZ001


def test_charts_do_not_use_pyplot() -> None:
    notes_over_time(TIMES, SMALL)
    assert "matplotlib.pyplot" not in sys.modules
