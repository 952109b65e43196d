"""The workshop archive: export to ZIP/JSON/CSV, and a strict, all-or-nothing re-import."""

from __future__ import annotations

import csv
import io
import json
import struct
import uuid
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select

from facilitator.cafe.photos import process_photo
from facilitator.cafe.tablecloths import photo_file
from facilitator.cafe.workshops import get_by_code, secret_matches
from facilitator.exports import archive
from facilitator.exports.archive import ArchiveError, import_archive, workshop_data, write_archive
from facilitator.store.db import make_engine, make_session_factory, migrate, session_scope
from facilitator.store.models import (
    Ballot,
    Commitment,
    Contribution,
    Dot,
    Participant,
    Photo,
    Round,
    Workshop,
)
from tests.conftest import Helpers, _drop_postgres_schema, _fresh_postgres_schema

SCRIPT = '<script>alert("x")</script> & <b>bold</b>'
FORMULA = '=HYPERLINK("http://example.invalid")'
T0 = datetime(2024, 3, 14, 9, 30, tzinfo=UTC)


def small_jpeg(seed: int) -> bytes:
    """A tiny photo as the upload pipeline stores it."""
    image = Image.new("RGB", (40, 30), (seed * 40 % 256, 120, 200))
    raw = io.BytesIO()
    image.save(raw, "PNG")
    return process_photo(raw.getvalue()).jpeg


def seated_at(phone: Any) -> int:
    return phone.snapshot()["seat"]["table"]


def settle_walls(workshop_id: int, seconds: float = 30) -> None:
    """Wait until this process draws no wall of the workshop (nor fills its vectors)."""
    import time

    from facilitator.web.jobs import meaning, wall

    def busy() -> bool:
        # A post asks for vectors first, then for the drawing: wait for both.
        return meaning.is_busy(workshop_id) or wall.is_drawing(workshop_id)

    deadline = time.monotonic() + seconds
    while busy() and time.monotonic() < deadline:
        time.sleep(0.05)


def build_workshop(helpers: Helpers) -> tuple[str, int]:
    """A small workshop with every kind of row: through the sockets where they exist."""
    links = helpers.make_workshop(tables={"count": 2, "capacity": 5})
    code = links.join_code
    host = helpers.join(code, host="yes", name="Anne <i>", role="resident", also_speaks="nl")
    others = [helpers.join(code, name=f"P{i}", language="nl") for i in range(3)]
    staff = helpers.staff(links)
    assert staff.emit("round.start", {}, callback=True)["ok"]
    on_paper = {"client_id": str(uuid.uuid4()), "text": "Un banc", "table": 2, "language": "fr"}
    assert staff.emit("note.paper", on_paper, callback=True)["ok"]
    neighbour = next(p for p in others if seated_at(p) == seated_at(host))
    script_note = neighbour.post(SCRIPT)["note"]
    neighbour.post(FORMULA)
    hidden = others[0].post("Iets ongepasts")["note"]
    assert staff.emit("note.hide", {"note": hidden["id"]}, callback=True)["ok"]
    assert host.socket.emit("note.vote", {"note": script_note["id"]}, callback=True)["ok"]
    payload = {"client_id": str(uuid.uuid4()), "text": "Kerninzicht", "table": seated_at(host)}
    assert host.socket.emit("insight.post", payload, callback=True)["ok"]
    workshop_id = helpers.workshop(code).id
    public_ids = [host.public_id] + [p.public_id for p in others]
    with helpers.session() as session:
        add_plenary_rows(session, workshop_id, public_ids, helpers.app.config["SESSIONS_DIR"])
    settle_walls(workshop_id)  # its drawing writes vectors: done before the test goes on
    return code, workshop_id


