"""Helpers the blueprints share: the database scope, cookies, links and page texts."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy.orm import Session

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
