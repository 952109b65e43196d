"""Word clouds: valid PNG and SVG at the projector's size, accents, palette, determinism."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from facilitator.harvest.base import HarvestInputError
from facilitator.harvest.cloud import CloudConfig, default_font, render_cloud, render_png
from facilitator.harvest.palette import PROJECTOR_BACKGROUND, PROJECTOR_PALETTE

WORDS = {
    "bénévoles": 12,
    "ouderen": 11,
    "aidants proches": 9,
    "family carers": 8,
    "isolement": 7,
    "mantelzorgers": 6,
    "âgées": 5,
    "quartier": 5,
    "OCMW": 4,
    "CPAS": 4,
    "logements": 3,
    "eenzaamheid": 3,
    "bancs": 2,
    "buurt": 2,
    "volunteers": 2,
}
SMALL = CloudConfig(width=640, height=360, max_font_size=90, min_font_size=8)


def png_image(data: bytes) -> Image.Image:
    """Open PNG bytes, checking the signature first."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def svg_root(text: str) -> ET.Element:
    """Parse SVG text as XML."""
    return ET.fromstring(text)


def test_the_projector_cloud_is_a_1920x1080_png_and_an_svg() -> None:
    cloud = render_cloud(WORDS)
    image = png_image(cloud.png)
    assert image.size == (1920, 1080)
    assert image.mode == "RGB"
    assert image.getpixel((0, 0)) == Image.new("RGB", (1, 1), PROJECTOR_BACKGROUND).getpixel((0, 0))
    root = svg_root(cloud.svg)
    assert (root.get("width"), root.get("height")) == ("1920", "1080")
    assert set(cloud.words) == set(WORDS)
    assert "bénévoles" in cloud.svg and "âgées" in cloud.svg


def test_words_take_the_palette_colours_by_rank() -> None:
    cloud = render_cloud(WORDS, SMALL)
    fills = set(re.findall(r"fill:(#[0-9a-f]{6})", cloud.svg))
    assert fills <= set(PROJECTOR_PALETTE) | {PROJECTOR_BACKGROUND}
    assert PROJECTOR_PALETTE[0] in fills


def test_the_same_words_give_the_same_cloud() -> None:
    assert render_cloud(WORDS, SMALL) == render_cloud(WORDS, SMALL)
    assert render_png(WORDS, SMALL) == render_cloud(WORDS, SMALL).png


def test_a_transparent_cloud_for_posters() -> None:
    config = CloudConfig(width=640, height=360, background=None, max_font_size=90)
    cloud = render_cloud(WORDS, config)
    image = png_image(cloud.png)
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0
    assert "<rect" not in cloud.svg


def test_no_words_gives_an_empty_canvas_not_an_error() -> None:
    cloud = render_cloud({}, SMALL)
    assert png_image(cloud.png).size == (640, 360)
    assert cloud.words == ()
    assert svg_root(cloud.svg).get("width") == "640"
    assert png_image(render_png({"zero": 0}, SMALL)).size == (640, 360)


def test_the_font_is_matplotlibs_dejavu_bold_and_can_be_embedded() -> None:
    assert Path(default_font()).is_file()
    cloud = render_cloud(
        {"bénévoles": 3, "âgées": 2}, CloudConfig(width=320, height=180, embed_font=True)
    )
    assert "@font-face" in cloud.svg
    assert "DejaVu Sans" in cloud.svg


def test_max_words_limits_the_cloud() -> None:
    many = {f"woord{i:03d}": 1000 - i for i in range(300)}
    cloud = render_cloud(many, CloudConfig(width=640, height=360, max_words=40))
    assert len(cloud.words) <= 40
    assert cloud.words[0] == "woord000"


def test_impossible_settings_are_refused() -> None:
    with pytest.raises(HarvestInputError):
        CloudConfig(palette=())
    with pytest.raises(HarvestInputError):
        CloudConfig(width=10, height=10)
