"""Blueprints, one per screen family."""

from __future__ import annotations

from flask import Flask

from facilitator.web.pages import (
    assets,
    coach_exports,
    coaching,
    exports,
    facilitator,
    organiser,
    participant,
    photos,
    projector,
    projects,
    shared_device,
)


def register_blueprints(app: Flask) -> None:
    """Attach every screen family's blueprint."""
    app.register_blueprint(participant.bp)
    app.register_blueprint(photos.bp)
    app.register_blueprint(shared_device.bp)
    app.register_blueprint(facilitator.bp, url_prefix="/f")
    app.register_blueprint(projector.bp, url_prefix="/p")
    app.register_blueprint(organiser.bp, url_prefix="/o")
    app.register_blueprint(coaching.bp, url_prefix="/o/coaching")
    app.register_blueprint(projects.bp, url_prefix="/o")
    app.register_blueprint(coach_exports.bp, url_prefix="/o")
    app.register_blueprint(exports.bp, url_prefix="/x")
    app.register_blueprint(assets.bp)
