"""The app factory: configuration, the database, the extensions, handlers and pages."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import socketio as python_socketio
from flask import Flask
from flask_babel import get_locale
from werkzeug.middleware.proxy_fix import ProxyFix

from facilitator.config import PROJECT_ROOT, defaults, from_environment
from facilitator.store.db import make_engine, make_session_factory

# Importing the socket handlers registers them on the unbound `socketio`; they must be
# registered before init_app, which copies the handler list into each new server.
from facilitator.web import delivery, sockets  # noqa: F401
from facilitator.web.extensions import babel, csrf, socketio
from facilitator.web.i18n import select_locale, workshop_title
from facilitator.web.on_commit import publish_on_commit
from facilitator.web.pages import register_blueprints
from facilitator.web.pages.common import register_status_pages
from facilitator.web.sockets.core import RevokingRedisManager
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

    engine = make_engine(
        app.config["DATABASE_URL"],
        # Per worker process: PostgreSQL's max_connections must cover every worker's
        # pool_size + max_overflow. A short timeout answers `server_busy` before the
        # phone's 8 s acknowledgement timeout.
        pool_size=app.config["DB_POOL_SIZE"],
        max_overflow=app.config["DB_MAX_OVERFLOW"],
        pool_timeout=app.config["DB_POOL_TIMEOUT"],
    )
    app.extensions["facilitator.engine"] = engine
    app.extensions["facilitator.sessions"] = make_session_factory(engine)
    publish_on_commit(app)

    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["workshop_title"] = workshop_title
    csrf.init_app(app)
    delivery.init_app(app)
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        # Always given (None without a queue): the unbound SocketIO keeps its options
        # from one init_app to the next, so a manager must never outlive its app.
        client_manager=_client_manager(app.config["MESSAGE_QUEUE"], app.config),
        max_http_buffer_size=app.config["SOCKET_MAX_BUFFER"],
        ping_interval=app.config["PING_INTERVAL"],
        ping_timeout=app.config["PING_TIMEOUT"],
        # Same origin only: python-engineio rejects other origins when this is unset.
        cors_allowed_origins=None,
        serializer=TextPacket,
    )
    register_blueprints(app)
    register_status_pages(app)
    hops = app.config["PROXY_HOPS"]
    if hops > 0:
        # Behind nginx every phone would be the proxy's address (one join limit for the
        # whole venue), and Socket.IO would compare the browser's Origin with the
        # worker's own address: trust the last `hops` entries of X-Forwarded-For, -Proto,
        # -Host and -Port, which the proxies wrote, never what a phone sent before them.
        # Outside the Socket.IO middleware, so connections see them too.
        proxied = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
        app.wsgi_app = proxied  # type: ignore[method-assign]
    return app


def _client_manager(url: str | None, config: Any) -> Any:
    """The Socket.IO client manager for a message queue URL, as Flask-SocketIO picks it,
    but for Redis one that can disconnect a replaced staff link's room on every worker."""
    if not url:
        return None
    channel = config["MESSAGE_QUEUE_CHANNEL"]
    if url.startswith(("redis://", "rediss://")):
        return RevokingRedisManager(url, channel=channel)
    if url.startswith("kafka://"):
        return python_socketio.KafkaManager(url, channel=channel)
    if url.startswith("zmq"):
        return python_socketio.ZmqManager(url, channel=channel)
    return python_socketio.KombuManager(url, channel=channel)


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
