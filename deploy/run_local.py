"""Run N Facilitator workers behind nginx on one machine, against PostgreSQL and Redis.

    .venv/bin/python deploy/run_local.py --workers 3 --port 8080 [--demo]

Runs `facilitator migrate` once, starts `facilitator serve` N times on free ports
(the first one `facilitator demo` with --demo), and nginx with deploy/nginx.conf
filled in for them: the upstream lines, the port, and pid, logs and temporary files in
the run's folder (no root needed: `nginx -p <folder> -c <folder>/nginx.conf`). Every
worker gets the same DATABASE_URL, message queue, channel, secret key and folders.
When all answer it prints one JSON line (the address, the workers, the access log) and
writes it to <folder>/state.json; Ctrl+C or SIGTERM stops nginx and every worker.

Environment: DATABASE_URL (a postgresql:// URL, required), FACILITATOR_MESSAGE_QUEUE
(default redis://127.0.0.1:6379/0); FACILITATOR_* settings are passed on as they are.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "deploy" / "nginx.conf"
LINK = re.compile(r"(Participants join at|Facilitator link|Projector link):\s+(\S+)")
START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _once(pattern: str, replacement: str, text: str) -> str:
    """Replace exactly one match: deploy/nginx.conf changed shape if this fails."""
    result, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    if count != 1:
        raise SystemExit(f"deploy/nginx.conf: expected one line matching {pattern!r}")
    return result


def render_conf(folder: Path, port: int, workers: list[int]) -> str:
    """deploy/nginx.conf with this run's upstreams, port and paths, runnable without root."""
    text = CONF.read_text()
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    text = _once(r"^user .*$", user, text)
    text = _once(r"^pid .*$", f"pid {folder}/nginx.pid;", text)
    text = _once(r"^error_log .*$", f"error_log {folder}/error.log;", text)
    text = _once(r"^(\s*access_log) \S+", rf"\1 {folder}/access.log", text)
    upstreams = "\n".join(f"        server 127.0.0.1:{p};" for p in workers)
    text = re.sub(r"^\s*server 127\.0\.0\.1:\d+;\n", "", text, flags=re.MULTILINE)
    text = _once(r"^(\s*hash .* consistent;\n)", rf"\1{upstreams}\n", text)
    text = _once(r"^(\s*)listen 80;", rf"\1listen 127.0.0.1:{port};", text)
    temp = "".join(
        f"    {kind}_temp_path {folder}/tmp/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text = _once(r"^http \{\n", "http {\n" + temp, text)
    if not Path("/etc/nginx/mime.types").exists():
        text = _once(r"^\s*include /etc/nginx/mime.types;\n", "", text)
    return text


def _environment(folder: Path, public_url: str) -> dict[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        raise SystemExit("Set DATABASE_URL to a postgresql:// URL (see deploy/README.md).")
    shared = {
        "DATABASE_URL": url,
        "FACILITATOR_MESSAGE_QUEUE": "redis://127.0.0.1:6379/0",
        "FACILITATOR_SECRET_KEY": secrets.token_urlsafe(32),
        # Photos and drawings must be seen by every worker: one folder for all.
        "FACILITATOR_SESSIONS_DIR": str(folder / "sessions"),
        "FACILITATOR_EXPORTS_DIR": str(folder / "exports"),
        "FACILITATOR_PUBLIC_URL": public_url,
        "FACILITATOR_PROXY_HOPS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    # What the caller set wins, except the hops: exactly one nginx is in front here.
    return shared | dict(os.environ) | {"FACILITATOR_PROXY_HOPS": "1"}


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _wait(url: str, process: subprocess.Popen[Any], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not _answers(url):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not come up; its log:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)


class Run:
    """The processes of one run, stopped in reverse order."""

    def __init__(self) -> None:
        self.processes: list[tuple[str, subprocess.Popen[Any]]] = []

    def start(self, name: str, command: list[str], env: dict[str, str], log: Path) -> Any:
        with log.open("w") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        self.processes.append((name, process))
        return process

    def stop(self) -> None:
        for name, process in reversed(self.processes):
            if process.poll() is None:
                # nginx finishes its open requests on SIGQUIT; a worker stops on SIGTERM.
                process.send_signal(signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
        for _name, process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def dead(self) -> str | None:
        return next((n for n, p in self.processes if p.poll() is not None), None)


def start(run: Run, folder: Path, workers: int, port: int, demo: bool) -> dict[str, Any]:
    """Migrate, start the workers and nginx, wait until each answers; the run's state."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    base = f"http://127.0.0.1:{port}"
    env = _environment(folder, os.environ.get("FACILITATOR_PUBLIC_URL", base))
    python = [sys.executable, "-m", "facilitator"]
    subprocess.run([*python, "migrate"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    ports = [free_port() for _ in range(workers)]
    for number, worker_port in enumerate(ports, 1):
        command = "demo" if demo and number == 1 else "serve"
        extra = ["--bots", "0"] if command == "demo" else []
        args = [command, "--host", "127.0.0.1", "--port", str(worker_port), *extra]
        run.start(f"worker {number}", [*python, *args], env, folder / f"worker-{number}.log")
    for number, worker_port in enumerate(ports, 1):
        process = run.processes[number - 1][1]
        _wait(f"http://127.0.0.1:{worker_port}/healthz", process, folder / f"worker-{number}.log")
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / "tmp" / kind).mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(render_conf(folder, port, ports))
    check = [nginx, "-q", "-t", "-p", str(folder), "-c", str(conf)]
    subprocess.run(check, check=True)
    server = run.start(
        "nginx",
        [nginx, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"],
        env,
        folder / "nginx.out",
    )
    _wait(f"{base}/healthz", server, folder / "error.log")
    state: dict[str, Any] = {
        "base": base,
        "workers": [f"127.0.0.1:{p}" for p in ports],
        "pids": [p.pid for name, p in run.processes if name != "nginx"],
        "access_log": str(folder / "access.log"),
        "folder": str(folder),
        "channel": env.get("FACILITATOR_MESSAGE_QUEUE_CHANNEL", "facilitator"),
    }
    if demo:
        links = dict(LINK.findall((folder / "worker-1.log").read_text()))
        state["links"] = {
            "join": links.get("Participants join at"),
            "facilitator": links.get("Facilitator link"),
            "projector": links.get("Projector link"),
        }
    (folder / "state.json").write_text(json.dumps(state))
    return state


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=3, help="worker processes (default 3)")
    parser.add_argument("--port", type=int, default=0, help="nginx's port (default: a free one)")
    parser.add_argument("--dir", type=Path, help="the run's folder (default: a new temp one)")
    parser.add_argument("--demo", action="store_true", help="load the demo workshop")
    args = parser.parse_args()
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    folder = (args.dir or Path(tempfile.mkdtemp(prefix="facilitator-run-"))).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    stopping = False

    def stop(_signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    run = Run()
    try:
        state = start(run, folder, args.workers, args.port or free_port(), args.demo)
        print(json.dumps(state), flush=True)
        while not stopping:
            if (dead := run.dead()) is not None:
                print(f"{dead} stopped; its log is in {folder}", file=sys.stderr)
                return 1
            time.sleep(0.2)
        return 0
    finally:
        run.stop()


if __name__ == "__main__":
    sys.exit(main())
