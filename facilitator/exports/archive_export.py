"""The archive's export: the workshop as canonical data, and the ZIP of it (no Flask)."""

from __future__ import annotations

import base64
import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from facilitator.cafe.tablecloths import photo_file
from facilitator.cafe.themes import NOTE_LISTS, overrides_ever
from facilitator.errors import DomainError
from facilitator.exports.archive_csv import csv_bytes, csv_tables
from facilitator.exports.archive_format import FORMAT, JSON_NAME, VERSION, ZIP_TIME, photo_member
from facilitator.store.files import replacing
from facilitator.store.models import (
    Ballot,
    CafeTable,
    Commitment,
    Contribution,
    Dot,
    Participant,
    Phase,
    Photo,
    Project,
    Round,
    Seat,
    Vote,
    Workshop,
    WorkshopProject,
)
from facilitator.store.queries import in_chunks

# --- export: the canonical data ------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def _codes(joined: str) -> list[str]:
    return [code for code in joined.split(",") if code]


def workshop_data(session: Session, workshop_id: int) -> dict[str, Any]:
    """The whole workshop as plain JSON-able data, by natural keys, sorted."""
    workshop = session.get(Workshop, workshop_id)
    if workshop is None:
        raise DomainError("unknown_workshop")
    phases = _rows(session, Phase, Phase.workshop_id == workshop_id)
    rounds = _rows(session, Round, Round.workshop_id == workshop_id)
    tables = _rows(session, CafeTable, CafeTable.workshop_id == workshop_id)
    people = _rows(session, Participant, Participant.workshop_id == workshop_id)
    notes = _rows(session, Contribution, Contribution.workshop_id == workshop_id)
    keys = _Keys(phases, rounds, tables, people, notes, _workshop_projects(session, workshop_id))
    data = _workshop_fields(workshop, keys)
    data["projects"] = [_project(number, p) for number, p in enumerate(keys.projects, start=1)]
    data["phases"] = sorted((_phase(p) for p in phases), key=lambda d: d["position"])
    data["rounds"] = sorted((_round(r, keys) for r in rounds), key=lambda d: d["number"])
    data["tables"] = sorted((_table(t, keys) for t in tables), key=lambda d: d["number"])
    data["participants"] = sorted(
        (_participant(p, keys) for p in people), key=lambda d: (d["joined_at"], d["public_id"])
    )
    data["seats"] = _seats(session, workshop_id, keys)
    data["contributions"] = _contributions(session, notes, keys)
    data["upvotes"] = _upvotes(session, workshop_id, keys)
    data["ballots"] = _ballots(session, workshop_id, keys)
    data["commitments"] = _commitments(session, workshop_id, keys)
    data["theme_changes"] = _theme_changes(session, workshop_id, keys)
    return data


def _meaning(row: Contribution | Commitment) -> dict[str, str] | None:
    """A stored vector of meaning and its model: an import need not compute it again."""
    if row.meaning is None or row.meaning_model is None:
        return None
    return {"model": row.meaning_model, "vector": base64.b64encode(row.meaning).decode("ascii")}


def _theme_changes(session: Session, workshop_id: int, keys: _Keys) -> list[dict[str, Any]]:
    """The facilitators' changes to the themes, naming notes by their client ids."""
    return [
        {
            name: [keys.note[i] for i in value if i in keys.note]
            if name in NOTE_LISTS and isinstance(value, list)
            else value
            for name, value in change.items()
        }
        for change in overrides_ever(session, workshop_id)
    ]


def _rows(session: Session, model: Any, where: Any) -> list[Any]:
    return list(session.scalars(select(model).where(where).order_by(model.id)))


class _Keys:
    """Database id -> natural key, per kind of row."""

    def __init__(
        self,
        phases: list[Phase],
        rounds: list[Round],
        tables: list[CafeTable],
        people: list[Participant],
        notes: list[Contribution],
        projects: list[Project],
    ) -> None:
        self.projects = projects
        # A project is named by its place in the workshop's list (1, 2, ...): its database
        # id is this instance's, and two coaches may each have a "Kiel" in "Gent".
        self.project = {p.id: number for number, p in enumerate(projects, start=1)}
        self.phase = {p.id: p.position for p in phases}
        self.round = {r.id: r.number for r in rounds}
        self.table = {t.id: t.number for t in tables}
        self.person = {p.id: p.public_id for p in people}
        self.note = {n.id: n.client_id for n in notes}


