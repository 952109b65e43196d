"""A unit of work for a page, a socket event or a background job, on the app's database."""

from __future__ import annotations

from contextlib import AbstractContextManager

from flask import Flask, current_app
from sqlalchemy.orm import Session

from facilitator.store.db import session_scope


def unit_of_work(app: Flask | None = None) -> AbstractContextManager[Session]:
    """A session that commits (then publishes its events) or rolls back, then closes.

    Socket events and background jobs get no Flask teardown, so every adapter opens its
    database work here; `app` is needed outside a request (jobs, bots).
    """
    app = app or current_app
    return session_scope(app.extensions["facilitator.sessions"])