def add_plenary_rows(session: Any, workshop_id: int, public_ids: list[str], sessions: str) -> None:
    """Rows no socket event makes yet: photos, ballots, dots, commitments, settings."""
    people = {
        p.public_id: p
        for p in session.scalars(select(Participant).where(Participant.workshop_id == workshop_id))
    }
    host = people[public_ids[0]]
    workshop = session.get(Workshop, workshop_id)
    workshop.place, workshop.held_on, workshop.message = "Gent", "2025-03-14", "Koffie!"
    workshop.harvest_scope, workshop.spotlight_table = "t:1", 1
    first = session.scalar(select(Round).where(Round.workshop_id == workshop_id, Round.number == 1))
    table_id = session.scalar(
        select(Contribution.table_id).where(Contribution.participant_id == host.id)
    )
    for seed in (1, 2):  # two photos: the second one is the one broken in a bad-input test
        note = Contribution(
            workshop_id=workshop_id,
            client_id=str(uuid.uuid4()),
            kind="photo",
            text="",
            round_id=first.id,
            table_id=table_id,
            participant_id=host.id,
            created_at=T0 + timedelta(hours=seed),
        )
        session.add(note)
        session.flush()
        jpeg = small_jpeg(seed)
        session.add(Photo(contribution_id=note.id, width=40, height=30, size_bytes=len(jpeg)))
        for thumb in (False, True):
            path = photo_file(sessions, workshop_id, note.id, thumb)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(jpeg)
    options = [
        {"key": "t1", "kind": "theme", "label": "Zorg", "text": "Zorg dichtbij"},
        {"key": "i1", "kind": "insight", "label": "Kennen", "text": SCRIPT},
    ]
    closed = Ballot(
        workshop_id=workshop_id,
        status="closed",
        dots_per_person=3,
        options=options,
        results={"t1": 3, "i1": 1},
        opened_at=T0,
        closed_at=T0 + timedelta(minutes=5),
    )
    still_open = Ballot(workshop_id=workshop_id, dots_per_person=2, options=options[:1])
    session.add_all([still_open, closed])  # opened later but stored first: order by time
    session.flush()
    session.add_all(
        [
            Dot(ballot_id=closed.id, participant_id=host.id, option="t1", dots=2),
            Dot(ballot_id=closed.id, participant_id=host.id, option="i1", dots=1),
            Dot(ballot_id=closed.id, participant_id=people[public_ids[1]].id, option="t1", dots=1),
            Dot(ballot_id=still_open.id, participant_id=host.id, option="t1", dots=2),
        ]
    )
    for index, public_id in enumerate(public_ids[:2]):
        session.add(
            Commitment(
                workshop_id=workshop_id,
                client_id=str(uuid.uuid4()),
                participant_id=people[public_id].id,
                text=f"Ik bel mijn buren {index} " + SCRIPT,
                signed_as="Anne" if index == 0 else None,
                theme="Zorg" if index == 0 else None,
                hidden=index == 1,
            )
        )


def export(helpers: Helpers, workshop_id: int, out: Path) -> tuple[dict[str, Any], bytes]:
    # Vectors made in the background between the two reads would make them differ.
    settle_walls(workshop_id)
    with helpers.session() as session:
        data = workshop_data(session, workshop_id)
        write_archive(session, workshop_id, helpers.app.config["SESSIONS_DIR"], out)
    return data, out.read_bytes()


@pytest.fixture
def fresh_factory(db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A second, empty instance's database of the same kind as `db_url`."""
    schema = None
    if db_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path}/imported.sqlite3"
    else:
        schema, url = _fresh_postgres_schema()
    engine = make_engine(url)
    migrate(engine)
    yield make_session_factory(engine)
    engine.dispose()
    if schema is not None:
        _drop_postgres_schema(schema)


