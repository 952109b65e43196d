"""Helpers the blueprints share: the database scope, cookies, links and page texts."""

from __future__ import annotations

from typing import Any

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from facilitator.cafe.workshops import get_by_code, normalise_code, secret_matches
from facilitator.errors import DomainError
from facilitator.store.models import Workshop
from facilitator.web.auth import (
    Caller,
    caller_from_cookies,
    cookie_name,
    grant_of,
    issue_token,
    still_granted,
)
from facilitator.web.i18n import error_message, js_strings
from facilitator.web.work import unit_of_work


def workshop_or_404(session: Session, code: str) -> Workshop:
    """The workshop of a URL's code, or a friendly 404 page."""
    if len(code) > 12:
        abort(404)
    try:
        return get_by_code(session, code)
    except DomainError:
        abort(404)


def current_caller(role: str, code: str) -> Caller | None:
    """The caller of this request for a role and workshop code, from its cookie alone."""
    return caller_from_cookies(current_app.config["SECRET_KEY"], request.cookies, role, code)


def caller_in(role: str, workshop: Workshop) -> Caller | None:
    """The caller of a role in this workshop, if its cookie is genuine and, for staff,
    comes from the workshop's current secret link."""
    caller = current_caller(role, workshop.join_code)
    if caller is None or not still_granted(caller, workshop):
        return None
    return caller


def set_caller_cookie(response: Response, caller: Caller) -> Response:
    """Remember the caller in a signed, HttpOnly cookie scoped to its workshop."""
    response.set_cookie(
        cookie_name(caller.role, caller.code),
        issue_token(current_app.config["SECRET_KEY"], caller),
        max_age=current_app.config["COOKIE_MAX_AGE"],
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def open_staff_link(role: str, code: str, secret: str, hash_attr: str, endpoint: str) -> Response:
    """Trade a secret link for a cookie and a clean URL without the secret."""
    with unit_of_work() as session:
        workshop = workshop_or_404(session, code)
        if len(secret) > 64 or not secret_matches(secret, getattr(workshop, hash_attr)):
            abort(403)
        code, grant = workshop.join_code, grant_of(getattr(workshop, hash_attr))
    response = redirect(url_for(endpoint, code=code))
    return set_caller_cookie(response, Caller(role, code, grant=grant))


def join_url(code: str) -> str:
    """The address phones open, on the venue's network when the server knows it."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return f"{base.rstrip('/')}/j/{normalise_code(code)}"


def render_screen(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """Render a page with the texts its script needs."""
    return render_template(template, js_strings=js_strings(), **context), status


def error_page(code: str, status: int) -> tuple[str, int]:
    """A page that says in the reader's language what went wrong."""
    return render_screen("error.html", status, message=error_message(code))


# The status pages people may meet: a heading and a sentence each, in their language.
STATUS_TEXTS = {
    403: (
        lazy_gettext("This link does not open this page"),
        lazy_gettext("The link is wrong or has been replaced. Ask the organiser for the new link."),
    ),
    404: (
        lazy_gettext("Page not found"),
        lazy_gettext("There is no page at this address. Check the link or the workshop code."),
    ),
    500: (
        lazy_gettext("Something broke on our side"),
        lazy_gettext("The server could not show this page. Please try again in a moment."),
    ),
}
JSON_PREFIXES = ("/api/", "/socket.io", "/photos/", "/exports/")


def status_page(exc: Exception) -> tuple[Response | str, int]:
    """403/404/500 in the app's look (JSON for machine paths); never a traceback."""
    status = exc.code if isinstance(exc, HTTPException) and exc.code else 500
    heading, sentence = STATUS_TEXTS.get(status, STATUS_TEXTS[500])
    if (
        request.path.startswith(JSON_PREFIXES)
        or request.accept_mimetypes.best == "application/json"
    ):
        return jsonify({"ok": False, "error": status, "message": str(sentence)}), status
    way_on = "organiser.login" if request.path.startswith("/o/") else "participant.index"
    return render_screen(
        "error.html", status, heading=str(heading), message=str(sentence), way_on=way_on
    )


def register_status_pages(app: Flask) -> None:
    """App-wide handlers, so every blueprint's abort() reads the same way."""
    for status in STATUS_TEXTS:
        app.register_error_handler(status, status_page)
