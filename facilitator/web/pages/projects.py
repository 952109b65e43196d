"""A coach's neighbourhood projects at /o/projects: list, new, edit, delete; linking a workshop
to them (/o/w/<code>/projects); the coach's portfolio (/o/portfolio: projects side by
side; /o/projects/<id>: one project over time) and the programme view (/o/programme:
every project, in aggregate only).

Thin views over `organise/projects.py`. Another coach's project is a 404: its existence
is not theirs to learn.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import get_locale, gettext
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from facilitator.coaching.cards import text_in
from facilitator.coaching.portfolio import MIN_PROJECTS
from facilitator.coaching.selfscan import MIN_ANSWERS
from facilitator.errors import DomainError
from facilitator.exports.dates import medium_date
from facilitator.organise import portfolio, projects
from facilitator.store.models import Project, User
from facilitator.web.i18n import LANGUAGE_NAMES, error_message
from facilitator.web.jobs.backfill import MeaningsReader
from facilitator.web.jobs.coach_exports import forget_project_sheets, themes_and_meanings
from facilitator.web.pages.common import render_screen, unit_of_work
from facilitator.web.pages.organiser import _owned, _refused, _require_user

bp = Blueprint("projects", __name__)


def _own_project(session: Session, user: User, project_id: int) -> Project:
    try:
        return projects.coached_project(session, user.id, project_id)
    except DomainError:
        abort(404)


def _form_fields() -> tuple[str, str, list[str]]:
    form = request.form
    return form.get("name", ""), form.get("municipality", ""), form.getlist("languages")


@bp.get("/projects")
def project_list() -> tuple[str, int]:
    """The coach's projects and the way to add one."""
    with unit_of_work() as session:
        user = _require_user(session)
        return render_screen(
            "organiser/projects.html",
            user=user,
            projects=projects.coached_projects(session, user.id),
            language_names=LANGUAGE_NAMES,
        )


def _form_page(
    user: User, project: Project | None, status: int = 200, **context: Any
) -> tuple[str, int]:
    values = {
        "name": project.name if project else "",
        "municipality": project.municipality if project else "",
        "languages": projects.project_languages(project) if project else ["nl"],
    }
    return render_screen(
        "organiser/project_form.html",
        status,
        user=user,
        project=project,
        values=context.pop("values", values),
        languages=projects.LANGUAGES,
        language_names=LANGUAGE_NAMES,
        limits=projects,
        **context,
    )


def _typed_values() -> dict[str, Any]:
    name, municipality, languages = _form_fields()
    return {"name": name, "municipality": municipality, "languages": languages}


@bp.get("/projects/new")
def new_project() -> tuple[str, int]:
    with unit_of_work() as session:
        return _form_page(_require_user(session), None)


@bp.post("/projects/new")
def create_project() -> Response | tuple[str, int]:
    with unit_of_work() as session:
        user = _require_user(session)
        try:
            projects.create_project(session, user.id, *_form_fields())
        except DomainError as exc:
            session.rollback()
            error = error_message(exc.code)
            return _form_page(user, None, 400, error=error, values=_typed_values())
    flash(gettext("Project added. Link it to its workshops on each workshop's page."))
    return redirect(url_for("projects.project_list"))


@bp.get("/projects/<int:project_id>/edit")
def edit_project(project_id: int) -> tuple[str, int]:
    with unit_of_work() as session:
        user = _require_user(session)
        return _form_page(user, _own_project(session, user, project_id))


@bp.post("/projects/<int:project_id>/edit")
def save_project(project_id: int) -> Response | tuple[str, int]:
    with unit_of_work() as session:
        user = _require_user(session)
        project = _own_project(session, user, project_id)
        try:
            projects.update_project(session, project, *_form_fields())
        except DomainError as exc:
            session.rollback()
            project = _own_project(session, user, project_id)
            return _form_page(
                user, project, 400, error=error_message(exc.code), values=_typed_values()
            )
    flash(gettext("Saved."))
    return redirect(url_for("projects.project_list"))


