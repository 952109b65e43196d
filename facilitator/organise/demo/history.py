"""Past workshops of a neighbourhood project, for the demo's portfolio, the portfolio's
bench and its tests: a closed workshop with its self-scan, themes, key insights,
commitments and the cards it used, written straight as rows (nobody joins a past day).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from facilitator.cafe.workshops import create_workshop
from facilitator.coaching.cards import default_set
from facilitator.organise.demo import template
from facilitator.store.models import (
    Ballot,
    CafeTable,
    CoachingDraw,
    Commitment,
    Contribution,
    Participant,
    Round,
    SelfScanAnswer,
    Workshop,
    WorkshopProject,
)


@dataclass(frozen=True)
class PastDay:
    """What happened on one past workshop day. `scan` holds each area's scores, one per
    person in order (person i gave scan[area][i]); `themes` (label, titles, dots)."""

    title: str
    held_on: str  # ISO date
    language: str = "nl"
    scan: Mapping[str, Sequence[int]] = field(default_factory=dict)
    themes: Sequence[tuple[str, Mapping[str, str], int]] = ()
    insights: Sequence[str] = ()
    commitments: Sequence[tuple[str, str | None]] = ()  # (text, theme label)
    cards: Sequence[tuple[str, int]] = ()  # (area key, index of the card in the area)
    # The optional note with each score, like `scan`: person i wrote scan_notes[area][i].
    scan_notes: Mapping[str, Sequence[str | None]] = field(default_factory=dict)
    notes: Sequence[str] = ()  # the café's notes, at the first round's first table


def _area_titles() -> dict[str, dict[str, str]]:
    return {str(a["key"]): dict(a["title"]) for a in default_set()["areas"]}


def _card(area_key: str, index: int) -> dict:
    area = next(a for a in default_set()["areas"] if a["key"] == area_key)
    return area["cards"][index % len(area["cards"])]


def add_past_workshop(
    session: Session, owner_id: int | None, project_ids: Sequence[int], day: PastDay
) -> Workshop:
    """A closed workshop of that day for these projects, with everything `day` holds."""
    spec = dict(template()) | {"title": day.title, "titles": None}
    links = create_workshop(session, spec, owner_id)
    workshop = session.scalars(select(Workshop).where(Workshop.join_code == links.join_code)).one()
    workshop.status, workshop.held_on = "closed", day.held_on
    created = datetime.combine(datetime.fromisoformat(day.held_on).date(), time(9), tzinfo=UTC)
    workshop.created_at = created
    for project_id in project_ids:
        session.add(WorkshopProject(workshop_id=workshop.id, project_id=project_id))
    people_count = max([len(s) for s in day.scan.values()] + [len(day.commitments), 1])
    people = [
        Participant(
            workshop_id=workshop.id,
            public_id=secrets.token_hex(8),
            language=day.language,
            spoken=day.language,
            presence="left",
            joined_at=created,
            project_id=project_ids[0] if len(project_ids) == 1 else None,
        )
        for _ in range(people_count)
    ]
    session.add_all(people)
    session.flush()
    titles = _area_titles()
    for area_key, area_scores in day.scan.items():
        notes = list(day.scan_notes.get(area_key, ()))
        notes += [None] * (len(area_scores) - len(notes))
        for person, score, note in zip(people, area_scores, notes, strict=False):
            session.add(
                SelfScanAnswer(
                    workshop_id=workshop.id,
                    participant_id=person.id,
                    area_key=area_key,
                    area_title=titles.get(area_key, {"en": area_key}),
                    score=score,
                    note=note,
                    client_id=secrets.token_hex(8),
                    answered_at=created,
                )
            )
    for index, (text, theme) in enumerate(day.commitments):
        session.add(
            Commitment(
                workshop_id=workshop.id,
                client_id=secrets.token_hex(8),
                participant_id=people[index % len(people)].id,
                text=text,
                theme=theme,
                created_at=created,
            )
        )
    _add_insights(session, workshop, people[0], day.insights, day.notes, created)
    if day.themes:
        options = [
            {"key": f"t{i}", "kind": "theme", "label": label, "text": label, "titles": dict(t)}
            for i, (label, t, _dots) in enumerate(day.themes)
        ]
        results = {f"t{i}": dots for i, (_l, _t, dots) in enumerate(day.themes)}
        session.add(
            Ballot(
                workshop_id=workshop.id,
                status="closed",
                dots_per_person=3,
                options=options,
                results=results,
                opened_at=created,
                closed_at=created,
            )
        )
    for area_key, index in day.cards:
        card = _card(area_key, index)
        session.add(
            CoachingDraw(
                workshop_id=workshop.id,
                area_key=area_key,
                area_title=titles[area_key],
                kind=card["kind"],
                text=dict(card["text"]),
                drawn_at=created,
            )
        )
    session.flush()
    return workshop


def _add_insights(
    session: Session,
    workshop: Workshop,
    author: Participant,
    insights: Sequence[str],
    notes: Sequence[str],
    created: datetime,
) -> None:
    """One key insight per table of the first round; the notes at its first table."""
    tables = session.scalars(
        select(CafeTable).where(CafeTable.workshop_id == workshop.id).order_by(CafeTable.number)
    ).all()
    first_round = session.scalars(
        select(Round).where(Round.workshop_id == workshop.id).order_by(Round.number)
    ).first()
    if first_round is None:
        return
    written = [("insight", table, text) for table, text in zip(tables, insights, strict=False)]
    written += [("note", tables[0], text) for text in notes] if tables else []
    for kind, table, text in written:
        session.add(
            Contribution(
                workshop_id=workshop.id,
                client_id=secrets.token_hex(8),
                kind=kind,
                text=text,
                round_id=first_round.id,
                table_id=table.id,
                participant_id=author.id,
                created_at=created,
            )
        )


# --- the demo's portfolio -----------------------------------------------------------------

DEMO_THEMES = {
    "loneliness": ("Eenzaamheid", {"nl": "Eenzaamheid", "fr": "Solitude", "en": "Loneliness"}),
    "transport": ("Mobiliteit", {"nl": "Mobiliteit", "fr": "Mobilité", "en": "Getting around"}),
    "carers": (
        "Mantelzorgers ontlasten",
        {"nl": "Mantelzorgers ontlasten", "fr": "Soulager les aidants", "en": "Relief for carers"},
    ),
    "meeting": (
        "Een plek om elkaar te ontmoeten",
        {
            "nl": "Een plek om elkaar te ontmoeten",
            "fr": "Un lieu de rencontre",
            "en": "A place to meet",
        },
    ),
}
# name, municipality, languages, language of its days, self-scan levels per day (one per area)
DEMO_PROJECTS = [
    ("Zorgzame buurt Kiel", "Antwerpen", ["nl", "fr"], "nl", [2.0, 2.7, 3.4]),
    ("Quartier solidaire Molenbeek", "Molenbeek-Saint-Jean", ["fr", "nl"], "fr", [2.4, 3.0]),
    ("Zorgzame buurt Rabot", "Gent", ["nl"], "nl", [3.0, 2.8]),
]
DEMO_DAYS = ["2026-02-12", "2026-05-20", "2026-10-08"]
DEMO_TEXTS = {
    "nl": {
        "insights": [
            "Buren willen helpen maar weten niet bij wie ze moeten aankloppen",
            "Het buurthuis is de plek waar zorg en welzijn elkaar vinden",
        ],
        "commitments": [
            ("Ik bel elke week mijn oudere buurvrouw", "Eenzaamheid"),
            ("Ik start een buurtkoffie op zaterdag", "Een plek om elkaar te ontmoeten"),
            ("Wij brengen het vervoer naar de dokter in kaart", "Mobiliteit"),
        ],
        "scan_notes": {
            "connection": [
                "In onze straat kent bijna iedereen elkaar, twee straten verder niemand",
                None,
                "Sinds de buurtkoffie groeten mensen elkaar weer",
            ],
            "access": [None, "De dokter is ver voor wie niet meer goed te been is"],
        },
    },
    "fr": {
        "insights": [
            "Les aidants proches ont besoin de répit et de relais dans le quartier",
            "La maison de quartier fait le lien entre les services et les habitants",
        ],
        "commitments": [
            ("Je rends visite à un voisin isolé chaque semaine", "Solitude"),
            ("Nous organisons une permanence pour les aidants", "Soulager les aidants"),
        ],
        "scan_notes": {
            "connection": ["Les nouveaux habitants ne savent pas à qui s'adresser"],
            "care_mix": [None, None, "Les aidants proches et l'infirmière ne se parlent pas"],
        },
    },
}


# The notes each demo theme was harvested from, per language of its days: a past day's
# themes get their meaning from them (web/jobs/backfill.py `demo_meanings`), as a wall
# finds a theme's meaning in its notes, so that they join a live workshop's by meaning.
DEMO_NOTES = {
    "nl": {
        "loneliness": [
            "Veel ouderen in onze straat zien soms dagenlang niemand",
            "Sinds mijn man stierf voel ik me vaak alleen",
            "Eenzaamheid zie je niet van buitenaf",
        ],
        "transport": [
            "De bus naar het ziekenhuis rijdt maar één keer per uur",
            "Wie geen auto heeft, raakt moeilijk bij de dokter",
            "Een buurtbusje voor ouderen zou veel oplossen",
        ],
        "carers": [
            "Mantelzorgers raken uitgeput en vragen zelden hulp",
            "Ik zorg al jaren voor mijn moeder en heb nooit eens een dag vrij",
            "Respijtzorg in de buurt zou mantelzorgers ademruimte geven",
        ],
        "meeting": [
            "Er is geen plek in de wijk waar je zomaar binnen kunt lopen",
            "Een buurthuis met koffie brengt mensen samen",
            "Het plein zou een echte ontmoetingsplek kunnen zijn",
        ],
    },
    "fr": {
        "loneliness": [
            "Beaucoup de personnes âgées ne voient personne pendant des jours",
            "Depuis mon déménagement, je me sens souvent seule",
            "L'isolement ne se voit pas de l'extérieur",
        ],
        "transport": [
            "Le bus vers l'hôpital ne passe qu'une fois par heure",
            "Sans voiture, aller chez le médecin devient compliqué",
            "Une navette de quartier pour les aînés changerait tout",
        ],
        "carers": [
            "Les aidants proches s'épuisent et demandent rarement de l'aide",
            "Je m'occupe de ma mère depuis des années sans jamais souffler",
            "Un lieu de répit dans le quartier soulagerait les aidants",
        ],
        "meeting": [
            "Il n'y a aucun endroit où entrer simplement pour parler",
            "Une maison de quartier avec un café rassemble les gens",
            "La place pourrait devenir un vrai lieu de rencontre",
        ],
    },
}


def _demo_theme(key: str, language: str, dots: int) -> tuple[str, dict[str, str], int]:
    """A demo day's theme, titled in the day's language only, as a wall titles a theme
    in the languages of its notes: across languages the days join by meaning."""
    title = DEMO_THEMES[key][1][language]
    return title, {language: title}, dots


def demo_theme_notes(language: str, label: str) -> list[str]:
    """The notes a demo day in this language harvested the theme of this label from."""
    key = next((k for k, (_n, titles) in DEMO_THEMES.items() if titles[language] == label), "")
    return list(DEMO_NOTES.get(language, {}).get(key, []))


def _demo_scores(level: float, offset: int, people: int = 9) -> list[int]:
    """People's scores around a level, spread as a room spreads (1 to 5, deterministic)."""
    steps = (-1, 0, 0, 1, 0, -1, 1, 0, 2, -2)
    return [max(1, min(5, round(level + steps[(i + offset) % len(steps)]))) for i in range(people)]


