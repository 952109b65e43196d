"""The browser's own reducer (static/js/common.js), run under Node for the Python tests.

Phones run `Fac.applyEvent`; the replay tests must check that code, not a Python twin of
it. One Node process per test run answers JSON lines (tests/node/reducer_server.js):
starting Node for every hypothesis example would cost ~50 ms each.
"""

from __future__ import annotations

import atexit
import json
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tests.conftest import need

SERVER = Path(__file__).resolve().parent / "node" / "reducer_server.js"

State = dict[str, Any]


class NodeReducer:
    """A long-lived `node` running the browser's reducer: one request, one answer."""

    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            need("Node.js is not installed (the phones' reducer runs under it)")
        self.process = subprocess.Popen(
            [node, str(SERVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )

    def ask(self, request: dict[str, Any]) -> Any:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"node exited ({self.process.wait()})")
        answer = json.loads(line)
        if not answer["ok"]:
            raise RuntimeError(f"the reducer failed in node:\n{answer['error']}")
        return answer["result"]

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()


_reducer: NodeReducer | None = None


def _node() -> NodeReducer:
    global _reducer
    if _reducer is None:
        _reducer = NodeReducer()
        atexit.register(_reducer.close)
    return _reducer


def _wire(event: Any) -> dict[str, Any]:
    """An event as the browser receives it, from a stored event or an ack's dict."""
    if isinstance(event, dict):
        return {"name": event["name"], "seq": event["seq"], "data": event["data"]}
    return {"name": event.name, "seq": event.seq, "data": event.data}


def apply_events(state: State, events: Iterable[Any]) -> State:
    """A new state: `state` with the events applied in order by `Fac.applyEvent`."""
    return _node().ask({"op": "apply", "state": state, "events": [_wire(e) for e in events]})


def apply_event(state: State, name: str, seq: int, data: dict[str, Any]) -> State:
    """A new state: `state` with one event applied by `Fac.applyEvent`."""
    return apply_events(state, [{"name": name, "seq": seq, "data": data}])


def catch_up(state: State | None, ack: dict[str, Any], arrived: Iterable[Any]) -> State:
    """The state after a sync's `ack`, with the live events that `arrived` meanwhile."""
    request = {"op": "catch_up", "state": state, "ack": ack, "arrived": [_wire(e) for e in arrived]}
    return _node().ask(request)
