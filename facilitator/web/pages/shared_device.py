"""A shared device: a tablet at a table or the facilitator's laptop where several people
post one after the other, each a participant of their own (so counts of people are right).

The device keeps the people who joined on it in a signed cookie of its own (`fs_<code>`);
switching to one of them sets the participant cookie to that person, and "someone else"
clears it and opens the join form again, ticked for a shared device."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from facilitator.cafe.participants import get_participant
from facilitator.errors import DomainError
from facilitator.store.models import Workshop
from facilitator.web.auth import PARTICIPANT, Caller, cookie_name
from facilitator.web.pages.common import (
    error_page,
    set_caller_cookie,
    unit_of_work,
    workshop_or_404,
)

bp = Blueprint("shared_device", __name__)

PEOPLE_MAX = 12  # people one device remembers; the oldest is forgotten first


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="facilitator.device")


def _device_cookie(code: str) -> str:
    return f"fs_{code}"


def device_people(code: str) -> list[str]:
    """The public ids of the people who joined on this device (none: not a shared one)."""
    token = request.cookies.get(_device_cookie(code))
    if not token:
        return []
    try:
        people = _serializer().loads(token)
    except BadSignature:
        return []
    return [p for p in people if isinstance(p, str)] if isinstance(people, list) else []


def remember_on_device(response: Response, code: str, public_id: str) -> Response:
    """Add someone to this device's people (joining with "shared device" ticked)."""
    people = [p for p in device_people(code) if p != public_id] + [public_id]
    response.set_cookie(
        _device_cookie(code),
        _serializer().dumps(people[-PEOPLE_MAX:]),
        max_age=current_app.config["COOKIE_MAX_AGE"],
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def people_view(session, workshop: Workshop, current: str | None) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """The device's people as its switch lists them: name, id, whether it is them now."""
    people = []
    for public_id in device_people(workshop.join_code):
        try:
            person = get_participant(session, workshop, public_id)
        except DomainError:
            continue  # removed meanwhile
        if person.presence != "left":
            name = person.display_name or ""
            people.append({"id": public_id, "name": name, "current": public_id == current})
    return people


@bp.post("/j/<code>/device/new")
def someone_else(code: str) -> Response | tuple[str, int]:
    """ "I'm someone else": the join form again; the people before stay on the device."""
    with unit_of_work() as session:
        workshop = workshop_or_404(session, code)
        if not device_people(workshop.join_code):
            return error_page("unauthorized", 403)
        response = redirect(url_for("participant.join_form", code=workshop.join_code, shared=1))
    response.delete_cookie(cookie_name(PARTICIPANT, workshop.join_code))
    return response


@bp.post("/j/<code>/device/<public_id>")
def switch_to(code: str, public_id: str) -> Response | tuple[str, int]:
    """Post as one of the people who joined on this device."""
    with unit_of_work() as session:
        workshop = workshop_or_404(session, code)
        if public_id not in device_people(workshop.join_code):
            return error_page("unauthorized", 403)
        caller = Caller(PARTICIPANT, workshop.join_code, public_id)
    return set_caller_cookie(redirect(url_for("participant.table", code=caller.code)), caller)
