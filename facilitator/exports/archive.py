"""The workshop archive: a whole workshop as JSON and CSV in a ZIP, and back (no Flask).

`workshop_data` is the canonical form: plain JSON data naming rows by natural keys (round
and table numbers, public ids, client ids), never by database ids, so one workshop gives
the same data on any instance. `write_archive` zips it with CSVs for spreadsheets and the
photos; `import_archive` checks an archive strictly and recreates the workshop under
fresh links, all or nothing. Events are left out: they are a log derived from the rows.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import secrets
import shutil
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from ..config import LANGUAGES, ROLES
from ..errors import DomainError
from ..models import (
    Ballot,
    CafeTable,
    Commitment,
    Contribution,
    Dot,
    Participant,
    Phase,
    Photo,
    Round,
    Seat,
    Vote,
    Workshop,
)
from ..photos import PhotoRejected, process_photo
from ..seating import SeatingInvariantError, check_seating
from ..tablecloths import photo_file, photo_folder
from ..workshops import PROJECTOR_VIEWS, WorkshopLinks, hash_secret, new_join_code

FORMAT = "facilitator-archive"
VERSION = 1

MAX_ARCHIVE_BYTES = 200 * 1024 * 1024  # the ZIP, and everything in it uncompressed
MAX_JSON_BYTES = 100 * 1024 * 1024
MAX_PHOTO_BYTES = 10_000_000  # as config PHOTO_MAX_BYTES: what an upload may be
MAX_MEMBERS = 20_000
TEXT_MAX_CHARS = 10_000  # Text columns have no size of their own
MAX_INT = 2**31 - 1  # PostgreSQL's integer

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed: the same workshop gives the same bytes
JSON_NAME = "workshop.json"

WORKSHOP_STATUSES = ("draft", "open", "running", "closed")
ROUND_STATUSES = ("pending", "running", "paused", "ended")
PRESENCES = ("connected", "away", "left")
KINDS = ("note", "insight", "photo")
BALLOT_STATUSES = ("open", "closed")

# Only these characters travel into member names and URLs; UUIDs and token_hex fit.
_CLIENT_ID = re.compile(r"[A-Za-z0-9-]{1,36}")
_PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_SCOPE = re.compile(r"all|([tr]):(\d{1,9})")


class ArchiveError(DomainError):
    """A refused archive: archive_malformed, archive_too_new or archive_too_large."""


def _malformed(where: str) -> ArchiveError:
    return ArchiveError("archive_malformed", field=where)


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
    keys = _Keys(phases, rounds, tables, people, notes)
    data = _workshop_fields(workshop, keys)
    data["phases"] = sorted((_phase(p) for p in phases), key=lambda d: d["position"])
    data["rounds"] = sorted((_round(r, keys) for r in rounds), key=lambda d: d["number"])
    data["tables"] = sorted((_table(t, keys) for t in tables), key=lambda d: d["number"])
    data["participants"] = sorted(
        (_participant(p) for p in people), key=lambda d: (d["joined_at"], d["public_id"])
    )
    data["seats"] = _seats(session, workshop_id, keys)
    data["contributions"] = _contributions(session, notes, keys)
    data["upvotes"] = _upvotes(session, workshop_id, keys)
    data["ballots"] = _ballots(session, workshop_id, keys)
    data["commitments"] = _commitments(session, workshop_id, keys)
    return data


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
    ) -> None:
        self.phase = {p.id: p.position for p in phases}
        self.round = {r.id: r.number for r in rounds}
        self.table = {t.id: t.number for t in tables}
        self.person = {p.id: p.public_id for p in people}
        self.note = {n.id: n.client_id for n in notes}


def _workshop_fields(workshop: Workshop, keys: _Keys) -> dict[str, Any]:
    # Not exported: the secret hashes, the join code, the owner and last_seq (instance state).
    return {
        "title": workshop.title,
        "languages": _codes(workshop.languages),
        "status": workshop.status,
        "place": workshop.place,
        "held_on": workshop.held_on,
        "message": workshop.message,
        "projector_view": workshop.projector_view,
        "show_names": workshop.show_names,
        "harvest_scope": workshop.harvest_scope,
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


def _participant(person: Participant) -> dict[str, Any]:
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
    photos = {p.contribution_id: p for p in _in_chunks(session, Photo, Photo.contribution_id, ids)}
    rows = [_contribution(n, photos.get(n.id), keys) for n in notes]
    return sorted(rows, key=lambda d: (d["created_at"], d["client_id"]))


def _in_chunks(session: Session, model: Any, column: Any, values: Sequence[Any]) -> list[Any]:
    # Bound parameters per statement are limited (SQLite: 32766); workshops are not.
    found: list[Any] = []
    for start in range(0, len(values), 500):
        found += session.scalars(select(model).where(column.in_(values[start : start + 500])))
    return found


def photo_member(client_id: str) -> str:
    """The name of a photo's file inside the archive."""
    return f"photos/{client_id}.jpg"


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
        "author": keys.person[note.participant_id],
        "hidden": note.hidden,
        "created_at": _iso(note.created_at),
        "photo": image,
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
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")  # a reader never sees half an archive
    try:
        with zipfile.ZipFile(partial, "w") as archive:
            text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True)
            _add(archive, JSON_NAME, text.encode("utf-8"))
            for name, header, rows in _csv_tables(data):
                _add(archive, name, _csv_bytes(header, rows))
            for client_id, path in _photo_files(session, workshop_id, sessions_dir):
                _add(archive, photo_member(client_id), path.read_bytes(), compress=False)
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
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


