"""The plenary report (HTML and PDF): contents, escaping, no external requests, fonts,
determinism and the empty workshop. Small documents, plus one medium PDF."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from markupsafe import escape

from facilitator.exports.document import (
    CommitmentDoc,
    HarvestDocument,
    InsightDoc,
    NoteDoc,
    PhotoDoc,
    ThemeDoc,
)
from facilitator.exports.report import (
    _downscaled,
    render_report_html,
    render_report_pdf,
)
from tests.pdf_tools import needs_poppler, pdf_fonts, pdf_text
from tests.sample_document import sample_document

NASTY = ("<script>alert(1)</script>", "<b>bold</b>", "Tom & Jerry <3")


@pytest.fixture(scope="module")
def photo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("photos")


@pytest.fixture(scope="module")
def small(photo_dir: Path) -> HarvestDocument:
    return sample_document(photo_dir, people=24, tables=3, rounds=2, notes=30, photos=2)


def with_nasty_notes(doc: HarvestDocument) -> HarvestDocument:
    """The document plus notes, an insight, an author and a commitment full of markup."""
    extra = tuple(
        NoteDoc(900 + i, text, "<i>Eve</i>", 1, 1, 3, "en") for i, text in enumerate(NASTY)
    )
    return replace(
        doc,
        title="Café <Zorg> & Buurt",
        notes=doc.notes + extra,
        insights=(*doc.insights, InsightDoc(2, 1, "<b>bold</b> insight & more", None)),
        commitments=(*doc.commitments, CommitmentDoc("I <u>will</u> & you?", "<Bob>", None)),
    )


def flat(text: str) -> str:
    return " ".join(text.split())


# --- HTML ------------------------------------------------------------------------------


def test_html_holds_every_section(small: HarvestDocument) -> None:
    html = render_report_html(small)
    assert html.startswith("<!doctype html>")
    assert '<html lang="en">' in html
    for question in small.questions:
        for text in question.text.values():
            assert str(escape(text)) in html
    for note in small.notes:
        assert str(escape(note.text)) in html
    for insight in small.insights:
        assert str(escape(insight.text)) in html
    for theme in small.themes:
        assert str(escape(theme.label)) in html
        assert str(escape(flat(theme.quote))) in html
    for priority in small.priorities:
        assert str(escape(priority.label)) in html
        assert small.count("dots", priority.dots) in html
    for commitment in small.commitments:
        assert str(escape(commitment.text)) in html
    for heading in ("agenda", "themes", "priorities", "commitments", "photos", "by_role"):
        assert small.label(heading) in html
    assert html.count("data:image/jpeg;base64,") == len(small.photos)
    assert html.count(small.label("hidden_left_out")) == 1


def test_html_shows_exactly_the_documents_notes(small: HarvestDocument) -> None:
    """Hidden notes never reach the document; the report adds nothing of its own."""
    hidden = replace(small.notes[0], id=999, text="Hidden by the facilitator: zzq-unique")
    html = render_report_html(small)  # the document that excludes `hidden`
    assert hidden.text not in html
    assert html.count("<li lang=") == len(small.notes)


def test_html_escapes_user_text(small: HarvestDocument) -> None:
    html = render_report_html(with_nasty_notes(small))
    assert "<script" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "Tom &amp; Jerry &lt;3" in html
    assert "Café &lt;Zorg&gt; &amp; Buurt" in html
    assert "&lt;i&gt;Eve&lt;/i&gt;" in html
    assert "I &lt;u&gt;will&lt;/u&gt; &amp; you?" in html


def test_html_marks_each_commitment_with_its_language(small: HarvestDocument) -> None:
    """A Dutch commitment in an English report hyphenates as Dutch; one without a known
    language reads as the page's."""
    dutch = CommitmentDoc("Ik organiseer een gemeenschappelijke buurtmaaltijd", "An", None, "nl")
    unknown = CommitmentDoc("We will map the informal carers", None, None)
    html = render_report_html(replace(small, commitments=(dutch, unknown)))
    assert f'<li lang="nl">{dutch.text} <span class="meta" lang="en">— An</span></li>' in html
    assert f"<li>{unknown.text}</li>" in html


def test_html_makes_no_external_request(small: HarvestDocument) -> None:
    link = NoteDoc(950, "See https://example.org/x and http://evil.test", None, 1, 1, 0, "en")
    html = render_report_html(replace(small, notes=(*small.notes, link)))
    for attribute in re.findall(r"""\b(?:src|href|action)\s*=\s*["']?([^"'\s>]*)""", html):
        # Inline photos, and the contents' links to the page's own sections.
        assert attribute.startswith(("data:image/jpeg;base64,", "#")), attribute
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", html)
    assert "@import" not in html and "url(" not in html
    assert "<script" not in html and "<link" not in html and "<iframe" not in html


def test_html_in_dutch_puts_the_export_language_first(small: HarvestDocument) -> None:
    labels = {**small.labels, "round_n": "Ronde {number}", "table_n": "Tafel {table}"}
    html = render_report_html(replace(small, language="nl", labels=labels))
    assert '<html lang="nl">' in html
    assert "Ronde 1" in html and "Tafel 2" in html
    texts = small.questions[0].text
    assert html.index(str(escape(texts["nl"]))) < html.index(str(escape(texts["en"])))


