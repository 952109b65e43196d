"""The printable harvest poster: formats, fonts, reproducibility and a layout that fits."""

from __future__ import annotations

import dataclasses
import io
from itertools import combinations
from pathlib import Path

import pytest
from PIL import Image

from facilitator.exports.document import CommitmentDoc, HarvestDocument, ThemeDoc
from facilitator.exports.poster import PAPER, paper_mm, plan_poster, poster_layout, render_poster
from facilitator.exports.poster_layout import Box, TextOp
from facilitator.exports.poster_style import Style
from tests.pdf_tools import pdf_fonts, pdf_text
from tests.sample_document import sample_document

ORIENTATIONS = ("portrait", "landscape")
PAPERS = [(size, orientation) for size in PAPER for orientation in ORIENTATIONS]
LEAVES = ("text", "word", "image", "shape")


@pytest.fixture(scope="module")
def normal(tmp_path_factory: pytest.TempPathFactory) -> HarvestDocument:
    return sample_document(tmp_path_factory.mktemp("normal"), people=40, notes=120, photos=4)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> HarvestDocument:
    """No notes, no photos, no vote, no commitments (sample_document needs 6 notes)."""
    doc = sample_document(tmp_path_factory.mktemp("tiny"), people=3, tables=1, notes=6, photos=0)
    return dataclasses.replace(
        doc,
        notes=(),
        insights=(),
        themes=(),
        cloud_terms=(),
        priorities=(),
        commitments=(),
        note_languages={},
    )


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> HarvestDocument:
    folder = tmp_path_factory.mktemp("large")
    return sample_document(folder, people=200, tables=12, rounds=3, notes=2000, photos=36)


def assert_fits(boxes: list[Box], size: str, orientation: str) -> None:
    """Everything inside the margins; sections apart; every drawn piece in its parent and
    apart from every other piece (a label may sit on its own tile)."""
    width, height = paper_mm(size, orientation)
    margin = Style.for_paper(width, height).margin
    page = Box("page", margin, margin, width - 2 * margin, height - 2 * margin)
    outside = [box for box in boxes if not page.contains(box)]
    assert not outside, outside[:3]
    sections = [box for box in boxes if box.kind == "section" and "." not in box.name]
    assert {"title", "numbers", "questions", "footer"} <= {box.name for box in sections}
    clashes = [(a, b) for a, b in combinations(sections, 2) if a.overlaps(b)]
    assert not clashes, clashes[:3]
    named = {}
    for box in boxes:
        named.setdefault(box.name, box)
    leaves = [box for box in boxes if box.kind in LEAVES]
    for leaf in leaves:
        if leaf.parent:
            assert named[leaf.parent].contains(leaf), (leaf, named[leaf.parent])
    # Cloud words may nest in each other's boxes (wordcloud packs by glyph shape, so a
    # small word can sit beside a tall letter); every other pair must be apart.
    clashes = [
        (a, b)
        for a, b in combinations(leaves, 2)
        if a.overlaps(b)
        and a.parent != b.name
        and b.parent != a.name
        and not (a.kind == b.kind == "word")
    ]
    assert not clashes, clashes[:3]


@pytest.mark.parametrize(("size", "orientation"), PAPERS)
def test_every_paper_gives_a_pdf_with_embedded_fonts(
    normal: HarvestDocument, size: str, orientation: str, tmp_path: Path
) -> None:
    pdf = render_poster(normal, size, orientation, "pdf")
    assert pdf.startswith(b"%PDF")
    rows = pdf_fonts(pdf, tmp_path)
    assert rows, "no fonts: the text is not vector text"
    for row in rows:
        name, emb = row.split()[0], row.split()[-5]
        assert ("DejaVuSans" in name or "Symbola" in name) and emb == "yes", row


@pytest.mark.parametrize(("size", "orientation"), [("A3", "portrait"), ("A2", "landscape")])
def test_png_has_the_paper_ratio(normal: HarvestDocument, size: str, orientation: str) -> None:
    png = render_poster(normal, size, orientation, "png")
    with Image.open(io.BytesIO(png)) as image:
        width, height = image.size
        assert image.format == "PNG"
    paper_w, paper_h = paper_mm(size, orientation)
    assert abs(width / height - paper_w / paper_h) < 0.002
    assert min(width, height) >= 1500  # readable on a screen, zoomed in


def test_same_document_same_bytes(normal: HarvestDocument) -> None:
    assert render_poster(normal, "A3") == render_poster(normal, "A3")
    assert render_poster(normal, "A3", fmt="png") == render_poster(normal, "A3", fmt="png")


@pytest.mark.parametrize(("size", "orientation"), PAPERS)
@pytest.mark.parametrize("name", ["tiny", "normal"])
def test_nothing_overlaps_nothing_leaves_the_page(
    name: str, size: str, orientation: str, request: pytest.FixtureRequest
) -> None:
    doc = request.getfixturevalue(name)
    assert_fits(poster_layout(doc, size, orientation), size, orientation)