def _workshop_fields(workshop: Workshop, keys: _Keys) -> dict[str, Any]:
    # Not exported: the secret hashes, the join code, the owner and last_seq (instance state).
    return {
        "title": workshop.title,
        "titles": dict(workshop.titles or {}),
        "languages": _codes(workshop.languages),
        "status": workshop.status,
        "place": workshop.place,
        "held_on": workshop.held_on,
        "message": workshop.message,
        "projector_view": workshop.projector_view,
        "show_names": workshop.show_names,
        "harvest_scope": workshop.harvest_scope,
        "harvest_language": workshop.harvest_language,
        "spotlight_table": workshop.spotlight_table,
        "current_phase": keys.phase.get(workshop.current_phase_id or 0),
        "current_round": keys.round.get(workshop.current_round_id or 0),
        "created_at": _iso(workshop.created_at),
    }


def _phase(phase: Phase) -> dict[str, Any]:
    return {
        "position": phase.position,
        "kind": phase.kind,
        "title": phase.title,
        "planned_minutes": phase.planned_minutes,
        "started_at": _iso(phase.started_at),
    }


def _round(cafe_round: Round, keys: _Keys) -> dict[str, Any]:
    return {
        "number": cafe_round.number,
        "phase": keys.phase.get(cafe_round.phase_id or 0),
        "question": cafe_round.question,
        "duration_seconds": cafe_round.duration_seconds,
        "status": cafe_round.status,
        "started_at": _iso(cafe_round.started_at),
        "ends_at": _iso(cafe_round.ends_at),
        "paused_remaining": cafe_round.paused_remaining,
    }


def _table(table: CafeTable, keys: _Keys) -> dict[str, Any]:
    return {
        "number": table.number,
        "name": table.name,
        "capacity": table.capacity,
        "host": keys.person.get(table.host_id or 0),
    }


def _workshop_projects(session: Session, workshop_id: int) -> list[Project]:
    query = (
        select(Project)
        .join(WorkshopProject, WorkshopProject.project_id == Project.id)
        .where(WorkshopProject.workshop_id == workshop_id)
        .order_by(Project.name, Project.municipality, Project.id)
    )
    return list(session.scalars(query))


def _project(number: int, project: Project) -> dict[str, Any]:
    # Not exported: the coach (an account of this instance) and the project's id.
    return {
        "number": number,
        "name": project.name,
        "municipality": project.municipality,
        "languages": _codes(project.languages),
    }


def _participant(person: Participant, keys: _Keys) -> dict[str, Any]:
    return {
        "public_id": person.public_id,
        "display_name": person.display_name,
        "language": person.language,
        "spoken": _codes(person.spoken),
        "role": person.role,
        "is_host": person.is_host,
        "is_bot": person.is_bot,
        "presence": person.presence,
        "joined_at": _iso(person.joined_at),
        "project": keys.project.get(person.project_id or 0),
    }


def _seats(session: Session, workshop_id: int, keys: _Keys) -> list[dict[str, Any]]:
    seats = session.scalars(select(Seat).join(Round).where(Round.workshop_id == workshop_id))
    rows = [
        {
            "round": keys.round[s.round_id],
            "participant": keys.person[s.participant_id],
            "table": keys.table[s.table_id],
        }
        for s in seats
    ]
    return sorted(rows, key=lambda d: (d["round"], d["table"], d["participant"]))


def _contributions(
    session: Session, notes: list[Contribution], keys: _Keys
) -> list[dict[str, Any]]:
    ids = [n.id for n in notes if n.kind == "photo"]
    photos = {p.contribution_id: p for p in in_chunks(session, Photo, Photo.contribution_id, ids)}
    rows = [_contribution(n, photos.get(n.id), keys) for n in notes]
    return sorted(rows, key=lambda d: (d["created_at"], d["client_id"]))


