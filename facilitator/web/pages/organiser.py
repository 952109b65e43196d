"""The organiser's screens at /o: log in, list, create, edit, open and close, invite, delete.

Thin views: the work is in `users` and `workshop_admin`. Every workshop page checks that
the logged-in organiser owns the workshop; an unknown code is a 404, another organiser's
workshop a 403.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    request,
    url_for,
)
from flask_babel import get_locale, gettext, lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from facilitator.coaching import cards
from facilitator.errors import DomainError
from facilitator.organise import admin as workshop_admin
from facilitator.organise.demo import template as caring_template
from facilitator.organise.projects import coached_projects, workshop_projects
from facilitator.organise.users import authenticate, get_user
from facilitator.store.models import Participant, User, Workshop
from facilitator.web import ratelimit
from facilitator.web.auth import ORGANISER_COOKIE, issue_organiser_token, read_organiser_token
from facilitator.web.i18n import LANGUAGE_NAMES, error_message
from facilitator.web.pages.common import (
    error_page,
    join_url,
    render_screen,
    unit_of_work,
    workshop_or_404,
)
from facilitator.web.pages.projector import qr_svg
from facilitator.web.sockets.core import revoke_grant

bp = Blueprint("organiser", __name__)


PHASE_KINDS = {
    "welcome": lazy_gettext("Welcome"),
    "presentation": lazy_gettext("Presentation"),
    "coaching": lazy_gettext("Coaching tool (cards and self-scan)"),
    "cafe": lazy_gettext("World Café (rounds)"),
    "plenary": lazy_gettext("Plenary"),
    "conclusion": lazy_gettext("Conclusion"),
}
STATUS_LABELS = {
    "draft": lazy_gettext("Draft"),
    "open": lazy_gettext("Open"),
    "running": lazy_gettext("Running"),
    "closed": lazy_gettext("Closed"),
}
STATUS_HELP = {
    "draft": lazy_gettext("Only you see it. Open it when the agenda is ready."),
    "open": lazy_gettext("People can join with the code; the facilitator can run it."),
    "running": lazy_gettext("The workshop is under way."),
    "closed": lazy_gettext("Nobody can join any more. The data stays until you delete it."),
}
STATUS_ACTIONS = {
    ("draft", "open"): lazy_gettext("Open the workshop"),
    ("open", "closed"): lazy_gettext("Close the workshop"),
    ("running", "closed"): lazy_gettext("Close the workshop"),
    ("closed", "open"): lazy_gettext("Open it again"),
}
TEMPLATES = ("caring", "blank", "copy")


# --- who is logged in --------------------------------------------------------------------


def _current_user(session: Session) -> User | None:
    user_id = read_organiser_token(
        current_app.config["SECRET_KEY"],
        request.cookies.get(ORGANISER_COOKIE),
        current_app.config["ORGANISER_SESSION_MAX_AGE"],
    )
    user = get_user(session, user_id) if user_id is not None else None
    g.organiser = user
    return user


def _require_user(session: Session) -> User:
    user = _current_user(session)
    if user is None:
        abort(redirect(url_for("organiser.login")))
    return user


def _forbidden() -> None:
    abort(make_response(error_page("unauthorized", 403)))


def _owned(session: Session, code: str) -> tuple[User, Workshop]:
    """The organiser and their workshop of this code; 404 if unknown, 403 if not theirs."""
    user = _require_user(session)
    workshop = workshop_or_404(session, code)
    if workshop.owner_id is None or workshop.owner_id != user.id:
        _forbidden()
    return user, workshop


@bp.after_request
def _private(response: Response) -> Response:
    """Never cache these pages (they may show a secret link); remember a chosen language."""
    response.headers["Cache-Control"] = "no-store"
    lang = request.args.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(
            "lang", lang, max_age=current_app.config["COOKIE_MAX_AGE"], samesite="Lax"
        )
    return response


# --- logging in and out ------------------------------------------------------------------


@bp.get("/login")
def login() -> Response | tuple[str, int]:
    with unit_of_work() as session:
        if _current_user(session) is not None:
            return redirect(url_for("organiser.workshops"))
    return render_screen("organiser/login.html")


@bp.post("/login")
def login_submit() -> Response | tuple[str, int]:
    """Check the password; attempts are limited per network address.

    Every attempt counts, before the password is checked: counting only failures
    afterwards let a burst of concurrent guesses all pass the check.
    """
    username = request.form.get("username", "")
    key = f"logins:{request.remote_addr}"
    per_minute = current_app.config["LOGINS_PER_MINUTE"]
    if not ratelimit.hit(current_app, key, per_minute):
        error = error_message("too_many_logins")
        return render_screen("organiser/login.html", 429, error=error, username=username)
    with unit_of_work() as session:
        user = authenticate(session, username, request.form.get("password", ""))
        user_id = user.id if user else None
    if user_id is None:
        error = error_message("login_failed")
        return render_screen("organiser/login.html", 400, error=error, username=username)
    response = redirect(url_for("organiser.workshops"))
    response.set_cookie(
        ORGANISER_COOKIE,
        issue_organiser_token(current_app.config["SECRET_KEY"], user_id),
        max_age=current_app.config["ORGANISER_SESSION_MAX_AGE"],
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.post("/logout")
def logout() -> Response:
    response = redirect(url_for("organiser.login"))
    response.delete_cookie(
        ORGANISER_COOKIE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


# --- the list and new workshops ----------------------------------------------------------


@bp.get("/")
def workshops() -> tuple[str, int]:
    """The organiser's own workshops, newest first."""
    with unit_of_work() as session:
        user = _require_user(session)
        mine = workshop_admin.owned_workshops(session, user.id)
        people = dict(
            session.execute(
                select(Participant.workshop_id, func.count(Participant.id))
                .where(Participant.workshop_id.in_([w.id for w in mine]))
                .group_by(Participant.workshop_id)
            ).all()
        )
        return render_screen(
            "organiser/list.html",
            user=user,
            workshops=mine,
            people=people,
            status_labels=STATUS_LABELS,
        )


