"""The participant's screens: enter a code, join, and the table page."""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, request, url_for
from werkzeug.wrappers import Response

from facilitator.cafe.participants import JoinRequest, get_participant, join
from facilitator.cafe.workshops import get_by_code, normalise_code
from facilitator.config import ROLES
from facilitator.errors import DomainError
from facilitator.organise.projects import workshop_projects
from facilitator.web import ratelimit
from facilitator.web.auth import PARTICIPANT, Caller
from facilitator.web.i18n import LANGUAGE_NAMES, ROLE_LABELS, error_message
from facilitator.web.pages.common import (
    current_caller,
    error_page,
    render_screen,
    set_caller_cookie,
    unit_of_work,
    workshop_or_404,
)
from facilitator.web.pages.shared_device import device_people, people_view, remember_on_device

bp = Blueprint("participant", __name__)


@bp.get("/")
def index() -> tuple[str, int]:
    """Type the short code shown on the projector."""
    return render_screen("index.html")


@bp.get("/join")
def join_by_code() -> Response | tuple[str, int]:
    """The code form's target: go to that workshop's join page."""
    code = normalise_code(request.args.get("code", ""))[:12]
    if not code:
        return render_screen("index.html", 400, error=error_message("unknown_workshop"))
    with unit_of_work() as session:
        try:
            get_by_code(session, code)
        except DomainError:
            return render_screen("index.html", 404, error=error_message("unknown_workshop"))
    return redirect(url_for("participant.join_form", code=code))


def _join_page(session, workshop, status: int = 200, error: str | None = None, form=None):  # type: ignore[no-untyped-def]
    languages = workshop.languages.split(",")
    return render_screen(
        "join.html",
        status,
        workshop=workshop,
        languages=[(code, LANGUAGE_NAMES[code]) for code in languages],
        roles=[(role, ROLE_LABELS[role]) for role in ROLES],
        error=error,
        form=form or {},
        also_checked=form.getlist("also_speaks") if form else [],
        name_max=current_app.config["NAME_MAX_CHARS"],
        projects=workshop_projects(session, workshop.id),
    )


@bp.get("/j/<code>")
def join_form(code: str) -> Response | tuple[str, int]:
    """Pick a name, a language and a role; already joined phones go straight to their table."""
    with unit_of_work() as session:
        workshop = workshop_or_404(session, code)
        if current_caller(PARTICIPANT, workshop.join_code):
            return redirect(url_for("participant.table", code=workshop.join_code))
        return _join_page(session, workshop)


@bp.post("/j/<code>")
def join_submit(code: str) -> Response | tuple[str, int]:
    """Join the workshop and be seated; the phone keeps a signed cookie."""
    form = request.form
    with unit_of_work() as session:
        workshop = workshop_or_404(session, code)
        if current_caller(PARTICIPANT, workshop.join_code):
            return redirect(url_for("participant.table", code=workshop.join_code))
        key, per_minute = f"joins:{request.remote_addr}", current_app.config["JOINS_PER_MINUTE"]
        if not ratelimit.hit(current_app, key, per_minute):  # tests and counts at once
            return _join_page(session, workshop, 429, error_message("too_many_joins"), form)
        join_request = JoinRequest(
            language=form.get("language", ""),
            display_name=form.get("name"),
            role=form.get("role") or None,
            wants_to_host=form.get("host") == "yes",
            also_speaks=tuple(form.getlist("also_speaks")[:5]),
            near=_last_on_device(workshop.join_code) if form.get("shared") == "yes" else None,
            project=form.get("project") or None,
        )
        try:
            person, stored = join(
                session, workshop, join_request, current_app.config["NAME_MAX_CHARS"]
            )
        except DomainError as exc:
            session.rollback()
            if join_request.language in workshop.languages.split(","):
                g.locale = join_request.language  # answer in the language just picked
            limit = current_app.config["NAME_MAX_CHARS"] if exc.code == "name_too_long" else None
            return _join_page(session, workshop, 400, error_message(exc.code, limit), form)
        caller = Caller(PARTICIPANT, workshop.join_code, person.public_id)
    response = redirect(url_for("participant.table", code=caller.code))
    response.set_cookie(
        "lang", person.language, max_age=current_app.config["COOKIE_MAX_AGE"], samesite="Lax"
    )
    if form.get("shared") == "yes":  # a tablet or laptop that several people post from
        remember_on_device(response, caller.code, person.public_id)
    return set_caller_cookie(response, caller)


def _last_on_device(code: str) -> str | None:
    """Who joined last on this shared device: a newcomer on it sits at their table."""
    people = device_people(code)
    return people[-1] if people else None


@bp.get("/w/<code>")
def table(code: str) -> Response | tuple[str, int]:
    """The phone's main screen: your table, the question, the timer, the notes."""
    with unit_of_work() as session:
        workshop = workshop_or_404(session, code)
        caller = current_caller(PARTICIPANT, workshop.join_code)
        if caller is None:
            return redirect(url_for("participant.join_form", code=workshop.join_code))
        try:
            person = get_participant(session, workshop, caller.participant or "")
        except DomainError:
            return error_page("unknown_participant", 403)
        g.locale = person.language
        return render_screen(
            "participant.html",
            workshop=workshop,
            person_id=person.public_id,
            note_max=current_app.config["NOTE_MAX_CHARS"],
            device_people=people_view(session, workshop, person.public_id),
        )
