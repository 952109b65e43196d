"""A realistic HarvestDocument for export tests and benchmarks, without a database.

Notes: the labelled nl/fr/en set in tests/data plus, for bulk, the real English Polis
statements in shared/data/polis (CC BY 4.0, The Computational Democracy Project).
Photos: generated tablecloth-like JPEGs (paper colour, marker strokes, words).
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

from PIL import Image, ImageDraw

from facilitator.exports.document import (
    AgendaItem,
    CommitmentDoc,
    HarvestDocument,
    InsightDoc,
    NoteDoc,
    PhotoDoc,
    PriorityDoc,
    Question,
    ThemeDoc,
)

HERE = Path(__file__).parent
LABELLED = HERE / "data" / "labelled_notes.json"
POLIS = HERE.parent.parent / "shared" / "data" / "polis"
TEMPLATE = HERE.parent / "facilitator" / "organise" / "demo" / "caring_neighbourhoods.json"

ENGLISH_LABELS = {
    "agenda": "Agenda",
    "questions": "Questions",
    "round_n": "Round {number}",
    "table_n": "Table {table}",
    "word_cloud": "What the room said",
    "themes": "Themes",
    "priorities": "Voted priorities",
    "commitments": "Commitments",
    "photos": "Tablecloths",
    "participation": "Participation",
    "languages": "languages",
    "key_insights": "Key insights",
    "notes_per_table": "Notes per table",
    "by_role": "People by role",
    "minutes": "{count} min",
    "anonymous": "Anonymous",
    "on_paper": "written on paper",
    "report_title": "Harvest report",
    "contents": "Contents",
    "poster_footer": "Harvested with Facilitator",
    "hidden_left_out": "Notes taken off the wall by the facilitator are left out.",
    "no_items": "None.",
}
ROLE_LABELS = {
    "resident": "Resident",
    "care_organisation": "Care organisation",
    "welfare_organisation": "Welfare organisation",
    "local_government": "Local government",
    "volunteer": "Volunteer",
    "other": "Other",
    "none": "No role given",
}
NAMES = ["An", "Mohamed", "Sofie", "Luc", "Fatima", "Jan", "Marie", "Youssef", "Els", "Pierre"]


def _texts(count: int, seed: int) -> list[tuple[str, str]]:
    """(language, text) pairs: the labelled set first, then real Polis statements."""
    labelled = json.loads(LABELLED.read_text(encoding="utf-8"))["notes"]
    pairs = [(n["language"], n["text"]) for n in labelled]
    for path in sorted(POLIS.glob("*.csv")) if POLIS.exists() else []:
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                body = (row.get("comment-body") or "").strip()
                if body and row.get("moderated") != "-1":
                    pairs.append(("en", body))
    random.Random(seed).shuffle(pairs)
    while len(pairs) < count:
        pairs += pairs
    return pairs[:count]


def tablecloth_photo(path: Path, seed: int, size: tuple[int, int] = (1600, 1200)) -> PhotoDoc:
    """Draw a paper tablecloth with marker strokes and save it as a JPEG."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (246, 241, 228))
    draw = ImageDraw.Draw(image)
    colours = [(200, 40, 40), (30, 90, 180), (20, 140, 70), (230, 140, 20), (40, 40, 40)]
    for _ in range(40):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        points = [(x + rng.randint(-200, 200), y + rng.randint(-120, 120)) for _ in range(4)]
        draw.line([(x, y), *points], fill=rng.choice(colours), width=rng.randint(4, 12))
    for _ in range(8):
        x, y = rng.randrange(size[0] - 300), rng.randrange(size[1] - 100)
        draw.ellipse([x, y, x + 260, y + 90], outline=rng.choice(colours), width=6)
    image.save(path, "JPEG", quality=85)
    return PhotoDoc(table=0, round=0, path=str(path), width=size[0], height=size[1])


