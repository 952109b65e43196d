"""A workshop as a *spec*: the blank template, a workshop's rows, the organiser's form.

No Flask here. A spec has the shape of a template
(`facilitator/organise/demo/caring_neighbourhoods.json`) plus place, date and table
names; the organiser's form is read into a raw spec (`spec_from_form`) and checked as a
whole (`clean_spec`) before anything is applied.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from facilitator.cafe.agenda import list_phases
from facilitator.cafe.text import clean_text as typed_text
from facilitator.errors import DomainError
from facilitator.store.models import Round, Workshop
from facilitator.store.queries import list_tables

LANGUAGES = ("nl", "fr", "en")
PHASE_KINDS = ("welcome", "presentation", "coaching", "cafe", "plenary", "conclusion")
ROUND_KIND = "cafe"  # only café phases have rounds

TITLE_MAX = 200
PLACE_MAX = 120
TEXT_MAX = 500  # a phase title or a round's question, per language
TABLE_NAME_MAX = 60
MINUTES_MAX = 600
PHASES_MAX = 20
ROUNDS_MAX = 12
TABLES_MAX = 200
CAPACITY_MIN, CAPACITY_MAX = 2, 50


# --- templates and specs ------------------------------------------------------------


def blank_template() -> dict[str, Any]:
    """A workshop to fill in: one café phase with one round, four tables of six."""
    return {
        "title": "",
        "languages": list(LANGUAGES),
        "tables": {"count": 4, "capacity": 6},
        "phases": [
            {
                "kind": "cafe",
                "minutes": 30,
                "title": {"nl": "Wereldcafé", "fr": "World Café", "en": "World Café"},
                "rounds": [{"minutes": 20, "question": {}}],
            }
        ],
    }


def workshop_spec(session: Session, workshop: Workshop) -> dict[str, Any]:
    """A workshop as a template dict: what a copy is made from and what the form shows."""
    phases = list_phases(session, workshop.id)
    rounds = session.scalars(
        select(Round).where(Round.workshop_id == workshop.id).order_by(Round.number)
    ).all()
    by_phase: dict[int | None, list[dict[str, Any]]] = {}
    for cafe_round in rounds:
        item = {
            "minutes": max(1, round(cafe_round.duration_seconds / 60)),
            "question": dict(cafe_round.question),
        }
        by_phase.setdefault(cafe_round.phase_id, []).append(item)
    phase_specs = []
    for phase in phases:
        spec: dict[str, Any] = {
            "kind": phase.kind,
            "minutes": phase.planned_minutes,
            "title": dict(phase.title),
        }
        if phase.kind == ROUND_KIND or phase.id in by_phase:
            spec["rounds"] = by_phase.get(phase.id, [])
        phase_specs.append(spec)
    orphans = by_phase.get(None, [])  # rounds whose phase went away: keep them in a café
    if orphans:
        cafe = next((p for p in phase_specs if p["kind"] == ROUND_KIND), None)
        if cafe is None:
            cafe = blank_template()["phases"][0] | {"rounds": []}
            phase_specs.append(cafe)
        cafe["rounds"] = cafe["rounds"] + orphans
    tables = list_tables(session, workshop.id)
    return {
        "title": workshop.title,
        "titles": dict(workshop.titles or {}),
        "place": workshop.place or "",
        "held_on": workshop.held_on or "",
        "languages": workshop.languages.split(","),
        "tables": {
            "count": len(tables),
            "capacity": max((t.capacity for t in tables), default=6),
            "names": [t.name or "" for t in tables],
        },
        "phases": phase_specs,
        # The card set of the coaching phase: one of the owner's, "" for the default set.
        "coaching_set": str(workshop.coaching_set_id) if workshop.coaching_set_id else "",
    }


# --- reading the organiser's form ------------------------------------------------------


def spec_from_form(form: Mapping[str, str], getlist: Callable[[str], list[str]]) -> dict[str, Any]:
    """The organiser's form as a raw spec (strings as typed); rows ticked 'remove' dropped.

    Field names: `title`, `place`, `held_on`, `languages` (several), `p<i>-kind`,
    `p<i>-minutes`, `p<i>-title-<lang>`, `p<i>-remove`, `p<i>-r<j>-minutes`,
    `p<i>-r<j>-q-<lang>`, `p<i>-r<j>-remove`, `tables-count`, `tables-capacity`, `t<n>-name`.
    """
    phases = []
    for i in range(PHASES_MAX + 1):
        prefix = f"p{i}-"
        if prefix + "kind" not in form:
            break
        rounds = []
        for j in range(ROUNDS_MAX + 1):
            rprefix = f"{prefix}r{j}-"
            if rprefix + "minutes" not in form:
                break
            if form.get(rprefix + "remove"):
                continue
            rounds.append(
                {
                    "minutes": form.get(rprefix + "minutes", ""),
                    "question": {lang: form.get(f"{rprefix}q-{lang}", "") for lang in LANGUAGES},
                }
            )
        if form.get(prefix + "remove"):
            continue
        phases.append(
            {
                "kind": form.get(prefix + "kind", ""),
                "minutes": form.get(prefix + "minutes", ""),
                "title": {lang: form.get(f"{prefix}title-{lang}", "") for lang in LANGUAGES},
                "rounds": rounds,
            }
        )
    names = []
    for n in range(1, TABLES_MAX + 1):
        if f"t{n}-name" not in form:
            break
        names.append(form.get(f"t{n}-name", ""))
    return {
        "title": form.get("title"),
        "titles": {lang: form.get(f"title-{lang}", "") for lang in LANGUAGES},
        "place": form.get("place", ""),
        "held_on": form.get("held_on", ""),
        "languages": getlist("languages"),
        "tables": {
            "count": form.get("tables-count"),
            "capacity": form.get("tables-capacity"),
            "names": names,
        },
        "phases": phases,
        "coaching_set": form.get("coaching_set", ""),
    }


def add_phase(spec: dict[str, Any]) -> None:
    """One more (empty) agenda item on the form, not yet saved."""
    if len(spec["phases"]) < PHASES_MAX:
        spec["phases"].append({"kind": "plenary", "minutes": 15, "title": {}, "rounds": []})


def add_round(spec: dict[str, Any], phase_index: int) -> None:
    """One more (empty) round in a café phase on the form, not yet saved."""
    if 0 <= phase_index < len(spec["phases"]):
        rounds = spec["phases"][phase_index].setdefault("rounds", [])
        if sum(len(p.get("rounds", [])) for p in spec["phases"]) < ROUNDS_MAX:
            rounds.append({"minutes": 10, "question": {}})


# --- checking a spec ---------------------------------------------------------------------


def clean_text(value: Any, limit: int, code: str, field: str = "", multiline: bool = False) -> str:
    """A text typed in a form, cleaned as every typed text is (`cafe.text.clean_text`:
    valid Unicode, NFC, no control characters or bidi overrides, trimmed, invisible-only
    counts as empty), at most `limit` long; "" when empty (None too). One line unless
    `multiline` (a round's question may have several). Any fault: `code` for `field`."""
    if value is None:
        value = ""
    try:
        return typed_text(
            value,
            limit,
            multiline=multiline,
            bad=code,
            broken=code,
            empty=None,
            too_long=code,
        )
    except DomainError as exc:
        raise DomainError(code, field=field) from exc


def _whole(value: Any, low: int, high: int, code: str, field: str) -> int:
    """A whole number typed in a form ("12") or given as an int, within [low, high]."""
    if isinstance(value, bool):
        raise DomainError(code, field=field)
    # [0-9], not \d: "١٢" (Arabic-Indic digits) is no number an organiser meant to type.
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,6}\s*", value):
        value = int(value)
    if not isinstance(value, int) or not low <= value <= high:
        raise DomainError(code, field=field)
    return value


