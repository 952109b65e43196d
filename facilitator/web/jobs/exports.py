"""Export jobs: a poster, report or archive made in the background, with its progress.

`start_export` validates the request and stores a job row (or finds the same export
already under way: two clicks make one job); a background task then reads the
workshop, hands the CPU work (text analysis, drawing) to the exports' own worker
process (a `facilitator.web.jobs.offload.Worker`), and writes the file under
EXPORTS_DIR/<workshop>/ whole or not at all. The row's `step` and `progress` are what
the organiser's page polls.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, has_request_context, url_for
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from facilitator.errors import DomainError
from facilitator.exports.collect import build_document, with_analysis
from facilitator.exports.document import HarvestDocument
from facilitator.store.files import write_atomically
from facilitator.store.models import ExportJob, Workshop, utcnow
from facilitator.web.extensions import socketio
from facilitator.web.i18n import export_labels, export_role_labels
from facilitator.web.jobs import offload
from facilitator.web.work import unit_of_work

T = TypeVar("T")
KINDS = ("poster", "report", "archive")
ACTIVE = ("queued", "running")
LIST_LIMIT = 20
# A job still "running" this long after it was asked for died with its server: it must
# not make every later click of the same export wait on it forever.
STALE_AFTER = timedelta(minutes=30)
MIMETYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "html": "text/html",
    "zip": "application/zip",
}
DEFAULTS: dict[str, dict[str, str]] = {
    "poster": {"size": "A2", "orientation": "portrait", "format": "pdf"},
    "report": {"format": "pdf"},
    "archive": {"format": "zip"},
}


def _choices(kind: str, languages: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Every option a kind takes and its allowed values; the archive has no language."""
    if kind == "poster":
        return {
            "size": ("A1", "A2", "A3"),
            "orientation": ("portrait", "landscape"),
            "format": ("pdf", "png"),
            "language": tuple(languages),
        }
    if kind == "report":
        return {"format": ("pdf", "html"), "language": tuple(languages)}
    return {"format": ("zip",)}


def clean_options(
    kind: object, raw: object, languages: Sequence[str], default_language: str
) -> dict[str, str]:
    """The options of an export, checked strictly: an unknown name or value is refused."""
    if kind not in KINDS or not isinstance(raw, Mapping):
        raise DomainError("bad_export")
    choices = _choices(str(kind), languages)
    if any(name not in choices for name in raw):
        raise DomainError("bad_export")
    options = dict(DEFAULTS[str(kind)])
    if "language" in choices:
        options["language"] = default_language if default_language in languages else languages[0]
    for name, value in raw.items():
        if not isinstance(value, str) or value not in choices[name]:
            raise DomainError("bad_export")
        options[name] = value
    return options


def job_key(kind: str, options: Mapping[str, str]) -> str:
    """Names the export: the same kind with the same options is the same export."""
    return kind + ":" + ",".join(f"{name}={options[name]}" for name in sorted(options))


def extension(kind: str, options: Mapping[str, Any]) -> str:
    return "zip" if kind == "archive" else str(options["format"])


# --- starting and showing --------------------------------------------------------------------


def start_export(
    app: Flask,
    workshop_id: int,
    kind: object,
    options: object,
    default_language: str = "en",
) -> dict[str, Any]:
    """Start an export (or find the same one under way) and return its job view."""
    cleaned = clean_options(kind, options, app.config["LANGUAGES"], default_language)
    key = job_key(str(kind), cleaned)
    with unit_of_work(app) as session:
        # Lock the workshop row (PostgreSQL): two clicks racing see each other's job.
        workshop = session.scalars(
            select(Workshop).where(Workshop.id == workshop_id).with_for_update()
        ).one()
        _fail_stale(session, workshop_id)
        running = session.scalars(
            select(ExportJob)
            .where(
                ExportJob.workshop_id == workshop_id,
                ExportJob.key == key,
                ExportJob.status.in_(ACTIVE),
            )
            .order_by(ExportJob.id.desc())
            .limit(1)
        ).first()
        if running is not None:
            return job_view(running, workshop.join_code)
        job = ExportJob(
            workshop_id=workshop_id,
            kind=str(kind),
            options=cleaned,
            key=key,
            status="queued",
            step="queued",
            progress=0,
        )
        session.add(job)
        session.flush()
        view = job_view(job, workshop.join_code)
    with _running_lock:
        _running_jobs.add(view["id"])  # before the task starts: no moment looks idle
    socketio.start_background_task(run_job, app, view["id"])
    return view