def demo_past_days(session: Session, live_code: str) -> list[int]:
    """The demo's past workshops: those of its organiser's projects but the live one."""
    from facilitator.organise.projects import coached_projects

    live = session.scalar(select(Workshop).where(Workshop.join_code == live_code))
    if live is None or live.owner_id is None:
        return []
    project_ids = [p.id for p in coached_projects(session, live.owner_id)]
    linked = select(WorkshopProject.workshop_id).where(WorkshopProject.project_id.in_(project_ids))
    return sorted(set(session.scalars(linked)) - {live.id})


def demo_portfolio(session: Session, live_code: str) -> None:
    """The demo workshop's organiser coaches three projects with past workshops (made
    once), the live demo workshop taking part for the first: `make demo` shows a
    portfolio, a project over time and the programme."""
    from facilitator.organise.projects import coached_projects, create_project

    live = session.scalar(select(Workshop).where(Workshop.join_code == live_code))
    if live is None or live.owner_id is None:
        return
    coach_id = live.owner_id
    if not coached_projects(session, coach_id):
        areas = list(_area_titles())
        for name, place, languages, language, levels in DEMO_PROJECTS:
            project = create_project(session, coach_id, name, place, languages)
            for index, level in enumerate(levels):
                themes = ["loneliness", "transport"] if index % 2 == 0 else ["carers", "meeting"]
                texts = DEMO_TEXTS[language]
                day = PastDay(
                    title=f"{name}: {index + 1}",
                    held_on=DEMO_DAYS[index],
                    language=language,
                    scan={
                        key: _demo_scores(level + (a % 3 - 1) * 0.4, a + index)
                        for a, key in enumerate(areas)
                    },
                    themes=[_demo_theme(key, language, 4 - n) for n, key in enumerate(themes)],
                    insights=texts["insights"],
                    commitments=texts["commitments"],
                    cards=[(areas[index % len(areas)], index), (areas[-1], 0)],
                    scan_notes=texts["scan_notes"],
                    notes=[note for key in themes for note in DEMO_NOTES[language][key]],
                )
                add_past_workshop(session, coach_id, [project.id], day)
    first = next(
        (p for p in coached_projects(session, coach_id) if p.name == DEMO_PROJECTS[0][0]), None
    )
    if first is None:
        return
    if session.get(WorkshopProject, {"workshop_id": live.id, "project_id": first.id}) is None:
        session.add(WorkshopProject(workshop_id=live.id, project_id=first.id))
    session.flush()
