"""The app factory and the extension objects it binds."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import Babel, get_locale
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect

from facilitator.config import PROJECT_ROOT, defaults, from_environment
from facilitator.store.db import make_engine, make_session_factory
from facilitator.web.wire import TextPacket

socketio = SocketIO()
babel = Babel()
csrf = CSRFProtect()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then the test mapping, then FACILITATOR_* variables."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(defaults())
    if test_config:
        app.config.from_mapping(test_config)
    app.config.from_mapping(from_environment())
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _load_or_create_secret(Path(app.config["SESSIONS_DIR"]))

    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["facilitator.engine"] = engine
    app.extensions["facilitator.sessions"] = make_session_factory(engine)

    from facilitator.web.i18n import select_locale

    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    csrf.init_app(app)
    # Handlers must be registered before init_app: Flask-SocketIO copies its handler
    # list into each new server there (decorators run later bind to one server only).
    from facilitator.web import sockets as realtime  # noqa: F401

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

    from facilitator.web.pages import register_blueprints

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
