"""The organiser's side of a workshop: create, copy, edit, open and close, invite, delete.

No Flask here. A workshop is edited as a *spec*, the same shape as a template
(`facilitator/demo/caring_neighbourhoods.json`) plus place, date and table names; the
organiser's form is read into a raw spec (`spec_from_form`), checked as a whole
(`clean_spec`) and only then applied, so a refused edit changes nothing.
"""

from __future__ import annotations

import re
import secrets
import shutil
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .agenda import list_phases
from .errors import DomainError
from .models import CafeTable, Contribution, Participant, Phase, Round, Seat, Workshop
from .queries import list_tables
from .workshops import WorkshopLinks, create_workshop, get_by_code, hash_secret

LANGUAGES = ("nl", "fr", "en")
PHASE_KINDS = ("welcome", "presentation", "cafe", "plenary", "conclusion")
ROUND_KIND = "cafe"  # only café phases have rounds
EDITABLE = ("draft", "open")
# Which status may follow which. "running" is reserved for the live console; an
# organiser can still close such a workshop.
TRANSITIONS = {"draft": ("open",), "open": ("closed",), "closed": ("open",), "running": ("closed",)}

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
        "place": workshop.place or "",
        "held_on": workshop.held_on or "",
        "languages": workshop.languages.split(","),
        "tables": {
            "count": len(tables),
            "capacity": max((t.capacity for t in tables), default=6),
            "names": [t.name or "" for t in tables],
        },
        "phases": phase_specs,
    }


def create_from_template(
    session: Session, template: Mapping[str, Any], owner_id: int, title: str | None = None
) -> WorkshopLinks:
    """A new draft workshop of this organiser, made from a template or a copied spec."""
    spec = dict(template)
    spec["title"] = _text(title if title is not None else spec.get("title"), TITLE_MAX, "bad_title")
    if not spec["title"]:
        raise DomainError("bad_title", field="title")
    links = create_workshop(session, spec, owner_id=owner_id)
    workshop = get_by_code(session, links.join_code)
    workshop.status = "draft"  # nobody can be let in before the organiser opens it
    workshop.place = (spec.get("place") or None) if isinstance(spec.get("place"), str) else None
    names = spec["tables"].get("names") or []
    for table in list_tables(session, workshop.id):
        name = names[table.number - 1] if table.number <= len(names) else None
        table.name = (name or None) if isinstance(name, str) else None
    session.flush()
    return links


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
        "place": form.get("place", ""),
        "held_on": form.get("held_on", ""),
        "languages": getlist("languages"),
        "tables": {
            "count": form.get("tables-count"),
            "capacity": form.get("tables-capacity"),
            "names": names,
        },
        "phases": phases,
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


def _text(value: Any, limit: int, code: str, field: str = "") -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError(code, field=field)
    value = value.strip()
    if len(value) > limit:
        raise DomainError(code, field=field)
    return value


def _whole(value: Any, low: int, high: int, code: str, field: str) -> int:
    """A whole number typed in a form ("12") or given as an int, within [low, high]."""
    if isinstance(value, bool):
        raise DomainError(code, field=field)
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,6}\s*", value):
        value = int(value)
    if not isinstance(value, int) or not low <= value <= high:
        raise DomainError(code, field=field)
    return value


def _per_language(value: Any, languages: list[str], code: str, field: str) -> dict[str, str]:
    """Texts per language: only the workshop's languages kept, at least one given."""
    if not isinstance(value, Mapping):
        raise DomainError(code, field=field)
    texts = {}
    for lang in languages:
        text = _text(value.get(lang), TEXT_MAX, code, f"{field}-{lang}")
        if text:
            texts[lang] = text
    if not texts:
        raise DomainError(code, field=f"{field}-{languages[0]}")
    return texts


