"""A workshop's harvest as a `HarvestDocument`: read from the database, analysed in a worker.

`build_document` is the quick part (database reads, no text analysis) and runs in the
server; `with_analysis` is the CPU part (themes, the word cloud's terms, note languages)
and runs in a worker process with the renderers. No Flask here: the adapter passes the
labels already translated into the export's language.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from facilitator.cafe.harvest import stored_vectors
from facilitator.cafe.tablecloths import photo_file
from facilitator.cafe.themes import overrides
from facilitator.exports.document import (
    ROLE_KEYS,
    AgendaItem,
    CommitmentDoc,
    HarvestDocument,
    InsightDoc,
    NoteDoc,
    PhotoDoc,
    PriorityDoc,
    Question,
    ThemeDoc,
)
from facilitator.store.models import (
    Ballot,
    CafeTable,
    Commitment,
    Contribution,
    Participant,
    Phase,
    Photo,
    Round,
    Vote,
    Workshop,
)

CLOUD_TERMS = 100
MIN_THEMED_NOTES = 4  # as on the wall: fewer notes make no themes worth printing
EXPORT_THEMES = 8  # a poster and a report have room for more than the wall's six


def build_document(
    session: Session,
    workshop: Workshop,
    language: str,
    labels: Mapping[str, str],
    role_labels: Mapping[str, str],
    sessions_dir: str | Path,
) -> HarvestDocument:
    """Everything an export prints, read now; hidden notes and commitments are left out."""
    languages = tuple(code for code in workshop.languages.split(",") if code)
    tables = {t.id: t.number for t in _all(session, CafeTable, CafeTable.workshop_id, workshop.id)}
    rounds = {r.id: r for r in _all(session, Round, Round.workshop_id, workshop.id)}
    people = list(_all(session, Participant, Participant.workshop_id, workshop.id))
    return HarvestDocument(
        title=workshop.title,
        place=workshop.place or None,
        held_on=workshop.held_on or None,
        language=language,
        languages=languages,
        labels=dict(labels),
        role_labels=dict(role_labels),
        agenda=_agenda(session, workshop.id, language, languages),
        questions=tuple(
            Question(round=r.number, text=dict(r.question or {}))
            for r in sorted(rounds.values(), key=lambda r: r.number)
        ),
        tables=len(tables),
        people=len(people),
        people_by_role=_by_role(people),
        notes=_notes(session, workshop.id, tables, rounds),
        insights=_insights(session, workshop.id, tables, rounds),
        themes=(),
        cloud_terms=(),
        priorities=_priorities(session, workshop.id, language),
        commitments=visible_commitments(session, workshop.id),
        photos=_photos(session, workshop.id, tables, rounds, sessions_dir),
        meaning=stored_vectors(session, workshop.id),
        theme_changes=tuple(overrides(session, workshop.id)),
    )


def visible_commitments(session: Session, workshop_id: int) -> tuple[CommitmentDoc, ...]:
    """The workshop's commitments as printed, oldest first, hidden ones left out."""
    rows = session.execute(
        select(Commitment, Participant.language)
        .join(Participant, Participant.id == Commitment.participant_id)
        .where(Commitment.workshop_id == workshop_id, Commitment.hidden.is_(False))
        .order_by(Commitment.created_at, Commitment.id)
    )
    return tuple(
        CommitmentDoc(c.text, c.signed_as or None, c.theme or None, language)
        for c, language in rows
    )


def latest_insights(session: Session, workshop_id: int) -> tuple[InsightDoc, ...]:
    """Each table's latest key insight of each round, as printed (the coach's portfolio
    reads them this way too)."""
    tables = {t.id: t.number for t in _all(session, CafeTable, CafeTable.workshop_id, workshop_id)}
    rounds = {r.id: r for r in _all(session, Round, Round.workshop_id, workshop_id)}
    return _insights(session, workshop_id, tables, rounds)


def _all(session: Session, model: Any, column: Any, workshop_id: int) -> list[Any]:
    return list(session.scalars(select(model).where(column == workshop_id)))