def test_an_archive_imported_into_an_empty_instance_is_the_same_workshop(
    app_any_store, fresh_factory, tmp_path
):
    helpers = Helpers(app_any_store)
    code, workshop_id = build_workshop(helpers)
    original, blob = export(helpers, workshop_id, tmp_path / "exports" / "a.zip")
    sessions = tmp_path / "other-sessions"

    with session_scope(fresh_factory) as session:
        links = import_archive(session, blob, sessions)
    with session_scope(fresh_factory) as session:
        imported = get_by_code(session, links.join_code)
        assert workshop_data(session, imported.id) == original
        assert secret_matches(links.facilitator_secret, imported.facilitator_secret_hash)
        assert secret_matches(links.projector_secret, imported.projector_secret_hash)
        notes = session.scalars(select(Contribution).where(Contribution.kind == "photo")).all()
        sizes = {p.size_bytes for p in session.scalars(select(Photo))}
    assert links.join_code != code
    assert SCRIPT in [c["text"] for c in original["contributions"]]  # stored as sent
    assert len(original["contributions"]) == 7 and len(original["upvotes"]) == 1
    typed = [c for c in original["contributions"] if c["source"] == "paper"]
    assert [(c["text"], c["language"], c["author"]) for c in typed] == [("Un banc", "fr", None)]
    assert [b["status"] for b in original["ballots"]] == ["closed", "open"]
    for note in notes:
        for thumb in (False, True):
            assert photo_file(sessions, imported.id, note.id, thumb).stat().st_size > 0
    assert 0 not in sizes
    assert [p.name for p in (sessions / "photos").iterdir()] == [str(imported.id)]


def test_the_data_names_rows_by_natural_keys_only(helpers, tmp_path):
    _code, workshop_id = build_workshop(helpers)
    data, _blob = export(helpers, workshop_id, tmp_path / "a.zip")
    text = json.dumps(data)
    for secret_field in ("secret", "join_code", "owner", "last_seq", '"id"', "seq"):
        assert secret_field not in text
    host = next(p for p in data["participants"] if p["is_host"])
    assert host["spoken"] == ["en", "nl"] and host["display_name"] == "Anne <i>"
    assert next(t for t in data["tables"] if t["host"])["host"] == host["public_id"]
    assert data["current_round"] == 1 and data["rounds"][0]["started_at"].endswith("+00:00")
    assert {c["kind"] for c in data["contributions"]} == {"note", "insight", "photo"}