def clean_spec(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check a whole spec and return it tidied (ints, stripped texts), or DomainError.

    The error's `field` detail names the form field at fault.
    """
    if not isinstance(raw, Mapping):
        raise DomainError("bad_request")
    title = _text(raw.get("title"), TITLE_MAX, "bad_title", "title")
    if not title:
        raise DomainError("bad_title", field="title")
    place = _text(raw.get("place"), PLACE_MAX, "bad_place", "place")
    held_on = _text(raw.get("held_on"), 10, "bad_date", "held_on")
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
                        item.get("question"), languages, "missing_question", f"{rfield}-q"
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
        _text(
            names_raw[n] if n < len(names_raw) else "",
            TABLE_NAME_MAX,
            "bad_table_name",
            f"t{n + 1}-name",
        )
        for n in range(count)
    ]
    return {
        "title": title,
        "place": place,
        "held_on": held_on,
        "languages": languages,
        "phases": phases,
        "tables": {"count": count, "capacity": capacity, "names": names},
    }


# --- applying an edit --------------------------------------------------------------------


def has_started(session: Session, workshop: Workshop) -> bool:
    """Whether any round has been started (the agenda is then history, not a plan)."""
    started = session.scalar(
        select(func.count(Round.id)).where(
            Round.workshop_id == workshop.id,
            (Round.status != "pending") | Round.started_at.is_not(None),
        )
    )
    return bool(started)


def can_edit(session: Session, workshop: Workshop) -> bool:
    return workshop.status in EDITABLE and not has_started(session, workshop)


def update_workshop(session: Session, workshop: Workshop, form_data: Mapping[str, Any]) -> None:
    """Replace title, place, date, languages, agenda, rounds and tables with a new spec.

    Rows are updated in place (matched by position, round number and table number), so
    people who already joined keep their seats; removing a round or table someone sits
    at or wrote at is refused rather than silently deleting their notes.
    """
    spec = clean_spec(form_data)
    # Lock the row: a facilitator pressing "Start round" now must wait for this edit.
    session.refresh(workshop, with_for_update=True)
    if not can_edit(session, workshop):
        raise DomainError("workshop_started")
    _check_people_fit(session, workshop, spec)

    workshop.title = spec["title"]
    workshop.place = spec["place"] or None
    workshop.held_on = spec["held_on"] or None
    workshop.languages = ",".join(spec["languages"])
    _apply_agenda(session, workshop, spec["phases"])
    _apply_tables(session, workshop, spec["tables"])
    session.flush()


def _check_people_fit(session: Session, workshop: Workshop, spec: dict[str, Any]) -> None:
    """Refuse an edit that would drop people's seats, notes or screen language."""
    spoken = session.scalars(
        select(Participant.language).where(Participant.workshop_id == workshop.id).distinct()
    ).all()
    if any(lang not in spec["languages"] for lang in spoken):
        raise DomainError("language_in_use", field="languages")

    round_total = sum(len(p["rounds"]) for p in spec["phases"])
    dropped_rounds = select(Round.id).where(
        Round.workshop_id == workshop.id, Round.number > round_total
    )
    if _any_use(
        session, Seat.round_id.in_(dropped_rounds), Contribution.round_id.in_(dropped_rounds)
    ):
        raise DomainError("rounds_in_use", field="phases")

    count, capacity = spec["tables"]["count"], spec["tables"]["capacity"]
    dropped_tables = select(CafeTable.id).where(
        CafeTable.workshop_id == workshop.id, CafeTable.number > count
    )
    if _any_use(
        session, Seat.table_id.in_(dropped_tables), Contribution.table_id.in_(dropped_tables)
    ):
        raise DomainError("tables_in_use", field="tables-count")
    fullest = session.scalar(
        select(func.count(Seat.id))
        .join(CafeTable, CafeTable.id == Seat.table_id)
        .where(CafeTable.workshop_id == workshop.id, Seat.round_id == workshop.current_round_id)
        .group_by(Seat.table_id)
        .order_by(func.count(Seat.id).desc())
        .limit(1)
    )
    if fullest and fullest > capacity:
        raise DomainError("tables_in_use", field="tables-capacity")


def _any_use(session: Session, seat_filter: Any, note_filter: Any) -> bool:
    seated = session.scalar(select(Seat.id).where(seat_filter).limit(1))
    noted = session.scalar(select(Contribution.id).where(note_filter).limit(1))
    return seated is not None or noted is not None


def _apply_agenda(session: Session, workshop: Workshop, phase_specs: list[dict[str, Any]]) -> None:
    phases = list_phases(session, workshop.id)
    rounds = list(
        session.scalars(
            select(Round).where(Round.workshop_id == workshop.id).order_by(Round.number)
        )
    )
    kept: list[Phase] = []
    for position, spec in enumerate(phase_specs):
        if position < len(phases):
            phase = phases[position]
            phase.kind, phase.title, phase.planned_minutes = (
                spec["kind"],
                spec["title"],
                spec["minutes"],
            )
            phase.position = position
        else:
            phase = Phase(
                workshop_id=workshop.id,
                position=position,
                kind=spec["kind"],
                title=spec["title"],
                planned_minutes=spec["minutes"],
            )
            session.add(phase)
        kept.append(phase)
    session.flush()

    number = 0
    for phase, spec in zip(kept, phase_specs, strict=True):
        for round_spec in spec["rounds"]:
            number += 1
            if number <= len(rounds):
                cafe_round = rounds[number - 1]
                cafe_round.question = round_spec["question"]
                cafe_round.duration_seconds = round_spec["minutes"] * 60
                cafe_round.phase_id = phase.id
            else:
                cafe_round = Round(
                    workshop_id=workshop.id,
                    phase_id=phase.id,
                    number=number,
                    question=round_spec["question"],
                    duration_seconds=round_spec["minutes"] * 60,
                    status="pending",
                )
                session.add(cafe_round)
                rounds.append(cafe_round)
    session.flush()

    dropped_rounds = [r.id for r in rounds[number:]]
    dropped_phases = [p.id for p in phases[len(phase_specs) :]]
    if workshop.current_round_id in dropped_rounds or workshop.current_round_id is None:
        workshop.current_round_id = rounds[0].id
    if workshop.current_phase_id in dropped_phases or workshop.current_phase_id is None:
        workshop.current_phase_id = kept[0].id
    session.flush()  # move the pointers off the rows before they go
    if dropped_rounds:
        session.execute(delete(Round).where(Round.id.in_(dropped_rounds)))
    if dropped_phases:
        session.execute(delete(Phase).where(Phase.id.in_(dropped_phases)))


def _apply_tables(session: Session, workshop: Workshop, spec: dict[str, Any]) -> None:
    tables = list_tables(session, workshop.id)
    for number in range(1, spec["count"] + 1):
        name = spec["names"][number - 1] or None
        if number <= len(tables):
            table = tables[number - 1]
            table.capacity, table.name = spec["capacity"], name
        else:
            session.add(
                CafeTable(
                    workshop_id=workshop.id, number=number, capacity=spec["capacity"], name=name
                )
            )
    dropped = [t.id for t in tables[spec["count"] :]]
    if dropped:
        session.flush()
        session.execute(delete(CafeTable).where(CafeTable.id.in_(dropped)))


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
    """An organiser's workshops, newest first."""
    query = select(Workshop).where(Workshop.owner_id == owner_id).order_by(Workshop.id.desc())
    return list(session.scalars(query))
