"""The meaning of a workshop's texts: vectors computed in a worker process, stored once.

Every note, key insight and commitment gets a sentence vector (harvest/meaning.py) right
after it is stored: the post asks for the wall, and the wall first asks `request_vectors`,
which computes the new vectors in a worker process of their own (so the next drawing,
in the shared pool, runs meanwhile) and then asks for the drawing. It is kept in the database with
the name of the model that made it: a restart, a second worker or an imported archive
that carries vectors never recomputes them. An archive from before vectors existed gets
them in batches before its first drawing, with `harvest.preparing` telling the staff
screens how far it is.

Where the model cannot load (another platform, a corrupt file), the harvest reads words
as before: `mode()` says which, once per process, asked of a worker (the hub never loads
the model).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import Flask
from sqlalchemy import func, or_, select, update

from facilitator.harvest import meaning
from facilitator.store import events
from facilitator.store.models import Commitment, Contribution, Workshop
from facilitator.web.extensions import socketio
from facilitator.web.jobs import offload
from facilitator.web.jobs.coalesce import Coalescer, pass_alone
from facilitator.web.notify import notify
from facilitator.web.work import unit_of_work

# Texts per worker call. The wall is asked for after each batch, so a note waits for
# its own batch only: 32 short notes are ~0.6 s of one core (~2 s on a loaded machine).
BATCH = 32
THEMED_KINDS = ("note", "insight")

_mode: meaning.Mode | None = None  # per process: the model either loads or it does not
# Vectors have a process of their own: computed while the shared pool draws the wall.
_embedder = offload.OwnWorker()
# Per server process: the workshops whose texts are being given vectors, coalesced like
# the wall's drawings.
_filling = Coalescer()


def mode(app: Flask) -> meaning.Mode:
    """Whether themes are by meaning or by words here (asked of a worker once)."""
    global _mode
    if not app.config["HARVEST_MODEL"]:
        return meaning.Mode("words", "turned off (FACILITATOR_HARVEST_MODEL=0)")
    if _mode is None:
        try:
            _mode = offload.run(socketio.sleep, app.config["OFFLOAD_WORKERS"], meaning.mode)
        except offload.WorkerDied:  # a native crash while loading: read words instead
            _mode = meaning.Mode("words", "the model's native library stopped its worker")
        log = app.logger.info if _mode.name == "meaning" else app.logger.warning
        log("harvest themes: %s (%s)", _mode.name, _mode.detail)
    return _mode


def may_find_meaning(app: Flask) -> bool:
    """Whether a wall drawn now may find themes by meaning: the model is not turned off
    and not known to fail (asking the worker would make a page wait)."""
    return bool(app.config["HARVEST_MODEL"]) and (_mode is None or _mode.name == "meaning")


def _missing(model: type[Contribution] | type[Commitment], workshop_id: int) -> list[Any]:
    """Conditions for this workshop's rows without a vector of the current model."""
    conditions = [
        model.workshop_id == workshop_id,
        or_(model.meaning_model.is_(None), model.meaning_model != meaning.MODEL_ID),
    ]
    if model is Contribution:
        conditions.append(Contribution.kind.in_(THEMED_KINDS))
    return conditions


def _count_missing(session: Any, workshop_id: int) -> int:
    return sum(
        session.scalar(select(func.count()).where(*_missing(model, workshop_id))) or 0
        for model in (Contribution, Commitment)
    )


def _next_batch(session: Any, workshop_id: int) -> list[tuple[str, int, str]]:
    """Up to BATCH texts still without a vector: (table, id, text), oldest first."""
    batch: list[tuple[str, int, str]] = []
    for model in (Contribution, Commitment):
        room = BATCH - len(batch)
        if room <= 0:
            break
        rows = session.execute(
            select(model.id, model.text)
            .where(*_missing(model, workshop_id))
            .order_by(model.id)
            .limit(room)
        )
        batch += [(model.__tablename__, row.id, row.text) for row in rows]
    return batch


def _store(app: Flask, batch: Sequence[tuple[str, int, str]], vectors: Sequence[bytes]) -> None:
    models = {"contributions": Contribution, "commitments": Commitment}
    with unit_of_work(app) as session:
        for (table, row_id, _text), vector in zip(batch, vectors, strict=True):
            model = models[table]
            session.execute(
                update(model)
                .where(model.id == row_id)
                .values(meaning=vector, meaning_model=meaning.MODEL_ID)
            )


def request_vectors(app: Flask, workshop_id: int, then: Callable[[], None]) -> None:
    """Give the workshop's new texts their vectors in the background, then call `then`
    (which asks for the wall). Returns at once; requests made meanwhile are coalesced."""
    _filling.request(workshop_id, lambda: _fill_then(app, workshop_id, then))


def is_busy(workshop_id: int) -> bool:
    """Whether this process gives the workshop's texts vectors now or is asked to again."""
    return _filling.is_busy(workshop_id)


def any_filling() -> bool:
    """Whether this process is computing vectors (a shutdown or a test waits for it)."""
    return _filling.any_running()


def _fill_then(app: Flask, workshop_id: int, then: Callable[[], None]) -> None:
    # One worker at a time gives a workshop's texts their vectors. The wall is asked for
    # after each batch (its notes need not wait for the texts posted after them), and
    # after the pass where it made none (a vote, a hidden note; or by words).
    made = 0

    def fill() -> None:
        nonlocal made
        made = fill_vectors(app, workshop_id, after_batch=then)

    lease = f"vectors:{workshop_id}"
    with app.app_context():
        if pass_alone(app, _filling, workshop_id, lease, fill, "vectors of meaning") and not made:
            then()


def fill_vectors(
    app: Flask, workshop_id: int, after_batch: Callable[[], None] | None = None
) -> int:
    """Compute and store the vectors this workshop's texts lack; how many were made.
    `after_batch` is called once each batch is stored.

    Runs on the hub as a green task: each batch is computed in a worker process.
    """
    if mode(app).name != "meaning":
        return 0
    with unit_of_work(app) as session:
        total = _count_missing(session, workshop_id)
    done = 0
    show_progress = total > BATCH
    while done < total:
        with unit_of_work(app) as session:
            batch = _next_batch(session, workshop_id)
        if not batch:
            break
        texts = [text for _table, _id, text in batch]
        workers = app.config["OFFLOAD_WORKERS"]
        vectors = _embedder.run(socketio.sleep, workers, meaning.embed, texts)
        _store(app, batch, vectors)
        done += len(batch)
        if show_progress:
            _tell_progress(app, workshop_id, min(done, total), total)
        if after_batch is not None:
            after_batch()
    return done


def _tell_progress(app: Flask, workshop_id: int, done: int, total: int) -> None:
    """`harvest.preparing` to the staff screens: long work shows how far it is."""
    with unit_of_work(app) as session:
        seq = session.get(Workshop, workshop_id).last_seq
    data = {"done": done, "total": total}
    notify([events.transient(None, workshop_id, seq, "harvest.preparing", events.STAFF, data)])
