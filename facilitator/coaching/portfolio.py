"""A coach's portfolio and the programme's learnings, from plain data.

Pure logic, free of Flask and the database: `organise/portfolio.py` reads the workshops
of the projects into the records below, and the views come out. A project's self-scan is
the answers of the workshops it took part in: all of a workshop's answers when it served
that project alone, else only those of the people who said they came from it. Answers are
only ever shown in aggregate, and an area with fewer than `selfscan.MIN_ANSWERS` answers
shows nothing but that fact; the programme view holds aggregates only, and an area in it
needs MIN_PROJECTS projects (a mean of one project would be that project's own score).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from facilitator.coaching.selfscan import HIGHEST, LOWEST, MIN_ANSWERS, AreaProfile
from facilitator.harvest.across import same_meaning_groups

TOP_THEMES = 8
MIN_PROJECTS = MIN_ANSWERS  # projects behind a programme figure, as people behind a scan
TOP_CARDS = 12


@dataclass(frozen=True)
class ScanAnswer:
    """A score for one area, given by `count` people (answers are read grouped) who said
    they came from `project_id`."""

    area_key: str
    score: int
    project_id: int | None = None
    count: int = 1


@dataclass(frozen=True)
class Theme:
    """A theme a workshop harvested: its label, its titles per language where the harvest
    gave them, its weight (dots it got, or commitments made on it) and, where the harvest
    found it by meaning, the mean of its notes' vectors (harvest/across.py)."""

    label: str
    titles: Mapping[str, str] = field(default_factory=dict)
    weight: int = 0
    meaning: np.ndarray | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ScanNote:
    """The optional note with one person's score for an area, in the language they
    joined in; `project_id` as for `ScanAnswer`. No person is named."""

    area_key: str
    text: str
    language: str
    project_id: int | None = None


@dataclass(frozen=True)
class CardUse:
    """A card drawn for the room or dealt to a table."""

    area_key: str
    kind: str
    text: Mapping[str, str]


@dataclass(frozen=True)
class WorkshopRecord:
    """What the portfolio knows of one workshop. `insights` and `commitments` hold the
    texts where they were read (one project's page), else stay empty beside their counts."""

    id: int
    code: str
    title: str
    when: str  # ISO date: the day it was held, else the day it was made
    languages: tuple[str, ...]  # the languages people took part in, most people first
    project_ids: tuple[int, ...]
    answers: tuple[ScanAnswer, ...] = ()
    area_titles: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    themes: tuple[Theme, ...] = ()
    insights: tuple[str, ...] = ()
    commitments: tuple[str, ...] = ()
    insight_count: int = 0
    commitment_count: int = 0
    cards: tuple[CardUse, ...] = ()
    notes: tuple[ScanNote, ...] = ()  # read where the texts are (one project's page)


@dataclass(frozen=True)
class ProjectRecord:
    id: int
    name: str
    municipality: str
    languages: tuple[str, ...]


@dataclass(frozen=True)
class ScanPoint:
    """A project's self-scan in one workshop: every area's aggregate (withheld below the
    minimum) and how many people answered."""

    workshop_id: int
    title: str
    when: str
    profiles: Mapping[str, AreaProfile]
    people: int


@dataclass(frozen=True)
class AreaRow:
    """One area of a project over time: the first and the latest scan, and the change
    (None unless shown in both)."""

    key: str
    titles: Mapping[str, str]
    first: AreaProfile | None
    latest: AreaProfile | None
    change: float | None


@dataclass(frozen=True)
class NotesOfDay:
    """An area's self-scan notes of one workshop: `shown` as the area's scores (at least
    MIN_ANSWERS answers for the project), else `notes` stays empty."""

    workshop_id: int
    title: str
    when: str
    shown: bool
    notes: tuple[ScanNote, ...]


@dataclass(frozen=True)
class AreaNotes:
    """One area's self-scan notes, latest workshop first."""

    key: str
    titles: Mapping[str, str]
    days: tuple[NotesOfDay, ...]


@dataclass(frozen=True)
class ThemeCount:
    """A theme across workshops: its label, titles, in how many workshops (and projects)
    it came up, its total weight and the languages it was named in."""

    label: str
    titles: Mapping[str, str]
    workshops: int
    weight: int
    projects: int = 0
    languages: tuple[str, ...] = ()

    def label_in(self, language: str) -> str:
        return self.titles.get(language) or self.label


@dataclass(frozen=True)
class CardCount:
    area_key: str
    kind: str
    text: Mapping[str, str]
    times: int
    workshops: int


