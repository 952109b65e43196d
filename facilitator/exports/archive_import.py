"""The archive's import: the workshop's rows under fresh links, all or nothing (no Flask)."""

from __future__ import annotations

import base64
import secrets
import shutil
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from facilitator.cafe import themes
from facilitator.cafe.seating import SeatingInvariantError, check_seating
from facilitator.cafe.tablecloths import photo_folder
from facilitator.cafe.themes import checked_change
from facilitator.cafe.workshops import PROJECTOR_VIEWS, WorkshopLinks, hash_secret, new_join_code
from facilitator.config import LANGUAGES, ROLES
from facilitator.errors import DomainError
from facilitator.exports.archive_format import (
    BALLOT_STATUSES,
    CLIENT_ID,
    KINDS,
    MAX_INT,
    PRESENCES,
    PUBLIC_ID,
    ROUND_STATUSES,
    SCOPE,
    SOURCES,
    TEXT_MAX_CHARS,
    WORKSHOP_STATUSES,
    malformed,
    photo_member,
)
from facilitator.exports.archive_photos import file_photos, move_into_place, remove_folder
from facilitator.exports.archive_read import Fields, envelope, find, new_key, open_source, unique
from facilitator.organise import projects
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

MAX_VECTOR_BYTES = 16_384  # 4,096 float32: far above any sentence model's size
# Which field of a project a refusal of `projects.checked_fields` is about.
PROJECT_FIELDS = {
    "bad_project_name": "name",
    "bad_municipality": "municipality",
    "bad_project_languages": "languages",
}


def import_archive(
    session: Session, data: bytes, sessions_dir: str | Path, owner_id: int | None = None
) -> WorkshopLinks:
    """Recreate an archived workshop (ZIP or bare workshop.json) under fresh links.

    All or nothing: the rows go in one savepoint and the photos to a staging folder that is
    moved into place only after the rows flushed; any failure leaves neither behind.
    Raises ArchiveError (archive_malformed, archive_too_new, archive_too_large).
    """
    document, archive = open_source(data)
    staging = Path(sessions_dir) / "photos" / f".import-{secrets.token_hex(8)}"
    made: Path | None = None
    try:
        body = Fields(envelope(document), "workshop")
        with session.begin_nested():
            importer = _Importer(session, body, owner_id)
            links = importer.run()
            file_photos(archive, importer.photos, staging)
            session.flush()
            made = move_into_place(staging, photo_folder(sessions_dir, importer.workshop.id))
    except (IntegrityError, DataError) as exc:
        remove_folder(made)
        raise malformed("database") from exc
    except BaseException:
        remove_folder(made)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if archive is not None:
            archive.close()
    return links


