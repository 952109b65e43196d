"""The projector's screen, opened through a read-only secret link."""

from __future__ import annotations

import re

import segno
from flask import Blueprint, abort, current_app, send_file
from markupsafe import Markup
from werkzeug.wrappers import Response

from facilitator.web.auth import FACILITATOR, PARTICIPANT, PROJECTOR
from facilitator.web.i18n import coaching_room_strings_by_language
from facilitator.web.jobs.wall import wall_path
from facilitator.web.pages.common import (
    caller_in,
    error_page,
    join_url,
    open_staff_link,
    render_screen,
    unit_of_work,
    workshop_or_404,
)

bp = Blueprint("projector", __name__)


@bp.get("/<code>/<secret>")
def open_link(code: str, secret: str) -> Response:
    """The secret link: sets the projector cookie and drops the secret from the URL."""
    return open_staff_link(PROJECTOR, code, secret, "projector_secret_hash", "projector.screen")


def qr_svg(url: str) -> Markup:
    """The join link as an inline SVG QR code that scales to any screen."""
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=1, border=2, dark="#111", light="#fff", omitsize=True)
    return Markup(svg)  # noqa: S704  (segno builds the markup; the URL is escaped inside it)


@bp.get("/<code>")
def screen(code: str) -> tuple[str, int]:
    """Join screen (QR, code, URL), then the live wall of notes by table."""
    with unit_of_work() as session:
        workshop = workshop_or_404(session, code)
        if caller_in(PROJECTOR, workshop) is None:
            return error_page("unauthorized", 403)
        url = join_url(workshop.join_code)
        return render_screen(
            "projector.html",
            workshop=workshop,
            join_url=url,
            qr=qr_svg(url),
            coaching_strings=coaching_room_strings_by_language(),
        )


@bp.get("/<code>/harvest/<digest>.png")
def harvest_cloud(code: str, digest: str) -> Response:
    """A drawn word cloud of this workshop, for its projector, facilitators and phones."""
    with unit_of_work() as session:
        workshop = workshop_or_404(session, code)
        allowed = any(caller_in(role, workshop) for role in (PROJECTOR, FACILITATOR, PARTICIPANT))
        if not allowed:
            abort(403)
        workshop_id = workshop.id
    if not re.fullmatch(r"[0-9a-f]{32}", digest):
        abort(404)
    path = wall_path(current_app._get_current_object(), workshop_id, digest)
    if not path.exists():
        abort(404)
    # Named by content: the same name never changes, so browsers may keep it.
    return send_file(path, mimetype="image/png", max_age=86_400)
