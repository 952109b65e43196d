"""The facilitator's screen, opened through a secret link."""

from __future__ import annotations

from flask import Blueprint, current_app
from werkzeug.wrappers import Response

from facilitator.web.auth import FACILITATOR
from facilitator.web.i18n import LANGUAGE_NAMES
from facilitator.web.pages.common import (
    caller_in,
    error_page,
    open_staff_link,
    render_screen,
    unit_of_work,
    workshop_or_404,
)

bp = Blueprint("facilitator", __name__)


@bp.get("/<code>/<secret>")
def open_link(code: str, secret: str) -> Response:
    """The secret link: sets the facilitator cookie and drops the secret from the URL."""
    return open_staff_link(
        FACILITATOR, code, secret, "facilitator_secret_hash", "facilitator.console"
    )


@bp.get("/<code>")
def console(code: str) -> tuple[str, int]:
    """Every table, who sits there, the round controls and the broadcast box."""
    with unit_of_work() as session:
        workshop = workshop_or_404(session, code)
        if caller_in(FACILITATOR, workshop) is None:
            return error_page("unauthorized", 403)
        return render_screen(
            "facilitator.html",
            workshop=workshop,
            message_max=current_app.config["MESSAGE_MAX_CHARS"],
            note_max=current_app.config["NOTE_MAX_CHARS"],
            language_names=LANGUAGE_NAMES,
        )
