"""The organiser's side of a workshop: create, copy, edit, open and close, invite, delete.

No Flask here. A workshop is edited as a *spec* (`workshop_specs`: read from the rows or
the organiser's form, checked as a whole) and only then applied (`workshop_edit`), so a
refused edit changes nothing. This module keeps the life cycle: creating from a template,
the status, the staff links and deletion; it re-exports the other two for the views.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from facilitator.cafe.workshops import WorkshopLinks, create_workshop, get_by_code, hash_secret
from facilitator.errors import DomainError
from facilitator.organise.editing import (
    EDITABLE,
    can_edit,
    chosen_card_set,
    has_started,
    update_workshop,
)
from facilitator.organise.specs import (
    CAPACITY_MAX,
    CAPACITY_MIN,
    LANGUAGES,
    MINUTES_MAX,
    PHASE_KINDS,
    PHASES_MAX,
    PLACE_MAX,
    ROUND_KIND,
    ROUNDS_MAX,
    TABLE_NAME_MAX,
    TABLES_MAX,
    TEXT_MAX,
    TITLE_MAX,
    add_phase,
    add_round,
    blank_template,
    clean_spec,
    clean_text,
    spec_from_form,
    workshop_spec,
)
from facilitator.store.models import Workshop
from facilitator.store.queries import list_tables

__all__ = [
    "CAPACITY_MAX",
    "CAPACITY_MIN",
    "EDITABLE",
    "LANGUAGES",
    "MINUTES_MAX",
    "PHASES_MAX",
    "PHASE_KINDS",
    "PLACE_MAX",
    "ROUNDS_MAX",
    "ROUND_KIND",
    "TABLES_MAX",
    "TABLE_NAME_MAX",
    "TEXT_MAX",
    "TITLE_MAX",
    "TRANSITIONS",
    "add_phase",
    "add_round",
    "allowed_statuses",
    "blank_template",
    "can_edit",
    "clean_spec",
    "create_from_template",
    "delete_workshop",
    "has_started",
    "invite_facilitator",
    "new_projector_secret",
    "owned_workshops",
    "set_status",
    "spec_from_form",
    "update_workshop",
    "workshop_folders",
    "workshop_spec",
]

# Which status may follow which. "running" is reserved for the live console; an
# organiser can still close such a workshop.
TRANSITIONS = {"draft": ("open",), "open": ("closed",), "closed": ("open",), "running": ("closed",)}


def _set_of(spec: Mapping[str, Any]) -> int | None:
    value = spec.get("coaching_set")
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else None


def create_from_template(
    session: Session, template: Mapping[str, Any], owner_id: int, title: str | None = None
) -> WorkshopLinks:
    """A new draft workshop of this organiser, made from a template or a copied spec."""
    spec = dict(template)
    spec["title"] = clean_text(
        title if title is not None else spec.get("title"), TITLE_MAX, "bad_title"
    )
    if not spec["title"]:
        raise DomainError("bad_title", field="title")
    links = create_workshop(session, spec, owner_id=owner_id)
    workshop = get_by_code(session, links.join_code)
    workshop.status = "draft"  # nobody can be let in before the organiser opens it
    # A copy keeps its card set (the copy's owner is the original's: `_owned`).
    workshop.coaching_set_id = chosen_card_set(session, workshop, _set_of(spec))
    workshop.place = (spec.get("place") or None) if isinstance(spec.get("place"), str) else None
    names = spec["tables"].get("names") or []
    for table in list_tables(session, workshop.id):
        name = names[table.number - 1] if table.number <= len(names) else None
        table.name = (name or None) if isinstance(name, str) else None
    session.flush()
    return links


# --- life cycle, links, deletion -----------------------------------------------------------


def allowed_statuses(workshop: Workshop) -> tuple[str, ...]:
    """The statuses this workshop may move to now."""
    return TRANSITIONS.get(workshop.status, ())


def set_status(session: Session, workshop: Workshop, status: str) -> None:
    """Open (let people join), close (refuse joins) or re-open a workshop."""
    if status not in allowed_statuses(workshop):
        raise DomainError("bad_status_change")
    if status == "open":
        # Opening means phones will see it: the saved agenda must be complete.
        try:
            clean_spec(workshop_spec(session, workshop))
        except DomainError as exc:
            raise DomainError("workshop_incomplete", field=exc.details.get("field", "")) from exc
    workshop.status = status
    session.flush()


def invite_facilitator(session: Session, workshop: Workshop) -> str:
    """A new facilitator secret; the previous facilitator link stops working."""
    secret = secrets.token_urlsafe(16)
    workshop.facilitator_secret_hash = hash_secret(secret)
    session.flush()
    return secret


def new_projector_secret(session: Session, workshop: Workshop) -> str:
    """A new projector secret; the previous projector link stops working."""
    secret = secrets.token_urlsafe(16)
    workshop.projector_secret_hash = hash_secret(secret)
    session.flush()
    return secret


def workshop_folders(
    workshop_id: int, sessions_dir: str | Path, exports_dir: str | Path
) -> list[Path]:
    """Where a workshop's files live: photos, exports and drawn harvest walls."""
    wid = str(int(workshop_id))  # an int, so never a path of its own
    return [
        Path(sessions_dir) / "photos" / wid,
        Path(exports_dir) / wid,
        Path(exports_dir) / "harvest" / wid,
    ]


def delete_workshop(
    session: Session, workshop: Workshop, sessions_dir: str | Path, exports_dir: str | Path
) -> None:
    """Delete the workshop, every row that belongs to it and its photo and export folders.

    One DELETE of the workshop row: every table refers to it (or to a row that does)
    with ON DELETE CASCADE, on SQLite (foreign_keys=ON) as on PostgreSQL, so tables
    added later are covered without a list to keep up to date here.
    """
    workshop_id = workshop.id
    session.execute(delete(Workshop).where(Workshop.id == workshop_id))
    session.flush()
    session.expunge(workshop)
    # Files go after the rows are gone within this transaction: if removing them
    # fails, the exception rolls the rows back and the organiser can try again.
    for folder in workshop_folders(workshop_id, sessions_dir, exports_dir):
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)
        elif folder.exists() or folder.is_symlink():
            folder.unlink()


def owned_workshops(session: Session, owner_id: int) -> list[Workshop]:
    """An organiser's workshops, newest first (by when each was made: the demo's past
    workshops, made after the live one, are dated on their own day)."""
    query = (
        select(Workshop)
        .where(Workshop.owner_id == owner_id)
        .order_by(Workshop.created_at.desc(), Workshop.id.desc())
    )
    return list(session.scalars(query))
