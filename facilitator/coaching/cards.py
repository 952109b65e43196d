"""Card sets: areas of reflection and action with their challenge cards, per language.

An organiser starts a set from the shipped default (drawn from the seed's own words) or
from a copy of one of their sets, then edits titles and cards in each language.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from facilitator.errors import DomainError
from facilitator.store.models import CoachingArea, CoachingCard, CoachingSet

LANGUAGES = ("nl", "fr", "en")
KINDS = ("reflection", "action")
NAME_MAX = 120
TITLE_MAX = 200
CARD_MAX = 500
MAX_AREAS = 12
MAX_CARDS = 10  # per area
DEFAULT = "default"


@cache
def default_set() -> dict[str, Any]:
    """The shipped set: 7 areas with 3 to 5 cards each, in Dutch, French and English."""
    path = Path(__file__).resolve().parent / "default_cards.json"
    return json.loads(path.read_text(encoding="utf-8"))


def text_in(texts: Mapping[str, str], language: str) -> str:
    """The text in this language, else in the first language that has one."""
    if texts.get(language):
        return texts[language]
    return next((texts[lang] for lang in LANGUAGES if texts.get(lang)), "")


def area_key(area: CoachingArea) -> str:
    """The key self-scans compare an area by: the shipped one, else the area's own."""
    return area.key or f"area-{area.id}"


def owned_sets(session: Session, owner_id: int) -> list[CoachingSet]:
    """An organiser's sets, oldest first."""
    query = select(CoachingSet).where(CoachingSet.owner_id == owner_id).order_by(CoachingSet.id)
    return list(session.scalars(query))


def owned_set(session: Session, owner_id: int, set_id: int) -> CoachingSet:
    """One of this organiser's sets; another organiser's set is unknown to them."""
    found = session.get(CoachingSet, set_id)
    if found is None or found.owner_id != owner_id:
        raise DomainError("unknown_card_set")
    return found


def set_content(session: Session, card_set: CoachingSet) -> dict[str, Any]:
    """A set as plain data: its name, areas in order, each with its cards in order."""
    areas = list(
        session.scalars(
            select(CoachingArea)
            .where(CoachingArea.set_id == card_set.id)
            .order_by(CoachingArea.position, CoachingArea.id)
        )
    )
    cards = session.scalars(
        select(CoachingCard)
        .where(CoachingCard.area_id.in_([a.id for a in areas]))
        .order_by(CoachingCard.position, CoachingCard.id)
    )
    by_area: dict[int, list[dict[str, Any]]] = {a.id: [] for a in areas}
    for card in cards:
        by_area[card.area_id].append({"id": card.id, "kind": card.kind, "text": dict(card.text)})
    return {
        "id": card_set.id,
        "name": dict(card_set.name),
        "areas": [
            {"id": a.id, "key": area_key(a), "title": dict(a.title), "cards": by_area[a.id]}
            for a in areas
        ],
    }


def create_set(session: Session, owner_id: int, source: str) -> CoachingSet:
    """A new set for this organiser: the default (`"default"`) or a copy of one of theirs."""
    if source == DEFAULT:
        content = default_set()
    elif source.isascii() and source.isdigit():
        content = set_content(session, owned_set(session, owner_id, int(source)))
        content = {**content, "name": {k: f"{v} (2)" for k, v in content["name"].items()}}
    else:
        raise DomainError("bad_card_source")
    return _store_set(session, owner_id, content)


def _store_set(session: Session, owner_id: int, content: Mapping[str, Any]) -> CoachingSet:
    card_set = CoachingSet(owner_id=owner_id, name=dict(content["name"]))
    session.add(card_set)
    session.flush()
    for position, area in enumerate(content["areas"]):
        row = CoachingArea(
            set_id=card_set.id, position=position, title=dict(area["title"]), key=area.get("key")
        )
        session.add(row)
        session.flush()
        for index, card in enumerate(area["cards"]):
            session.add(
                CoachingCard(
                    area_id=row.id, position=index, kind=card["kind"], text=dict(card["text"])
                )
            )
    session.flush()
    return card_set


def add_area(session: Session, card_set: CoachingSet) -> CoachingArea:
    """An empty area at the end of the set (its titles are filled in the form)."""
    content = set_content(session, card_set)
    if len(content["areas"]) >= MAX_AREAS:
        raise DomainError("too_many_areas")
    area = CoachingArea(set_id=card_set.id, position=len(content["areas"]), title={})
    session.add(area)
    session.flush()
    return area


def add_card(session: Session, card_set: CoachingSet, area_id: int) -> CoachingCard:
    """An empty reflection card at the end of one of the set's areas."""
    area = _area_of(session, card_set, area_id)
    count = len(
        list(session.scalars(select(CoachingCard.id).where(CoachingCard.area_id == area.id)))
    )
    if count >= MAX_CARDS:
        raise DomainError("too_many_cards")
    card = CoachingCard(area_id=area.id, position=count, kind="reflection", text={})
    session.add(card)
    session.flush()
    return card


def _area_of(session: Session, card_set: CoachingSet, area_id: int) -> CoachingArea:
    area = session.get(CoachingArea, area_id)
    if area is None or area.set_id != card_set.id:
        raise DomainError("unknown_area")
    return area


def _texts(form: Mapping[str, str], prefix: str, limit: int, code: str) -> dict[str, str]:
    texts = {lang: form.get(f"{prefix}-{lang}", "").strip() for lang in LANGUAGES}
    if any(len(text) > limit for text in texts.values()):
        raise DomainError(code, field=prefix)
    return {lang: text for lang, text in texts.items() if text}


def update_set(session: Session, card_set: CoachingSet, form: Mapping[str, str]) -> None:
    """Save the edit form: `name-<lang>`, `area-<id>-<lang>`, `card-<id>-<lang>`, `card-<id>-kind`.

    A card left empty in every language is removed; an area needs a title in one
    language at least.
    """
    name = _texts(form, "name", NAME_MAX, "bad_set_name")
    if not name:
        raise DomainError("bad_set_name", field="name")
    card_set.name = name
    content = set_content(session, card_set)
    for area in content["areas"]:
        title = _texts(form, f"area-{area['id']}", TITLE_MAX, "bad_area_title")
        if not title:
            raise DomainError("bad_area_title", field=f"area-{area['id']}")
        session.get(CoachingArea, area["id"]).title = title  # type: ignore[union-attr]
        for card in area["cards"]:
            _update_card(session, card["id"], form)
    session.flush()


def _update_card(session: Session, card_id: int, form: Mapping[str, str]) -> None:
    row = session.get(CoachingCard, card_id)
    assert row is not None
    text = _texts(form, f"card-{card_id}", CARD_MAX, "bad_card_text")
    if not text:
        session.delete(row)
        return
    kind = form.get(f"card-{card_id}-kind", row.kind)
    if kind not in KINDS:
        raise DomainError("bad_card_kind", field=f"card-{card_id}")
    row.text, row.kind = text, kind


def delete_set(session: Session, card_set: CoachingSet) -> None:
    """Remove a set with its areas and cards."""
    session.delete(card_set)
    session.flush()