CsvTable = tuple[str, list[str], list[list[Any]]]


def _csv_tables(data: dict[str, Any]) -> list[CsvTable]:
    names = {p["public_id"]: p["display_name"] for p in data["participants"]}
    return [
        _notes_table(data, names),
        _people_table(data),
        _seats_table(data, names),
        _dots_table(data, names),
        _commitments_table(data),
    ]


def _notes_table(data: dict[str, Any], names: dict[str, str | None]) -> CsvTable:
    votes = Counter(v["note"] for v in data["upvotes"])
    header = ["client_id", "kind", "round", "table", "author", "author_name", "created_at"]
    rows = [
        [n["client_id"], n["kind"], n["round"], n["table"], n["author"], names[n["author"]]]
        + [n["created_at"], n["hidden"], votes[n["client_id"]], n["text"]]
        + [n["photo"]["file"] if n["photo"] else None]
        for n in data["contributions"]
    ]
    return "notes.csv", header + ["hidden", "votes", "text", "photo"], rows


def _people_table(data: dict[str, Any]) -> CsvTable:
    header = ["public_id", "display_name", "language", "spoken", "role", "is_host", "is_bot"]
    rows = [
        [p["public_id"], p["display_name"], p["language"], ",".join(p["spoken"]), p["role"]]
        + [p["is_host"], p["is_bot"], p["presence"], p["joined_at"]]
        for p in data["participants"]
    ]
    return "participants.csv", header + ["presence", "joined_at"], rows


def _seats_table(data: dict[str, Any], names: dict[str, str | None]) -> CsvTable:
    rows = [
        [s["round"], s["table"], s["participant"], names[s["participant"]]] for s in data["seats"]
    ]
    return "seats.csv", ["round", "table", "participant", "display_name"], rows


def _dots_table(data: dict[str, Any], names: dict[str, str | None]) -> CsvTable:
    rows = []
    for number, ballot in enumerate(data["ballots"], start=1):
        labels = {o.get("key"): o.get("label") or o.get("text") for o in ballot["options"]}
        for d in ballot["dots"]:
            option, person = d["option"], d["participant"]
            rows.append([number, option, labels.get(option), person, names[person], d["dots"]])
    return "votes.csv", ["ballot", "option", "label", "participant", "display_name", "dots"], rows


def _commitments_table(data: dict[str, Any]) -> CsvTable:
    header = ["client_id", "author", "signed_as", "theme", "hidden", "created_at", "text"]
    rows = [
        [c["client_id"], c["author"], c["signed_as"], c["theme"], c["hidden"], c["created_at"]]
        + [c["text"]]
        for c in data["commitments"]
    ]
    return "commitments.csv", header, rows


