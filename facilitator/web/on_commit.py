"""What a committed unit of work owes the screens: its events, and harvest redraws.

Bound once per app in the factory (SQLAlchemy's `after_commit`, as Zulip sends events
on commit), so an action cannot forget to notify or to ask for a new wall, and work
that was rolled back sends nothing.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from facilitator.store.db import on_commit
from facilitator.store.events import take_outbox
from facilitator.web.jobs.wall import request_wall
from facilitator.web.notify import notify


def publish_on_commit(app: Flask) -> None:
    """Send each committed session's events, then ask for the walls it changed."""

    def publish(session: Session) -> None:
        outbox = take_outbox(session)
        notify(outbox.events)
        for workshop_id in sorted(outbox.redraws):
            request_wall(app, workshop_id)

    on_commit(app.extensions["facilitator.sessions"], publish)
