"""Tablecloth photos: upload from a phone at the table, and the images for every screen.

The upload is checked and re-encoded in a worker process (never in the hub); a resend
of the same client-made id gets the stored photo back without any image work.
"""

from __future__ import annotations

import functools
from typing import Any

from flask import Blueprint, abort, current_app, g, jsonify, request, send_file
from flask_wtf.csrf import validate_csrf
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response
from wtforms.validators import ValidationError

from facilitator.cafe import notes, tablecloths
from facilitator.cafe.participants import get_participant
from facilitator.cafe.photos import process_photo
from facilitator.cafe.text import ascii_number
from facilitator.errors import DomainError
from facilitator.store.models import Contribution, Participant, Workshop
from facilitator.web.auth import FACILITATOR, PARTICIPANT, PROJECTOR
from facilitator.web.extensions import csrf, socketio
from facilitator.web.i18n import error_message
from facilitator.web.jobs import offload
from facilitator.web.pages.common import caller_in, unit_of_work, workshop_or_404

bp = Blueprint("photos", __name__)

FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the small fields


def _refuse(code: str, status: int) -> tuple[Response, int]:
    return jsonify({"ok": False, "error": code, "message": error_message(code)}), status


@bp.post("/j/<code>/photos")
@csrf.exempt  # checked below, once the body may be larger than other forms' limit
def upload(code: str) -> tuple[Response, int]:
    """A phone sends its table's tablecloth photo (multipart: client_id, table, photo)."""
    limit = current_app.config["PHOTO_MAX_BYTES"]
    request.max_content_length = limit + FORM_OVERHEAD
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            validate_csrf(request.headers.get("X-CSRFToken"))
        except ValidationError:
            return _refuse("unauthorized", 400)
    with unit_of_work() as session:
        workshop = workshop_or_404(session, code)
        caller = caller_in(PARTICIPANT, workshop)
        if caller is None:
            return _refuse("unauthorized", 403)
        try:
            person = get_participant(session, workshop, caller.participant or "")
        except DomainError as exc:
            return _refuse(exc.code, 403)
        g.locale = person.language
    try:
        return _upload(workshop.id, person.id, limit)
    except RequestEntityTooLarge:
        return _refuse("photo_too_large", 413)
    except DomainError as exc:
        return _refuse(exc.code, 409 if exc.code == "client_id_taken" else 400)


def _upload(workshop_id: int, person_id: int, limit: int) -> tuple[Response, int]:
    client_id = notes.clean_client_id(request.form.get("client_id"))
    table = _table_number(request.form.get("table"))
    upload = request.files.get("photo")
    if upload is None:
        raise DomainError("not_an_image")
    with unit_of_work() as session:
        workshop, person = _rows(session, workshop_id, person_id)
        earlier = tablecloths.already_stored(session, workshop, person, client_id)
        if earlier is not None:
            return jsonify({"ok": True, "photo": earlier.note, "duplicate": True}), 200
        tablecloths.check_can_post(session, workshop, person, table)
    data = upload.read(limit + 1)
    processed = offload.run(
        socketio.sleep,
        current_app.config["OFFLOAD_WORKERS"],
        functools.partial(
            process_photo,
            max_bytes=limit,
            max_pixels=current_app.config["PHOTO_MAX_PIXELS"],
        ),
        data,
    )
    sessions_dir = current_app.config["SESSIONS_DIR"]
    with unit_of_work() as session:
        workshop, person = _rows(session, workshop_id, person_id)
        result = tablecloths.store_photo(
            session, workshop, person, client_id, table, processed, sessions_dir
        )
    return jsonify({"ok": True, "photo": result.note, "duplicate": result.duplicate}), 200


def _rows(session: Any, workshop_id: int, person_id: int) -> tuple[Workshop, Participant]:
    return session.get(Workshop, workshop_id), session.get(Participant, person_id)


def _table_number(raw: str | None) -> int:
    # ASCII digits only: "²" passes `isdigit` and then makes `int` raise (an HTTP 500).
    return ascii_number(raw, 6, "bad_request")


@bp.get("/j/<code>/photos/<int:photo_id>.jpg")
def image(code: str, photo_id: int) -> Response:
    """A photo (or `?size=thumb`) for the people of its workshop; hidden ones for staff only."""
    with unit_of_work() as session:
        workshop = workshop_or_404(session, code)
        facilitator = caller_in(FACILITATOR, workshop)
        viewer = facilitator or caller_in(PROJECTOR, workshop)
        viewer = viewer or caller_in(PARTICIPANT, workshop)
        if viewer is None:
            abort(403)
        photo = session.get(Contribution, photo_id)
        if photo is None or photo.workshop_id != workshop.id or photo.kind != "photo":
            abort(404)
        if photo.hidden and facilitator is None:
            abort(404)
        workshop_id = workshop.id
    thumb = request.args.get("size") == "thumb"
    path = tablecloths.photo_file(current_app.config["SESSIONS_DIR"], workshop_id, photo_id, thumb)
    if not path.exists():
        abort(404)
    # Private: only people of the workshop may see it, so no shared caches.
    response = send_file(path, mimetype="image/jpeg", max_age=3600)
    response.cache_control.private = True
    return response
