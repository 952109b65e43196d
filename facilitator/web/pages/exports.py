"""Export jobs over HTTP at /x: start one, poll it, list them, download the file.

Only the workshop's organiser (its owner, logged in at /o) and its facilitators may;
participants, projectors and anyone else get a 403. The work is in `export_jobs`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, jsonify, request, send_file
from flask_babel import get_locale
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from facilitator.cafe.workshops import get_by_code
from facilitator.errors import DomainError
from facilitator.organise.users import get_user
from facilitator.store.models import ExportJob, Workshop
from facilitator.web.auth import FACILITATOR, ORGANISER_COOKIE, read_organiser_token
from facilitator.web.i18n import error_message
from facilitator.web.jobs import exports as export_jobs
from facilitator.web.pages.common import caller_in, unit_of_work

bp = Blueprint("exports", __name__)


def _refuse(code: str, status: int) -> tuple[Response, int]:
    return jsonify({"ok": False, "error": code, "message": error_message(code)}), status


class _Refused(Exception):
    def __init__(self, code: str, status: int) -> None:
        super().__init__(code)
        self.code, self.status = code, status


@bp.errorhandler(_Refused)
def _refused(exc: _Refused) -> tuple[Response, int]:
    return _refuse(exc.code, exc.status)


@bp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _allowed_workshop(session: Session, code: str) -> Workshop:
    """The workshop of the code, if the caller is its owner or one of its facilitators."""
    if len(code) > 12:
        raise _Refused("unknown_workshop", 404)
    try:
        workshop = get_by_code(session, code)
    except DomainError:
        raise _Refused("unknown_workshop", 404) from None
    if caller_in(FACILITATOR, workshop) is not None:
        return workshop
    user_id = read_organiser_token(
        current_app.config["SECRET_KEY"],
        request.cookies.get(ORGANISER_COOKIE),
        current_app.config["ORGANISER_SESSION_MAX_AGE"],
    )
    if user_id is not None and workshop.owner_id == user_id and get_user(session, user_id):
        return workshop
    raise _Refused("unauthorized", 403)


def _job(session: Session, workshop: Workshop, job_id: int) -> ExportJob:
    job = session.get(ExportJob, job_id)
    if job is None or job.workshop_id != workshop.id:
        raise _Refused("unknown_export", 404)  # another workshop's job does not exist here
    return job


def _shown(job: ExportJob, code: str) -> dict[str, Any]:
    view = export_jobs.job_view(job, code)
    view["message"] = error_message(job.error) if job.error else None
    return view


def _request_fields() -> tuple[Any, Any]:
    """kind and options from JSON ({kind, options} or flat) or from a form (flat)."""
    body = request.get_json(silent=True) if request.is_json else None
    if isinstance(body, dict):
        options = body.get("options")
        if options is None:
            options = {k: v for k, v in body.items() if k not in ("kind", "csrf_token")}
        return body.get("kind"), options
    form = request.form
    return form.get("kind"), {k: v for k, v in form.items() if k not in ("kind", "csrf_token")}


@bp.post("/<code>/exports")
def create(code: str) -> tuple[Response, int]:
    """Start an export; the same export already under way is returned instead."""
    with unit_of_work() as session:
        workshop_id = _allowed_workshop(session, code).id
    kind, options = _request_fields()
    try:
        view = export_jobs.start_export(
            current_app._get_current_object(),  # type: ignore[attr-defined]
            workshop_id,
            kind,
            options,
            default_language=str(get_locale() or "en"),
        )
    except DomainError as exc:
        return _refuse(exc.code, 400)
    return jsonify(view | {"message": None}), 202


@bp.get("/<code>/exports")
def index(code: str) -> Response:
    """The workshop's newest exports."""
    with unit_of_work() as session:
        workshop = _allowed_workshop(session, code)
        jobs = export_jobs.list_jobs(session, workshop.id)
        return jsonify({"jobs": [_shown(job, workshop.join_code) for job in jobs]})


@bp.get("/<code>/exports/<int:job_id>")
def show(code: str, job_id: int) -> Response:
    """One job, for polling its progress."""
    with unit_of_work() as session:
        workshop = _allowed_workshop(session, code)
        return jsonify(_shown(_job(session, workshop, job_id), workshop.join_code))


@bp.get("/<code>/exports/<int:job_id>/download")
def download(code: str, job_id: int) -> Response | tuple[Response, int]:
    """The finished file, as an attachment under its own name."""
    with unit_of_work() as session:
        workshop = _allowed_workshop(session, code)
        job = _job(session, workshop, job_id)
        path = export_jobs.export_path(current_app._get_current_object(), job)  # type: ignore[attr-defined]
        if path is None:
            return _refuse("export_not_ready", 409 if job.status in export_jobs.ACTIVE else 404)
    return send_export(path, export_jobs.MIMETYPES)


def send_export(path: Path, mimetypes: Mapping[str, str]) -> Response:
    """A finished export file as an attachment under its own name."""
    ext = path.suffix.lstrip(".")
    response = send_file(
        path,
        mimetype=mimetypes.get(ext, "application/octet-stream"),
        as_attachment=True,
        download_name=path.name,
        max_age=0,
    )
    # The report is HTML with workshop text in it: never sniffed, never run from here.
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    return response
