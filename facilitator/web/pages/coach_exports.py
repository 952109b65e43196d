"""A coach's exports over HTTP: a project's coaching sheet at /o/projects/<id>/exports and
the programme's learnings at /o/programme/exports (start one, poll it, list them,
download the file), answered as JSON for `static/js/exports.js`.

Only a logged-in organiser; a project's sheet only by its coach (another coach's project
or job does not exist for them: 404). The work is in `web/jobs/coach_exports.py`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import get_locale
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from facilitator.errors import DomainError
from facilitator.organise.projects import coached_project
from facilitator.store.models import ExportJob, User
from facilitator.web.i18n import error_message
from facilitator.web.jobs import coach_exports, exports
from facilitator.web.pages.common import unit_of_work
from facilitator.web.pages.exports import send_export
from facilitator.web.pages.organiser import _current_user

bp = Blueprint("coach_exports", __name__)


class _Refused(Exception):
    def __init__(self, code: str, status: int) -> None:
        super().__init__(code)
        self.code, self.status = code, status


@bp.errorhandler(_Refused)
def _refused(exc: _Refused) -> tuple[Response, int]:
    return jsonify({"ok": False, "error": exc.code, "message": error_message(exc.code)}), exc.status


@bp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _coach(session: Session, project_id: int | None) -> User:
    """The logged-in organiser; with a project, only its coach."""
    user = _current_user(session)
    if user is None:
        raise _Refused("unauthorized", 403)
    if project_id is not None:
        try:
            coached_project(session, user.id, project_id)
        except DomainError:
            raise _Refused("unknown_project", 404) from None
    return user


def _kind(project_id: int | None) -> str:
    return coach_exports.SHEET if project_id is not None else coach_exports.PROGRAMME


def _job(session: Session, user: User, project_id: int | None, job_id: int) -> ExportJob:
    job = session.get(ExportJob, job_id)
    ours = job is not None and job.owner_id == user.id and job.kind == _kind(project_id)
    if ours and project_id is not None:
        ours = (job.options or {}).get("project") == str(project_id)  # type: ignore[union-attr]
    if not ours:
        raise _Refused("unknown_export", 404)
    return job  # type: ignore[return-value]


def _view(job: ExportJob, project_id: int | None) -> dict[str, Any]:
    shown = exports.job_view(job, "")
    if shown["download_url"]:
        shown["download_url"] = _url("download", project_id, job_id=job.id)
    shown["message"] = error_message(job.error) if job.error else None
    return shown


def _url(action: str, project_id: int | None, **values: Any) -> str:
    if project_id is None:
        return url_for(f"coach_exports.programme_{action}", **values)
    return url_for(f"coach_exports.sheet_{action}", project_id=project_id, **values)


def _start(project_id: int | None) -> tuple[Response, int]:
    with unit_of_work() as session:
        user_id = _coach(session, project_id).id
    body = request.get_json(silent=True) if request.is_json else None
    options = body.get("options", {}) if isinstance(body, dict) else dict(request.form)
    if isinstance(options, dict):
        options = {k: v for k, v in options.items() if k != "csrf_token"}
    if isinstance(body, dict) and body.get("kind") not in (None, _kind(project_id)):
        return _refused(_Refused("bad_export", 400))
    try:
        job = coach_exports.start(
            current_app._get_current_object(),  # type: ignore[attr-defined]
            user_id,
            _kind(project_id),
            options,
            str(get_locale() or "en"),
            project_id or 0,
        )
    except DomainError as exc:
        return _refused(_Refused(exc.code, 400))
    return jsonify(_view(job, project_id)), 202


def _index(project_id: int | None) -> Response:
    with unit_of_work() as session:
        user = _coach(session, project_id)
        jobs = coach_exports.list_jobs(session, user.id, _kind(project_id), project_id or 0)
        return jsonify({"jobs": [_view(job, project_id) for job in jobs]})


def _show(project_id: int | None, job_id: int) -> Response:
    with unit_of_work() as session:
        user = _coach(session, project_id)
        return jsonify(_view(_job(session, user, project_id, job_id), project_id))


def _download(project_id: int | None, job_id: int) -> Response | tuple[Response, int]:
    with unit_of_work() as session:
        user = _coach(session, project_id)
        job = _job(session, user, project_id, job_id)
        path = coach_exports.export_path(current_app._get_current_object(), job)  # type: ignore[attr-defined]
        if path is None:
            status = 409 if job.status in exports.ACTIVE else 404
            return _refused(_Refused("export_not_ready", status))
    return send_export(path, coach_exports.MIMETYPES)


@bp.post("/projects/<int:project_id>/exports")
def sheet_create(project_id: int) -> tuple[Response, int]:
    """Start the project's coaching sheet (PDF); the same one under way is returned."""
    return _start(project_id)


@bp.get("/projects/<int:project_id>/exports")
def sheet_index(project_id: int) -> Response:
    return _index(project_id)


@bp.get("/projects/<int:project_id>/exports/<int:job_id>")
def sheet_show(project_id: int, job_id: int) -> Response:
    return _show(project_id, job_id)


@bp.get("/projects/<int:project_id>/exports/<int:job_id>/download")
def sheet_download(project_id: int, job_id: int) -> Response | tuple[Response, int]:
    return _download(project_id, job_id)


@bp.post("/programme/exports")
def programme_create() -> tuple[Response, int]:
    """Start the programme's learnings (PDF or CSV)."""
    return _start(None)


@bp.get("/programme/exports")
def programme_index() -> Response:
    return _index(None)


@bp.get("/programme/exports/<int:job_id>")
def programme_show(job_id: int) -> Response:
    return _show(None, job_id)


@bp.get("/programme/exports/<int:job_id>/download")
def programme_download(job_id: int) -> Response | tuple[Response, int]:
    return _download(None, job_id)
