"""The organiser's card sets at /o/coaching: list, start from the default or a copy, edit.

Thin views over `coaching/cards.py`. Another organiser's set is a 404: its existence is
not theirs to learn.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from facilitator.coaching import cards
from facilitator.errors import DomainError
from facilitator.store.models import CoachingSet, User
from facilitator.web.i18n import LANGUAGE_NAMES, error_message
from facilitator.web.pages.common import render_screen, unit_of_work
from facilitator.web.pages.organiser import _require_user

bp = Blueprint("coaching", __name__)


def _own_set(session: Session, user: User, set_id: int) -> CoachingSet:
    try:
        return cards.owned_set(session, user.id, set_id)
    except DomainError:
        abort(404)


@bp.get("/")
def sets() -> tuple[str, int]:
    """The organiser's card sets and the ways to start a new one."""
    with unit_of_work() as session:
        user = _require_user(session)
        return _sets_page(session, user)


def _sets_page(session: Session, user: User, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_screen(
        "organiser/coaching_sets.html",
        status,
        user=user,
        sets=cards.owned_sets(session, user.id),
        text_in=cards.text_in,
        **context,
    )


@bp.post("/new")
def new_set() -> Response | tuple[str, int]:
    """Start a set from the shipped default or from a copy of one of mine."""
    with unit_of_work() as session:
        user = _require_user(session)
        try:
            created = cards.create_set(session, user.id, request.form.get("source", ""))
        except DomainError as exc:
            session.rollback()
            return _sets_page(session, user, 400, error=error_message(exc.code))
        set_id = created.id
    flash(gettext("Card set created. Adapt its areas and cards to your neighbourhoods."))
    return redirect(url_for("coaching.edit", set_id=set_id))


def _edit_page(
    session: Session, user: User, card_set: CoachingSet, status: int = 200, **context: Any
) -> tuple[str, int]:
    return render_screen(
        "organiser/coaching_set.html",
        status,
        user=user,
        content=cards.set_content(session, card_set),
        languages=cards.LANGUAGES,
        language_names=LANGUAGE_NAMES,
        limits=cards,
        lang_base=url_for("coaching.edit", set_id=card_set.id),
        **context,
    )


@bp.get("/<int:set_id>")
def edit(set_id: int) -> tuple[str, int]:
    with unit_of_work() as session:
        user = _require_user(session)
        return _edit_page(session, user, _own_set(session, user, set_id))


@bp.post("/<int:set_id>")
def save(set_id: int) -> Response | tuple[str, int]:
    """Save the titles and cards, then add an empty area or card if that was asked."""
    action = request.form.get("action", "save")
    with unit_of_work() as session:
        user = _require_user(session)
        card_set = _own_set(session, user, set_id)
        try:
            cards.update_set(session, card_set, request.form)
            if action == "add_area":
                cards.add_area(session, card_set)
            elif action.startswith("add_card-"):
                area = action.removeprefix("add_card-")
                cards.add_card(session, card_set, int(area) if area.isdigit() else -1)
        except DomainError as exc:
            session.rollback()
            card_set = _own_set(session, user, set_id)
            return _edit_page(
                session,
                user,
                card_set,
                400,
                error=error_message(exc.code),
                error_field=exc.details.get("field", ""),
            )
    flash(gettext("Saved."))
    return redirect(url_for("coaching.edit", set_id=set_id))
