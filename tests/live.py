"""A real server in a subprocess (eventlet, as in production) for browser and load tests."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"(Participants join at|Facilitator link|Projector link):\s+(\S+)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """A running `facilitator demo` and the links it printed."""

    process: subprocess.Popen[str]
    base: str
    join: str
    facilitator: str
    projector: str
    log_path: Path
    log_file: Any = None

    @property
    def code(self) -> str:
        return self.join.rsplit("/", 1)[-1]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.log_file is not None:
            self.log_file.close()


def server_env(tmp: Path, base: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a server process: its own SQLite and folders unless told."""
    return (
        os.environ
        | {
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
            "FACILITATOR_SESSIONS_DIR": str(tmp),
            "FACILITATOR_EXPORTS_DIR": str(tmp),
            "FACILITATOR_PUBLIC_URL": base,
            "FACILITATOR_BOT_INTERVAL": "2",
            "PYTHONUNBUFFERED": "1",
        }
        | (extra or {})
    )


def start_serve(
    tmp: Path, name: str, env: dict[str, str]
) -> tuple[subprocess.Popen[str], str, Any]:
    """Start `facilitator serve` (another worker) and wait until it answers."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp / f"{name}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "facilitator", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=server_env(tmp, base, env),
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not answers(f"{base}/healthz"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log.close()
            raise RuntimeError((tmp / f"{name}.log").read_text())
        time.sleep(0.1)
    return process, base, log


def start_demo(tmp: Path, *, bots: int = 0, env: dict[str, str] | None = None) -> LiveServer:
    """Start `facilitator demo` on a free port and wait until it answers."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp / "server.log"
    environment = server_env(tmp, base, env)
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "facilitator",
            "demo",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--bots",
            str(bots),
        ],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        links = _wait_for_links(process, log_path, base)
    except RuntimeError:
        log.close()
        raise
    return LiveServer(
        process,
        base,
        links["Participants join at"],
        links["Facilitator link"],
        links["Projector link"],
        log_path,
        log,
    )


def _wait_for_links(process: subprocess.Popen[str], log_path: Path, base: str) -> dict[str, str]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log_path.read_text()}")
        links = dict(LINK.findall(log_path.read_text()))
        if len(links) == 3 and answers(f"{base}/healthz"):
            return links
        time.sleep(0.1)
    process.kill()
    process.wait()
    raise RuntimeError(f"server did not start in time:\n{log_path.read_text()}")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False