def _fail_stale(session: Session, workshop_id: int) -> None:
    stale = session.scalars(
        select(ExportJob).where(
            ExportJob.workshop_id == workshop_id,
            ExportJob.status.in_(ACTIVE),
            ExportJob.created_at < utcnow() - STALE_AFTER,
        )
    )
    for job in stale:
        job.status, job.step, job.error = "failed", "failed", "export_interrupted"
        job.finished_at = utcnow()


def list_jobs(session: Session, workshop_id: int, limit: int = LIST_LIMIT) -> list[ExportJob]:
    """A workshop's exports, newest first."""
    query = (
        select(ExportJob)
        .where(ExportJob.workshop_id == workshop_id)
        .order_by(ExportJob.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def job_view(job: ExportJob, code: str) -> dict[str, Any]:
    """What a screen shows of a job; `download_url` once the file is there."""
    download = None
    if job.status == "done" and job.filename:
        if has_request_context():
            download = url_for("exports.download", code=code, job_id=job.id)
        else:
            download = f"/x/{code}/exports/{job.id}/download"
    return {
        "id": job.id,
        "kind": job.kind,
        "options": dict(job.options or {}),
        "status": job.status,
        "step": job.step,
        "progress": job.progress,
        "filename": job.filename,
        "error": job.error,
        "created_at": _iso(job.created_at),
        "finished_at": _iso(job.finished_at),
        "download_url": download,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def export_path(app: Flask, job: ExportJob) -> Path | None:
    """The finished file of a job, if it is there (a plain name inside its folder)."""
    if job.status != "done" or not job.filename or Path(job.filename).name != job.filename:
        return None
    path = _folder(app, job.workshop_id) / job.filename
    return path if path.is_file() else None


def _folder(app: Flask, workshop_id: int) -> Path:
    return Path(app.config["EXPORTS_DIR"]) / str(int(workshop_id))


# --- running -----------------------------------------------------------------------------


# Jobs running in this process: a shutdown (or a test) waits for them to let go of
# their database connections.
_running_jobs: set[int] = set()
_running_lock = threading.Lock()


def any_running() -> bool:
    """Whether an export job of this process is still at work."""
    with _running_lock:
        return bool(_running_jobs)


def track(job_id: int) -> None:
    """Count a job as running in this process from now (before its task starts)."""
    with _running_lock:
        _running_jobs.add(job_id)


def run_job(app: Flask, job_id: int) -> None:
    """The background task: collect, analyse and draw in a worker, write; never raises."""
    run_tracked(app, job_id, _run)


def run_tracked(app: Flask, job_id: int, work: Callable[[Flask, int], None]) -> None:
    """Run a job's `work` as a background task: a failure is recorded on the job (for the
    organiser), never raised; the job counts as running in this process meanwhile."""
    track(job_id)
    try:
        with app.app_context():
            try:
                work(app, job_id)
            except Exception as exc:  # noqa: BLE001  (recorded on the job, for the organiser)
                app.logger.exception("export job %s failed", job_id)
                code = exc.code if isinstance(exc, DomainError) else "export_failed"
                update(
                    app, job_id, status="failed", step="failed", error=code, finished_at=utcnow()
                )
    finally:
        with _running_lock:
            _running_jobs.discard(job_id)


def _run(app: Flask, job_id: int) -> None:
    job = update(app, job_id, status="running", step="collecting", progress=10)
    if job is None:
        return  # the workshop was deleted meanwhile
    kind, options, workshop_id = job.kind, dict(job.options), job.workshop_id
    folder = _folder(app, workshop_id)
    sessions_dir = app.config["SESSIONS_DIR"]
    if kind == "archive":
        with unit_of_work(app) as session:
            workshop = _workshop(session, workshop_id)
            path = free_path(folder, workshop.title, kind, "zip", job_id)
            update(app, job_id, step="writing", progress=50)
            # It needs the session, so it runs here; it writes a .part and renames it.
            from facilitator.exports.archive import write_archive  # heavy: loaded when used

            write_archive(session, workshop_id, sessions_dir, path)
    else:
        language = options["language"]
        with unit_of_work(app) as session:
            workshop = _workshop(session, workshop_id)
            with force_locale(language):
                labels, roles = export_labels(), export_role_labels()
            doc = build_document(session, workshop, language, labels, roles, sessions_dir)
            title = workshop.title
        # Two worker calls rather than one, so the page shows which part is under way.
        update(app, job_id, step="analysing", progress=30)
        doc = in_worker(app, with_analysis, doc)
        update(app, job_id, step="drawing", progress=60)
        data = in_worker(app, make_export, kind, options, doc, False)
        update(app, job_id, step="writing", progress=90)
        path = write_atomically(
            free_path(folder, title, kind, extension(kind, options), job_id), data
        )
    finish(app, job_id, path)


def finish(app: Flask, job_id: int, path: Path) -> None:
    """Mark the job done with its file; the file goes when that fails or the job (its
    workshop or coach) went while it was made."""
    try:
        done = update(
            app,
            job_id,
            status="done",
            step="done",
            progress=100,
            filename=path.name,
            finished_at=utcnow(),
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if done is None:
        path.unlink(missing_ok=True)


# Exports get a worker process of their own (per server process), started at the first
# export: in the shared pool, the harvest wall drawing back to back while notes came in
# took the free worker again before a waiting export ever got it (one worker, eight demo
# bots), and a 20 s poster would hold up a round change's planning.
_export_worker = offload.OwnWorker()


def in_worker(app: Flask, fn: Callable[..., T], *args: Any) -> T:
    """Run `fn(*args)` in the exports' worker process (0 OFFLOAD_WORKERS: right here)."""
    return _export_worker.run(socketio.sleep, app.config["OFFLOAD_WORKERS"], fn, *args)


def _workshop(session: Session, workshop_id: int) -> Workshop:
    workshop = session.get(Workshop, workshop_id)
    if workshop is None:
        raise DomainError("unknown_workshop")
    return workshop


def update(app: Flask, job_id: int, **fields: Any) -> ExportJob | None:
    """Change a job's row in its own short transaction, so pollers see it at once."""
    with unit_of_work(app) as session:
        job = session.get(ExportJob, job_id)
        if job is None:
            return None
        for name, value in fields.items():
            setattr(job, name, value)
    return job


def make_export(
    kind: str, options: Mapping[str, str], doc: HarvestDocument, analyse: bool = True
) -> bytes:
    """The poster or report as bytes: the CPU work, meant for a worker process."""
    # Imported here: matplotlib and reportlab load in the workers, not in the server.
    if analyse:
        doc = with_analysis(doc)
    # matplotlib and reportlab load in the worker process only, never in the hub.
    if kind == "poster":
        from facilitator.exports.poster import render_poster

        return render_poster(doc, options["size"], options["orientation"], options["format"])
    if kind == "report":
        from facilitator.exports.report import render_report_html, render_report_pdf

        if options["format"] == "html":
            return render_report_html(doc).encode("utf-8")
        return render_report_pdf(doc)
    raise ValueError(f"not made in a worker: {kind!r}")


def slug(title: str, limit: int = 60) -> str:
    """A file-name-safe title: "Zorgzame Buurten – Antwerpen" -> "zorgzame-buurten-antwerpen"."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return words[:limit].rstrip("-") or "workshop"


def free_path(folder: Path, title: str, kind: str, ext: str, job_id: int) -> Path:
    """<slug>-<YYYYmmdd-HHMMSS>-<kind>.<ext>; two exports in one second get the job id too."""
    stem = f"{slug(title)}-{datetime.now(UTC).astimezone().strftime('%Y%m%d-%H%M%S')}-{kind}"
    path = folder / f"{stem}.{ext}"
    return folder / f"{stem}-{job_id}.{ext}" if path.exists() else path