def _per_language(
    value: Any, languages: list[str], code: str, field: str, multiline: bool = False
) -> dict[str, str]:
    """Texts per language: only the workshop's languages kept, at least one given."""
    if not isinstance(value, Mapping):
        raise DomainError(code, field=field)
    texts = {}
    for lang in languages:
        text = clean_text(value.get(lang), TEXT_MAX, code, f"{field}-{lang}", multiline)
        if text:
            texts[lang] = text
    if not texts:
        raise DomainError(code, field=f"{field}-{languages[0]}")
    return texts


def _titles(value: Any, languages: list[str]) -> dict[str, str]:
    """The workshop's title per language: optional, each as long as the title may be."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise DomainError("bad_title", field="title")
    texts = {}
    for lang in languages:
        text = clean_text(value.get(lang), TITLE_MAX, "bad_title", f"title-{lang}")
        if text:
            texts[lang] = text
    return texts


def _coaching_set(value: Any) -> int | None:
    """The id of the coaching phase's card set as the form sends it ("" or missing: the
    shipped default set). Whose set it is, is checked when it is applied."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,12}", value):
        return int(value)
    raise DomainError("unknown_card_set", field="coaching_set")


def clean_spec(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check a whole spec and return it tidied (ints, stripped texts), or DomainError.

    The error's `field` detail names the form field at fault.
    """
    if not isinstance(raw, Mapping):
        raise DomainError("bad_request")
    title = clean_text(raw.get("title"), TITLE_MAX, "bad_title", "title")
    if not title:
        raise DomainError("bad_title", field="title")
    place = clean_text(raw.get("place"), PLACE_MAX, "bad_place", "place")
    held_on = clean_text(raw.get("held_on"), 10, "bad_date", "held_on")
    if held_on:
        try:
            held_on = date.fromisoformat(held_on).isoformat()
        except ValueError as exc:
            raise DomainError("bad_date", field="held_on") from exc
    languages = raw.get("languages")
    if (
        not isinstance(languages, list | tuple)
        or not languages
        or any(lang not in LANGUAGES for lang in languages)
    ):
        raise DomainError("bad_languages", field="languages")
    languages = [lang for lang in LANGUAGES if lang in languages]  # a stable order, no repeats

    phases_raw = raw.get("phases")
    if not isinstance(phases_raw, list) or not 1 <= len(phases_raw) <= PHASES_MAX:
        raise DomainError("bad_agenda", field="phases")
    phases = []
    round_total = 0
    for i, phase in enumerate(phases_raw):
        field = f"p{i}"
        if not isinstance(phase, Mapping) or phase.get("kind") not in PHASE_KINDS:
            raise DomainError("bad_phase_kind", field=f"{field}-kind")
        minutes = _whole(phase.get("minutes"), 1, MINUTES_MAX, "bad_minutes", f"{field}-minutes")
        titles = _per_language(
            phase.get("title"), languages, "missing_phase_title", f"{field}-title"
        )
        rounds_raw = phase.get("rounds") or []
        if not isinstance(rounds_raw, list):
            raise DomainError("bad_agenda", field=field)
        if rounds_raw and phase["kind"] != ROUND_KIND:
            raise DomainError("rounds_need_cafe", field=f"{field}-kind")
        rounds = []
        for j, item in enumerate(rounds_raw):
            rfield = f"{field}-r{j}"
            if not isinstance(item, Mapping):
                raise DomainError("bad_agenda", field=rfield)
            rounds.append(
                {
                    "minutes": _whole(
                        item.get("minutes"), 1, MINUTES_MAX, "bad_minutes", f"{rfield}-minutes"
                    ),
                    "question": _per_language(
                        item.get("question"),
                        languages,
                        "missing_question",
                        f"{rfield}-q",
                        multiline=True,  # typed in a text area
                    ),
                }
            )
        round_total += len(rounds)
        phases.append(
            {"kind": phase["kind"], "minutes": minutes, "title": titles, "rounds": rounds}
        )
    if round_total == 0:
        raise DomainError("no_rounds", field="phases")
    if round_total > ROUNDS_MAX:
        raise DomainError("bad_agenda", field="phases")

    tables = raw.get("tables")
    if not isinstance(tables, Mapping):
        raise DomainError("bad_tables", field="tables-count")
    count = _whole(tables.get("count"), 1, TABLES_MAX, "bad_tables", "tables-count")
    capacity = _whole(
        tables.get("capacity"), CAPACITY_MIN, CAPACITY_MAX, "bad_capacity", "tables-capacity"
    )
    names_raw = tables.get("names") or []
    if not isinstance(names_raw, list):
        raise DomainError("bad_table_name", field="t1-name")
    names = [
        clean_text(
            names_raw[n] if n < len(names_raw) else "",
            TABLE_NAME_MAX,
            "bad_table_name",
            f"t{n + 1}-name",
        )
        for n in range(count)
    ]
    return {
        "title": title,
        "titles": _titles(raw.get("titles"), languages),
        "coaching_set": _coaching_set(raw.get("coaching_set")),
        "place": place,
        "held_on": held_on,
        "languages": languages,
        "phases": phases,
        "tables": {"count": count, "capacity": capacity, "names": names},
    }
