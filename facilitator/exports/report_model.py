"""The report model: what both formats show, built from a `HarvestDocument` (photos shrunk)."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import UnknownLocaleError
from babel.dates import format_date
from PIL import Image

from facilitator.exports.document import (
    ROLE_KEYS,
    CommitmentDoc,
    HarvestDocument,
    InsightDoc,
    NoteDoc,
    PriorityDoc,
    ThemeDoc,
)
from facilitator.exports.wording import number as written_number

Progress = Callable[[str, int], None]

PHOTO_SIDE = 900  # longest side of an embedded photo, in pixels: readable, not heavy
PHOTO_QUALITY = 80


@dataclass(frozen=True)
class TableBlock:
    table: int
    heading: str  # "Table 3"
    count: str  # "23 notes"
    insights: tuple[InsightDoc, ...]
    notes: tuple[NoteDoc, ...]  # most upvoted first, then oldest first


@dataclass(frozen=True)
class RoundBlock:
    number: int
    heading: str  # "Round 2"
    questions: tuple[tuple[str, str], ...]  # (language, text), export language first
    tables: tuple[TableBlock, ...]


@dataclass(frozen=True)
class PhotoBlock:
    caption: str  # "Table 3 · Round 1"
    jpeg: bytes  # downscaled once, shared by both formats
    width: int
    height: int

    def data_uri(self) -> str:
        return "data:image/jpeg;base64," + base64.b64encode(self.jpeg).decode("ascii")


@dataclass(frozen=True)
class PriorityRow:
    priority: PriorityDoc
    dots: str  # "34 dots"
    share: float  # dots relative to the most dots, 0..1, for the bar
    title: str = ""  # a theme's title, an insight's own words
    detail: str = ""  # under it: a theme's quote, or where the insight came from


_TABLE_ROUND = re.compile(r"^(\d+)\s*·\s*(\d+)$")  # ballots label insights "table·round"


def _priority_words(doc: HarvestDocument, priority: PriorityDoc) -> tuple[str, str]:
    """(title, detail) of a vote option, by its words, never by its "1·1" code."""
    if priority.kind != "insight":
        detail = priority.text if priority.text != priority.label else ""
        return priority.label or priority.text, _shorten(detail, 200)
    where = _TABLE_ROUND.match(priority.label.strip())
    if where:
        table, number = int(where.group(1)), int(where.group(2))
        origin = doc.label("table_n", table=table) + " · " + doc.label("round_n", number=number)
    else:
        origin = priority.label
    return priority.text or priority.label, origin


@dataclass(frozen=True)
class ReportModel:
    doc: HarvestDocument
    kicker: str  # "Harvest report"
    subtitle: str  # "Antwerp · 23 May 2023"
    numbers: tuple[
        tuple[str, str], ...
    ]  # ("2,000", "notes"): people, tables, notes, insights, languages
    languages: str  # "NL · FR · EN"
    roles: tuple[tuple[str, int], ...]
    notes_per_table: tuple[tuple[str, int], ...]
    agenda: tuple[tuple[str, str], ...]  # (title, "15 min")
    rounds: tuple[RoundBlock, ...]
    photos: tuple[PhotoBlock, ...]
    themes: tuple[tuple[ThemeDoc, str, str], ...]  # (theme, "34 notes", the whole quote)
    priorities: tuple[PriorityRow, ...]
    commitments: tuple[CommitmentDoc, ...]


def _step(progress: Progress | None, step: str, percent: int) -> None:
    if progress is not None:
        progress(step, percent)


def _format_date(held_on: str | None, language: str) -> str | None:
    """The date as the export's language writes it (23 mei 2023); else the text as given."""
    if not held_on:
        return None
    try:
        return format_date(dt.date.fromisoformat(held_on), format="long", locale=language)
    except (ValueError, UnknownLocaleError):
        return held_on


def _shorten(text: str, limit: int) -> str:
    """Cut on a word boundary and mark the cut, so a long detail keeps its page small."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(",;:.") + " …"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _questions(doc: HarvestDocument, number: int) -> tuple[tuple[str, str], ...]:
    """A round's question in every language given: the export language first."""
    texts: dict[str, str] = {}
    for question in doc.questions:
        if question.round == number:
            texts.update({lang: text for lang, text in question.text.items() if text.strip()})
    order = [doc.language, *doc.languages, *sorted(texts)]
    seen: list[str] = [lang for i, lang in enumerate(order) if lang not in order[:i]]
    return tuple((lang, texts[lang]) for lang in seen if lang in texts)


