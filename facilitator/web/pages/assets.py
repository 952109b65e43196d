"""Front-end packages installed from npm at set-up, served by the app itself."""

from __future__ import annotations

from flask import Blueprint
from werkzeug.wrappers import Response

from facilitator.web.delivery import asset_response, vendor_path

bp = Blueprint("assets", __name__)


@bp.get("/vendor/<name>")
def vendor(name: str) -> Response:
    """A pinned third-party browser file, e.g. the Socket.IO client (`VENDOR_FILES`)."""
    return asset_response(vendor_path(name))


@bp.get("/healthz")
def health() -> dict[str, str]:
    """For load balancers and the test harness."""
    return {"status": "ok"}
