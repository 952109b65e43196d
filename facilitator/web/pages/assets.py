"""Front-end packages installed from npm at set-up, served by the app itself."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory
from werkzeug.wrappers import Response

bp = Blueprint("assets", __name__)

# Only these files of node_modules are served; nothing else there is reachable.
VENDOR_FILES = {
    "socket.io.min.js": ("socket.io-client", "dist", "socket.io.min.js"),
}


@bp.get("/vendor/<name>")
def vendor(name: str) -> Response:
    """A pinned third-party browser file, e.g. the Socket.IO client."""
    parts = VENDOR_FILES.get(name)
    if parts is None:
        abort(404)
    folder = Path(current_app.config["VENDOR_DIR"]).joinpath(*parts[:-1])
    return send_from_directory(folder, parts[-1], max_age=3600)


@bp.get("/healthz")
def health() -> dict[str, str]:
    """For load balancers and the test harness."""
    return {"status": "ok"}
