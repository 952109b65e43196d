"""The app factory: configuration, the database, the extensions, handlers and pages."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import get_locale

from facilitator.config import PROJECT_ROOT, defaults, from_environment
from facilitator.store.db import make_engine, make_session_factory

# Importing the socket handlers registers them on the unbound `socketio`; they must be
# registered before init_app, which copies the handler list into each new server.
from facilitator.web import sockets  # noqa: F401
from facilitator.web.extensions import babel, csrf, socketio
from facilitator.web.i18n import select_locale
from facilitator.web.on_commit import publish_on_commit
from facilitator.web.pages import register_blueprints
from facilitator.web.wire import TextPacket


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then FACILITATOR_* variables, then the test mapping."""
    app = Flask(
        __name__,
        # The package's folder: Flask-Babel finds `translations/` under the root path.
        root_path=str(PROJECT_ROOT / "facilitator"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(defaults())
    app.config.from_mapping(from_environment())
    if test_config:
        # Last, so a shell's FACILITATOR_* or DATABASE_URL can never redirect a test app.
        app.config.from_mapping(test_config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _load_or_create_secret(Path(app.config["SESSIONS_DIR"]))

    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["facilitator.engine"] = engine
    app.extensions["facilitator.sessions"] = make_session_factory(engine)
    publish_on_commit(app)

    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    csrf.init_app(app)
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=app.config["MESSAGE_QUEUE"],
        channel=app.config["MESSAGE_QUEUE_CHANNEL"],
        max_http_buffer_size=app.config["SOCKET_MAX_BUFFER"],
        ping_interval=app.config["PING_INTERVAL"],
        ping_timeout=app.config["PING_TIMEOUT"],
        # Same origin only: python-engineio rejects other origins when this is unset.
        cors_allowed_origins=None,
        serializer=TextPacket,
    )
    register_blueprints(app)
    return app


def _load_or_create_secret(sessions_dir: Path) -> str:
    """Keep one signing key per installation, so tokens survive a restart."""
    path = sessions_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    sessions_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