def sample_document(
    photo_dir: Path,
    *,
    people: int = 60,
    tables: int = 6,
    rounds: int = 3,
    notes: int = 200,
    photos: int = 6,
    seed: int = 7,
) -> HarvestDocument:
    """A whole workshop's harvest at the given size (deterministic for a seed)."""
    rng = random.Random(seed)
    template = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    agenda = tuple(
        AgendaItem(kind=p["kind"], title=p["title"]["en"], minutes=p["minutes"])
        for p in template["phases"]
    )
    cafe = next(p for p in template["phases"] if p["kind"] == "cafe")
    questions = tuple(
        Question(round=i + 1, text=r["question"]) for i, r in enumerate(cafe["rounds"][:rounds])
    )
    note_docs = tuple(
        NoteDoc(
            id=i + 1,
            text=text,
            author=rng.choice([*NAMES, None]),
            table=1 + i % tables,
            round=1 + (i * rounds) // max(notes, 1),
            votes=rng.choice([0, 0, 0, 1, 2, 5]),
            language=language,
        )
        for i, (language, text) in enumerate(_texts(notes, seed))
    )
    insights = tuple(
        InsightDoc(
            table=t,
            round=r,
            text=rng.choice(note_docs).text if note_docs else "",
            author=rng.choice(NAMES),
            id=10_000 + r * 100 + t,
        )
        for r in range(1, rounds + 1)
        for t in range(1, tables + 1)
    )
    # Titles as the harvest writes them, in the export's language (English here); one
    # theme had no English notes, so its title is Dutch, marked.
    themes = (
        ThemeDoc("Loneliness of older neighbours", 34, note_docs[0].text if note_docs else ""),
        ThemeDoc("Respite for family carers", 29, note_docs[1].text),
        ThemeDoc("Organisations working together", 25, note_docs[2].text),
        ThemeDoc("Funding for neighbourhood projects", 21, note_docs[3].text),
        ThemeDoc("Volunteers who help their neighbours", 17, note_docs[4].text),
        ThemeDoc("Taal als drempel in Brussel (NL)", 12, note_docs[5].text, "nl", "nl"),
    )
    cloud = tuple(
        (word, 100.0 / (rank + 1))
        for rank, word in enumerate(
            "buren eenzaamheid mantelzorg quartier solidaire ouderen vrijwilligers respite "
            "financement samenwerking housing community bénévoles ontmoeting taal langues "
            "welfare care coaching project buurthuis voisins transport drempel confiance "
            "trust participation budget coordination Brussels".split()
        )
    )
    priorities = tuple(
        PriorityDoc(kind="theme", label=theme.label, text=theme.quote, dots=40 - 6 * i)
        for i, theme in enumerate(themes[:5])
    )
    commitments = tuple(
        CommitmentDoc(
            text=rng.choice(
                [
                    "I will invite my neighbours for coffee once a month.",
                    "Ik bel elke week mijn oudere buurvrouw.",
                    "Je vais proposer un café de quartier à la maison médicale.",
                    "We will map the informal carers in our street with the local council.",
                    "Ik breng de buurtwerker en het OCMW samen rond één tafel.",
                ]
            ),
            signed_as=rng.choice([*NAMES, None]),
            theme=rng.choice([None, themes[0].label, themes[2].label]),
        )
        for _ in range(max(3, people // 4))
    )
    photo_dir.mkdir(parents=True, exist_ok=True)
    photo_docs = []
    for i in range(photos):
        drawn = tablecloth_photo(photo_dir / f"photo-{i}.jpg", seed + i)
        table, round_number = 1 + i % tables, 1 + i // tables % rounds
        photo_docs.append(PhotoDoc(table, round_number, drawn.path, drawn.width, drawn.height))
    roles = ["resident", "care_organisation", "welfare_organisation", "local_government"]
    by_role: dict[str, int] = {}
    for i in range(people):
        role = roles[i % len(roles)] if i % 7 else "none"
        by_role[role] = by_role.get(role, 0) + 1
    languages_seen: dict[str, int] = {}
    for note in note_docs:
        languages_seen[note.language] = languages_seen.get(note.language, 0) + 1
    return HarvestDocument(
        title=template["title"],
        place="Antwerp",
        held_on="2023-05-23",
        language="en",
        languages=("nl", "fr", "en"),
        labels=ENGLISH_LABELS,
        role_labels=ROLE_LABELS,
        agenda=agenda,
        questions=questions,
        tables=tables,
        people=people,
        people_by_role=by_role,
        notes=note_docs,
        insights=insights,
        themes=themes,
        cloud_terms=cloud,
        priorities=priorities,
        commitments=commitments,
        photos=tuple(photo_docs),
        note_languages=languages_seen,
    )
