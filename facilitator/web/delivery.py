"""Light on the wire: compressed responses, versioned asset URLs, long-lived caching.

Phones on a venue's Wi-Fi pay for every byte and every round trip. So HTML, CSS, JS
and JSON go out compressed (Flask-Compress), and CSS, JS and the vendored Socket.IO
client are linked as `/static/css/app.css?v=<hash of the content>`: a browser keeps such
a file for a year without asking again, and a changed file gets a new URL. A URL
without the current hash (an old page, a hand-typed link) is cached only after asking
(`no-cache` with an ETag, so an unchanged file costs a 304).

Socket.IO's own requests never reach Flask (python-engineio's middleware answers
them first, compressing its long-polling responses itself), so this leaves them be.
"""

from __future__ import annotations

import hashlib
import mimetypes
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from flask import Flask, abort, current_app, request, url_for
from markupsafe import Markup
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

from facilitator.web.extensions import compress

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
VENDOR_PREFIX = "vendor/"
FAVICON = "favicon.svg"
PHONE_WORKER = "js/phone_sw.js"
# Only these files of node_modules are served; nothing else there is reachable.
VENDOR_FILES = {
    "socket.io.min.js": ("socket.io-client", "dist", "socket.io.min.js"),
}

# Brotli first: it packs text best at a cost the server can afford per page (level 4);
# zstd and gzip for clients without it. The smallest responses are not worth it.
COMPRESSION = {
    "COMPRESS_ALGORITHM": ["br", "zstd", "gzip", "deflate"],
    "COMPRESS_BR_LEVEL": 4,
    "COMPRESS_MIN_SIZE": 500,
}


class Asset(NamedTuple):
    """A static file read once: its bytes, a short hash of them and its media type."""

    data: bytes
    version: str
    mimetype: str


@lru_cache(maxsize=256)
def _read(path: str, _mtime_ns: int, _size: int) -> Asset:
    """The file's bytes and hash; keyed on its change time too, so an edit is seen."""
    data = Path(path).read_bytes()
    version = hashlib.sha256(data).hexdigest()[:12]
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return Asset(data, version, mimetype)


def load_asset(path: Path) -> Asset | None:
    """The asset at `path`, or None when there is no such file."""
    try:
        stat = path.stat()
    except OSError:
        return None
    if not path.is_file():
        return None
    return _read(str(path), stat.st_mtime_ns, stat.st_size)


def vendor_path(name: str) -> Path | None:
    """Where a vendored browser file lies in node_modules."""
    parts = VENDOR_FILES.get(name)
    if parts is None:
        return None
    return Path(current_app.config["VENDOR_DIR"]).joinpath(*parts)


def static_path(filename: str) -> Path | None:
    """A file under static/, never outside it."""
    folder = current_app.static_folder
    joined = safe_join(folder, filename) if folder else None
    return Path(joined) if joined else None


def asset_url(name: str) -> str:
    """The URL of `css/app.css`, `js/common.js` or `vendor/socket.io.min.js`, with the
    hash of its content, so that browsers may keep it for a year."""
    if name.startswith(VENDOR_PREFIX):
        vendor_name = name.removeprefix(VENDOR_PREFIX)
        path, endpoint, args = vendor_path(vendor_name), "assets.vendor", {"name": vendor_name}
    else:
        path, endpoint, args = static_path(name), "static", {"filename": name}
    found = load_asset(path) if path else None
    if found is None:
        raise LookupError(f"no asset {name!r}")  # a typo in a template fails loudly
    return url_for(endpoint, v=found.version, **args)


def asset_response(path: Path | None) -> Response:
    """The file, cached for a year when the URL names its current hash, else revalidated."""
    found = load_asset(path) if path else None
    if found is None:
        abort(404)
    response = Response(found.data, mimetype=found.mimetype)
    current = request.args.get("v") == found.version
    response.headers["Cache-Control"] = IMMUTABLE if current else REVALIDATE
    response.set_etag(found.version)
    # Flask-Compress makes compressed answers conditional itself (its ETags say the
    # encoding); this covers clients that take the file as it is.
    return response.make_conditional(request)


def inline_css(name: str) -> Markup:
    """A small stylesheet's text, to put inside <style> (a page's critical CSS)."""
    path = static_path(name)
    found = load_asset(path) if path else None
    if found is None or not name.endswith(".css"):
        raise LookupError(f"no stylesheet {name!r}")
    return Markup(found.data.decode("utf-8").replace("</", "<\\/"))


def serve_static(filename: str) -> Response:
    """Flask's `static` endpoint, with the cache headers above."""
    return asset_response(static_path(filename))


def serve_favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page links: the SVG icon."""
    return asset_response(static_path(FAVICON))


def serve_phone_worker() -> Response:
    """The phone's service worker at /w/sw.js, so that its scope is every phone page
    (/w/<code>); always revalidated, as browsers expect of a worker's script."""
    return asset_response(static_path(PHONE_WORKER))


def init_app(app: Flask) -> None:
    """Compress responses, version asset URLs, and serve static files with cache headers."""
    for key, value in COMPRESSION.items():
        app.config.setdefault(key, value)
    compress.init_app(app)
    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.globals["inline_css"] = inline_css
    # The endpoint keeps its name, so url_for("static", ...) still works everywhere.
    app.view_functions["static"] = serve_static
    app.add_url_rule("/favicon.ico", "favicon", serve_favicon)
    app.add_url_rule("/w/sw.js", "phone_worker", serve_phone_worker)
