"""The demo workshop's harvest as a tester saw it: the `make demo` template (agenda and
questions in nl/fr/en), its sample notes, 8 themes, 6 commitments and a vote on themes and
key insights (insight options are labelled "table·round", as ballots store them).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from facilitator.exports.document import (
    AgendaItem,
    CommitmentDoc,
    HarvestDocument,
    PriorityDoc,
    ThemeDoc,
)
from tests.sample_document import sample_document

DEMO = Path(__file__).parent.parent / "facilitator" / "organise" / "demo"
THEMES = (
    "Loneliness of older neighbours",
    "Respite for family carers",
    "Organisations working together with the neighbourhood",
    "Funding that lasts beyond the project period",
    "Volunteers who help their neighbours",
    "Language as a barrier in Brussels",
    "A fixed point of contact in the neighbourhood",
    "Residents deciding from the start, not afterwards",
)
COMMITMENTS = (
    ("I will invite my neighbours for coffee once a month ☕", "An"),
    ("Ik bel elke week mijn oudere buurvrouw en vraag hoe het gaat.", "Luc"),
    ("Je vais proposer un café de quartier à la maison médicale 🎉", "Fatima"),
    ("We will map the informal carers in our street with the local council.", None),
    ("Ik breng de buurtwerker, het OCMW en de huisartsen samen rond één tafel.", "Els"),
    ("Je passe voir ma voisine chaque semaine et je l'aide pour ses courses.", "Pierre"),
)


def demo_document(photo_dir: Path, language: str = "en") -> HarvestDocument:
    """The demo workshop (6 tables, 3 rounds, 18 people) after its vote, in `language`."""
    base = sample_document(photo_dir, people=18, tables=6, rounds=3, notes=72, photos=6)
    template = json.loads((DEMO / "caring_neighbourhoods.json").read_text(encoding="utf-8"))
    samples = json.loads((DEMO / "sample_notes.json").read_text(encoding="utf-8"))["notes"]
    texts = [text for lang in ("nl", "fr", "en") for text in samples.get(lang, [])]
    agenda = tuple(
        AgendaItem(kind=p["kind"], title=p["title"][language], minutes=p["minutes"])
        for p in template["phases"]
    )
    themes = tuple(
        ThemeDoc(title, 14 - i, texts[(i * 5) % len(texts)]) for i, title in enumerate(THEMES)
    )
    insights = tuple(
        dataclasses.replace(insight, text=f"{texts[i % len(texts)]} 😊" if i == 2 else insight.text)
        for i, insight in enumerate(base.insights)
    )
    priorities = [PriorityDoc("theme", t.label, t.quote, 9 - i) for i, t in enumerate(themes)]
    priorities += [
        PriorityDoc("insight", f"{i.table}·{i.round}", i.text, dots)
        for i, dots in zip(insights[:6], (4, 3, 1, 1, 0, 0), strict=True)
    ]
    priorities.sort(key=lambda p: -p.dots)
    return dataclasses.replace(
        base,
        language=language,
        agenda=agenda,
        themes=themes,
        insights=insights,
        priorities=tuple(priorities),
        commitments=tuple(
            CommitmentDoc(text, who, None if i % 2 else THEMES[i])
            for i, (text, who) in enumerate(COMMITMENTS)
        ),
    )