def _contribution(note: Contribution, photo: Photo | None, keys: _Keys) -> dict[str, Any]:
    image = None
    if photo is not None:
        image = {"width": photo.width, "height": photo.height, "file": photo_member(note.client_id)}
    return {
        "client_id": note.client_id,
        "kind": note.kind,
        "text": note.text,
        "round": keys.round[note.round_id],
        "table": keys.table[note.table_id],
        # None for a note typed in from paper: it has no author, only a language.
        "author": keys.person[note.participant_id] if note.participant_id else None,
        "source": note.source,
        "language": note.language,
        "hidden": note.hidden,
        "created_at": _iso(note.created_at),
        "photo": image,
        "meaning": _meaning(note),
    }


def _upvotes(session: Session, workshop_id: int, keys: _Keys) -> list[dict[str, Any]]:
    votes = session.scalars(
        select(Vote).join(Contribution).where(Contribution.workshop_id == workshop_id)
    )
    rows = [
        {
            "note": keys.note[v.contribution_id],
            "voter": keys.person[v.participant_id],
            "created_at": _iso(v.created_at),
        }
        for v in votes
    ]
    return sorted(rows, key=lambda d: (d["note"], d["voter"]))


def _ballots(session: Session, workshop_id: int, keys: _Keys) -> list[dict[str, Any]]:
    # A ballot has no natural key: its place in opening order names it (ids keep that order).
    ballots = _rows(session, Ballot, Ballot.workshop_id == workshop_id)
    ballots.sort(key=lambda b: b.opened_at)
    return [_ballot(session, ballot, keys) for ballot in ballots]


def _ballot(session: Session, ballot: Ballot, keys: _Keys) -> dict[str, Any]:
    dots = [
        {"participant": keys.person[d.participant_id], "option": d.option, "dots": d.dots}
        for d in session.scalars(select(Dot).where(Dot.ballot_id == ballot.id))
    ]
    return {
        "status": ballot.status,
        "dots_per_person": ballot.dots_per_person,
        "options": ballot.options,
        "results": ballot.results,
        "opened_at": _iso(ballot.opened_at),
        "closed_at": _iso(ballot.closed_at),
        "dots": sorted(dots, key=lambda d: (d["participant"], d["option"])),
    }


def _commitments(session: Session, workshop_id: int, keys: _Keys) -> list[dict[str, Any]]:
    rows = [
        {
            "client_id": c.client_id,
            "author": keys.person[c.participant_id],
            "text": c.text,
            "signed_as": c.signed_as,
            "theme": c.theme,
            "hidden": c.hidden,
            "created_at": _iso(c.created_at),
            "meaning": _meaning(c),
        }
        for c in _rows(session, Commitment, Commitment.workshop_id == workshop_id)
    ]
    return sorted(rows, key=lambda d: (d["created_at"], d["client_id"]))


# --- export: the ZIP -----------------------------------------------------------------------


def write_archive(
    session: Session, workshop_id: int, sessions_dir: str | Path, out_path: str | Path
) -> Path:
    """Write the workshop's archive (JSON, CSVs, photos) as a ZIP; returns its path."""
    data = workshop_data(session, workshop_id)
    document = {"format": FORMAT, "version": VERSION, "workshop": data}
    out = Path(out_path)
    with replacing(out) as partial, zipfile.ZipFile(partial, "w") as archive:
        text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True)
        _add(archive, JSON_NAME, text.encode("utf-8"))
        for name, header, rows in csv_tables(data):
            _add(archive, name, csv_bytes(header, rows))
        for client_id, path in _photo_files(session, workshop_id, sessions_dir):
            _add(archive, photo_member(client_id), path.read_bytes(), compress=False)
    return out


def _add(archive: zipfile.ZipFile, name: str, payload: bytes, compress: bool = True) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED  # JPEG: packed
    info.external_attr = 0o644 << 16
    archive.writestr(info, payload)


def _photo_files(
    session: Session, workshop_id: int, sessions_dir: str | Path
) -> Iterator[tuple[str, Path]]:
    found = session.execute(
        select(Contribution.id, Contribution.client_id).where(
            Contribution.workshop_id == workshop_id, Contribution.kind == "photo"
        )
    )
    for note_id, client_id in sorted(found, key=lambda row: row.client_id):
        path = photo_file(sessions_dir, workshop_id, note_id, thumb=False)
        if path.is_file():
            yield client_id, path