def test_missing_photo_costs_a_picture_not_the_report(small: HarvestDocument) -> None:
    gone = PhotoDoc(1, 1, "/nonexistent/photo.jpg", 1600, 1200)
    doc = replace(small, photos=(*small.photos, gone))
    assert render_report_html(doc).count("data:image/jpeg") == len(small.photos)
    assert render_report_pdf(doc).startswith(b"%PDF")


@pytest.mark.parametrize("render", [render_report_html, render_report_pdf])
def test_progress_is_reported(small: HarvestDocument, render: Callable[..., object]) -> None:
    steps: list[tuple[str, int]] = []
    render(small, progress=lambda step, percent: steps.append((step, percent)))
    assert {"rounds", "photos", "writing"} <= {step for step, _ in steps}
    percents = [percent for _, percent in steps]
    assert percents == sorted(percents) and percents[-1] == 100


# --- PDF -------------------------------------------------------------------------------


@needs_poppler
def test_pdf_prints_user_text_literally_with_embedded_fonts(
    small: HarvestDocument, tmp_path: Path
) -> None:
    doc = with_nasty_notes(small)
    pdf = render_report_pdf(doc)
    assert pdf.startswith(b"%PDF-")
    text = flat(pdf_text(pdf, tmp_path))
    for nasty in NASTY:
        assert nasty in text
    assert "<b>bold</b> insight & more" in text
    assert "Café <Zorg> & Buurt" in text and "<i>Eve</i>" in text
    assert "I <u>will</u> & you? — <Bob>" in text
    assert flat(small.questions[0].text["fr"]) in text  # accents: "défi", "à"
    fonts = pdf_fonts(pdf, tmp_path)
    assert fonts and all("DejaVuSans" in line for line in fonts)
    assert all(line.split()[-5] == "yes" for line in fonts)  # the "emb" column


@needs_poppler
def test_pdf_of_a_medium_workshop_holds_every_note(photo_dir: Path, tmp_path: Path) -> None:
    doc = sample_document(photo_dir, people=80, tables=6, rounds=3, notes=300, photos=3)
    pdf = render_report_pdf(doc)
    text = flat(pdf_text(pdf, tmp_path))
    for note in doc.notes:
        assert flat(note.text) in text, note.text
    for number in (1, 2, 3):
        assert doc.label("round_n", number=number) in text
    for theme in doc.themes:
        assert flat(theme.label) in text
    assert doc.label("hidden_left_out") in text
    assert text.count(doc.label("hidden_left_out")) == 1


# A theme's quote as long as a long note (400 characters): the report prints it whole.
LONG_QUOTE = (
    "Mantelzorgers in onze wijk raken uitgeput: ze hebben een vaste buurtwerker nodig, "
    "respijtzorg in het weekend, erkenning door de huisartsen en het OCMW, een plek om "
    "elkaar te ontmoeten zonder afspraak, betaalbare thuiszorg, vervoer naar het "
    "ziekenhuis, een telefoonnummer dat altijd opneemt, en werkgevers die verlof voor "
    "mantelzorg toestaan zonder loonverlies, zodat echt niemand er nog alleen voor staat."
)


@needs_poppler
def test_a_long_theme_quote_is_printed_whole(small: HarvestDocument, tmp_path: Path) -> None:
    assert len(LONG_QUOTE) >= 400
    doc = replace(small, themes=(ThemeDoc("Mantelzorg", 12, LONG_QUOTE, "nl", "nl"),))
    html = render_report_html(doc)
    assert f"“{LONG_QUOTE}”" in html
    text = flat(pdf_text(render_report_pdf(doc), tmp_path))
    assert f"“{LONG_QUOTE}”" in text  # whole, no "…"


def test_same_document_gives_the_same_bytes(small: HarvestDocument) -> None:
    first_pdf, first_html = render_report_pdf(small), render_report_html(small)
    _downscaled.cache_clear()  # photos shrunk anew must come out the same too
    assert render_report_pdf(small) == first_pdf
    assert render_report_html(small) == first_html


@needs_poppler
def test_empty_workshop_renders_with_placeholders(small: HarvestDocument, tmp_path: Path) -> None:
    empty = replace(
        small,
        people=0,
        people_by_role={},
        notes=(),
        insights=(),
        themes=(),
        cloud_terms=(),
        priorities=(),
        commitments=(),
        photos=(),
        note_languages={},
    )
    none = empty.label("no_items")
    html = render_report_html(empty)
    # each round (it keeps its question), photos, themes, priorities, commitments
    expected = len(empty.questions) + 4
    assert html.count(f'<p class="small">{none}</p>') == expected
    for question in empty.questions:
        assert str(escape(question.text["en"])) in html
    text = flat(pdf_text(render_report_pdf(empty), tmp_path))
    assert text.count(none) == expected
    for heading in ("photos", "themes", "priorities", "commitments"):
        assert empty.label(heading) in text