def _rounds(doc: HarvestDocument) -> tuple[RoundBlock, ...]:
    """Every round that has a question, a note or an insight, each with its tables."""
    numbers = sorted(
        {q.round for q in doc.questions}
        | {n.round for n in doc.notes}
        | {i.round for i in doc.insights if i.text.strip()}
    )
    blocks = []
    for number in numbers:
        notes = [n for n in doc.notes if n.round == number]
        insights = [i for i in doc.insights if i.round == number and i.text.strip()]
        tables = sorted({n.table for n in notes} | {i.table for i in insights})
        blocks.append(
            RoundBlock(
                number=number,
                heading=doc.label("round_n", number=number),
                questions=_questions(doc, number),
                tables=tuple(_table_block(doc, t, notes, insights) for t in tables),
            )
        )
    return tuple(blocks)


def _table_block(
    doc: HarvestDocument, table: int, notes: list[NoteDoc], insights: list[InsightDoc]
) -> TableBlock:
    mine = [n for n in notes if n.table == table]
    mine.sort(key=lambda n: -n.votes)  # stable: equal votes stay oldest first
    return TableBlock(
        table=table,
        heading=doc.label("table_n", table=table),
        count=doc.count("notes", len(mine)),
        insights=tuple(i for i in insights if i.table == table),
        notes=tuple(mine),
    )


def _downscale(path: str) -> tuple[bytes, int, int] | None:
    """The photo as a JPEG of at most PHOTO_SIDE px; None when it is gone or unreadable."""
    try:
        stat = Path(path).stat()
    except OSError:  # a missing photo should cost the report a picture, not the report
        return None
    return _downscaled(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=128)  # a worker making the HTML and then the PDF shrinks each photo once
def _downscaled(path: str, mtime_ns: int, size: int) -> tuple[bytes, int, int] | None:
    try:
        with Image.open(path) as image:
            # For a JPEG, draft() decodes at 1/2, 1/4 or 1/8 scale straight away: far cheaper
            # than decoding a whole 12-megapixel phone photo and then shrinking it.
            image.draft("RGB", (PHOTO_SIDE, PHOTO_SIDE))
            small = image.convert("RGB")
            small.thumbnail((PHOTO_SIDE, PHOTO_SIDE), Image.Resampling.BICUBIC)
            buffer = io.BytesIO()
            small.save(buffer, "JPEG", quality=PHOTO_QUALITY, optimize=True)
            return buffer.getvalue(), small.width, small.height
    except OSError:
        return None


def _photos(doc: HarvestDocument, progress: Progress | None) -> tuple[PhotoBlock, ...]:
    blocks = []
    ordered = sorted(doc.photos, key=lambda p: (p.table, p.round))
    for index, photo in enumerate(ordered):
        if index % 6 == 0:
            _step(progress, "photos", 10 + 40 * index // len(ordered))
        small = _downscale(photo.path)
        if small is None:
            continue
        caption = doc.label("table_n", table=photo.table)
        if photo.round:
            caption += " · " + doc.label("round_n", number=photo.round)
        blocks.append(PhotoBlock(caption, *small))
    return tuple(blocks)


def _priorities(doc: HarvestDocument) -> tuple[PriorityRow, ...]:
    most = max((p.dots for p in doc.priorities), default=0) or 1
    return tuple(
        PriorityRow(p, doc.count("dots", p.dots), max(p.dots, 0) / most, *_priority_words(doc, p))
        for p in doc.priorities
    )


def build_model(doc: HarvestDocument, progress: Progress | None = None) -> ReportModel:
    """Everything both formats show, in the order they show it (photos downscaled here)."""
    _step(progress, "rounds", 5)
    rounds = _rounds(doc)
    photos = _photos(doc, progress)
    date = _format_date(doc.held_on, doc.language)
    roles = tuple(
        (doc.role_labels.get(key, key), doc.people_by_role[key])
        for key in (*ROLE_KEYS, *sorted(set(doc.people_by_role) - set(ROLE_KEYS)))
        if doc.people_by_role.get(key)
    )
    return ReportModel(
        doc=doc,
        kicker=doc.label("report_title"),
        subtitle=" · ".join(part for part in (doc.place, date) if part),
        numbers=tuple(
            (written_number(value, doc.language), doc.count(f"{key}_noun", value))
            for value, key in (
                (doc.people, "people"),
                (doc.tables, "tables"),
                (len(doc.notes), "notes"),
                (len(doc.insights), "insights"),
                (len(doc.languages), "languages"),
            )
        ),
        languages=" · ".join(lang.upper() for lang in doc.languages),
        roles=roles,
        notes_per_table=tuple(
            (doc.label("table_n", table=t), n) for t, n in doc.notes_per_table().items()
        ),
        agenda=tuple((a.title, doc.label("minutes", count=a.minutes)) for a in doc.agenda),
        rounds=rounds,
        photos=photos,
        themes=tuple(
            (t, doc.count("notes", t.notes), " ".join(t.quote.split())) for t in doc.themes
        ),
        priorities=_priorities(doc),
        commitments=doc.commitments,
    )
