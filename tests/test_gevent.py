"""gevent as the server's async mode (FACILITATOR_ASYNC_MODE=gevent): a real café on it.

eventlet stays the default; gevent is the way out should eventlet's end of maintenance
bite. A real server, a phone over WebSocket, a projector, and the harvest wall drawn in
a worker process that the greenlet waits for with gevent's sleep.
"""

from __future__ import annotations

import importlib.util
import re
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import need
from tests.live import start_demo
from tests.test_scaleout import connect


@pytest.fixture
def gevent_server(tmp_path):
    if importlib.util.find_spec("gevent") is None:
        need("the gevent extra is not installed: pip install -e .[gevent]")
    server = start_demo(tmp_path, env={"FACILITATOR_ASYNC_MODE": "gevent"})
    yield server
    server.stop()


def runs_gevent(pid: int) -> bool:
    """Whether the server process loaded gevent's compiled loop (Linux: its memory map)."""
    return "/gevent/" in Path(f"/proc/{pid}/maps").read_text()


def join(base: str, code: str) -> requests.Session:
    phone = requests.Session()
    page = phone.get(f"{base}/j/{code}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    joined = phone.post(
        f"{base}/j/{code}", data={"csrf_token": token, "language": "fr"}, allow_redirects=False
    )
    assert joined.status_code == 302
    return phone


def wait_for(client: Any, event: str, seconds: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        name, payload = client.receive(timeout=deadline - time.monotonic())
        if name == event:
            return payload
    pytest.fail(f"no {event} within {seconds} s")


def test_under_gevent_a_note_reaches_the_projector_and_the_wall_is_drawn(gevent_server):
    server, code = gevent_server, gevent_server.code
    assert runs_gevent(server.process.pid)
    phone = join(server.base, code)
    projector = requests.Session()
    assert projector.get(server.projector, allow_redirects=False).status_code == 302
    wall = connect(server.base, projector, code, "projector")
    mobile = connect(server.base, phone, code, "participant")
    try:
        seat = mobile.call("sync", {"last_seq": 0})["snapshot"]["seat"]
        wall.call("sync", {"last_seq": 0})
        text = "Des potagers partagés dans chaque rue du quartier"
        ack = mobile.call("note.post", {"client_id": str(uuid.uuid4()), "text": text, **seat})
        assert ack["ok"], ack
        assert wait_for(wall, "note.posted")["data"]["note"]["text"] == text
        # The wall is drawn in a worker process; the greenlet polls its pipe meanwhile.
        drawn = wait_for(wall, "harvest.updated")["data"]
        while drawn["notes"] < 1:
            drawn = wait_for(wall, "harvest.updated")["data"]
        image = projector.get(f"{server.base}/p/{code}/harvest/{drawn['digest']}.png")
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    finally:
        wall.disconnect()
        mobile.disconnect()
    assert "Traceback" not in server.log()
