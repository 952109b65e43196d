"""The harvest's themes (facilitators only): their language on the projector; rename,
merge, split off, reset."""

from __future__ import annotations

from typing import Any

from facilitator.cafe import themes, workshops
from facilitator.store.models import Workshop
from facilitator.web.auth import FACILITATOR
from facilitator.web.sockets import schemas
from facilitator.web.sockets.core import Ack, handler, staff_action, unit_of_work

ONLY_FACILITATORS = (FACILITATOR,)


@handler("harvest.language", roles=ONLY_FACILITATORS)
def on_harvest_language(ident: dict[str, Any], payload: schemas.HarvestLanguage) -> Ack:
    """The language the projector shows the themes in first (the others beside it)."""
    return staff_action(ident, workshops.set_harvest_language, payload.language)


@handler("theme.notes", roles=ONLY_FACILITATORS)
def on_theme_notes(ident: dict[str, Any], payload: schemas.ThemeNotes) -> Ack:
    """The texts of a theme's notes, so the facilitator can tick some to split off."""
    with unit_of_work() as db:
        workshop = db.get(Workshop, ident["workshop_id"])
        found = themes.notes_of(db, workshop, payload.notes)
    return {"ok": True, "notes": found}


@handler("theme.rename", roles=ONLY_FACILITATORS)
def on_theme_rename(ident: dict[str, Any], payload: schemas.ThemeRename) -> Ack:
    """The facilitator's own title for the theme holding these notes."""
    return staff_action(ident, themes.rename, payload.notes, payload.title)


@handler("theme.merge", roles=ONLY_FACILITATORS)
def on_theme_merge(ident: dict[str, Any], payload: schemas.ThemeMerge) -> Ack:
    """One theme of two."""
    return staff_action(ident, themes.merge, payload.a, payload.b)


@handler("theme.split", roles=ONLY_FACILITATORS)
def on_theme_split(ident: dict[str, Any], payload: schemas.ThemeSplit) -> Ack:
    """These notes as a theme of their own."""
    return staff_action(ident, themes.split, payload.notes, payload.title)


@handler("theme.reset", roles=ONLY_FACILITATORS)
def on_theme_reset(ident: dict[str, Any], _payload: schemas.ThemeReset) -> Ack:
    """The themes as the harvest finds them, without the facilitators' changes."""
    return staff_action(ident, themes.reset)
