"""A coach's export jobs: a project's coaching sheet (PDF) and the programme's learnings
(PDF or CSV), made in the background as a workshop's poster and report are.

A job row belongs to its coach (`owner_id`, no workshop); the file goes under
EXPORTS_DIR/coach-<id>/ whole or not at all; the page polls the row's `step` and
`progress` with the same script as a workshop's exports (`static/js/exports.js`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import force_locale, gettext
from sqlalchemy import delete, select

from facilitator.errors import DomainError
from facilitator.organise import portfolio
from facilitator.store.files import write_atomically
from facilitator.store.models import ExportJob, utcnow
from facilitator.web.extensions import socketio
from facilitator.web.jobs import exports
from facilitator.web.jobs.backfill import MeaningsReader
from facilitator.web.jobs.wall import latest_workshop_wall
from facilitator.web.work import unit_of_work

SHEET, PROGRAMME = "coaching_sheet", "programme"
FORMATS = {SHEET: ("pdf",), PROGRAMME: ("pdf", "csv")}
MIMETYPES = exports.MIMETYPES | {"csv": "text/csv; charset=utf-8"}


def wall_themes(app: Flask) -> portfolio.Harvests:
    """A workshop's latest harvest wall's themes (none where no wall was drawn), and the
    meanings of the themes its walls found; a workshop with none has its wall drawn in
    the background, for the next reader (web/jobs/backfill.py)."""
    return themes_and_meanings(app, MeaningsReader(app))


def themes_and_meanings(app: Flask, reader: MeaningsReader) -> portfolio.Harvests:
    """As `wall_themes`, the meanings read by `reader` (a page asks it what is missing)."""
    return portfolio.Harvests(
        themes=lambda workshop_id: (latest_workshop_wall(app, workshop_id) or {}).get("themes", []),
        meanings=reader.meanings,
    )


def coach_labels() -> dict[str, str]:
    """What the sheet and the learnings print, in the current locale (`{count}` and the
    totals' names are filled in by the renderer; `_one` is the singular)."""
    return {
        "sheet": gettext("Coaching sheet"),
        "profile": gettext("Self-scan over time"),
        "first": gettext("First self-scan"),
        "latest": gettext("Latest self-scan"),
        "scale": gettext("Scale 1 to 5; an area with fewer than 3 answers is not shown."),
        "too_few": gettext("Too few answers to show"),
        "no_scan": gettext("No self-scan with enough answers yet."),
        "themes": gettext("Themes"),
        "commitments": gettext("Commitments"),
        "cards": gettext("Cards used"),
        "scan_notes": gettext("Notes with the self-scan"),
        "insights": gettext("Key insights"),
        "none": gettext("None."),
        "more": gettext("and {count} more"),
        "workshops_one": gettext("{count} workshop"),
        "workshops": gettext("{count} workshops"),
        "projects_one": gettext("{count} project"),
        "projects": gettext("{count} projects"),
        "programme": gettext("The programme's learnings"),
        "totals": gettext(
            "{projects} projects, {workshops} workshops, {scanned} projects with a self-scan"
        ),
        "aggregate": gettext(
            "In aggregate only: a figure needs 3 projects at least, a self-scan area 3 answers."
        ),
        "lowest": gettext("Where projects stand lowest"),
        "moving": gettext("Where projects move most"),
        "too_few_projects": gettext("Too few projects to show."),
        "csv_kind": gettext("kind"),
        "csv_name": gettext("area or theme"),
        "csv_projects": gettext("projects"),
        "csv_mean": gettext("mean of the latest self-scans (1-5)"),
        "csv_change": gettext("mean change"),
        "csv_workshops": gettext("workshops"),
        "csv_languages": gettext("languages"),
    }


def clean_options(kind: str, raw: object, languages: tuple[str, ...], fallback: str) -> dict:
    """The options of a coach's export, checked strictly (an unknown name or value is
    refused): the language, and for the learnings the format."""
    if not isinstance(raw, Mapping):
        raise DomainError("bad_export")
    allowed = {"language": languages, "format": FORMATS[kind]}
    if any(name not in allowed for name in raw):
        raise DomainError("bad_export")
    options = {"language": fallback if fallback in languages else languages[0], "format": "pdf"}
    for name, value in raw.items():
        if not isinstance(value, str) or value not in allowed[name]:
            raise DomainError("bad_export")
        options[name] = value
    return options


def start(
    app: Flask, owner_id: int, kind: str, options: object, fallback: str, project_id: int = 0
) -> ExportJob:
    """Start a coach's export (or find the same one under way); returns its row."""
    cleaned = clean_options(kind, options, tuple(app.config["LANGUAGES"]), fallback)
    if kind == SHEET:
        cleaned["project"] = str(project_id)
    key = exports.job_key(kind, cleaned)
    with unit_of_work(app) as session:
        running = session.scalars(
            select(ExportJob).where(
                ExportJob.owner_id == owner_id,
                ExportJob.key == key,
                ExportJob.status.in_(exports.ACTIVE),
                ExportJob.created_at > utcnow() - exports.STALE_AFTER,
            )
        ).first()
        if running is not None:
            return running
        job = ExportJob(
            workshop_id=None,
            owner_id=owner_id,
            kind=kind,
            options=cleaned,
            key=key,
            status="queued",
            step="queued",
            progress=0,
        )
        session.add(job)
        session.flush()
        session.expunge(job)
    exports.track(job.id)
    socketio.start_background_task(exports.run_tracked, app, job.id, _run)
    return job


def list_jobs(session: Any, owner_id: int, kind: str, project_id: int = 0) -> list[ExportJob]:
    """The coach's exports of this kind (of this project for a sheet), newest first."""
    jobs = session.scalars(
        select(ExportJob)
        .where(ExportJob.owner_id == owner_id, ExportJob.kind == kind)
        .order_by(ExportJob.id.desc())
        .limit(200)
    )
    wanted = str(project_id)
    found = [j for j in jobs if kind != SHEET or (j.options or {}).get("project") == wanted]
    return found[: exports.LIST_LIMIT]


def forget_project_sheets(app: Flask, session: Any, owner_id: int, project_id: int) -> list[Path]:
    """Delete the rows of a project's coaching sheets (it is being deleted) and return
    their files, for the caller to remove once the deletion is committed: a sheet names
    the project and prints its self-scans, so it goes with it. A sheet still being made
    finds its row gone and removes its own file (`exports.finish`)."""
    jobs = [
        job
        for job in session.scalars(
            select(ExportJob).where(ExportJob.owner_id == owner_id, ExportJob.kind == SHEET)
        )
        if (job.options or {}).get("project") == str(project_id)
    ]
    files = [path for job in jobs if (path := export_path(app, job)) is not None]
    if jobs:
        session.execute(delete(ExportJob).where(ExportJob.id.in_([job.id for job in jobs])))
    return files


def folder(app: Flask, owner_id: int) -> Path:
    return Path(app.config["EXPORTS_DIR"]) / f"coach-{int(owner_id)}"


def _run(app: Flask, job_id: int) -> None:
    job = exports.update(app, job_id, status="running", step="collecting", progress=10)
    if job is None or job.owner_id is None:
        return
    options, owner_id = dict(job.options), job.owner_id
    language = options["language"]
    with force_locale(language):
        labels = coach_labels()
    with unit_of_work(app) as session:
        if job.kind == SHEET:
            project_id = int(options["project"])
            walls = wall_themes(app)
            view: Any = portfolio.one_project(session, owner_id, project_id, language, walls)
            title = view.project.name
        else:
            view = portfolio.programme(session, language, wall_themes(app))
            title = labels["programme"]
    exports.update(app, job_id, step="drawing", progress=50)
    data = exports.in_worker(app, make_coach_export, job.kind, options, view, labels)
    exports.update(app, job_id, step="writing", progress=90)
    path = exports.free_path(folder(app, owner_id), title, job.kind, options["format"], job_id)
    write_atomically(path, data)
    exports.finish(app, job_id, path)


def make_coach_export(kind: str, options: Mapping[str, str], view: Any, labels: dict) -> bytes:
    """The sheet or the learnings as bytes: the CPU work, meant for a worker process."""
    from facilitator.exports import coaching_sheet  # matplotlib: loaded in the worker

    language = options["language"]
    if kind == SHEET:
        return coaching_sheet.render_sheet(view, language, labels)
    if options["format"] == "csv":
        return coaching_sheet.programme_csv(view, language, labels)
    return coaching_sheet.render_programme(view, language, labels)


def export_path(app: Flask, job: ExportJob) -> Path | None:
    """The finished file of a coach's job, if it is there (a plain name in its folder)."""
    if job.owner_id is None or job.status != "done" or not job.filename:
        return None
    if Path(job.filename).name != job.filename:
        return None
    path = folder(app, job.owner_id) / job.filename
    return path if path.is_file() else None
