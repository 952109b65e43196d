"""Reading a coach's projects and the programme into `coaching/portfolio.py`'s records.

No Flask here. The side-by-side portfolio and the programme read every workshop of many
projects, so they read in a fixed number of queries whatever the number of workshops
(counts, themes, answers and cards for all workshops at once); one project's page also
reads each workshop's key insights and commitments as the exports print them
(`exports/collect.py`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from facilitator.cafe.views import title_in
from facilitator.coaching.cards import default_set
from facilitator.coaching.portfolio import (
    CardUse,
    ProgrammeView,
    ProjectRecord,
    ProjectView,
    ScanAnswer,
    ScanNote,
    Theme,
    WorkshopRecord,
    programme_view,
    project_view,
)
from facilitator.exports.collect import (
    ballot_themes,
    latest_closed_ballots,
    latest_insights,
    visible_commitments,
)
from facilitator.harvest.meaning import meaning_from_text
from facilitator.organise.projects import coached_project, coached_projects
from facilitator.store.models import (
    CoachingDraw,
    Commitment,
    Contribution,
    Participant,
    Project,
    SelfScanAnswer,
    Workshop,
    WorkshopProject,
)


def area_order() -> list[str]:
    """The shipped set's areas, in its order: the order every profile is shown in."""
    return [str(area["key"]) for area in default_set()["areas"] if area.get("key")]


def _rows(session: Session, statement: Any) -> Any:
    """Plain rows of a select of columns, past the ORM's row loading: the programme reads
    tens of thousands of them, and the ORM would spend most of the request on them."""
    return session.connection().execute(statement)


def _record(project: Project) -> ProjectRecord:
    languages = tuple(lang for lang in project.languages.split(",") if lang)
    return ProjectRecord(project.id, project.name, project.municipality, languages)


def _scope(project_ids: Sequence[int] | None) -> Any:
    """The ids of the workshops of these projects (of every project: None), as a select:
    each query below filters by it in the database, rather than by hundreds of ids sent
    as parameters (expanding them cost a quarter of the programme's request)."""
    query = select(WorkshopProject.workshop_id)
    if project_ids is None:
        return query
    return query.where(WorkshopProject.project_id.in_(project_ids))


def _links(session: Session, scope: Any) -> dict[int, list[int]]:
    """Workshop id -> every project it took part for (other coaches' too), for the
    workshops of the scope."""
    rows = _rows(
        session,
        select(WorkshopProject.workshop_id, WorkshopProject.project_id)
        .where(WorkshopProject.workshop_id.in_(scope))
        .order_by(WorkshopProject.workshop_id, WorkshopProject.project_id),
    )
    links: dict[int, list[int]] = defaultdict(list)
    for workshop_id, project_id in rows:
        links[workshop_id].append(project_id)
    return links


def _of_answers(scope: Any, *columns: Any) -> Any:
    """A select of columns of the scope's self-scan answers and of the people who gave
    them (the project they came from, the language they joined in)."""
    return (
        select(*columns)
        .join(Participant, Participant.id == SelfScanAnswer.participant_id)
        .where(SelfScanAnswer.workshop_id.in_(scope))
    )


def _answers(
    session: Session, scope: Any
) -> tuple[dict[int, list[ScanAnswer]], dict[int, dict[str, dict[str, str]]]]:
    """Each workshop's self-scan, grouped: how many people of which project gave each
    score to each area; and each area's title as the answers stored it."""
    answers: dict[int, list[ScanAnswer]] = defaultdict(list)
    rows = _rows(
        session,
        _of_answers(
            scope,
            SelfScanAnswer.workshop_id,
            SelfScanAnswer.area_key,
            SelfScanAnswer.score,
            Participant.project_id,
            func.count(SelfScanAnswer.id),
        ).group_by(
            SelfScanAnswer.workshop_id,
            SelfScanAnswer.area_key,
            SelfScanAnswer.score,
            Participant.project_id,
        ),
    )
    for workshop_id, key, score, project_id, count in rows:
        answers[workshop_id].append(ScanAnswer(key, score, project_id, count))
    # One stored title per workshop and area (JSON has no equality in PostgreSQL, so the
    # first answer's row names it), not one per answer.
    first = (
        select(func.min(SelfScanAnswer.id))
        .where(SelfScanAnswer.workshop_id.in_(scope))
        .group_by(SelfScanAnswer.workshop_id, SelfScanAnswer.area_key)
    )
    titles: dict[int, dict[str, dict[str, str]]] = defaultdict(dict)
    named = _rows(
        session,
        select(
            SelfScanAnswer.workshop_id, SelfScanAnswer.area_key, SelfScanAnswer.area_title
        ).where(SelfScanAnswer.id.in_(first)),
    )
    for workshop_id, key, title in named:
        titles[workshop_id][key] = dict(title or {})
    return answers, titles