class _Importer:
    """Adds one archived workshop's rows, checking each reference as it goes."""

    def __init__(self, session: Session, body: Fields, owner_id: int | None) -> None:
        self.session = session
        self.body = body
        self.owner_id = owner_id
        self.workshop = Workshop()
        self.phases: dict[int, Phase] = {}
        self.rounds: dict[int, Round] = {}
        self.tables: dict[int, CafeTable] = {}
        self.people: dict[str, Participant] = {}  # by the archive's public id
        self.projects: dict[int, Project] = {}  # by the archive's project number
        self.notes: dict[str, Contribution] = {}
        self.photos: list[tuple[Contribution, Photo]] = []

    def run(self) -> WorkshopLinks:
        """Add every row, flush, and check the seating invariant; returns fresh links."""
        links = self._workshop()
        for step in (
            self._phases,
            self._rounds,
            self._tables,
            self._projects,
            self._participants,
            self._hosts,
            self._seats,
            self._contributions,
            self._upvotes,
            self._ballots,
            self._commitments,
            self._theme_changes,
            self._pointers,
        ):
            step()
        self.session.flush()
        if self.workshop.current_round_id is not None:
            try:
                check_seating(self.session, self.workshop, self.workshop.current_round_id)
            except SeatingInvariantError as exc:
                raise malformed("workshop.seats") from exc
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
        # Archives made before titles per language have none: the title serves them all.
        workshop.titles = (w.translations("titles") or None) if w.has("titles") else None
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
        language = w.opt_text("harvest_language", Workshop.harvest_language)
        if language is not None and language not in workshop.languages.split(","):
            raise w.bad("harvest_language")
        workshop.harvest_language = language
        workshop.place = w.opt_text("place", Workshop.place)
        workshop.held_on = held_on
        workshop.owner_id = self.owner_id
        workshop.created_at = w.time("created_at")
        self._add([workshop])
        return WorkshopLinks(workshop.join_code, facilitator_secret, projector_secret)

    def _phases(self) -> None:
        for f in self.body.items("phases"):
            position = f.number("position")
            new_key(self.phases, position, f, "position")
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
            new_key(self.rounds, number, f, "number")
            position = f.opt_number("phase")
            phase = None if position is None else find(self.phases, f, "phase", position)
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
            new_key(self.tables, number, f, "number")
            self.tables[number] = CafeTable(
                workshop_id=self.workshop.id,
                number=number,
                name=f.opt_text("name", CafeTable.name),
                capacity=f.number("capacity"),
            )
        self._add(self.tables.values())

    def _projects(self) -> None:
        """The workshop's projects: the importing organiser's own project of the same name
        and municipality, else a new one they coach. Archives made before projects have none."""
        if not self.body.has("projects"):
            return
        items = self.body.items("projects")
        if len(items) > projects.MAX_PER_WORKSHOP:
            raise self.body.bad("projects")
        by_name: dict[tuple[str, str], Project] = {}
        for f in items:
            number = f.number("number", 1)
            new_key(self.projects, number, f, "number")
            name, place, languages = _project_fields(f)
            found = by_name.get((name, place)) or self._own_project(name, place)
            if found is None:
                found = Project(
                    name=name, municipality=place, languages=languages, coach_id=self.owner_id
                )
            by_name[(name, place)] = self.projects[number] = found
        self._add(by_name.values())
        self._add(
            WorkshopProject(workshop_id=self.workshop.id, project_id=p.id) for p in by_name.values()
        )

    def _own_project(self, name: str, place: str) -> Project | None:
        """The importing organiser's project of this name and municipality (the first made)."""
        coach = (
            Project.coach_id.is_(None)
            if self.owner_id is None
            else Project.coach_id == self.owner_id
        )
        query = (
            select(Project)
            .where(coach, Project.name == name, Project.municipality == place)
            .order_by(Project.id)
        )
        return self.session.scalars(query.limit(1)).first()

    def _participant_project(self, f: Fields) -> int | None:
        """The participant's project, one of the archive's (archives before projects: none)."""
        number = f.opt_number("project", 1) if f.has("project") else None
        return None if number is None else find(self.projects, f, "project", number).id

    def _participants(self) -> None:
        items = self.body.items("participants")
        archived = [f.matching("public_id", PUBLIC_ID) for f in items]
        fresh = _free_public_ids(self.session, archived)
        for f, public_id in zip(items, archived, strict=True):
            new_key(self.people, public_id, f, "public_id")
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
                project_id=self._participant_project(f),
            )
        self._add(self.people.values())

    def _hosts(self) -> None:
        # A table names its host, and hosts are people: set once both exist.
        for f in self.body.items("tables"):
            host = f.raw("host", (str,), optional=True)
            if host is not None:
                table = self.tables[f.number("number")]
                table.host_id = find(self.people, f, "host", host).id

    def _person(self, f: Fields, key: str) -> Participant:
        return find(self.people, f, key, f.raw(key, (str,)))

    def _seats(self) -> None:
        seen: set[tuple[int, str]] = set()
        seats = []
        for f in self.body.items("seats"):
            cafe_round = find(self.rounds, f, "round", f.number("round"))
            person = self._person(f, "participant")
            unique(seen, (cafe_round.number, person.public_id), f, "participant")
            table = find(self.tables, f, "table", f.number("table"))
            seats.append(Seat(round_id=cafe_round.id, participant_id=person.id, table_id=table.id))
        self._add(seats)

    def _contributions(self) -> None:
        for f in self.body.items("contributions"):
            client_id = f.matching("client_id", CLIENT_ID)
            new_key(self.notes, client_id, f, "client_id")
            kind = f.choice("kind", KINDS)
            source, language = self._origin(f)
            note = Contribution(
                workshop_id=self.workshop.id,
                client_id=client_id,
                kind=kind,
                text=f.text("text", Contribution.text),
                round_id=find(self.rounds, f, "round", f.number("round")).id,
                table_id=find(self.tables, f, "table", f.number("table")).id,
                participant_id=None if source == "paper" else self._person(f, "author").id,
                source=source,
                language=language,
                hidden=f.flag("hidden"),
                created_at=f.time("created_at"),
            )
            note.meaning, note.meaning_model = _meaning(f)
            self.notes[client_id] = note
            image = f.opt_object("photo")
            if image is not None:
                self.photos.append((note, self._photo(image, kind, client_id)))
        self._add(self.notes.values())
        for note, photo in self.photos:
            photo.contribution_id = note.id
        self._add(photo for _note, photo in self.photos)

    @staticmethod
    def _origin(f: Fields) -> tuple[str, str | None]:
        """A note's source and own language; archives made before paper notes have neither."""
        source = f.choice("source", SOURCES) if f.has("source") else "phone"
        language = f.raw("language", (str,), optional=True) if f.has("language") else None
        if language is not None and language not in LANGUAGES:
            raise f.bad("language")
        if source == "paper" and (language is None or f.raw("author", (str,), optional=True)):
            raise f.bad("author")  # a paper note has a language and no author
        return source, language

    @staticmethod
    def _photo(f: Fields, kind: str, client_id: str) -> Photo:
        file = f.raw("file", (str,), optional=True)
        if kind != "photo" or file not in (None, photo_member(client_id)):
            raise f.bad("file")
        # size_bytes is the stored file's, set when the file is written (0: no file).
        return Photo(width=f.number("width", 1), height=f.number("height", 1), size_bytes=0)

    def _upvotes(self) -> None:
        seen: set[tuple[str, str]] = set()
        votes = []
        for f in self.body.items("upvotes"):
            note = find(self.notes, f, "note", f.raw("note", (str,)))
            voter = self._person(f, "voter")
            unique(seen, (note.client_id, voter.public_id), f, "voter")
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

    def _dots(self, ballot_fields: Fields, ballot: Ballot, keys: set[str]) -> list[Dot]:
        seen: set[tuple[str, str]] = set()
        dots = []
        for f in ballot_fields.items("dots"):
            person = self._person(f, "participant")
            option = f.text("option", Dot.option)
            if option not in keys:
                raise f.bad("option")
            unique(seen, (person.public_id, option), f, "option")
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
            client_id = f.matching("client_id", CLIENT_ID)
            unique(seen, client_id, f, "client_id")
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
            rows[-1].meaning, rows[-1].meaning_model = _meaning(f)
        self._add(rows)

    def _theme_changes(self) -> None:
        """The facilitators' changes to the themes, their notes named anew (ids change)."""
        changes = self.body.raw("theme_changes", (list,), optional=True) or []

        def note_id(client_id: object) -> int:
            note = self.notes.get(client_id) if isinstance(client_id, str) else None
            if note is None:
                raise DomainError("bad_request")
            return note.id

        try:
            checked = [checked_change(change, note_id) for change in changes]
        except DomainError as exc:
            raise malformed("workshop.theme_changes") from exc
        themes.restore(self.session, self.workshop, checked)

    def _pointers(self) -> None:
        """What the workshop points at now: phase, round, spotlight and harvest scope."""
        w, workshop = self.body, self.workshop
        phase = w.opt_number("current_phase")
        if phase is not None:
            workshop.current_phase_id = find(self.phases, w, "current_phase", phase).id
        number = w.opt_number("current_round")
        if number is not None:
            workshop.current_round_id = find(self.rounds, w, "current_round", number).id
        spotlight = w.opt_number("spotlight_table")
        if spotlight is not None:
            find(self.tables, w, "spotlight_table", spotlight)
        workshop.spotlight_table = spotlight
        scope = SCOPE.fullmatch(workshop.harvest_scope)
        if scope is None:
            raise w.bad("harvest_scope")
        if scope.group(1):
            named = self.tables if scope.group(1) == "t" else self.rounds
            find(named, w, "harvest_scope", int(scope.group(2)))