def test_the_zip_is_deterministic_and_holds_csvs_and_photos(helpers, tmp_path):
    _code, workshop_id = build_workshop(helpers)
    data, first = export(helpers, workshop_id, tmp_path / "a.zip")
    _data, second = export(helpers, workshop_id, tmp_path / "b.zip")
    assert first == second
    zipped = zipfile.ZipFile(io.BytesIO(first))
    photos = sorted(f"photos/{c['client_id']}.jpg" for c in data["contributions"] if c["photo"])
    assert zipped.namelist() == [
        "workshop.json",
        "notes.csv",
        "participants.csv",
        "seats.csv",
        "votes.csv",
        "commitments.csv",
        *photos,
    ]
    assert {i.date_time for i in zipped.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    document = json.loads(zipped.read("workshop.json"))
    assert document == {"format": "facilitator-archive", "version": 1, "workshop": data}

    notes = {r["text"]: r for r in csv_rows(zipped, "notes.csv")}
    assert notes[SCRIPT]["votes"] == "1" and notes[SCRIPT]["hidden"] == "false"
    assert notes["Iets ongepasts"]["hidden"] == "true"
    assert "'" + FORMULA in notes  # a spreadsheet must not run it (CSV injection)
    assert len(csv_rows(zipped, "participants.csv")) == 4
    assert len(csv_rows(zipped, "seats.csv")) == 4
    dots = csv_rows(zipped, "votes.csv")
    assert sorted((d["ballot"], d["option"], d["dots"]) for d in dots) == [
        ("1", "i1", "1"),
        ("1", "t1", "1"),
        ("1", "t1", "2"),
        ("2", "t1", "2"),
    ]
    assert {r["signed_as"] for r in csv_rows(zipped, "commitments.csv")} == {"Anne", ""}


def csv_rows(zipped: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    text = zipped.read(name).decode("utf-8")
    assert not text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_a_bare_json_imports_without_photo_files(helpers, tmp_path):
    _code, workshop_id = build_workshop(helpers)
    _data, blob = export(helpers, workshop_id, tmp_path / "a.zip")
    bare = zipfile.ZipFile(io.BytesIO(blob)).read("workshop.json")
    sessions = tmp_path / "bare-sessions"
    with helpers.session() as session:
        links = import_archive(session, bare, sessions)
    with helpers.session() as session:
        imported = get_by_code(session, links.join_code)
        assert len(workshop_data(session, imported.id)["contributions"]) == 7
    assert not (sessions / "photos").exists()


def test_importing_into_the_same_instance_twice_gives_fresh_public_ids(helpers, tmp_path):
    _code, workshop_id = build_workshop(helpers)
    original, blob = export(helpers, workshop_id, tmp_path / "a.zip")
    sessions = helpers.app.config["SESSIONS_DIR"]
    with helpers.session() as session:
        links = import_archive(session, blob, sessions)
    with helpers.session() as session:
        again = workshop_data(session, get_by_code(session, links.join_code).id)
    old = {p["public_id"] for p in original["participants"]}
    new = {p["public_id"] for p in again["participants"]}
    assert not old & new and len(new) == len(old)
    assert [c["text"] for c in again["contributions"]] == [
        c["text"] for c in original["contributions"]
    ]


# --- bad input ----------------------------------------------------------------------------


def members(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as zipped:
        return {name: zipped.read(name) for name in zipped.namelist()}


def rezip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, payload in files.items():
            zipped.writestr(name, payload)
    return out.getvalue()


def edited(change):  # type: ignore[no-untyped-def]
    """An archive whose workshop.json went through `change(document)`."""

    def make(blob: bytes) -> bytes:
        files = members(blob)
        document = json.loads(files["workshop.json"])
        change(document)
        files["workshop.json"] = json.dumps(document).encode()
        return rezip(files)

    return make


def declared(name: str, size: int):  # type: ignore[no-untyped-def]
    """An archive whose central directory claims `name` inflates to `size` bytes."""

    def make(blob: bytes) -> bytes:
        data = bytearray(blob)
        at = data.find(b"PK\x01\x02")
        while at != -1:
            length = struct.unpack_from("<H", data, at + 28)[0]
            if data[at + 46 : at + 46 + length].decode() == name:
                struct.pack_into("<I", data, at + 24, size)
            at = data.find(b"PK\x01\x02", at + 4)
        return bytes(data)

    return make


def last_photo_replaced(payload: bytes):  # type: ignore[no-untyped-def]
    def make(blob: bytes) -> bytes:
        files = members(blob)
        document = json.loads(files["workshop.json"])
        photos = [c for c in document["workshop"]["contributions"] if c["photo"]]
        files[photos[-1]["photo"]["file"]] = payload  # the first is staged before this fails
        return rezip(files)

    return make


def set_in(path: tuple[Any, ...], value: Any):  # type: ignore[no-untyped-def]
    def change(document: dict[str, Any]) -> None:
        target: Any = document
        for key in path[:-1]:
            target = target[key]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return edited(change)


def host_moved(document: dict[str, Any]) -> None:
    body = document["workshop"]
    host = next(p["public_id"] for p in body["participants"] if p["is_host"])
    seat = next(s for s in body["seats"] if s["participant"] == host and s["round"] == 1)
    seat["table"] = 3 - seat["table"]


def paper_note_with_author(document: dict[str, Any]) -> None:
    notes = document["workshop"]["contributions"]
    phone = next(n for n in notes if n["author"])
    phone["source"], phone["language"] = "paper", "nl"


def duplicate_note(document: dict[str, Any]) -> None:
    notes = document["workshop"]["contributions"]
    notes.append(dict(notes[0]))


MB = 1024 * 1024
W = "workshop"
BAD_INPUTS = [
    ("not_a_zip", lambda blob: b"PK\x03\x04" + b"\0" * 64, "archive_malformed", "zip"),
    ("truncated_zip", lambda blob: blob[: len(blob) // 2], "archive_malformed", "zip"),
    ("not_json", lambda blob: b'{"format": "facilitator-archive", ', "archive_malformed", "json"),
    ("json_not_an_object", lambda blob: b"[1, 2, 3]", "archive_malformed", "format"),
    ("json_nan", lambda blob: b'{"format": NaN}', "archive_malformed", "json"),
    ("wrong_format", set_in(("format",), "other-archive"), "archive_malformed", "format"),
    ("version_not_int", set_in(("version",), "1"), "archive_malformed", "version"),
    ("newer_version", set_in(("version",), 2), "archive_too_new", "'version': 2"),
    ("missing_field", set_in((W, "title"), KeyError), "archive_malformed", "workshop.title"),
    (
        "ill_typed_field",
        set_in((W, "tables", 0, "capacity"), "5"),
        "archive_malformed",
        "tables[0].capacity",
    ),
    (
        "bool_for_int",
        set_in((W, "tables", 0, "capacity"), True),
        "archive_malformed",
        "tables[0].capacity",
    ),
    (
        "bad_time",
        set_in((W, "participants", 0, "joined_at"), "yesterday"),
        "archive_malformed",
        "joined_at",
    ),
    ("unknown_role", set_in((W, "participants", 0, "role"), "king"), "archive_malformed", "role"),
    (
        "dangling_seat",
        set_in((W, "seats", 0, "participant"), "nobody"),
        "archive_malformed",
        "seats[0].participant",
    ),
    (
        "dangling_vote",
        set_in((W, "upvotes", 0, "note"), str(uuid.uuid4())),
        "archive_malformed",
        "upvotes[0].note",
    ),
    ("dangling_round", set_in((W, "current_round"), 9), "archive_malformed", "current_round"),
    (
        "dangling_dot",
        set_in((W, "ballots", 0, "dots", 0, "option"), "zz"),
        "archive_malformed",
        "dots[0].option",
    ),
    ("dangling_scope", set_in((W, "harvest_scope"), "t:7"), "archive_malformed", "harvest_scope"),
    ("duplicate_client_id", edited(duplicate_note), "archive_malformed", "client_id"),
    (
        "unknown_source",
        set_in((W, "contributions", 0, "source"), "fax"),
        "archive_malformed",
        "contributions[0].source",
    ),
    (
        "unknown_note_language",
        set_in((W, "contributions", 0, "language"), "xx"),
        "archive_malformed",
        "contributions[0].language",
    ),
    ("paper_with_author", edited(paper_note_with_author), "archive_malformed", "author"),
    ("seating_broken", edited(host_moved), "archive_malformed", "workshop.seats"),
    ("title_too_long", set_in((W, "title"), "x" * 201), "archive_malformed", "too_long"),
    (
        "name_too_long",
        set_in((W, "participants", 0, "display_name"), "x" * 81),
        "archive_malformed",
        "display_name",
    ),
    (
        "note_too_long",
        set_in((W, "contributions", 0, "text"), "x" * (archive.TEXT_MAX_CHARS + 1)),
        "archive_malformed",
        "text",
    ),
    (
        "vector_not_base64",
        set_in((W, "contributions", 0, "meaning"), {"model": "m", "vector": "***"}),
        "archive_malformed",
        "contributions[0].meaning.vector",
    ),
    (
        "vector_of_odd_length",
        set_in((W, "contributions", 0, "meaning"), {"model": "m", "vector": "AAAA"}),
        "archive_malformed",
        "contributions[0].meaning.vector",
    ),
    (
        "vector_without_model",
        set_in((W, "contributions", 0, "meaning"), {"vector": "AAAAAA=="}),
        "archive_malformed",
        "contributions[0].meaning.model",
    ),
    (
        "theme_change_naming_no_note",
        set_in((W, "theme_changes"), [{"kind": "rename", "note_ids": ["nobody"], "title": "x"}]),
        "archive_malformed",
        "theme_changes",
    ),
    (
        "theme_change_of_unknown_kind",
        set_in((W, "theme_changes"), [{"kind": "explode"}]),
        "archive_malformed",
        "theme_changes",
    ),
    (
        "theme_title_too_long",
        set_in((W, "theme_changes"), [{"kind": "split", "note_ids": [], "title": "x" * 81}]),
        "archive_malformed",
        "theme_changes",
    ),
    (
        "participant_from_a_project_not_in_the_archive",
        set_in((W, "participants", 0, "project"), 3),
        "archive_malformed",
        "participants[0].project",
    ),
    (
        "project_number_as_text",
        set_in((W, "participants", 0, "project"), "1"),
        "archive_malformed",
        "participants[0].project",
    ),
    (
        "project_without_a_name",
        set_in(
            (W, "projects"), [{"number": 1, "name": " ", "municipality": "", "languages": ["nl"]}]
        ),
        "archive_malformed",
        "projects[0].name",
    ),
    (
        "project_in_an_unknown_language",
        set_in(
            (W, "projects"),
            [{"number": 1, "name": "Kiel", "municipality": "", "languages": ["de"]}],
        ),
        "archive_malformed",
        "projects[0].languages",
    ),
    (
        "two_projects_of_one_number",
        set_in(
            (W, "projects"),
            [{"number": 1, "name": n, "municipality": "", "languages": ["nl"]} for n in ("A", "B")],
        ),
        "archive_malformed",
        "projects[1].number",
    ),
    (
        "projector_language_not_the_workshops",
        set_in((W, "harvest_language"), "de"),
        "archive_malformed",
        "harvest_language",
    ),
    ("oversize_json", declared("workshop.json", 150 * MB), "archive_too_large", ""),
    ("oversize_total", declared("notes.csv", 201 * MB), "archive_too_large", ""),
    (
        "photo_not_an_image",
        last_photo_replaced(b"<svg onload=alert(1)>"),
        "archive_malformed",
        "photos/",
    ),
    ("photo_truncated", last_photo_replaced(small_jpeg(3)[:200]), "archive_malformed", "photos/"),
]


@pytest.fixture
def exported(helpers, tmp_path):  # type: ignore[no-untyped-def]
    _code, workshop_id = build_workshop(helpers)
    return export(helpers, workshop_id, tmp_path / "exports" / "a.zip")[1]


def tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.mark.parametrize(
    ("breaking", "code", "field"), [case[1:] for case in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS]
)
def test_a_bad_archive_is_refused_and_leaves_nothing_behind(
    helpers, exported, breaking, code, field
):
    sessions = Path(helpers.app.config["SESSIONS_DIR"])
    before = tree(sessions)
    with helpers.session() as session:
        workshops = session.scalar(select(func.count(Workshop.id)))
        with pytest.raises(ArchiveError) as refused:
            import_archive(session, breaking(exported), sessions)
        assert refused.value.code == code
        assert field in str(refused.value.details)
        # The savepoint was rolled back and the session still works.
        assert session.scalar(select(func.count(Workshop.id))) == workshops
    with helpers.session() as session:
        assert session.scalar(select(func.count(Workshop.id))) == workshops
    assert tree(sessions) == before


def test_an_archive_error_is_a_domain_error():
    from facilitator.errors import DomainError

    assert issubclass(ArchiveError, DomainError)
    assert ArchiveError("archive_too_new").code == "archive_too_new"


def test_vectors_and_theme_changes_travel_with_the_archive(helpers, fresh_factory, tmp_path):
    """An import computes no vector again, and the facilitator's changes name the same
    notes under their new ids."""
    from facilitator.cafe import themes
    from facilitator.harvest.meaning import DIMENSIONS, MODEL_ID

    _code, workshop_id = build_workshop(helpers)
    settle_walls(workshop_id)  # the wall's drawing fills vectors in the background
    vectors = {}
    with helpers.session() as session:
        workshop = session.get(Workshop, workshop_id)
        notes = session.scalars(
            select(Contribution)
            .where(Contribution.workshop_id == workshop_id, Contribution.kind == "note")
            .order_by(Contribution.id)
        ).all()
        for i, note in enumerate(notes):
            unit = [0.0] * DIMENSIONS
            unit[i] = 1.0
            note.meaning, note.meaning_model = struct.pack(f"<{DIMENSIONS}f", *unit), MODEL_ID
            vectors[note.client_id] = note.meaning
        by_client = {n.id: n.client_id for n in notes}
        ids = [n.id for n in notes]
        themes.rename(session, workshop, ids[:2], "Buren die helpen")
        themes.split(session, workshop, ids[2:3])
    settle_walls(workshop_id)
    original, blob = export(helpers, workshop_id, tmp_path / "exports" / "v.zip")
    assert [c["kind"] for c in original["theme_changes"]] == ["rename", "split"]
    with session_scope(fresh_factory) as session:
        links = import_archive(session, blob, tmp_path / "other-sessions")
    with session_scope(fresh_factory) as session:
        imported = get_by_code(session, links.join_code)
        assert workshop_data(session, imported.id) == original
        rows = session.scalars(
            select(Contribution).where(Contribution.workshop_id == imported.id)
        ).all()
        new_ids = {r.client_id: r.id for r in rows}
        stored = {r.client_id: (r.meaning, r.meaning_model) for r in rows}
        changes = themes.overrides(session, imported.id)
    for client_id, vector in vectors.items():
        assert stored[client_id] == (vector, MODEL_ID)
    renamed = {new_ids[by_client[i]] for i in ids[:2]}
    assert set(changes[0]["note_ids"]) == renamed and changes[0]["title"] == "Buren die helpen"
    assert changes[1]["note_ids"] == [new_ids[by_client[ids[2]]]]


def without_note_origins(document: dict[str, Any]) -> None:
    """An archive made before paper notes: no `source` or `language`, every note a phone's."""
    notes = document["workshop"]["contributions"]
    notes[:] = [n for n in notes if n["source"] != "paper"]
    for note in notes:
        del note["source"], note["language"]


def test_an_archive_from_before_paper_notes_still_imports(helpers, exported):
    sessions = Path(helpers.app.config["SESSIONS_DIR"])
    with helpers.session() as session:
        links = import_archive(session, edited(without_note_origins)(exported), sessions)
    with helpers.session() as session:
        imported = get_by_code(session, links.join_code)
        notes = workshop_data(session, imported.id)["contributions"]
    assert len(notes) == 6
    assert {(n["source"], n["language"]) for n in notes} == {("phone", None)}


def test_titles_per_language_travel_and_old_archives_have_none(helpers, exported):
    def with_titles(document: dict[str, Any]) -> None:
        document["workshop"]["titles"] = {"nl": "Zorgzame buurten", "fr": "Quartiers solidaires"}

    def before_titles(document: dict[str, Any]) -> None:
        del document["workshop"]["titles"]

    sessions = Path(helpers.app.config["SESSIONS_DIR"])
    with helpers.session() as session:
        titled = import_archive(session, edited(with_titles)(exported), sessions)
        old = import_archive(session, edited(before_titles)(exported), sessions)
    with helpers.session() as session:
        assert get_by_code(session, titled.join_code).titles == {
            "nl": "Zorgzame buurten",
            "fr": "Quartiers solidaires",
        }
        assert get_by_code(session, old.join_code).titles is None
        assert workshop_data(session, get_by_code(session, old.join_code).id)["titles"] == {}


# --- neighbourhood projects -------------------------------------------------------------------


def link_projects(helpers: Helpers, workshop_id: int, coach: str) -> dict[str, int]:
    """Two projects of `coach` for the workshop; its first two participants come from
    Kiel, the third from Noord, the fourth said nothing."""
    from facilitator.organise import projects
    from facilitator.organise.users import create_user

    with helpers.session() as session:
        coach_id = create_user(session, coach, "correct horse battery").id
        kiel = projects.create_project(session, coach_id, "Kiel", "Antwerpen", ["nl", "fr"])
        noord = projects.create_project(session, coach_id, "Noord", "", ["nl"])
        workshop = session.get(Workshop, workshop_id)
        projects.link_workshop(session, workshop, coach_id, [str(kiel.id), str(noord.id)])
        people = session.scalars(
            select(Participant)
            .where(Participant.workshop_id == workshop_id)
            .order_by(Participant.id)
        ).all()
        for person, project in zip(people, (kiel, kiel, noord), strict=False):
            person.project_id = project.id
        return {"Kiel": kiel.id, "Noord": noord.id}


def projects_of(session: Any) -> list[tuple[str, str, str, str | None]]:
    from facilitator.store.models import Project, User

    rows = session.execute(
        select(Project.name, Project.municipality, Project.languages, User.username)
        .outerjoin(User, User.id == Project.coach_id)
        .order_by(Project.id)
    )
    return [tuple(row) for row in rows]


def test_projects_travel_with_the_archive_and_meet_the_importers_own(
    helpers, fresh_factory, tmp_path
):
    from facilitator.organise import projects
    from facilitator.organise.users import create_user

    _code, workshop_id = build_workshop(helpers)
    link_projects(helpers, workshop_id, "alice")
    original, blob = export(helpers, workshop_id, tmp_path / "exports" / "p.zip")
    assert original["projects"] == [
        {"number": 1, "name": "Kiel", "municipality": "Antwerpen", "languages": ["nl", "fr"]},
        {"number": 2, "name": "Noord", "municipality": "", "languages": ["nl"]},
    ]
    assert sorted(str(p["project"]) for p in original["participants"]) == ["1", "1", "2", "None"]
    assert "alice" not in json.dumps(original)  # the coach's account stays on this instance
    people = csv_rows(zipfile.ZipFile(io.BytesIO(blob)), "participants.csv")
    assert sorted(r["project"] for r in people) == ["", "Kiel", "Kiel", "Noord"]

    with session_scope(fresh_factory) as session:
        bob = create_user(session, "bob", "correct horse battery").id
        carol = create_user(session, "carol", "correct horse battery").id
        own_kiel = projects.create_project(session, bob, "Kiel", "Antwerpen", ["nl"]).id
        projects.create_project(session, carol, "Noord", "", ["nl"])  # carol's: not bob's
    with session_scope(fresh_factory) as session:
        links = import_archive(session, blob, tmp_path / "other-sessions", owner_id=bob)
    with session_scope(fresh_factory) as session:
        imported = get_by_code(session, links.join_code)
        assert projects_of(session) == [
            ("Kiel", "Antwerpen", "nl", "bob"),  # bob's own Kiel, as he keeps it
            ("Noord", "", "nl", "carol"),
            ("Noord", "", "nl", "bob"),  # made for bob: carol's is not his
        ]
        linked = projects.workshop_projects(session, imported.id)
        assert [(p.name, p.coach_id) for p in linked] == [("Kiel", bob), ("Noord", bob)]
        assert linked[0].id == own_kiel
        again = workshop_data(session, imported.id)
    assert again["participants"] == original["participants"]
    assert [p["name"] for p in again["projects"]] == ["Kiel", "Noord"]
    # Imported twice: the same two projects serve both copies, none is made again.
    with session_scope(fresh_factory) as session:
        import_archive(session, blob, tmp_path / "other-sessions", owner_id=bob)
    with session_scope(fresh_factory) as session:
        assert len(projects_of(session)) == 3


def test_an_archive_from_before_projects_still_imports(helpers, tmp_path):
    _code, workshop_id = build_workshop(helpers)
    link_projects(helpers, workshop_id, "alice")
    _data, blob = export(helpers, workshop_id, tmp_path / "exports" / "old.zip")

    def before_projects(document: dict[str, Any]) -> None:
        del document["workshop"]["projects"]
        for person in document["workshop"]["participants"]:
            del person["project"]

    sessions = Path(helpers.app.config["SESSIONS_DIR"])
    with helpers.session() as session:
        links = import_archive(session, edited(before_projects)(blob), sessions)
    with helpers.session() as session:
        data = workshop_data(session, get_by_code(session, links.join_code).id)
        assert len(projects_of(session)) == 2  # alice's two, nothing made
    assert data["projects"] == []
    assert {p["project"] for p in data["participants"]} == {None}
    assert len(data["participants"]) == 4