@dataclass(frozen=True)
class ProjectView:
    project: ProjectRecord
    workshops: tuple[WorkshopRecord, ...]  # oldest first
    scans: tuple[ScanPoint, ...]  # workshops whose scan shows at least one area, oldest first
    areas: tuple[AreaRow, ...]
    themes: tuple[ThemeCount, ...]
    cards: tuple[CardCount, ...]
    insight_count: int
    commitment_count: int
    notes: tuple[AreaNotes, ...] = ()

    @property
    def first(self) -> ScanPoint | None:
        return self.scans[0] if self.scans else None

    @property
    def latest(self) -> ScanPoint | None:
        return self.scans[-1] if len(self.scans) > 1 else None


@dataclass(frozen=True)
class ProgrammeArea:
    """An area across projects: the mean of the projects' latest means (each shown, so
    from MIN_ANSWERS answers at least), how many projects that is, and the mean change of
    the projects scanned twice or more; each withheld (None) below MIN_PROJECTS."""

    key: str
    titles: Mapping[str, str]
    projects: int
    answers: int
    mean: float | None
    moved_projects: int
    mean_change: float | None

    @property
    def shown(self) -> bool:
        return self.mean is not None


@dataclass(frozen=True)
class ProgrammeView:
    projects: int
    workshops: int
    scanned_projects: int
    areas: tuple[ProgrammeArea, ...]  # in the set's order
    lowest: tuple[ProgrammeArea, ...]  # shown areas, lowest mean first
    moving: tuple[ProgrammeArea, ...]  # areas with a change, largest move first
    themes: tuple[ThemeCount, ...]
    languages: Mapping[str, int]  # workshops where people took part in each language


# --- one project ----------------------------------------------------------------------------


def answers_for(project_id: int, workshop: WorkshopRecord) -> list[ScanAnswer]:
    """The answers that speak for this project in this workshop."""
    alone = workshop.project_ids == (project_id,)
    return [a for a in workshop.answers if alone or a.project_id == project_id]


def area_from_counts(key: str, counts: Sequence[int]) -> AreaProfile:
    """An area's aggregate from how many gave 1, 2, 3, 4, 5: the same as
    `selfscan.area_profile` of those scores (withheld below MIN_ANSWERS), in five steps
    rather than one per answer: a portfolio holds tens of thousands of answers."""
    answers = sum(counts)
    if answers < MIN_ANSWERS:
        return AreaProfile(key, answers, False, None, None, (0,) * HIGHEST)
    scores = range(LOWEST, HIGHEST + 1)
    mean = math.fsum(s * c for s, c in zip(scores, counts, strict=True)) / answers
    variance = math.fsum(c * (s - mean) ** 2 for s, c in zip(scores, counts, strict=True))
    return AreaProfile(key, answers, True, mean, math.sqrt(variance / answers), tuple(counts))


def area_profiles(
    project_id: int, workshop: WorkshopRecord, area_order: Sequence[str]
) -> dict[str, AreaProfile]:
    """The project's aggregate of every area answered in this workshop (withheld below
    the minimum), in the set's order."""
    counts: dict[str, list[int]] = {}
    for answer in answers_for(project_id, workshop):
        if not LOWEST <= answer.score <= HIGHEST:
            continue  # never stored (the phase checks), but a bad row must not shift counts
        row = counts.setdefault(answer.area_key, [0] * HIGHEST)
        row[answer.score - LOWEST] += answer.count
    keys = [k for k in area_order if k in counts] + sorted(set(counts) - set(area_order))
    return {key: area_from_counts(key, counts[key]) for key in keys}


def scan_point(
    project_id: int, workshop: WorkshopRecord, area_order: Sequence[str]
) -> ScanPoint | None:
    """The project's self-scan in this workshop, or None when no area can be shown."""
    profiles = area_profiles(project_id, workshop, area_order)
    if not any(p.shown for p in profiles.values()):
        return None
    people = max((p.answers for p in profiles.values()), default=0)
    return ScanPoint(workshop.id, workshop.title, workshop.when, profiles, people)


def area_notes(
    project_id: int,
    ordered: Sequence[WorkshopRecord],
    area_order: Sequence[str],
    titles: Mapping[str, Mapping[str, str]],
) -> tuple[AreaNotes, ...]:
    """Each area's notes, latest workshop first, where the project's people wrote any;
    withheld where the area's scores are (fewer than MIN_ANSWERS answers that day).
    Sorted by text within a day: the order people answered in could point at them."""
    days: dict[str, list[NotesOfDay]] = defaultdict(list)
    for workshop in reversed(ordered):
        alone = workshop.project_ids == (project_id,)
        written = [n for n in workshop.notes if alone or n.project_id == project_id]
        if not written:
            continue
        profiles = area_profiles(project_id, workshop, area_order)
        by_area: dict[str, list[ScanNote]] = defaultdict(list)
        for note in written:
            by_area[note.area_key].append(note)
        for key, notes in by_area.items():
            shown = key in profiles and profiles[key].shown
            kept = tuple(sorted(notes, key=lambda n: (n.text.casefold(), n.language)))
            day = NotesOfDay(
                workshop.id, workshop.title, workshop.when, shown, kept if shown else ()
            )
            days[key].append(day)
    keys = [k for k in area_order if k in days] + sorted(set(days) - set(area_order))
    return tuple(AreaNotes(key, titles.get(key, {}), tuple(days[key])) for key in keys)