@pytest.mark.parametrize(("size", "orientation"), [("A1", "portrait"), ("A3", "landscape")])
def test_large_workshop_fits_and_says_how_many_photos_are_left_out(
    large: HarvestDocument, size: str, orientation: str
) -> None:
    plan = plan_poster(large, size, orientation)
    assert_fits(plan.boxes, size, orientation)
    photos = [box for box in plan.boxes if box.kind == "image" and box.parent == "photos"]
    more = [op.text for op in plan.ops if isinstance(op, TextOp) and op.text.startswith("+")]
    assert 3 <= len(photos) < 36  # text sections may take room from photos to show more
    assert f"+{36 - len(photos)}" in more


def test_large_a1_renders(large: HarvestDocument, tmp_path: Path) -> None:
    steps: list[tuple[str, int]] = []
    pdf = render_poster(large, "A1", progress=lambda step, percent: steps.append((step, percent)))
    assert pdf.startswith(b"%PDF") and len(pdf) < 5_000_000
    assert [step for step, _ in steps] == ["layout", "cloud", "photos", "charts", "writing", "done"]
    assert [percent for _, percent in steps] == sorted(percent for _, percent in steps)
    text = pdf_text(pdf, tmp_path)
    assert "Tablecloths" in text and "Voted priorities" in text and "2,000" in text


def test_tiny_workshop_collapses_empty_sections(tiny: HarvestDocument) -> None:
    sections = {box.name for box in poster_layout(tiny, "A2") if box.kind == "section"}
    assert not {"cloud", "themes", "priorities", "commitments", "photos"} & sections
    assert {"agenda", "questions", "participation"} <= sections
    assert render_poster(tiny, "A3").startswith(b"%PDF")


def test_a_long_quote_is_shortened_on_a_word(normal: HarvestDocument, tmp_path: Path) -> None:
    quote = " ".join(["woord"] * 20 + ["eenzaamheidsbestrijdingsplan"] * 60)[:2000]
    doc = dataclasses.replace(normal, themes=(ThemeDoc("Zorg tussen buren", 12, quote),))
    lines = [op.text for op in plan_poster(doc, "A2").ops if isinstance(op, TextOp)]
    quoted = [line for line in lines if "woord" in line or "eenzaamheidsbestrijdingsplan" in line]
    assert quoted[-1].endswith("…")
    assert all(
        word in ("woord", "eenzaamheidsbestrijdingsplan") for word in quoted[-1][:-1].split()
    )
    assert sum(len(line) for line in quoted) < 400
    assert "…" in pdf_text(render_poster(doc, "A3"), tmp_path)


def test_user_text_is_drawn_literally(normal: HarvestDocument, tmp_path: Path) -> None:
    doc = dataclasses.replace(
        normal,
        title="Buurtcafé $x$ <script>alert(1)</script>",
        place="Liège",
        commitments=(CommitmentDoc("Ik beloof 5$ en $y^2$ — à bientôt 🎉", "Zoë", None),),
        cloud_terms=(("$x$", 5.0), ("élan", 3.0)),
    )
    text = " ".join(pdf_text(render_poster(doc, "A2", "landscape"), tmp_path).split())
    for literal in ("Buurtcafé $x$", "<script>alert(1)</script>", "Liège", "5$ en $y^2$", "Zoë"):
        assert literal in text
    assert "à bientôt" in text


def test_emoji_are_drawn_with_the_symbol_font_as_in_the_report(
    normal: HarvestDocument, tmp_path: Path
) -> None:
    """DejaVu has no 🎉 or 🏠: the poster draws them with Symbola (fonts-symbola), like the
    report, instead of dropping them; a joined emoji leaves no gap or box."""
    doc = dataclasses.replace(
        normal,
        commitments=(CommitmentDoc("Buurtfeest in juni 🎉 en koffie ☕ 👩‍👩‍👧", "Zoë", None),),
    )
    pdf = render_poster(doc, "A3")
    fonts = {row.split()[0].split("+")[-1]: row.split()[-5] for row in pdf_fonts(pdf, tmp_path)}
    assert fonts.get("Symbola") == "yes", fonts
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert "🎉" in text and "☕" in text
    lines = [op.text for op in plan_poster(doc, "A3").ops if isinstance(op, TextOp)]
    joined = " ".join(lines).replace("\u200d", "")  # DejaVu draws the joiner, zero-width
    assert "juni 🎉 en koffie ☕ 👩👩👧" in joined, lines


def test_unknown_paper_or_format_is_refused(normal: HarvestDocument) -> None:
    with pytest.raises(ValueError):
        render_poster(normal, "A0")
    with pytest.raises(ValueError):
        render_poster(normal, "A3", "sideways")
    with pytest.raises(ValueError):
        render_poster(normal, "A3", fmt="svg")


@pytest.mark.parametrize(
    ("language", "written"), [("nl", "2.000"), ("fr", "2\u202f000"), ("en", "2,000")]
)
def test_key_numbers_are_written_the_way_the_export_language_writes_them(
    large: HarvestDocument, language: str, written: str
) -> None:
    doc = dataclasses.replace(large, language=language)
    values = [op.text for op in plan_poster(doc, "A2").ops if isinstance(op, TextOp)]
    assert written in values, values[:12]
