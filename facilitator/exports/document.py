"""The plain data a poster or report is drawn from: no Flask, no database.

Built once from the database (`facilitator.web.jobs.exports.build_document`), then handed to
a worker process. Everything here is already filtered (hidden notes left out) and
translated (`labels` holds the headings in the export's language).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from facilitator.exports.wording import counted

# Headings and captions an export prints; the adapter fills them in the export's
# language (facilitator.web.i18n.export_labels). Keys only here, so this stays Flask-free.
# Phrases with a number in them ("1 dot") are not labels: see `HarvestDocument.count`.
LABEL_KEYS = (
    "agenda",
    "questions",
    "round_n",  # "Round {number}"
    "table_n",  # "Table {table}"
    "word_cloud",
    "themes",
    "priorities",
    "commitments",
    "photos",
    "participation",
    "languages",
    "key_insights",
    "notes_per_table",
    "by_role",
    "minutes",  # "{count} min"
    "anonymous",
    "on_paper",  # the mark of a note typed in from one written on paper
    "report_title",
    "contents",  # the report's table of contents
    "poster_footer",
    "hidden_left_out",
    "no_items",
)

ROLE_KEYS = (
    "resident",
    "care_organisation",
    "welfare_organisation",
    "local_government",
    "volunteer",
    "other",
    "none",
)


@dataclass(frozen=True)
class AgendaItem:
    kind: str  # welcome, presentation, cafe, plenary, conclusion
    title: str  # in the export's language
    minutes: int


@dataclass(frozen=True)
class Question:
    round: int
    text: dict[str, str]  # per language code; may lack some languages


@dataclass(frozen=True)
class NoteDoc:
    id: int
    text: str
    author: str | None  # display name, None when anonymous
    table: int
    round: int
    votes: int
    language: str  # the author's chosen language
    source: str = "phone"  # "paper": typed in for the table from a note written on paper


@dataclass(frozen=True)
class InsightDoc:
    table: int
    round: int
    text: str
    author: str | None
    id: int | None = None  # the stored row's (its vector of meaning is keyed by it)


@dataclass(frozen=True)
class ThemeDoc:
    label: str  # the theme's title in the export's language where it has notes in it
    notes: int
    quote: str  # the representative note, whole (shorten it yourself to fit)
    label_language: str | None = None  # the title's language (another: print it marked)
    quote_language: str | None = None


@dataclass(frozen=True)
class PriorityDoc:
    """One option of the closed dot-vote, with the dots it got."""

    kind: str  # "theme" or "insight"
    label: str
    text: str
    dots: int


@dataclass(frozen=True)
class CommitmentDoc:
    text: str
    signed_as: str | None
    theme: str | None
    language: str | None = None  # its author's, as for a note: HTML marks it for hyphenation


@dataclass(frozen=True)
class PhotoDoc:
    table: int
    round: int
    path: str  # absolute path of the re-encoded JPEG (EXIF stripped)
    width: int
    height: int


@dataclass(frozen=True)
class HarvestDocument:
    title: str
    place: str | None
    held_on: str | None  # ISO date, e.g. "2023-05-23"
    language: str  # the export's language: labels and agenda titles are in it
    languages: tuple[str, ...]  # the workshop's languages, in order
    labels: dict[str, str]  # LABEL_KEYS -> text; "{number}", "{table}", "{count}" filled by you
    role_labels: dict[str, str]  # ROLE_KEYS -> text
    agenda: tuple[AgendaItem, ...]
    questions: tuple[Question, ...]
    tables: int
    people: int
    people_by_role: dict[str, int]  # ROLE_KEYS -> number of participants
    notes: tuple[NoteDoc, ...]  # visible notes only, oldest first
    insights: tuple[InsightDoc, ...]  # the latest key insight per table and round
    themes: tuple[ThemeDoc, ...]  # the workshop's themes, biggest first
    cloud_terms: tuple[tuple[str, float], ...]  # (shown word or phrase, weight), top first
    priorities: tuple[PriorityDoc, ...]  # most dots first; empty when no vote was held
    commitments: tuple[CommitmentDoc, ...]  # visible ones, oldest first
    photos: tuple[PhotoDoc, ...]
    note_languages: dict[str, int] = field(default_factory=dict)  # detected language -> notes
    # Read by the analysis in a worker: stored vectors of meaning (note or insight id ->
    # bytes) and the facilitators' changes to the themes, in order.
    meaning: dict[int, bytes] = field(default_factory=dict, repr=False)
    theme_changes: tuple[dict[str, Any], ...] = ()
    themes_mode: str = "words"  # "meaning" or "words": how the themes were found

    def label(self, key: str, **values: object) -> str:
        """A heading in the export's language, with its values filled in."""
        text = self.labels.get(key, key)
        for name, value in values.items():
            text = text.replace("{" + name + "}", str(value))
        return text

    def count(self, key: str, count: int) -> str:
        """A counted phrase in the export's language: "1 dot", "2 dots" (wording.COUNTED_KEYS)."""
        return counted(self.language, key, count)

    def paper_notes(self) -> int:
        """How many visible notes were typed in from paper."""
        return sum(1 for note in self.notes if note.source == "paper")

    def notes_per_table(self) -> dict[int, int]:
        """How many visible notes each table gave, over all rounds."""
        return dict(sorted(Counter(note.table for note in self.notes).items()))