def _titles(workshops: Iterable[WorkshopRecord]) -> dict[str, Mapping[str, str]]:
    titles: dict[str, Mapping[str, str]] = {}
    for workshop in workshops:
        titles.update(workshop.area_titles)
    return titles


def area_rows(
    first: ScanPoint | None,
    latest: ScanPoint | None,
    area_order: Sequence[str],
    titles: Mapping[str, Mapping[str, str]],
) -> tuple[AreaRow, ...]:
    """Every area either scan has, in the set's order, with its change where both show it."""
    keys = [k for k in area_order if _in_scans(k, first, latest)]
    keys += sorted({k for scan in (first, latest) if scan for k in scan.profiles} - set(area_order))
    rows = []
    for key in keys:
        then = first.profiles.get(key) if first else None
        now = latest.profiles.get(key) if latest else None
        change = None
        if then and now and then.shown and now.shown:
            assert then.mean is not None and now.mean is not None
            change = now.mean - then.mean
        rows.append(AreaRow(key, titles.get(key, {}), then, now, change))
    return tuple(rows)


def _in_scans(key: str, *scans: ScanPoint | None) -> bool:
    return any(scan is not None and key in scan.profiles for scan in scans)


def project_view(
    project: ProjectRecord, workshops: Iterable[WorkshopRecord], area_order: Sequence[str]
) -> ProjectView:
    """One project over time: its workshops, its scans, first vs latest, themes, cards."""
    ordered = tuple(sorted(workshops, key=lambda w: (w.when, w.id)))
    scans = tuple(
        point for w in ordered if (point := scan_point(project.id, w, area_order)) is not None
    )
    first = scans[0] if scans else None
    latest = scans[-1] if len(scans) > 1 else None
    titles = _titles(ordered)
    return ProjectView(
        project=project,
        workshops=ordered,
        scans=scans,
        areas=area_rows(first, latest, area_order, titles),
        themes=tuple(theme_counts([(w, project.id) for w in ordered])[:TOP_THEMES]),
        cards=tuple(card_counts(ordered)[:TOP_CARDS]),
        insight_count=sum(w.insight_count for w in ordered),
        commitment_count=sum(w.commitment_count for w in ordered),
        notes=area_notes(project.id, ordered, area_order, titles),
    )


# --- themes and cards across workshops --------------------------------------------------


def _theme_keys(theme: Theme) -> set[str]:
    names = {theme.label, *theme.titles.values()}
    return {" ".join(n.casefold().split()) for n in names if n and n.strip()}


def theme_counts(found: Iterable[tuple[WorkshopRecord, int | None]]) -> list[ThemeCount]:
    """Themes across workshops, most widespread first. Themes whose label or any title
    match (ignoring case and spaces) are one theme: a harvest that named a theme in two
    languages joins the workshops that named it in either. So are themes of different
    workshops whose meanings are close (harvest/across.py): "Eenzaamheid" in one
    workshop and "Isolement" in another."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    seen: list[tuple[WorkshopRecord, int | None, Theme, str]] = []
    for workshop, project_id in found:
        for theme in workshop.themes:
            keys = sorted(_theme_keys(theme))
            if not keys:
                continue
            for key in keys[1:]:
                parent[root(key)] = root(keys[0])
            seen.append((workshop, project_id, theme, keys[0]))
    first_of: dict[int, int] = {}
    for index, group in _groups_by_meaning(seen):
        first = first_of.setdefault(group, index)
        parent[root(seen[index][3])] = root(seen[first][3])
    groups: dict[str, list[tuple[WorkshopRecord, int | None, Theme]]] = defaultdict(list)
    for workshop, project_id, theme, key in seen:
        groups[root(key)].append((workshop, project_id, theme))
    counts = [_theme_count(members) for members in groups.values()]
    return sorted(counts, key=lambda t: (-t.workshops, -t.weight, t.label.casefold()))


def _groups_by_meaning(
    seen: Sequence[tuple[WorkshopRecord, int | None, Theme, str]],
) -> list[tuple[int, int]]:
    """(index into `seen`, group) of each theme with a meaning: themes of different
    workshops that mean the same share a group. A theme's language is the languages it
    has titles in (a theme of a mixed room is a mix), else its workshop's first."""
    rows = [i for i, (_w, _p, theme, _k) in enumerate(seen) if theme.meaning is not None]
    vectors = [seen[i][2].meaning for i in rows]
    languages = ["+".join(sorted(seen[i][2].titles)) or _first(seen[i][0].languages) for i in rows]
    owners = [seen[i][0].id for i in rows]
    groups = same_meaning_groups(vectors, languages, owners)  # type: ignore[arg-type]
    return list(zip(rows, groups, strict=True))