@bp.get("/projects/<int:project_id>/delete")
def delete_confirm(project_id: int) -> tuple[str, int]:
    """Ask before deleting: what stays (the workshops) and what is cleared."""
    with unit_of_work() as session:
        user = _require_user(session)
        project = _own_project(session, user, project_id)
        ties = projects.project_ties(session, project.id)
        return render_screen("organiser/project_delete.html", user=user, project=project, ties=ties)


@bp.post("/projects/<int:project_id>/delete")
def delete_submit(project_id: int) -> Response | tuple[str, int]:
    """Delete the project; a second send (the project is gone already) says so, as does
    another coach's project, whose existence is not this coach's to learn."""
    with unit_of_work() as session:
        user = _require_user(session)
        try:
            project = projects.coached_project(session, user.id, project_id)
        except DomainError:
            message = error_message("project_gone")
            return render_screen("organiser/project_gone.html", 404, user=user, message=message)
        name = project.name
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        sheets = forget_project_sheets(app, session, user.id, project.id)
        projects.delete_project(session, project)
    for sheet in sheets:  # only once the deletion is committed
        sheet.unlink(missing_ok=True)
    flash(gettext("The project “%(name)s” is deleted. Its workshops stay.", name=name))
    return redirect(url_for("projects.project_list"))


@bp.post("/w/<code>/projects")
def link_workshop(code: str) -> Response | tuple[str, int]:
    """The workshop takes part for the ticked projects of its organiser."""
    with unit_of_work() as session:
        user, workshop = _owned(session, code)
        try:
            projects.link_workshop(session, workshop, user.id, request.form.getlist("projects"))
        except DomainError as exc:
            return _refused(session, user, code, exc)
        code = workshop.join_code
    flash(gettext("Saved."))
    return redirect(url_for("organiser.workshop", code=code) + "#projects-title")


# --- the portfolio and the programme --------------------------------------------------------


def _language() -> str:
    return str(get_locale() or "en")


def _walls() -> tuple[portfolio.Harvests, MeaningsReader]:
    """What the walls found, and the reader that asks for the missing meanings (its
    `still_reading` is what the page tells, once the view is made)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    reader = MeaningsReader(app)
    return themes_and_meanings(app, reader), reader


def _chart_context(reader: MeaningsReader) -> dict[str, Any]:
    language = _language()
    return {
        "still_reading": reader.still_reading(),
        "text_in": text_in,
        "day": lambda iso: medium_date(iso, language),
        "min_answers": MIN_ANSWERS,
        "min_projects": MIN_PROJECTS,
        "language": language,
    }


@bp.get("/portfolio")
def coach_portfolio() -> tuple[str, int]:
    """The coach's projects side by side: self-scan first vs latest, themes, counts."""
    with unit_of_work() as session:
        user = _require_user(session)
        walls, reader = _walls()
        views = portfolio.coach_portfolio(session, user.id, _language(), walls)
        return render_screen(
            "organiser/portfolio.html", user=user, views=views, **_chart_context(reader)
        )


@bp.get("/projects/<int:project_id>")
def project_page(project_id: int) -> tuple[str, int]:
    """One project over time: its self-scans, and every workshop it took part in."""
    with unit_of_work() as session:
        user = _require_user(session)
        walls, reader = _walls()
        try:
            view = portfolio.one_project(session, user.id, project_id, _language(), walls)
        except DomainError:
            abort(404)
        return render_screen(
            "organiser/project.html", user=user, view=view, **_chart_context(reader)
        )


@bp.get("/programme")
def programme_page() -> tuple[str, int]:
    """Every project of the programme in aggregate: where projects stand lowest and move
    most, and the themes that came up across workshops and languages."""
    with unit_of_work() as session:
        user = _require_user(session)
        walls, reader = _walls()
        view = portfolio.programme(session, _language(), walls)
        return render_screen(
            "organiser/programme.html",
            user=user,
            view=view,
            language_names=LANGUAGE_NAMES,
            **_chart_context(reader),
        )