def _scan_notes(session: Session, scope: Any) -> dict[int, list[ScanNote]]:
    """Each workshop's self-scan notes, with the area, the language its writer joined in
    and the project they said they came from: no name, no participant id."""
    notes: dict[int, list[ScanNote]] = defaultdict(list)
    rows = _rows(
        session,
        _of_answers(
            scope,
            SelfScanAnswer.workshop_id,
            SelfScanAnswer.area_key,
            SelfScanAnswer.note,
            Participant.language,
            Participant.project_id,
        ).where(SelfScanAnswer.note.is_not(None)),
    )
    for workshop_id, key, text, language, project_id in rows:
        if text and text.strip():
            notes[workshop_id].append(ScanNote(key, text.strip(), language, project_id))
    return notes


def _commitment_themes(session: Session, scope: Any) -> tuple[Counter[int], dict]:
    counts: Counter[int] = Counter()
    themes: dict[int, Counter[str]] = defaultdict(Counter)
    rows = _rows(
        session,
        select(Commitment.workshop_id, Commitment.theme).where(
            Commitment.workshop_id.in_(scope), Commitment.hidden.is_(False)
        ),
    )
    for workshop_id, theme in rows:
        counts[workshop_id] += 1
        if theme:
            themes[workshop_id][theme] += 1
    return counts, themes


def _insight_counts(session: Session, scope: Any) -> Counter[int]:
    """Key insights as printed: one per table and round (a host's rewrite replaces)."""
    rows = _rows(
        session,
        select(Contribution.workshop_id, Contribution.table_id, Contribution.round_id)
        .where(
            Contribution.workshop_id.in_(scope),
            Contribution.kind == "insight",
            Contribution.hidden.is_(False),
        )
        .distinct(),
    )
    return Counter(workshop_id for workshop_id, _table, _round in rows)


def _spoken(session: Session, scope: Any) -> dict[int, list[str]]:
    """The languages people joined each workshop in, most people first."""
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    rows = _rows(
        session,
        select(Participant.workshop_id, Participant.language, func.count(Participant.id))
        .where(Participant.workshop_id.in_(scope), Participant.is_bot.is_(False))
        .group_by(Participant.workshop_id, Participant.language),
    )
    for workshop_id, language, count in rows:
        counts[workshop_id][language] += count
    return {wid: [lang for lang, _n in c.most_common()] for wid, c in counts.items()}


def _cards(session: Session, scope: Any) -> dict[int, list[CardUse]]:
    cards: dict[int, list[CardUse]] = defaultdict(list)
    rows = _rows(
        session,
        select(
            CoachingDraw.workshop_id, CoachingDraw.area_key, CoachingDraw.kind, CoachingDraw.text
        )
        .where(CoachingDraw.workshop_id.in_(scope))
        .order_by(CoachingDraw.drawn_at, CoachingDraw.id),
    )
    for workshop_id, key, kind, text in rows:
        cards[workshop_id].append(CardUse(key, kind, dict(text or {})))
    return cards


@dataclass(frozen=True)
class Harvests:
    """What workshops' harvest walls found (the web layer knows where walls are kept):
    `themes`, a workshop's latest wall's themes, dicts with "label", "titles" and
    "notes" as the wall shows them; `meanings`, the meanings of the themes its walls
    found by meaning, newest first, dicts with "label", "titles" and "meaning"."""

    themes: Callable[[int], Sequence[dict[str, Any]]]
    meanings: Callable[[int], Sequence[Mapping[str, Any]]] = lambda _workshop_id: ()


def _names(label: str, titles: Mapping[str, Any]) -> set[str]:
    return {" ".join(str(n).casefold().split()) for n in (label, *titles.values()) if n}


def with_meanings(themes: Sequence[Theme], entries: Iterable[Mapping[str, Any]]) -> list[Theme]:
    """The themes, each with the meaning a wall found it with where one named it so (the
    newest wall first: a dot-vote offers the themes of the wall seen when it opened)."""
    by_name: dict[str, Any] = {}
    for entry in entries:
        vector = meaning_from_text(entry.get("meaning"))
        if vector is not None:
            for name in _names(str(entry.get("label") or ""), entry.get("titles") or {}):
                by_name.setdefault(name, vector)

    def meaning_of(theme: Theme) -> Any:
        names = sorted(_names(theme.label, theme.titles))
        return next((by_name[name] for name in names if name in by_name), None)

    return [replace(theme, meaning=meaning_of(theme)) for theme in themes]


