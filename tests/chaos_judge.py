"""The verdict on a chaos run, read from the database itself and the servers' logs.

Every note a phone wrote is looked up by its client id: stored exactly once, at its
author, with its text; no row of a client id nobody wrote; each phone's fresh snapshot
holding every note of its table; no traceback in any server log (but the `server_busy`
warnings, which are by design and only counted); no offload process left behind.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from facilitator.store.db import make_engine, make_session_factory, session_scope
from facilitator.store.models import CafeTable, Contribution, Participant, Workshop

if TYPE_CHECKING:
    from tests.chaos_phones import ChaosConfig, PhoneState
    from tests.chaos_servers import Cluster

# Where a log record starts: Flask's "[time] LEVEL in module: ...", or multiprocessing's
# "Process SpawnProcess-1:" before an uncaught exception in a child process.
RECORD = re.compile(r"^(?:\[\d{4}-\d\d-\d\d [^\]]*\] [A-Z]+ in |Process \S+:$)", re.MULTILINE)
# A unit of work that found the database busy is answered `server_busy` and logged as a
# warning with its traceback, by design (`web/sockets/core.py`): counted, not a failure.
BUSY = re.compile(r"^\[[^\]]*\] WARNING in \w+: .*: the database is busy")


@dataclass
class ChaosResult:
    config: ChaosConfig
    phones: list[PhoneState]
    connected: int  # phones that got through the run
    failures: list[str]  # phones that could not finish (exceptions)
    seconds: float
    recovered_after: float | None
    stored: int  # rows for the notes written
    expected: int
    per_client_id: Counter[str]  # client id -> rows (all of them)
    wrong_author: list[str]
    wrong_text: list[str]
    missing: list[str]
    unknown: list[str]  # rows of client ids nobody wrote
    snapshot_gaps: list[str]  # phones whose snapshot lacks notes of their table
    log_problems: list[str]
    busy_warnings: int  # `server_busy` answers the servers logged
    survivors: list[int]  # offload processes alive after their server went

    @property
    def duplicates(self) -> int:
        return sum(count - 1 for count in self.per_client_id.values() if count > 1)

    @property
    def refused(self) -> list[str]:
        return [f"phone {p.index}: {r}" for p in self.phones for r in p.refused]

    @property
    def latencies(self) -> list[float]:
        return [ms for p in self.phones for ms in p.latencies]

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return math.nan
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)]

    def count(self, name: str) -> int:
        return sum(getattr(p, name) for p in self.phones)

    def summary(self) -> str:
        recovered = f"{self.recovered_after:.2f} s" if self.recovered_after is not None else "-"
        retried = sum((p.retried for p in self.phones), Counter())
        return (
            f"{self.config.phones} phones x {self.config.notes} notes on "
            f"{self.config.workers} worker(s) in {self.seconds:.1f} s: "
            f"connected {self.connected}/{self.config.phones}, "
            f"stored {self.stored}/{self.expected}, duplicates {self.duplicates}, "
            f"missing {len(self.missing)}, refused {len(self.refused)}, "
            f"ack p50 {self.pct(0.5):.0f} ms p99 {self.pct(0.99):.0f} ms, "
            f"SIGKILL to answering {recovered}; "
            f"closes {self.count('closes')}, aborts {self.count('aborts')}, "
            f"lost {self.count('lost')} (ack timeouts {self.count('timeouts')}), "
            f"reconnects {self.count('reconnects')}, "
            f"resends {self.count('resends')}, duplicate acks {self.count('duplicates')}, "
            f"retried {dict(retried)}, busy warnings logged {self.busy_warnings}"
        )


def _read_store(cluster: Cluster) -> tuple[list[tuple[str, str, int, str]], int]:
    """(client id, author's public id, table number, text) of every note; round 1's id."""
    engine = make_engine(cluster.database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            workshop = session.scalar(select(Workshop).where(Workshop.join_code == cluster.code))
            rows = session.execute(
                select(
                    Contribution.client_id,
                    Participant.public_id,
                    CafeTable.number,
                    Contribution.text,
                )
                .join(Participant, Participant.id == Contribution.participant_id)
                .join(CafeTable, CafeTable.id == Contribution.table_id)
                .where(Contribution.workshop_id == workshop.id, Contribution.kind == "note")
            ).all()
            assert session.scalar(select(func.count()).select_from(Contribution)) == len(rows)
            return [tuple(row) for row in rows], workshop.current_round_id
    finally:
        engine.dispose()


def _log_records(text: str) -> list[str]:
    starts = [m.start() for m in RECORD.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]


def _log_problems(cluster: Cluster) -> tuple[list[str], int]:
    """The log records with a traceback or at ERROR (but `server_busy` warnings, counted)."""
    problems, busy = [], 0
    for worker in cluster.workers:
        for record in _log_records(worker.log_text()):
            if BUSY.match(record):
                busy += 1
            elif "Traceback (most recent call last)" in record or " ERROR in " in record:
                problems.append(f"{worker.name}: {record[:1500]}")
    return problems, busy


def judge(
    cluster: Cluster,
    cfg: ChaosConfig,
    states: list[PhoneState],
    failures: list[str],
    seconds: float,
    recovered_after: float | None,
) -> ChaosResult:
    """Read the database and the logs (the workers are stopped first: logs complete)."""
    rows, _round = _read_store(cluster)
    written = {cid: (s.public_id, text) for s in states for cid, text in s.texts.items()}
    per_client_id = Counter(cid for cid, *_ in rows)
    by_table: dict[int, set[str]] = {}
    wrong_author, wrong_text, unknown = [], [], []
    for cid, author, table, text in rows:
        by_table.setdefault(table, set()).add(cid)
        if cid not in written:
            unknown.append(cid)
        elif written[cid][0] != author:
            wrong_author.append(cid)
        elif written[cid][1] != text:
            wrong_text.append(cid)
    missing = [cid for cid in written if cid not in per_client_id]
    gaps = []
    for s in states:
        if s.snapshot is None:
            continue
        lacking = by_table.get(s.snapshot_table, set()) - s.snapshot
        if lacking:
            gaps.append(f"phone {s.index} (table {s.snapshot_table}) lacks {len(lacking)} notes")
    survivors = []
    for worker in cluster.workers:
        worker.stop()
        survivors += worker.survivors()
    log_problems, busy = _log_problems(cluster)
    return ChaosResult(
        config=cfg,
        phones=states,
        connected=sum(1 for s in states if s.snapshot is not None),
        failures=failures,
        seconds=seconds,
        recovered_after=recovered_after,
        stored=sum(1 for cid in written if cid in per_client_id),
        expected=cfg.phones * cfg.notes,
        per_client_id=per_client_id,
        wrong_author=wrong_author,
        wrong_text=wrong_text,
        missing=missing,
        unknown=unknown,
        snapshot_gaps=gaps,
        log_problems=log_problems,
        busy_warnings=busy,
        survivors=survivors,
    )