def _first(languages: Sequence[str]) -> str:
    return languages[0] if languages else ""


def _theme_count(members: list[tuple[WorkshopRecord, int | None, Theme]]) -> ThemeCount:
    labels = Counter(theme.label for _w, _p, theme in members)
    titles: dict[str, str] = {}
    languages: set[str] = set()
    for workshop, _p, theme in members:
        for lang, title in theme.titles.items():
            titles.setdefault(lang, title)
        languages.update(theme.titles or workshop.languages[:1])
    projects = {p for _w, p, _t in members if p is not None}
    projects |= {p for w, _p, _t in members for p in w.project_ids}
    return ThemeCount(
        label=sorted(labels, key=lambda label: (-labels[label], label))[0],
        titles=titles,
        workshops=len({w.id for w, _p, _t in members}),
        weight=sum(theme.weight for _w, _p, theme in members),
        projects=len(projects),
        languages=tuple(sorted(languages)),
    )


def card_counts(workshops: Iterable[WorkshopRecord]) -> list[CardCount]:
    """The cards used, most used first (the same text counts once per draw)."""
    times: Counter[tuple[str, str, tuple[tuple[str, str], ...]]] = Counter()
    where: dict[tuple[str, str, tuple[tuple[str, str], ...]], set[int]] = defaultdict(set)
    for workshop in workshops:
        for card in workshop.cards:
            key = (card.area_key, card.kind, tuple(sorted(card.text.items())))
            times[key] += 1
            where[key].add(workshop.id)
    counts = [
        CardCount(area, kind, dict(text), n, len(where[(area, kind, text)]))
        for (area, kind, text), n in times.items()
    ]
    return sorted(counts, key=lambda c: (-c.times, -c.workshops, c.area_key, c.kind))


# --- the programme ----------------------------------------------------------------------


def _mean_of_enough(values: Sequence[float]) -> float | None:
    """The mean of one figure per project, withheld below MIN_PROJECTS projects."""
    return statistics.fmean(values) if len(values) >= MIN_PROJECTS else None


def programme_view(
    views: Sequence[ProjectView],
    workshops: Iterable[WorkshopRecord],
    area_order: Sequence[str],
) -> ProgrammeView:
    """All projects in aggregate: where they stand lowest (the mean of each project's
    latest shown scan), where they move most (first to latest), themes across workshops."""
    every = {w.id: w for w in workshops}
    latest_means: dict[str, list[float]] = defaultdict(list)
    answers: Counter[str] = Counter()
    changes: dict[str, list[float]] = defaultdict(list)
    for view in views:
        newest = view.latest or view.first
        if newest is None:
            continue
        for key, area in newest.profiles.items():
            if area.shown and area.mean is not None:
                latest_means[key].append(area.mean)
                answers[key] += area.answers
        for row in view.areas:
            if row.change is not None:
                changes[row.key].append(row.change)
    titles = _titles(every.values())
    keys = [k for k in area_order if k in latest_means]
    keys += sorted(set(latest_means) - set(area_order))
    areas = tuple(
        ProgrammeArea(
            key=key,
            titles=titles.get(key, {}),
            projects=len(latest_means[key]),
            answers=answers[key],
            mean=_mean_of_enough(latest_means[key]),
            moved_projects=len(changes[key]),
            mean_change=_mean_of_enough(changes[key]),
        )
        for key in keys
    )
    shown = [a for a in areas if a.shown]
    languages: Counter[str] = Counter()
    for workshop in every.values():
        languages.update(workshop.languages)
    return ProgrammeView(
        projects=len(views),
        workshops=len(every),
        scanned_projects=sum(1 for v in views if v.scans),
        areas=areas,
        lowest=tuple(sorted(shown, key=lambda a: (a.mean, a.key))),
        moving=tuple(
            sorted(
                (a for a in shown if a.mean_change is not None),
                key=lambda a: (-abs(a.mean_change or 0.0), a.key),
            )
        ),
        themes=tuple(theme_counts((w, None) for w in every.values())[: TOP_THEMES * 2]),
        languages=dict(sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))),
    )
