"""A note typed in from paper is marked as such in the report (HTML and PDF) and counted
on the poster, in the export's language; it still counts like any other note."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from facilitator.exports.document import HarvestDocument, NoteDoc
from facilitator.exports.poster import plan_poster
from facilitator.exports.poster_layout import TextOp
from facilitator.exports.report import render_report_html, render_report_pdf
from tests.pdf_tools import needs_poppler, pdf_text
from tests.sample_document import sample_document

PAPER = "Op papier: de buurtwerker komt langs bij wie geen smartphone heeft."


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> HarvestDocument:
    base = sample_document(tmp_path_factory.mktemp("p"), people=12, tables=3, rounds=1, notes=12)
    paper = NoteDoc(990, PAPER, None, 2, 1, 0, "nl", source="paper")
    return replace(base, notes=(*base.notes, paper))


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_html_report_marks_the_paper_note(doc: HarvestDocument) -> None:
    html = flat(render_report_html(doc))
    line = html[html.index(PAPER) : html.index(PAPER) + 400]
    assert "✎ written on paper" in line
    assert "Anonymous" not in line.split("</li>")[0]


@needs_poppler
def test_the_pdf_report_marks_the_paper_note(doc: HarvestDocument, tmp_path: Path) -> None:
    text = flat(pdf_text(render_report_pdf(doc), tmp_path))
    assert f"{PAPER} — ✎ written on paper" in text


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "1 note written on paper"),
        ("nl", "1 notitie op papier geschreven"),
        ("fr", "1 note écrite sur papier"),
    ],
)
def test_the_poster_counts_the_paper_notes(doc: HarvestDocument, language: str, said: str) -> None:
    plan = plan_poster(replace(doc, language=language), "A2", "portrait")
    words = flat(" ".join(op.text for op in plan.ops if isinstance(op, TextOp)))
    assert said in words


def test_paper_notes_take_the_plural_in_every_language(doc: HarvestDocument) -> None:
    assert doc.count("paper_notes", 2) == "2 notes written on paper"
    assert replace(doc, language="nl").count("paper_notes", 2) == "2 notities op papier geschreven"
    assert replace(doc, language="fr").count("paper_notes", 0) == "0 note écrite sur papier"
    assert replace(doc, language="fr").count("paper_notes", 2) == "2 notes écrites sur papier"
