"""Events of the plenary: spotlight, dot-voting, commitments and the final summary."""

from __future__ import annotations

from typing import Any

from flask import current_app

from facilitator.cafe import ballots, commitments, notes, plenary, workshops
from facilitator.store.models import Participant, Workshop
from facilitator.web.auth import FACILITATOR, PARTICIPANT, PROJECTOR, ROLES
from facilitator.web.jobs.wall import latest_workshop_wall
from facilitator.web.sockets import schemas
from facilitator.web.sockets.core import (
    Ack,
    handler,
    staff_action,
    unit_of_work,
)

ONLY_FACILITATORS = (FACILITATOR,)
STAFF = (FACILITATOR, PROJECTOR)


def _workshop_themes(workshop_id: int) -> list[dict[str, Any]]:
    """The whole workshop's themes as last drawn (the harvest wall's)."""
    wall = latest_workshop_wall(current_app._get_current_object(), workshop_id)
    return list(wall["themes"]) if wall else []


@handler("spotlight.set", roles=ONLY_FACILITATORS)
def on_spotlight_set(ident: dict[str, Any], payload: schemas.SpotlightSet) -> Ack:
    """Put one table in the plenary's spotlight (`null` clears it)."""
    return staff_action(ident, workshops.spotlight, payload.table)


@handler("spotlight.view", roles=ROLES)
def on_spotlight_view(ident: dict[str, Any], _payload: object) -> Ack:
    """The spotlit table's key insights, top notes and photos (null when none)."""
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        view = plenary.spotlight_view(db, workshop)
    return {"ok": True, "spotlight": view}


@handler("summary.view", roles=STAFF)
def on_summary_view(ident: dict[str, Any], _payload: object) -> Ack:
    """Top themes, voted priorities, commitments and key numbers, for the final screen."""
    themes = _workshop_themes(ident["workshop_id"])
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        summary = plenary.summary_view(db, workshop, themes)
    return {"ok": True, "summary": summary}


@handler("ballot.open", roles=ONLY_FACILITATORS)
def on_ballot_open(ident: dict[str, Any], payload: schemas.BallotOpen) -> Ack:
    """Open a dot-vote on the harvested themes and key insights."""
    dots = payload.dots
    themes = _workshop_themes(ident["workshop_id"])
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        stored = ballots.open_ballot(db, workshop, dots, themes)
    return {"ok": True, "ballot": stored[-1].data["ballot"]}


@handler("ballot.close", roles=ONLY_FACILITATORS)
def on_ballot_close(ident: dict[str, Any], _payload: object) -> Ack:
    """Close the vote: results are frozen and shown on every screen."""
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        stored = ballots.close_ballot(db, workshop)
    return {"ok": True, "ballot": stored[-1].data["ballot"]}


@handler("ballot.dots", roles=(PARTICIPANT,))
def on_ballot_dots(ident: dict[str, Any], payload: schemas.BallotDots) -> Ack:
    """Place (or move) the caller's dots: the whole allocation replaces the last one."""
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        voter = db.get(Participant, ident["participant_id"])
        placed = ballots.cast_dots(db, workshop, voter, payload.ballot, payload.dots)
    return {"ok": True, "mine": placed.dots, "left": placed.left}


@handler("commitment.post", roles=(PARTICIPANT,))
def on_commitment_post(ident: dict[str, Any], payload: schemas.CommitmentPost) -> Ack:
    """Record the caller's action commitment; a resend of the same id gets the same ack."""
    client_id = notes.clean_client_id(payload.client_id)
    text = notes.clean_text(payload.text, current_app.config["COMMITMENT_MAX_CHARS"])
    theme = commitments.clean_theme(payload.theme)
    signed = payload.signed
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        author = db.get(Participant, ident["participant_id"])
        view, duplicate, stored = commitments.post_commitment(
            db, workshop, author, client_id, text, theme, signed
        )
    return {"ok": True, "commitment": view, "duplicate": duplicate}
