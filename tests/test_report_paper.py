"""The report uses its paper: priorities by their words, counted words in three languages,
emoji drawn, rank numbers whole, a contents list, and a first page that is not half empty."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from facilitator.exports.document import HarvestDocument
from facilitator.exports.report import render_report_html, render_report_pdf
from tests.demo_document import THEMES, demo_document
from tests.pdf_tools import needs_poppler, pdf_fonts, pdf_text


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> HarvestDocument:
    return demo_document(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def demo_pdf(demo: HarvestDocument) -> bytes:
    return render_report_pdf(demo)


def layout_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"]
    return subprocess.run(args, capture_output=True, check=True).stdout.decode()


@needs_poppler
def test_priorities_are_named_by_their_words(
    demo: HarvestDocument, demo_pdf: bytes, tmp_path: Path
) -> None:
    text = " ".join(pdf_text(demo_pdf, tmp_path).split())
    assert not re.search(r"\b\d+·\d+\b", text)  # no "1·1" codes
    section = text[text.rindex("Voted priorities") : text.rindex("Commitments")]
    insight = next(p for p in demo.priorities if p.kind == "insight")
    assert " ".join(insight.text.split()[:4]) in section and "Table 1 · Round 1" in section
    assert THEMES[0] in section and THEMES[-1] in section
    html = render_report_html(demo)
    assert not re.search(r">\s*\d+·\d+\s*<", html) and "Table 1 · Round 1" in html


@needs_poppler
def test_rank_numbers_stay_on_one_line(demo_pdf: bytes, tmp_path: Path) -> None:
    lines = layout_text(demo_pdf, tmp_path).splitlines()
    ranked = [line.split()[0] for line in lines if re.match(r"^\s*\d+\s{3,}.*\bdots?$", line)]
    assert ranked[-3:] == ["12", "13", "14"], ranked


@needs_poppler
@pytest.mark.parametrize(
    ("language", "one", "many"),
    [("en", "1 dot", "2 dots"), ("nl", "1 stip", "2 stippen"), ("fr", "1 gommette", "2 gommettes")],
)
def test_dots_are_counted_in_the_export_language(
    demo: HarvestDocument, language: str, one: str, many: str, tmp_path: Path
) -> None:
    text = pdf_text(render_report_pdf(replace(demo, language=language)), tmp_path)
    assert one in text and many in text
    assert not re.search(r"(?<!\d)1 (dots|stippen|gommettes)\b", text)
    if language == "fr":
        assert "0 gommette" in text and "0 gommettes" not in text


@needs_poppler
def test_emoji_are_drawn_with_an_embedded_symbol_font(demo_pdf: bytes, tmp_path: Path) -> None:
    fonts = {
        row.split()[0].split("+")[-1]: row.split()[-5] for row in pdf_fonts(demo_pdf, tmp_path)
    }
    assert fonts.get("Symbola") == "yes" and "Helvetica" not in fonts, fonts
    text = " ".join(pdf_text(demo_pdf, tmp_path).split())
    # ☕ reads back; 🎉 is drawn by Symbola, but reportlab's ToUnicode map keeps only 16
    # bits of a code point beyond U+FFFF, so a glyph (not nothing) follows "médicale".
    assert "☕" in text
    assert re.search(r"maison médicale \S —", text)


@needs_poppler
def test_contents_list_the_sections_with_pages(
    demo: HarvestDocument, demo_pdf: bytes, tmp_path: Path
) -> None:
    first = layout_text(demo_pdf, tmp_path).split("\f")[0]
    assert "Contents" in first
    for heading in ("Agenda", "Round 1", "Themes", "Voted priorities", "Commitments"):
        assert re.search(rf"{heading}[ .]+\d+\s*$", first, re.M), heading
    html = render_report_html(demo)
    assert '<nav id="contents"' in html and 'href="#priorities"' in html
    assert THEMES[0] in html


@needs_poppler
def test_the_first_page_is_not_half_empty(demo_pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(demo_pdf)
    args = ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"]
    xml = subprocess.run(args, capture_output=True, check=True).stdout.decode()
    page_h = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', xml).group(1))
    bottoms = [float(y) for y in re.findall(r'yMax="([\d.]+)"', xml)]
    body = sorted(bottoms)[-2]  # the last line above the footer
    assert body > page_h * 0.7, (body, page_h)