def _in_language(texts: Mapping[str, str] | None, language: str, languages: tuple[str, ...]) -> str:
    """A text in the export's language, else in the workshop's first language that has it."""
    texts = texts or {}
    for code in (language, *languages, *sorted(texts)):
        if texts.get(code):
            return texts[code]
    return ""


def _agenda(
    session: Session, workshop_id: int, language: str, languages: tuple[str, ...]
) -> tuple[AgendaItem, ...]:
    phases = session.scalars(
        select(Phase).where(Phase.workshop_id == workshop_id).order_by(Phase.position, Phase.id)
    )
    return tuple(
        AgendaItem(
            kind=p.kind,
            title=_in_language(p.title, language, languages),
            minutes=p.planned_minutes,
        )
        for p in phases
    )


def _by_role(people: list[Participant]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for person in people:
        role = person.role or "none"
        counts[role if role in ROLE_KEYS else "other"] += 1
    return {key: counts[key] for key in ROLE_KEYS if counts[key]}


def _visible(session: Session, workshop_id: int, kind: str) -> Any:
    """Rows of (contribution, author) of one kind, oldest first, hidden ones left out."""
    return session.execute(
        select(Contribution, Participant)
        .outerjoin(Participant, Participant.id == Contribution.participant_id)
        .where(
            Contribution.workshop_id == workshop_id,
            Contribution.kind == kind,
            Contribution.hidden.is_(False),
        )
        .order_by(Contribution.created_at, Contribution.id)
    ).all()


def _notes(
    session: Session, workshop_id: int, tables: dict[int, int], rounds: dict[int, Round]
) -> tuple[NoteDoc, ...]:
    votes = dict(
        session.execute(
            select(Vote.contribution_id, func.count(Vote.id))
            .join(Contribution, Contribution.id == Vote.contribution_id)
            .where(Contribution.workshop_id == workshop_id)
            .group_by(Vote.contribution_id)
        ).all()
    )
    return tuple(
        NoteDoc(
            id=note.id,
            text=note.text,
            author=author.display_name if author else None,
            table=tables[note.table_id],
            round=rounds[note.round_id].number,
            votes=votes.get(note.id, 0),
            language=note.language or (author.language if author else ""),
            source=note.source or "phone",
        )
        for note, author in _visible(session, workshop_id, "note")
    )


def _insights(
    session: Session, workshop_id: int, tables: dict[int, int], rounds: dict[int, Round]
) -> tuple[InsightDoc, ...]:
    latest: dict[tuple[int, int], InsightDoc] = {}
    for note, author in _visible(session, workshop_id, "insight"):
        key = (rounds[note.round_id].number, tables[note.table_id])
        # Oldest first, so a host's rewrite replaces the earlier insight.
        latest[key] = InsightDoc(
            table=key[1],
            round=key[0],
            text=note.text,
            author=author.display_name if author else None,
            id=note.id,
        )
    return tuple(latest[key] for key in sorted(latest))


def _photos(
    session: Session,
    workshop_id: int,
    tables: dict[int, int],
    rounds: dict[int, Round],
    sessions_dir: str | Path,
) -> tuple[PhotoDoc, ...]:
    found = []
    for note, _author in _visible(session, workshop_id, "photo"):
        photo = session.get(Photo, note.id)
        path = photo_file(sessions_dir, workshop_id, note.id, thumb=False)
        if photo is None or not path.is_file():
            continue  # a photo whose file is gone cannot be printed
        found.append(
            PhotoDoc(
                table=tables[note.table_id],
                round=rounds[note.round_id].number,
                path=str(path.resolve()),
                width=photo.width,
                height=photo.height,
            )
        )
    return tuple(found)


def _priorities(session: Session, workshop_id: int, language: str) -> tuple[PriorityDoc, ...]:
    """The options of the latest closed dot-vote, most dots first (ties in ballot order)."""
    ballot = latest_closed_ballots(session, [workshop_id]).get(workshop_id)
    if ballot is None:
        return ()
    return ballot_priorities(ballot, language)


def latest_closed_ballots(session: Session, workshop_ids: Any) -> dict[int, Ballot]:
    """Each workshop's latest closed dot-vote (the one an export prints), in one query;
    `workshop_ids` is a list of ids or a select of them."""
    found: dict[int, Ballot] = {}
    for ballot in session.scalars(
        select(Ballot)
        .where(Ballot.workshop_id.in_(workshop_ids), Ballot.status == "closed")
        .order_by(Ballot.closed_at, Ballot.id)
    ):
        found[ballot.workshop_id] = ballot  # oldest first: the latest stays
    return found


def ballot_themes(ballot: Ballot) -> list[tuple[str, dict[str, str], int]]:
    """The themes a closed dot-vote offered: (label, titles per language, dots)."""
    results = ballot.results or {}
    return [
        (
            str(option.get("label", "")),
            {str(k): str(v) for k, v in (option.get("titles") or {}).items() if v},
            int(results.get(str(option.get("key")), 0)),
        )
        for option in ballot.options or []
        if option.get("kind") == "theme"
    ]


def ballot_priorities(ballot: Ballot, language: str) -> tuple[PriorityDoc, ...]:
    """A closed dot-vote's options, most dots first (ties in ballot order)."""
    results = ballot.results or {}
    options = [
        PriorityDoc(
            kind=str(option.get("kind", "theme")),
            # A theme reads in the export's language where it had notes in it.
            label=str((option.get("titles") or {}).get(language) or option.get("label", "")),
            text=str((option.get("texts") or {}).get(language) or option.get("text", "")),
            dots=int(results.get(str(option.get("key")), 0)),
        )
        for option in ballot.options or []
    ]
    return tuple(sorted(options, key=lambda option: -option.dots))


# --- the CPU part, in a worker --------------------------------------------------------------


def _marked(text: str, language: str | None, reader: str) -> str:
    """A text marked with its language when it is not the reader's: "... (NL)"."""
    return f"{text} ({language.upper()})" if text and language and language != reader else text


def _theme_doc(theme: dict[str, Any], text_for: Any, language: str) -> ThemeDoc:
    """A found theme as an export prints it: in the export's language where it can be."""
    text = text_for(theme, language)
    return ThemeDoc(
        label=_marked(text["title"], text["title_language"], language),
        notes=len(theme["note_ids"]),
        quote=_marked(text["quote"], text["quote_language"], language),
        label_language=text["title_language"],
        quote_language=text["quote_language"],
    )


def with_analysis(doc: HarvestDocument) -> HarvestDocument:
    """The document with its themes, word-cloud terms and note languages filled in."""
    # Imported here: the server process only names this function; workers run it.
    from facilitator.harvest.base import STEMMERS, Note, TextConfig
    from facilitator.harvest.room_themes import find_room_themes, theme_text_for
    from facilitator.harvest.terms import count_terms, frequencies
    from facilitator.harvest.text import analyse_notes

    languages = tuple(code for code in doc.languages if code in STEMMERS) or ("nl", "fr", "en")
    config = TextConfig(languages=languages)
    notes = [Note(n.id, n.text, n.language, n.votes) for n in doc.notes]
    # Key insights count as the wall counts them: the tables' own summaries are harvest too.
    notes += [
        Note(insight.id if insight.id is not None else f"insight-{i}", insight.text, doc.language)
        for i, insight in enumerate(doc.insights)
    ]
    notes = [note for note in notes if note.text.strip() and len(note.text) <= config.max_chars]
    analysed = analyse_notes(notes, config)
    cloud = frequencies(count_terms(analysed, config), limit=CLOUD_TERMS)
    themes: list[ThemeDoc] = []
    mode = "meaning" if doc.meaning else "words"
    if len(notes) >= MIN_THEMED_NOTES:
        vectors = {note.id: doc.meaning[note.id] for note in notes if note.id in doc.meaning}
        room = find_room_themes(notes, vectors, languages, doc.theme_changes, limit=EXPORT_THEMES)
        mode = room.mode
        for theme in room.themes:
            themes.append(_theme_doc(theme.as_dict(), theme_text_for, doc.language))
    note_ids = {n.id for n in doc.notes}
    detected = Counter(a.language for a in analysed if a.id in note_ids)
    return dataclasses.replace(
        doc,
        themes=tuple(themes),
        cloud_terms=tuple((term, float(weight)) for term, weight in cloud.items()),
        note_languages=dict(detected.most_common()),
        themes_mode=mode,
    )
