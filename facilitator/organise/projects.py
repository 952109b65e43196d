"""Neighbourhood projects and their coaches, and the workshops that took part for them.

No Flask here. A project belongs to the organiser account that created it: that account
is its coach. The app has no administrators: whoever runs the server hands a project to
another coach on the command line (`facilitator set-coach`, `hand_over`). A coach sees
and changes only their own projects; another coach's project is unknown to them, as if
it did not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from facilitator.errors import DomainError
from facilitator.organise.users import normalise_username
from facilitator.store.models import Participant, Project, User, Workshop, WorkshopProject

LANGUAGES = ("nl", "fr", "en")
NAME_MAX = 120
MUNICIPALITY_MAX = 120
MAX_PER_WORKSHOP = 20  # a workshop for a whole region serves a few projects, not dozens


def _one_line(raw: object, limit: int, code: str) -> str:
    """A typed line: text, spaces trimmed, at most `limit` characters, no line breaks."""
    if not isinstance(raw, str):
        raise DomainError(code)
    text = " ".join(raw.split())
    if len(text) > limit:
        raise DomainError(code)
    return text


def checked_fields(name: object, municipality: object, languages: object) -> tuple[str, str, str]:
    """The form's name, municipality and languages, checked: (name, municipality, "nl,fr")."""
    clean_name = _one_line(name, NAME_MAX, "bad_project_name")
    if not clean_name:
        raise DomainError("bad_project_name")
    clean_place = _one_line(municipality, MUNICIPALITY_MAX, "bad_municipality")
    if not isinstance(languages, (list, tuple)) or not all(isinstance(x, str) for x in languages):
        raise DomainError("bad_project_languages")
    if not languages or any(lang not in LANGUAGES for lang in languages):
        raise DomainError("bad_project_languages")
    return clean_name, clean_place, ",".join(lang for lang in LANGUAGES if lang in languages)


def create_project(
    session: Session, coach_id: int, name: object, municipality: object, languages: object
) -> Project:
    """A new project, coached by the organiser who creates it."""
    clean_name, place, langs = checked_fields(name, municipality, languages)
    project = Project(name=clean_name, municipality=place, languages=langs, coach_id=coach_id)
    session.add(project)
    session.flush()
    return project


def update_project(
    session: Session, project: Project, name: object, municipality: object, languages: object
) -> None:
    """Change a project's name, municipality and languages (all checked before any is set)."""
    project.name, project.municipality, project.languages = checked_fields(
        name, municipality, languages
    )
    session.flush()


def hand_over(session: Session, project_id: int, username: str) -> tuple[Project, User]:
    """Make the organiser of this username the project's coach (a coach who leaves the
    programme hands their projects on); the workshops stay linked."""
    project = session.get(Project, project_id)
    if project is None:
        raise DomainError("unknown_project")
    name = normalise_username(username)
    coach = session.scalar(select(User).where(User.username == name))
    if coach is None:
        raise DomainError("unknown_user")
    project.coach_id = coach.id
    session.flush()
    return project, coach


def coached_projects(session: Session, coach_id: int) -> list[Project]:
    """A coach's projects by name."""
    query = select(Project).where(Project.coach_id == coach_id).order_by(Project.name, Project.id)
    return list(session.scalars(query))


def coached_project(session: Session, coach_id: int, project_id: int) -> Project:
    """One of this coach's projects; another coach's project is unknown to them."""
    found = session.get(Project, project_id)
    if found is None or found.coach_id != coach_id:
        raise DomainError("unknown_project")
    return found


@dataclass(frozen=True)
class ProjectTies:
    """What deleting a project touches: its workshops (they stay) and the participants
    who said they came from it (their answer is cleared)."""

    workshops: int
    participants: int


def project_ties(session: Session, project_id: int) -> ProjectTies:
    """How many workshops took part for the project and how many participants chose it."""
    workshops = select(func.count()).where(WorkshopProject.project_id == project_id)
    people = select(func.count(Participant.id)).where(Participant.project_id == project_id)
    return ProjectTies(session.scalar(workshops) or 0, session.scalar(people) or 0)


def delete_project(session: Session, project: Project) -> ProjectTies:
    """Delete the project: its workshops stay but no longer take part for it, and the
    participants who chose it no longer have a project. Done here, not left to the
    foreign keys' ON DELETE, so that it reads the same on every database."""
    ties = project_ties(session, project.id)
    session.execute(
        update(Participant).where(Participant.project_id == project.id).values(project_id=None)
    )
    session.execute(delete(WorkshopProject).where(WorkshopProject.project_id == project.id))
    session.delete(project)
    session.flush()
    return ties


def project_languages(project: Project) -> list[str]:
    return [lang for lang in project.languages.split(",") if lang]


def workshop_projects(session: Session, workshop_id: int) -> list[Project]:
    """The projects a workshop took part for, by name."""
    query = (
        select(Project)
        .join(WorkshopProject, WorkshopProject.project_id == Project.id)
        .where(WorkshopProject.workshop_id == workshop_id)
        .order_by(Project.name, Project.id)
    )
    return list(session.scalars(query))


def _project_ids(raw: Iterable[object]) -> set[int]:
    ids = set()
    for value in raw:
        if not isinstance(value, str) or not value.isascii() or not value.isdigit():
            raise DomainError("unknown_project")
        if len(value) > 12:
            raise DomainError("unknown_project")
        ids.add(int(value))
    return ids


def link_workshop(
    session: Session, workshop: Workshop, coach_id: int, chosen: Sequence[object]
) -> list[Project]:
    """Make the workshop take part for exactly these of the coach's projects (ids as sent
    by the form). Links to another coach's projects, made by that coach, are kept."""
    ids = _project_ids(chosen)
    if len(ids) > MAX_PER_WORKSHOP:
        raise DomainError("too_many_projects", limit=MAX_PER_WORKSHOP)
    mine = {p.id for p in coached_projects(session, coach_id)}
    if not ids <= mine:
        raise DomainError("unknown_project")
    session.execute(
        delete(WorkshopProject).where(
            WorkshopProject.workshop_id == workshop.id,
            WorkshopProject.project_id.in_(mine - ids),
        )
    )
    linked = {p.id for p in workshop_projects(session, workshop.id)}
    for project_id in sorted(ids - linked):
        session.add(WorkshopProject(workshop_id=workshop.id, project_id=project_id))
    session.flush()
    return workshop_projects(session, workshop.id)
