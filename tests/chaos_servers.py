"""The servers of a chaos run: `facilitator serve` workers that can be SIGKILLed.

A workshop is seeded straight into the database (`bench.fanout.seed`: tables of 5,
everyone seated in round 1, which runs), then one or two workers start on fixed ports of
127.0.0.1, with the same database (and, for two, Redis as the message queue). A killed
worker is started again on its port; the offload processes it ever had are remembered,
so that none may outlive it unnoticed. Used by `tests/chaos_phones.py`.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from sqlalchemy import select

from bench.fanout import seed
from facilitator.store.db import make_engine, make_session_factory, session_scope
from facilitator.store.models import Round, Workshop
from tests.live import ROOT, answers, free_port, server_env

HOST = "127.0.0.1"


def _descendants(pid: int) -> set[int]:
    """Every process below `pid` (its offload workers and their helpers), from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@dataclass
class Worker:
    """One `facilitator serve` process on a fixed port (so it can be killed and restarted)."""

    name: str
    port: int
    tmp: Path
    env: dict[str, str]
    process: subprocess.Popen[str] | None = None
    logs: list[Path] = field(default_factory=list)
    children: set[int] = field(default_factory=set)  # every offload process it ever had
    _log_file: IO[str] | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def launch(self) -> None:
        """Start the process; returns at once (`wait_until_up` waits for /healthz)."""
        log = self.tmp / f"{self.name}-{len(self.logs)}.log"
        self.logs.append(log)
        self._log_file = log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "facilitator",
                "serve",
                "--host",
                HOST,
                "--port",
                str(self.port),
            ],
            cwd=ROOT,
            env=server_env(self.tmp, self.base, self.env),
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def wait_until_up(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not answers(f"{self.base}/healthz"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start:\n{self.log_text()[-3000:]}")
            time.sleep(0.1)
        self.remember_children()

    def remember_children(self) -> None:
        """Note its offload processes as they are now: none may outlive it."""
        self.children |= _descendants(self.process.pid)

    def sigkill(self) -> None:
        self.remember_children()
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self._log_file.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.remember_children()
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log_file is not None and not self._log_file.closed:
            self._log_file.close()

    def log_text(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in self.logs if path.exists())

    def survivors(self, grace: float = 10.0) -> list[int]:
        """Its offload processes still alive `grace` seconds after it went (then killed)."""
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(_alive(pid) for pid in self.children):
            time.sleep(0.1)
        left = [pid for pid in self.children if _alive(pid)]
        for pid in left:  # ours: started by this worker process; by id, one by one
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        return left


@dataclass
class Cluster:
    database_url: str
    secret: str
    code: str
    public_ids: list[str]
    workers: list[Worker]

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()


def start_cluster(
    tmp: Path,
    database_url: str,
    phones: int,
    workers: int = 1,
    extra_env: dict[str, str] | None = None,
) -> Cluster:
    """Seed a workshop for `phones` people and start `workers` servers on it."""
    seeded = seed(database_url, phones, rounds=2)
    _start_round(database_url, seeded.code)
    secret = uuid.uuid4().hex + uuid.uuid4().hex
    env = {
        "DATABASE_URL": database_url,
        "FACILITATOR_SECRET_KEY": secret,
        "FACILITATOR_EVENTLET_MAX_SIZE": "10000",
    } | (extra_env or {})
    cluster = Cluster(database_url, secret, seeded.code, seeded.public_ids, [])
    try:
        for n in range(workers):
            worker = Worker(f"worker{n}", free_port(), tmp, env)
            worker.launch()
            cluster.workers.append(worker)
        for worker in cluster.workers:
            worker.wait_until_up()
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _start_round(database_url: str, code: str) -> None:
    """Round 1 runs (for two hours), as while people write: the harvest wall then goes
    to the staff only, not to every phone after each drawing."""
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            workshop = session.scalar(select(Workshop).where(Workshop.join_code == code))
            cafe_round = session.get(Round, workshop.current_round_id)
            now = datetime.now(UTC)
            cafe_round.status, cafe_round.started_at = "running", now
            cafe_round.duration_seconds = 7200
            cafe_round.ends_at = now + timedelta(seconds=7200)
    finally:
        engine.dispose()


async def healthy(port: int) -> bool:
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), 1)
    except (OSError, TimeoutError):
        return False
    try:
        writer.write(b"GET /healthz HTTP/1.0\r\nHost: x\r\n\r\n")
        status = await asyncio.wait_for(reader.readline(), 2)
        return b" 200 " in status
    except (OSError, TimeoutError):
        return False
    finally:
        writer.close()