def _new_page(session: Session, user: User, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_screen(
        "organiser/new.html",
        status,
        user=user,
        mine=workshop_admin.owned_workshops(session, user.id),
        caring=caring_template(),
        **context,
    )


@bp.get("/new")
def new() -> tuple[str, int]:
    with unit_of_work() as session:
        user = _require_user(session)
        copy_of = request.args.get("copy", "")
        return _new_page(session, user, source="copy" if copy_of else "caring", copy_of=copy_of)


@bp.post("/new")
def new_submit() -> Response | tuple[str, int]:
    """Create a draft workshop from a template or a copy of one of mine."""
    form = request.form
    source, title = form.get("source", ""), form.get("title", "").strip()
    with unit_of_work() as session:
        user = _require_user(session)
        if source == "caring":
            spec, default_title = copy.deepcopy(caring_template()), caring_template()["title"]
        elif source == "blank":
            spec, default_title = workshop_admin.blank_template(), gettext("New workshop")
        elif source == "copy":
            _user, original = _owned(session, form.get("copy_of", ""))
            spec = workshop_admin.workshop_spec(session, original)
            spec["held_on"] = ""  # a copy is for another day
            default_title = gettext("Copy of %(title)s", title=original.title)
        else:
            return _new_page(session, user, 400, error=error_message("bad_request"), source="")
        chosen = (title or default_title)[: workshop_admin.TITLE_MAX]
        try:
            links = workshop_admin.create_from_template(session, spec, user.id, chosen)
        except DomainError as exc:
            session.rollback()
            return _new_page(
                session, user, 400, error=error_message(exc.code), source=source, title=title
            )
    flash(gettext("Workshop created as a draft. Check the agenda, then open it."))
    return redirect(url_for("organiser.workshop", code=links.join_code))


# --- one workshop ------------------------------------------------------------------------


def _public_url(path: str) -> str:
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + path


def _workshop_page(
    session: Session,
    user: User,
    workshop: Workshop,
    spec: dict[str, Any] | None = None,
    status: int = 200,
    **context: Any,
) -> tuple[str, int]:
    url = join_url(workshop.join_code)
    spec = spec if spec is not None else workshop_admin.workshop_spec(session, workshop)
    shown = [lang for lang in workshop_admin.LANGUAGES if lang in (spec.get("languages") or [])]
    return render_screen(
        "organiser/workshop.html",
        status,
        user=user,
        workshop=workshop,
        spec=spec,
        text_languages=shown or list(workshop_admin.LANGUAGES),
        language_names=LANGUAGE_NAMES,
        phase_kinds=PHASE_KINDS,
        editable=workshop_admin.can_edit(session, workshop),
        started=workshop_admin.has_started(session, workshop),
        status_labels=STATUS_LABELS,
        status_help=STATUS_HELP,
        status_actions=[
            (to, STATUS_ACTIONS[(workshop.status, to)])
            for to in workshop_admin.allowed_statuses(workshop)
        ],
        people=_people(session, workshop),
        join_url=url,
        qr=qr_svg(url),
        lang_base=url_for("organiser.workshop", code=workshop.join_code),
        limits=workshop_admin,
        projects=coached_projects(session, user.id),
        linked={p.id for p in workshop_projects(session, workshop.id)},
        card_sets=_card_sets(session, user),
        **context,
    )


def _card_sets(session: Session, user: User) -> list[tuple[str, str]]:
    """The coaching phase's card sets to choose from: the default, then the organiser's."""
    lang = str(get_locale() or "en")
    # The shipped set said apart: a set started from it has the same name until edited.
    default = gettext("The shipped default set, as it is")
    mine = [(str(s.id), cards.text_in(s.name, lang)) for s in cards.owned_sets(session, user.id)]
    return [("", default), *mine]


def _refused(
    session: Session, user: User, code: str, exc: DomainError, spec: dict[str, Any] | None = None
) -> tuple[str, int]:
    """The workshop page again, saying why a change was refused (none of it is kept)."""
    session.rollback()
    found = workshop_or_404(session, code)
    return _workshop_page(
        session,
        user,
        found,
        spec,
        400,
        error=error_message(exc.code),
        error_field=exc.details.get("field", ""),
    )


@bp.get("/w/<code>")
def workshop(code: str) -> tuple[str, int]:
    with unit_of_work() as session:
        user, found = _owned(session, code)
        return _workshop_page(session, user, found)


@bp.post("/w/<code>")
def workshop_save(code: str) -> Response | tuple[str, int]:
    """Save the form, or add an empty agenda item or round to it (not saved yet)."""
    action = request.form.get("action", "save")
    with unit_of_work() as session:
        user, found = _owned(session, code)
        spec = workshop_admin.spec_from_form(request.form, request.form.getlist)
        if action == "add_phase" or action.startswith("add_round-"):
            if action == "add_phase":
                workshop_admin.add_phase(spec)
            else:
                index = action.removeprefix("add_round-")
                workshop_admin.add_round(
                    spec, int(index) if index.isascii() and index.isdigit() else -1
                )
            notice = gettext("Added to the form. Press “Save changes” to keep it.")
            return _workshop_page(session, user, found, spec, notice=notice)
        try:
            workshop_admin.update_workshop(session, found, spec)
        except DomainError as exc:
            return _refused(session, user, code, exc, spec)
        code = found.join_code
    flash(gettext("Saved."))
    return redirect(url_for("organiser.workshop", code=code))


@bp.post("/w/<code>/status")
def workshop_status(code: str) -> Response | tuple[str, int]:
    """Open, close or re-open the workshop."""
    with unit_of_work() as session:
        user, found = _owned(session, code)
        try:
            workshop_admin.set_status(session, found, request.form.get("to", ""))
        except DomainError as exc:
            return _refused(session, user, code, exc)
        flash(gettext("The workshop is now: %(status)s.", status=STATUS_LABELS[found.status]))
        code = found.join_code
    return redirect(url_for("organiser.workshop", code=code))


@bp.post("/w/<code>/invite")
def invite(code: str) -> tuple[str, int]:
    """A new facilitator link, shown on this one response only (its hash is stored)."""
    return _new_link(code, "facilitator", workshop_admin.invite_facilitator)


@bp.post("/w/<code>/projector")
def projector_link(code: str) -> tuple[str, int]:
    """A new projector link, shown once; the previous one stops working."""
    return _new_link(code, "projector", workshop_admin.new_projector_secret)


def _new_link(
    code: str, kind: str, new_secret: Callable[[Session, Workshop], str]
) -> tuple[str, int]:
    # `kind` names the blueprint whose open_link the secret opens, and the role whose
    # secret it replaces: facilitator or projector.
    with unit_of_work() as session:
        user, found = _owned(session, code)
        workshop_id, old_hash = found.id, getattr(found, f"{kind}_secret_hash")
        secret = new_secret(session, found)
        link = _public_url(url_for(f"{kind}.open_link", code=found.join_code, secret=secret))
        page = _workshop_page(session, user, found, new_link={"kind": kind, "url": link})
    # Only once the new link is committed: a screen of the old one that reconnects
    # before would still be let in.
    revoke_grant(workshop_id, kind, old_hash)
    return page


@bp.get("/w/<code>/delete")
def delete_confirm(code: str) -> tuple[str, int]:
    with unit_of_work() as session:
        user, found = _owned(session, code)
        return render_screen(
            "organiser/delete.html", user=user, workshop=found, people=_people(session, found)
        )


def _people(session: Session, workshop: Workshop) -> int:
    query = select(func.count(Participant.id)).where(Participant.workshop_id == workshop.id)
    return session.scalar(query) or 0


@bp.post("/w/<code>/delete")
def delete_submit(code: str) -> Response | tuple[str, int]:
    """Delete the workshop's rows, photos and exports once its title is typed."""
    with unit_of_work() as session:
        user, found = _owned(session, code)
        if request.form.get("confirm", "").strip() != found.title.strip():
            return render_screen(
                "organiser/delete.html",
                400,
                user=user,
                workshop=found,
                people=_people(session, found),
                error=error_message("confirm_delete"),
            )
        title = found.title
        workshop_admin.delete_workshop(
            session, found, current_app.config["SESSIONS_DIR"], current_app.config["EXPORTS_DIR"]
        )
    flash(gettext("“%(title)s” and all its data are deleted.", title=title))
    return redirect(url_for("organiser.workshops"))