def _themes(
    session: Session,
    scope: Any,
    ids: list[int],
    from_commitments: dict,
    harvests: Harvests | None,
) -> dict[int, list[Theme]]:
    """A workshop's themes: those its closed dot-vote offered (weighed by their dots),
    else those its harvest wall last showed (weighed by their notes); then those
    commitments were made on that neither holds; each with its meaning where a wall
    found it by meaning."""
    themes: dict[int, list[Theme]] = defaultdict(list)
    for workshop_id, ballot in latest_closed_ballots(session, scope).items():
        for label, titles, dots in ballot_themes(ballot):
            themes[workshop_id].append(Theme(label, titles, dots))
    for workshop_id in ids if harvests is not None else ():
        if themes.get(workshop_id):
            continue
        for found in harvests.themes(workshop_id):  # type: ignore[union-attr]
            titles = {str(k): str(v) for k, v in (found.get("titles") or {}).items() if v}
            label = str(found.get("label") or next(iter(titles.values()), ""))
            if label:
                themes[workshop_id].append(Theme(label, titles, int(found.get("notes") or 0)))
    for workshop_id, labels in from_commitments.items():
        known = {t.label.casefold() for t in themes[workshop_id]}
        known |= {v.casefold() for t in themes[workshop_id] for v in t.titles.values()}
        for label, count in labels.most_common():
            if label.casefold() not in known:
                themes[workshop_id].append(Theme(label, {}, count))
    if harvests is not None:
        for workshop_id, found in themes.items():
            if found:  # a workshop without themes has no meanings to look for
                themes[workshop_id] = with_meanings(found, harvests.meanings(workshop_id))
    return themes


def workshop_records(
    session: Session,
    scope: Any,
    links: dict[int, list[int]],
    language: str,
    details: bool = False,
    harvests: Harvests | None = None,
) -> list[WorkshopRecord]:
    """The records of the scope's workshops (`links`: their projects), read in a fixed
    number of queries; with `details` also the self-scan's notes and each one's key
    insights and commitments (a few queries per workshop)."""
    ids = sorted(links)
    if not ids:
        return []
    answers, titles = _answers(session, scope)
    commitment_counts, commitment_themes = _commitment_themes(session, scope)
    insight_counts = _insight_counts(session, scope)
    cards = _cards(session, scope)
    themes = _themes(session, scope, ids, commitment_themes, harvests)
    spoken = _spoken(session, scope)
    notes = _scan_notes(session, scope) if details else {}
    records = []
    for workshop in session.scalars(select(Workshop).where(Workshop.id.in_(scope))):
        insights: tuple[str, ...] = ()
        commitments: tuple[str, ...] = ()
        if details:
            insights = tuple(i.text for i in latest_insights(session, workshop.id))
            commitments = tuple(c.text for c in visible_commitments(session, workshop.id))
        records.append(
            WorkshopRecord(
                id=workshop.id,
                code=workshop.join_code,
                title=title_in(workshop, language),
                when=workshop.held_on or workshop.created_at.date().isoformat(),
                languages=tuple(spoken.get(workshop.id, ())),
                project_ids=tuple(links[workshop.id]),
                answers=tuple(answers.get(workshop.id, ())),
                area_titles=titles.get(workshop.id, {}),
                themes=tuple(themes.get(workshop.id, ())),
                insights=insights,
                commitments=commitments,
                insight_count=insight_counts[workshop.id],
                commitment_count=commitment_counts[workshop.id],
                cards=tuple(cards.get(workshop.id, ())),
                notes=tuple(notes.get(workshop.id, ())),
            )
        )
    return records


def _views(projects: Iterable[Project], records: list[WorkshopRecord]) -> list[ProjectView]:
    order = area_order()
    by_project: dict[int, list[WorkshopRecord]] = defaultdict(list)
    for record in records:
        for project_id in record.project_ids:
            by_project[project_id].append(record)
    return [project_view(_record(p), by_project[p.id], order) for p in projects]


def coach_portfolio(
    session: Session, coach_id: int, language: str, harvests: Harvests | None = None
) -> list[ProjectView]:
    """Every project of this coach, over time, side by side (by name)."""
    projects = coached_projects(session, coach_id)
    scope = _scope([p.id for p in projects])
    links = _links(session, scope)
    return _views(projects, workshop_records(session, scope, links, language, harvests=harvests))


def one_project(
    session: Session,
    coach_id: int,
    project_id: int,
    language: str,
    harvests: Harvests | None = None,
) -> ProjectView:
    """One of this coach's projects with every workshop's insights and commitments;
    another coach's project is unknown (DomainError `unknown_project`)."""
    project = coached_project(session, coach_id, project_id)
    scope = _scope([project.id])
    links = _links(session, scope)
    records = workshop_records(session, scope, links, language, details=True, harvests=harvests)
    return _views([project], records)[0]


def programme(session: Session, language: str, harvests: Harvests | None = None) -> ProgrammeView:
    """Every project of the programme, in aggregate only."""
    projects = list(session.scalars(select(Project).order_by(Project.id)))
    scope = _scope(None)
    links = _links(session, scope)
    records = workshop_records(session, scope, links, language, harvests=harvests)
    return programme_view(_views(projects, records), records, area_order())