def _free_public_ids(session: Session, archived: list[str]) -> dict[str, str]:
    """New public ids for those already taken here (importing a workshop a second time)."""
    taken = set(in_chunks(session, Participant.public_id, Participant.public_id, archived))
    return {public_id: secrets.token_hex(8) for public_id in sorted(taken)}


def _project_fields(f: Fields) -> tuple[str, str, str]:
    """A project's name, municipality and languages, checked as the project form checks them."""
    name = f.text("name", Project.name)
    place = f.text("municipality", Project.municipality)
    languages = f.raw("languages", (list,))
    try:
        return projects.checked_fields(name, place, languages)
    except DomainError as exc:
        raise f.bad(PROJECT_FIELDS.get(exc.code, "name")) from exc


def _options(f: Fields) -> list[dict[str, Any]]:
    """A ballot's options: objects with a `key` a dot can name, and plain values."""
    options = []
    for index, raw in enumerate(f.raw("options", (list,))):
        option = Fields(raw, f"{f.where}.options[{index}]")
        option.text("key", Dot.option)
        for name, value in raw.items():
            if not _plain(value) and not _by_language(value):
                raise option.bad(name)
        options.append(dict(raw))
    if len({o["key"] for o in options}) != len(options):
        raise f.bad("options")
    return options


def _meaning(f: Fields) -> tuple[bytes | None, str | None]:
    """A stored vector of meaning and its model, or (None, None) (made after import)."""
    meaning = f.opt_object("meaning")
    if meaning is None:
        return None, None
    model = meaning.text("model", Contribution.meaning_model)
    try:
        vector = base64.b64decode(meaning.text("vector", Contribution.text), validate=True)
    except ValueError as exc:
        raise meaning.bad("vector") from exc
    if not 0 < len(vector) <= MAX_VECTOR_BYTES or len(vector) % 4:
        raise meaning.bad("vector")
    return vector, model


def _plain(value: object) -> bool:
    """A number, a boolean, null or a text of bounded size."""
    if isinstance(value, str):
        return len(value) <= TEXT_MAX_CHARS
    return isinstance(value, int | float | bool | None)


def _by_language(value: object) -> bool:
    """Texts by language code (a theme's titles): {"nl": "...", "fr": "..."}."""
    return (
        isinstance(value, dict)
        and len(value) <= 20
        and all(isinstance(k, str) and len(k) <= 8 and isinstance(v, str) for k, v in value.items())
        and all(_plain(v) for v in value.values())
    )


def _results(f: Fields) -> dict[str, int] | None:
    results = f.raw("results", (dict,), optional=True)
    if results is None:
        return None
    for key, count in results.items():
        if len(key) > TEXT_MAX_CHARS or type(count) is not int or not 0 <= count <= MAX_INT:
            raise f.bad("results")
    return dict(results)
