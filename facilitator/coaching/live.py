"""The coaching phase of a workshop, as pure logic: drawing and dealing challenge cards,
the room's self-scan profile, and what a (re)sent answer does.

No Flask and no database here: cards, answers and tables come in as plain values, the
choice or the profile goes out. `facilitator/cafe/coaching.py` stores and sends them.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from facilitator.coaching import selfscan
from facilitator.coaching.cards import LANGUAGES, text_in

DISAGREED_SHOWN = 3  # the areas the projector names as most disagreed

# A question made from an area, per language: "{title}" is the area's title.
AREA_QUESTION = {
    "nl": "{title}: waar staat onze buurt vandaag, en wat zou haar één stap verder brengen?",
    "fr": "{title} : où en est notre quartier aujourd'hui, et qu'est-ce qui le ferait "
    "avancer d'un pas ?",
    "en": "{title}: where does our neighbourhood stand today, and what would move it one "
    "step further?",
}


@dataclass(frozen=True)
class Card:
    """A challenge card as the coaching phase uses it: its area copied in, so a draw
    keeps its words when the set is edited later. `card_id` is None for the shipped set."""

    card_id: int | None
    area_key: str
    area_title: Mapping[str, str]
    kind: str
    text: Mapping[str, str]

    @property
    def identity(self) -> str:
        """What tells two cards apart, also for the shipped set's cards (no id)."""
        return card_identity(self.area_key, self.kind, self.text)


def card_identity(area_key: str, kind: str, text: Mapping[str, str]) -> str:
    """The identity of a card by its area and words (a stored draw has the same)."""
    return json.dumps([area_key, kind, dict(sorted(text.items()))], ensure_ascii=False)


def cards_of(content: Mapping[str, Any]) -> list[Card]:
    """Every card of a set's content (`cards.set_content` or the shipped default), in order."""
    found = []
    for area in content["areas"]:
        for card in area["cards"]:
            found.append(
                Card(card.get("id"), area["key"], dict(area["title"]), card["kind"], card["text"])
            )
    return found


def areas_of(content: Mapping[str, Any]) -> list[tuple[str, dict[str, str]]]:
    """The set's areas as (key, title per language), in order."""
    return [(area["key"], dict(area["title"])) for area in content["areas"]]


def _fresh_first(cards: Sequence[Card], used: Iterable[str], rng: random.Random) -> list[Card]:
    """The cards shuffled, those not used yet in this workshop before those that were."""
    seen = set(used)
    fresh = [c for c in cards if c.identity not in seen]
    again = [c for c in cards if c.identity in seen]
    rng.shuffle(fresh)
    rng.shuffle(again)
    return fresh + again


def draw_card(
    cards: Sequence[Card], used: Iterable[str], rng: random.Random, area_key: str | None = None
) -> Card | None:
    """One card for the room (of one area if asked): one not drawn yet while any is left.
    None when there is no card to draw."""
    pool = [c for c in cards if area_key is None or c.area_key == area_key]
    ordered = _fresh_first(pool, used, rng)
    return ordered[0] if ordered else None


def deal_cards(
    cards: Sequence[Card], tables: Sequence[int], used: Iterable[str], rng: random.Random
) -> dict[int, Card]:
    """One card per table: all different while the set has enough (fresh ones first),
    then the same cards again in the same order. {} when the set has no card."""
    ordered = _fresh_first(cards, used, rng)
    if not ordered:
        return {}
    return {table: ordered[i % len(ordered)] for i, table in enumerate(tables)}


def card_question(card: Card, languages: Sequence[str]) -> dict[str, str]:
    """A card's words as a café round's question in each of the workshop's languages
    (a language the card lacks takes the card's words in another)."""
    return {lang: text_in(card.text, lang) for lang in languages if text_in(card.text, lang)}


def area_question(title: Mapping[str, str], languages: Sequence[str]) -> dict[str, str]:
    """An area turned into a café round's question, in each of the workshop's languages."""
    return {
        lang: AREA_QUESTION[lang].format(title=text_in(title, lang))
        for lang in languages
        if lang in AREA_QUESTION and text_in(title, lang)
    }


# --- the self-scan ------------------------------------------------------------------


@dataclass(frozen=True)
class StoredAnswer:
    """What one person answered for one area, as stored."""

    client_id: str
    score: int
    note: str | None


def written_at(client_id: str) -> int | None:
    """When a phone made this id, in ms since 1970, if it is a time-ordered UUID
    (version 7, as the self-scan makes them); None for any other id."""
    try:
        value = uuid.UUID(client_id)
    except ValueError:
        return None
    return value.int >> 80 if value.version == 7 else None


def answer_outcome(existing: StoredAnswer | None, client_id: str) -> str:
    """What an answer does, given this person's stored answer for the same area:
    "new" (none yet), "replay" (the same client id again: nothing changes), "stale" (an
    answer made before the stored one, arriving late: nothing changes either) or
    "replace" (a newer answer takes the earlier one's place: each person counts once)."""
    if existing is None:
        return "new"
    if existing.client_id == client_id:
        return "replay"
    then, now = written_at(existing.client_id), written_at(client_id)
    if then is not None and now is not None and now < then:
        return "stale"
    return "replace"


def room_profile(
    answers: Iterable[tuple[str, int, int]],
    areas: Sequence[tuple[str, Mapping[str, str]]],
    extra_titles: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """The room's profile from (participant id, area key, score) triples, in aggregate only.

    Per area: its title, the number of answers, and, from MIN_ANSWERS answers on, the
    mean, the spread and how many gave each score (withheld below: `shown` False). Also
    the areas people disagree most about, how many answers and how many people. Areas
    answered that the set no longer has come last, titled from `extra_titles`.
    """
    rows = list(answers)
    titles = {key: dict(title) for key, title in areas} | {
        key: dict(title) for key, title in (extra_titles or {}).items() if key not in dict(areas)
    }
    profiles = selfscan.profile(
        (selfscan.Answer(key, score) for _person, key, score in rows), [k for k, _ in areas]
    )
    return {
        "areas": [_area_view(p, titles.get(p.key, {})) for p in profiles],
        "disagreed": [p.key for p in selfscan.most_disagreed(profiles, DISAGREED_SHOWN)],
        "answers": len(rows),
        "people": len({person for person, _key, _score in rows}),
        "minimum": selfscan.MIN_ANSWERS,
    }


def _area_view(profile: selfscan.AreaProfile, title: Mapping[str, str]) -> dict[str, Any]:
    return {
        "key": profile.key,
        "title": {lang: title[lang] for lang in LANGUAGES if title.get(lang)},
        "answers": profile.answers,
        "shown": profile.shown,
        "mean": None if profile.mean is None else round(profile.mean, 2),
        "spread": None if profile.spread is None else round(profile.spread, 2),
        "counts": list(profile.counts),
    }