def _csv_bytes(header: list[str], rows: Iterable[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    # A spreadsheet runs a cell starting with = + - @ as a formula (CSV injection).
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


# --- import: reading the bytes -------------------------------------------------------------


def _open_source(data: bytes) -> tuple[Any, zipfile.ZipFile | None]:
    """The parsed workshop.json, and the ZIP its photos are in (None for bare JSON)."""
    if len(data) > MAX_ARCHIVE_BYTES:
        raise ArchiveError("archive_too_large")
    if not data.startswith(b"PK"):
        if len(data) > MAX_JSON_BYTES:
            raise ArchiveError("archive_too_large")
        return _parse_json(data), None
    archive = _open_zip(data)
    try:
        return _parse_json(_read_member(archive, JSON_NAME, MAX_JSON_BYTES)), archive
    except BaseException:
        archive.close()
        raise


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise _malformed("zip") from exc
    try:
        _check_members(archive.infolist())
    except BaseException:
        archive.close()
        raise
    return archive


def _check_members(infos: list[zipfile.ZipInfo]) -> None:
    # Declared sizes are checked before anything is inflated (zip bombs); reading then
    # stops at the declared size, so a member lying about it fails its CRC check.
    if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_ARCHIVE_BYTES:
        raise ArchiveError("archive_too_large")
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise _malformed("zip")  # which of two same-named members counts would be a guess
    if JSON_NAME not in names:
        raise _malformed(JSON_NAME)


def _read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise ArchiveError("archive_too_large")
    try:
        with archive.open(info) as member:
            blob = member.read(limit + 1)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as exc:
        raise _malformed(name) from exc  # RuntimeError: encrypted; NotImplemented: method
    except (zlib.error, ValueError) as exc:
        raise _malformed(name) from exc
    if len(blob) > info.file_size:
        raise _malformed(name)
    return blob


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _parse_json(blob: bytes) -> Any:
    try:
        return json.loads(blob.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _malformed("json") from exc


def _envelope(document: Any) -> dict[str, Any]:
    """The workshop inside `{"format", "version", "workshop"}`, once those are right."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _malformed("format")
    version = document.get("version")
    if type(version) is not int or version < 1:
        raise _malformed("version")
    if version > VERSION:
        raise ArchiveError("archive_too_new", version=version)
    body = document.get("workshop")
    if not isinstance(body, dict):
        raise _malformed("workshop")
    return body


# --- import: strict fields -----------------------------------------------------------------


def _limit(column: InstrumentedAttribute[Any]) -> int:
    """A string column's size in the model, or the bound for unsized text."""
    return getattr(column.type, "length", None) or TEXT_MAX_CHARS


class _Fields:
    """One JSON object read strictly: each getter checks presence, type and size."""

    def __init__(self, raw: object, where: str) -> None:
        if not isinstance(raw, dict):
            raise _malformed(where)
        self._raw = raw
        self.where = where

    def bad(self, key: str) -> ArchiveError:
        return _malformed(f"{self.where}.{key}")

    def _get(self, key: str, kinds: tuple[type, ...], optional: bool) -> Any:
        if key not in self._raw:
            raise self.bad(key)
        value = self._raw[key]
        if value is None and optional:
            return None
        # bool is an int to Python, never to us.
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise self.bad(key)
        return value

    def opt_text(self, key: str, column: InstrumentedAttribute[Any]) -> str | None:
        value = self._get(key, (str,), optional=True)
        if value is not None and len(value) > _limit(column):
            raise ArchiveError("archive_malformed", field=f"{self.where}.{key}", too_long=True)
        return value

    def text(self, key: str, column: InstrumentedAttribute[Any]) -> str:
        value = self.opt_text(key, column)
        if value is None:
            raise self.bad(key)
        return value

    def matching(self, key: str, pattern: re.Pattern[str]) -> str:
        value = self._get(key, (str,), optional=False)
        if not pattern.fullmatch(value):
            raise self.bad(key)
        return value

    def choice(self, key: str, choices: Sequence[str]) -> str:
        value = self._get(key, (str,), optional=False)
        if value not in choices:
            raise self.bad(key)
        return value

    def opt_number(self, key: str, minimum: int = 0) -> int | None:
        value = self._get(key, (int,), optional=True)
        if value is not None and not minimum <= value <= MAX_INT:
            raise self.bad(key)
        return value

    def number(self, key: str, minimum: int = 0) -> int:
        value = self.opt_number(key, minimum)
        if value is None:
            raise self.bad(key)
        return value

    def flag(self, key: str) -> bool:
        return bool(self._get(key, (bool,), optional=False))

    def opt_time(self, key: str) -> datetime | None:
        value = self._get(key, (str,), optional=True)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value) if len(value) <= 40 else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise self.bad(key)
        return moment.astimezone(UTC)

    def time(self, key: str) -> datetime:
        value = self.opt_time(key)
        if value is None:
            raise self.bad(key)
        return value

    def languages(self, key: str, column: InstrumentedAttribute[Any]) -> str:
        """A list of known language codes, stored comma-separated."""
        value = self._get(key, (list,), optional=False)
        if any(code not in LANGUAGES for code in value) or len(set(value)) != len(value):
            raise self.bad(key)
        joined = ",".join(value)
        if len(joined) > _limit(column):
            raise self.bad(key)
        return joined

    def translations(self, key: str) -> dict[str, str]:
        """A text per language: {"nl": ..., "fr": ...}."""
        value = self._get(key, (dict,), optional=False)
        for code, text in value.items():
            if len(code) > 5 or not isinstance(text, str) or len(text) > TEXT_MAX_CHARS:
                raise self.bad(key)
        return dict(value)

    def items(self, key: str) -> list[_Fields]:
        value = self._get(key, (list,), optional=False)
        return [_Fields(item, f"{self.where}.{key}[{index}]") for index, item in enumerate(value)]

    def opt_object(self, key: str) -> _Fields | None:
        value = self._get(key, (dict,), optional=True)
        return None if value is None else _Fields(value, f"{self.where}.{key}")

    def raw(self, key: str, kinds: tuple[type, ...], optional: bool = False) -> Any:
        return self._get(key, kinds, optional)


def _unique(seen: set[Any], key: Any, fields: _Fields, name: str) -> None:
    if key in seen:
        raise fields.bad(name)
    seen.add(key)


def _new_key(mapping: dict[Any, Any], key: Any, fields: _Fields, name: str) -> None:
    """Natural keys name rows: two rows with one key would make references ambiguous."""
    if key in mapping:
        raise fields.bad(name)


def _find(mapping: dict[Any, Any], fields: _Fields, name: str, key: Any) -> Any:
    """The row a natural key names: a dangling reference makes the archive malformed."""
    if key not in mapping:
        raise fields.bad(name)
    return mapping[key]


# --- import: rows --------------------------------------------------------------------------


class _Importer:
    """Adds one archived workshop's rows, checking each reference as it goes."""

    def __init__(self, session: Session, body: _Fields, owner_id: int | None) -> None:
        self.session = session
        self.body = body
        self.owner_id = owner_id
        self.workshop = Workshop()
        self.phases: dict[int, Phase] = {}
        self.rounds: dict[int, Round] = {}
        self.tables: dict[int, CafeTable] = {}
        self.people: dict[str, Participant] = {}  # by the archive's public id
        self.notes: dict[str, Contribution] = {}
        self.photos: list[tuple[Contribution, Photo]] = []

    def run(self) -> WorkshopLinks:
        """Add every row, flush, and check the seating invariant; returns fresh links."""
        links = self._workshop()
        for step in (
            self._phases,
            self._rounds,
            self._tables,
            self._participants,
            self._hosts,
            self._seats,
            self._contributions,
            self._upvotes,
            self._ballots,
            self._commitments,
            self._pointers,
        ):
            step()
        self.session.flush()
        if self.workshop.current_round_id is not None:
            try:
                check_seating(self.session, self.workshop, self.workshop.current_round_id)
            except SeatingInvariantError as exc:
                raise _malformed("workshop.seats") from exc
        return links

    def _add(self, rows: Iterable[Any]) -> None:
        self.session.add_all(list(rows))
        self.session.flush()  # ids, for the rows that refer to these

    def _workshop(self) -> WorkshopLinks:
        w = self.body
        held_on = w.opt_text("held_on", Workshop.held_on)
        if held_on is not None:
            try:
                date.fromisoformat(held_on)
            except ValueError as exc:
                raise w.bad("held_on") from exc
        facilitator_secret = secrets.token_urlsafe(16)
        projector_secret = secrets.token_urlsafe(16)
        workshop = self.workshop
        workshop.title = w.text("title", Workshop.title)
        workshop.join_code = new_join_code(self.session)
        workshop.languages = w.languages("languages", Workshop.languages)
        workshop.status = w.choice("status", WORKSHOP_STATUSES)
        workshop.facilitator_secret_hash = hash_secret(facilitator_secret)
        workshop.projector_secret_hash = hash_secret(projector_secret)
        workshop.last_seq = 0
        workshop.message = w.opt_text("message", Workshop.message)
        workshop.projector_view = w.choice("projector_view", PROJECTOR_VIEWS)
        workshop.show_names = w.flag("show_names")
        workshop.harvest_scope = w.text("harvest_scope", Workshop.harvest_scope)
        workshop.place = w.opt_text("place", Workshop.place)
        workshop.held_on = held_on
        workshop.owner_id = self.owner_id
        workshop.created_at = w.time("created_at")
        self._add([workshop])
        return WorkshopLinks(workshop.join_code, facilitator_secret, projector_secret)

    def _phases(self) -> None:
        for f in self.body.items("phases"):
            position = f.number("position")
            _new_key(self.phases, position, f, "position")
            self.phases[position] = Phase(
                workshop_id=self.workshop.id,
                position=position,
                kind=f.text("kind", Phase.kind),
                title=f.translations("title"),
                planned_minutes=f.number("planned_minutes"),
                started_at=f.opt_time("started_at"),
            )
        self._add(self.phases.values())

    def _rounds(self) -> None:
        for f in self.body.items("rounds"):
            number = f.number("number")
            _new_key(self.rounds, number, f, "number")
            position = f.opt_number("phase")
            phase = None if position is None else _find(self.phases, f, "phase", position)
            self.rounds[number] = Round(
                workshop_id=self.workshop.id,
                phase_id=None if phase is None else phase.id,
                number=number,
                question=f.translations("question"),
                duration_seconds=f.number("duration_seconds"),
                status=f.choice("status", ROUND_STATUSES),
                started_at=f.opt_time("started_at"),
                ends_at=f.opt_time("ends_at"),
                paused_remaining=f.opt_number("paused_remaining"),
            )
        self._add(self.rounds.values())

    def _tables(self) -> None:
        for f in self.body.items("tables"):
            number = f.number("number")
            _new_key(self.tables, number, f, "number")
            self.tables[number] = CafeTable(
                workshop_id=self.workshop.id,
                number=number,
                name=f.opt_text("name", CafeTable.name),
                capacity=f.number("capacity"),
            )
        self._add(self.tables.values())

    def _participants(self) -> None:
        items = self.body.items("participants")
        archived = [f.matching("public_id", _PUBLIC_ID) for f in items]
        fresh = _free_public_ids(self.session, archived)
        for f, public_id in zip(items, archived, strict=True):
            _new_key(self.people, public_id, f, "public_id")
            self.people[public_id] = Participant(
                workshop_id=self.workshop.id,
                public_id=fresh.get(public_id, public_id),
                display_name=f.opt_text("display_name", Participant.display_name),
                language=f.choice("language", LANGUAGES),
                spoken=f.languages("spoken", Participant.spoken),
                role=None if f.raw("role", (str,), True) is None else f.choice("role", ROLES),
                is_host=f.flag("is_host"),
                is_bot=f.flag("is_bot"),
                presence=f.choice("presence", PRESENCES),
                joined_at=f.time("joined_at"),
            )
        self._add(self.people.values())

    def _hosts(self) -> None:
        # A table names its host, and hosts are people: set once both exist.
        for f in self.body.items("tables"):
            host = f.raw("host", (str,), optional=True)
            if host is not None:
                table = self.tables[f.number("number")]
                table.host_id = _find(self.people, f, "host", host).id

    def _person(self, f: _Fields, key: str) -> Participant:
        return _find(self.people, f, key, f.raw(key, (str,)))

    def _seats(self) -> None:
        seen: set[tuple[int, str]] = set()
        seats = []
        for f in self.body.items("seats"):
            cafe_round = _find(self.rounds, f, "round", f.number("round"))
            person = self._person(f, "participant")
            _unique(seen, (cafe_round.number, person.public_id), f, "participant")
            table = _find(self.tables, f, "table", f.number("table"))
            seats.append(Seat(round_id=cafe_round.id, participant_id=person.id, table_id=table.id))
        self._add(seats)

    def _contributions(self) -> None:
        for f in self.body.items("contributions"):
            client_id = f.matching("client_id", _CLIENT_ID)
            _new_key(self.notes, client_id, f, "client_id")
            kind = f.choice("kind", KINDS)
            note = Contribution(
                workshop_id=self.workshop.id,
                client_id=client_id,
                kind=kind,
                text=f.text("text", Contribution.text),
                round_id=_find(self.rounds, f, "round", f.number("round")).id,
                table_id=_find(self.tables, f, "table", f.number("table")).id,
                participant_id=self._person(f, "author").id,
                hidden=f.flag("hidden"),
                created_at=f.time("created_at"),
            )
            self.notes[client_id] = note
            image = f.opt_object("photo")
            if image is not None:
                self.photos.append((note, self._photo(image, kind, client_id)))
        self._add(self.notes.values())
        for note, photo in self.photos:
            photo.contribution_id = note.id
        self._add(photo for _note, photo in self.photos)

    @staticmethod
    def _photo(f: _Fields, kind: str, client_id: str) -> Photo:
        file = f.raw("file", (str,), optional=True)
        if kind != "photo" or file not in (None, photo_member(client_id)):
            raise f.bad("file")
        # size_bytes is the stored file's, set when the file is written (0: no file).
        return Photo(width=f.number("width", 1), height=f.number("height", 1), size_bytes=0)

    def _upvotes(self) -> None:
        seen: set[tuple[str, str]] = set()
        votes = []
        for f in self.body.items("upvotes"):
            note = _find(self.notes, f, "note", f.raw("note", (str,)))
            voter = self._person(f, "voter")
            _unique(seen, (note.client_id, voter.public_id), f, "voter")
            votes.append(
                Vote(
                    contribution_id=note.id,
                    participant_id=voter.id,
                    created_at=f.time("created_at"),
                )
            )
        self._add(votes)

    def _ballots(self) -> None:
        for f in self.body.items("ballots"):
            options = _options(f)
            ballot = Ballot(
                workshop_id=self.workshop.id,
                status=f.choice("status", BALLOT_STATUSES),
                dots_per_person=f.number("dots_per_person"),
                options=options,
                results=_results(f),
                opened_at=f.time("opened_at"),
                closed_at=f.opt_time("closed_at"),
            )
            self._add([ballot])  # one by one: the ids keep the archive's order
            self._add(self._dots(f, ballot, {o["key"] for o in options}))

    def _dots(self, ballot_fields: _Fields, ballot: Ballot, keys: set[str]) -> list[Dot]:
        seen: set[tuple[str, str]] = set()
        dots = []
        for f in ballot_fields.items("dots"):
            person = self._person(f, "participant")
            option = f.text("option", Dot.option)
            if option not in keys:
                raise f.bad("option")
            _unique(seen, (person.public_id, option), f, "option")
            dots.append(
                Dot(
                    ballot_id=ballot.id,
                    participant_id=person.id,
                    option=option,
                    dots=f.number("dots"),
                )
            )
        return dots

    def _commitments(self) -> None:
        seen: set[str] = set()
        rows = []
        for f in self.body.items("commitments"):
            client_id = f.matching("client_id", _CLIENT_ID)
            _unique(seen, client_id, f, "client_id")
            rows.append(
                Commitment(
                    workshop_id=self.workshop.id,
                    client_id=client_id,
                    participant_id=self._person(f, "author").id,
                    text=f.text("text", Commitment.text),
                    signed_as=f.opt_text("signed_as", Commitment.signed_as),
                    theme=f.opt_text("theme", Commitment.theme),
                    hidden=f.flag("hidden"),
                    created_at=f.time("created_at"),
                )
            )
        self._add(rows)

    def _pointers(self) -> None:
        """What the workshop points at now: phase, round, spotlight and harvest scope."""
        w, workshop = self.body, self.workshop
        phase = w.opt_number("current_phase")
        if phase is not None:
            workshop.current_phase_id = _find(self.phases, w, "current_phase", phase).id
        number = w.opt_number("current_round")
        if number is not None:
            workshop.current_round_id = _find(self.rounds, w, "current_round", number).id
        spotlight = w.opt_number("spotlight_table")
        if spotlight is not None:
            _find(self.tables, w, "spotlight_table", spotlight)
        workshop.spotlight_table = spotlight
        scope = _SCOPE.fullmatch(workshop.harvest_scope)
        if scope is None:
            raise w.bad("harvest_scope")
        if scope.group(1):
            named = self.tables if scope.group(1) == "t" else self.rounds
            _find(named, w, "harvest_scope", int(scope.group(2)))


def _free_public_ids(session: Session, archived: list[str]) -> dict[str, str]:
    """New public ids for those already taken here (importing a workshop a second time)."""
    taken = set(_in_chunks(session, Participant.public_id, Participant.public_id, archived))
    return {public_id: secrets.token_hex(8) for public_id in sorted(taken)}


def _options(f: _Fields) -> list[dict[str, Any]]:
    """A ballot's options: objects with a `key` a dot can name, and plain values."""
    options = []
    for index, raw in enumerate(f.raw("options", (list,))):
        option = _Fields(raw, f"{f.where}.options[{index}]")
        option.text("key", Dot.option)
        for name, value in raw.items():
            if not isinstance(value, str | int | float | bool | None):
                raise option.bad(name)
            if isinstance(value, str) and len(value) > TEXT_MAX_CHARS:
                raise option.bad(name)
        options.append(dict(raw))
    if len({o["key"] for o in options}) != len(options):
        raise f.bad("options")
    return options


def _results(f: _Fields) -> dict[str, int] | None:
    results = f.raw("results", (dict,), optional=True)
    if results is None:
        return None
    for key, count in results.items():
        if len(key) > TEXT_MAX_CHARS or type(count) is not int or not 0 <= count <= MAX_INT:
            raise f.bad("results")
    return dict(results)


# --- import: photos and the whole --------------------------------------------------------

_IMAGE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    zlib.error,
)


def _checked_photo(blob: bytes, where: str) -> tuple[bytes, bytes, int, int]:
    """Re-validate an archived photo (JPEG or PNG) and re-encode it as uploads are."""
    try:
        with Image.open(io.BytesIO(blob), formats=("JPEG", "PNG")) as probe:
            probe.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ArchiveError("archive_too_large", field=where) from exc
    except _IMAGE_ERRORS as exc:
        raise _malformed(where) from exc
    try:
        processed = process_photo(blob, max_bytes=MAX_PHOTO_BYTES)
    except PhotoRejected as exc:
        too_big = exc.code in ("photo_too_large", "photo_too_many_pixels")
        code = "archive_too_large" if too_big else "archive_malformed"
        raise ArchiveError(code, field=where) from exc
    return processed.jpeg, processed.thumb, processed.width, processed.height


def _file_photos(
    archive: zipfile.ZipFile | None, photos: list[tuple[Contribution, Photo]], staging: Path
) -> None:
    """Write the photos the archive holds into `staging`, named as they will be stored."""
    present = set() if archive is None else set(archive.namelist())
    for note, photo in photos:
        member = photo_member(note.client_id)
        if member not in present:
            continue  # the file was already gone when the archive was made
        assert archive is not None
        blob = _read_member(archive, member, MAX_PHOTO_BYTES)
        jpeg, thumb, width, height = _checked_photo(blob, member)
        photo.width, photo.height, photo.size_bytes = width, height, len(jpeg)
        staging.mkdir(parents=True, exist_ok=True)
        (staging / _stored_name(note.id, thumb=False)).write_bytes(jpeg)
        (staging / _stored_name(note.id, thumb=True)).write_bytes(thumb)


def _stored_name(note_id: int, thumb: bool) -> str:
    # The staging folder stands in for the workshop's photo folder: same file names.
    return photo_file(".", 0, note_id, thumb).name


def _move_into_place(staging: Path, target: Path) -> Path | None:
    """Move the staged photos to the workshop's folder; returns that folder if made here."""
    if not staging.is_dir():
        return None
    if not target.exists():
        os.replace(staging, target)  # one rename: all photos appear at once
        return target
    # A folder left by an earlier workshop with the same id (SQLite reuses ids): stale.
    for path in sorted(staging.iterdir()):
        os.replace(path, target / path.name)
    return None


def import_archive(
    session: Session, data: bytes, sessions_dir: str | Path, owner_id: int | None = None
) -> WorkshopLinks:
    """Recreate an archived workshop (ZIP or bare workshop.json) under fresh links.

    All or nothing: the rows go in one savepoint and the photos to a staging folder that is
    moved into place only after the rows flushed; any failure leaves neither behind.
    Raises ArchiveError (archive_malformed, archive_too_new, archive_too_large).
    """
    document, archive = _open_source(data)
    staging = Path(sessions_dir) / "photos" / f".import-{secrets.token_hex(8)}"
    made: Path | None = None
    try:
        body = _Fields(_envelope(document), "workshop")
        with session.begin_nested():
            importer = _Importer(session, body, owner_id)
            links = importer.run()
            _file_photos(archive, importer.photos, staging)
            session.flush()
            made = _move_into_place(staging, photo_folder(sessions_dir, importer.workshop.id))
    except (IntegrityError, DataError) as exc:
        _remove(made)
        raise _malformed("database") from exc
    except BaseException:
        _remove(made)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if archive is not None:
            archive.close()
    return links


def _remove(folder: Path | None) -> None:
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
