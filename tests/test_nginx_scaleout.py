"""Three workers behind real nginx, started by deploy/run_local.py as an operator would.

Phones join over HTTP from addresses of their own (Linux answers all of 127.0.0.0/8 on
lo, so a client may bind 127.0.1.N), then connect Socket.IO through nginx with the
cookies the join gave them. nginx's access log names the worker of every request.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio as socketio_client
from requests.adapters import HTTPAdapter

from tests.conftest import (
    REDIS_URL,
    _drop_postgres_schema,
    _fresh_postgres_schema,
    need,
    postgres_available,
)
from tests.test_scaleout import redis_available

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 3
PHONES = 26  # each lands on a worker by its cookie: all three miss one with p < 1e-4
# The demo seats 30 (6 tables of 5): 26 phones here, 4 joins in the limit test.
JOINS_PER_MINUTE = 3
LOG_LINE = re.compile(r'^(\S+) \[[^]]+\] "(\S+) (\S+)[^"]*" (\d+) upstream=(\S+)')


class FromAddress(HTTPAdapter):
    """Connections from one loopback address, as a phone of its own would come."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def browser(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", FromAddress(address))
    return session


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        need("nginx is not installed (Debian: apt-get install nginx-light)")
    if not postgres_available():
        need("PostgreSQL is not reachable on 127.0.0.1:5432")
    if not redis_available():
        need(f"Redis is not reachable at {REDIS_URL}")
    folder = tmp_path_factory.mktemp("nginx-run")
    schema, url = _fresh_postgres_schema()
    env = {
        "DATABASE_URL": url,
        "FACILITATOR_MESSAGE_QUEUE": REDIS_URL,
        "FACILITATOR_MESSAGE_QUEUE_CHANNEL": f"facilitator-test-{secrets.token_hex(4)}",
        "FACILITATOR_JOINS_PER_MINUTE": str(JOINS_PER_MINUTE),
        "PATH": "/usr/sbin:/usr/bin:/bin",
        "HOME": str(folder),
    }
    process = subprocess.Popen(
        [sys.executable, "deploy/run_local.py", "--workers", str(WORKERS), "--demo"]
        + ["--dir", str(folder)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()))
    reader.start()
    reader.join(90)
    try:
        if not line or not line[0].strip():
            logs = "\n".join(p.read_text()[-2000:] for p in sorted(folder.glob("*.log")))
            pytest.fail(f"deploy/run_local.py did not start:\n{logs}")
        yield json.loads(line[0])
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        _drop_postgres_schema(schema)


def access_log(state: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(address, method, path, status, worker) of every request nginx has logged."""
    text = Path(state["access_log"]).read_text()
    return [m.groups() for line in text.splitlines() if (m := LOG_LINE.match(line))]


def join(state: dict[str, Any], address: str) -> tuple[requests.Session, int]:
    """A real join over HTTP from `address`: the form, then its answer's status."""
    code = state["links"]["join"].rsplit("/", 1)[-1]
    phone = browser(address)
    page = phone.get(f"{state['base']}/j/{code}", timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = phone.post(
        f"{state['base']}/j/{code}",
        data={"csrf_token": token, "language": "nl"},
        allow_redirects=False,
        timeout=30,
    )
    return phone, answer.status_code


def connect(state: dict[str, Any], phone: requests.Session) -> socketio_client.SimpleClient:
    code = state["links"]["join"].rsplit("/", 1)[-1]
    client = socketio_client.SimpleClient()
    client.connect(
        state["base"],
        # The WebSocket client sends `Origin: <base>` itself, as a browser does: with
        # nginx's port, which is not the default one.
        headers={"Cookie": "; ".join(f"{c.name}={c.value}" for c in phone.cookies)},
        auth={"code": code, "role": "participant"},
        transports=["websocket"],
        wait_timeout=30,
    )
    return client


def test_phones_spread_over_every_worker_and_notes_cross_them(deployment):
    phones: dict[str, tuple[requests.Session, Any, int]] = {}
    try:
        for n in range(1, PHONES + 1):
            address = f"127.0.1.{n}"
            session, status = join(deployment, address)
            assert status == 302, f"join from {address} answered {status}"
            client = connect(deployment, session)
            seat = client.call("sync", {"last_seq": 0}, timeout=30)["snapshot"]["seat"]
            phones[address] = (session, client, seat["table"])
        worker_of = {
            address: worker
            for address, method, path, status, worker in access_log(deployment)
            if method == "POST" and path.startswith("/j/") and status == "302"
        }
        assert set(worker_of.values()) == set(deployment["workers"])
        at_table: dict[int, list[str]] = defaultdict(list)
        for address, (_session, _client, table) in phones.items():
            at_table[table].append(address)
        crossed: set[str] = set()
        for table, addresses in at_table.items():
            text = f"Over nginx naar tafel {table}"
            poster = phones[addresses[0]][1]
            ack = poster.call(
                "note.post", {"client_id": str(uuid.uuid4()), "text": text, "table": table}
            )
            assert ack["ok"], ack
            for address in addresses[1:]:
                assert receives(phones[address][1], text), f"{address} at table {table}"
                if worker_of[address] != worker_of[addresses[0]]:
                    crossed.add(worker_of[address])
        # Some note posted through another worker reached phones on each of the three.
        assert crossed == set(deployment["workers"])
    finally:
        for _session, client, _table in phones.values():
            client.disconnect()
    time.sleep(0.5)  # nginx logs a WebSocket when it closes
    sockets = Counter(
        worker
        for _a, _m, path, status, worker in access_log(deployment)
        if path.startswith("/socket.io/") and status == "101"
    )
    assert set(sockets) == set(deployment["workers"]), sockets


def receives(client: socketio_client.SimpleClient, text: str) -> bool:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            name, payload = client.receive(timeout=max(0.1, deadline - time.monotonic()))
        except socketio_client.exceptions.TimeoutError:
            return False
        if name == "note.posted" and payload["data"]["note"]["text"] == text:
            return True
    return False


def test_the_polling_handshake_through_nginx_accepts_the_page_origin_only(deployment):
    base = deployment["base"]
    handshake = f"{base}/socket.io/?EIO=4&transport=polling"
    ours = requests.get(handshake, headers={"Origin": base}, timeout=10)
    assert ours.status_code == 200 and '"sid"' in ours.text
    theirs = requests.get(handshake, headers={"Origin": "http://evil.example"}, timeout=10)
    assert theirs.status_code == 400


def test_joins_are_limited_per_phone_address_not_per_venue(deployment):
    first = [join(deployment, "127.0.0.2")[1] for _ in range(JOINS_PER_MINUTE + 1)]
    assert first == [302] * JOINS_PER_MINUTE + [429]
    # Another phone of the same venue (another address) still joins; nginx's own
    # address (127.0.0.1) is not what the limit counts.
    assert join(deployment, "127.0.0.3")[1] == 302
