"""The floor of the fan-out bench: a bare python-socketio server on eventlet.

Any client may connect. The event `broadcast` (payload: any object) makes the server
emit one `tick` event carrying that object to every other connected client, then ack;
`sync` is answered at once (the least a reconnecting phone can be given: bench.reconnect).
No Flask, no store, no rooms: the least one worker can do to reach N sockets.

Run: `.venv/bin/python -m bench.fanout_floor PORT` (bench.fanout starts it itself).
"""

from __future__ import annotations

import eventlet

eventlet.monkey_patch()

import sys  # noqa: E402
from typing import Any  # noqa: E402

import eventlet.wsgi  # noqa: E402
import socketio  # noqa: E402

MAX_CONNECTIONS = 10_000


def make_server() -> socketio.Server:
    """The server and its one handler, with the app's ping settings."""
    sio = socketio.Server(
        async_mode="eventlet", cors_allowed_origins=None, ping_interval=10, ping_timeout=20
    )

    @sio.on("broadcast")
    def broadcast(sid: str, data: Any) -> dict[str, bool]:
        sio.emit("tick", data, skip_sid=sid)
        return {"ok": True}

    @sio.on("sync")
    def sync(_sid: str, _data: Any) -> dict[str, Any]:
        return {"ok": True, "events": []}

    return sio


def main(port: int) -> None:
    app = socketio.WSGIApp(make_server())
    listener = eventlet.listen(("127.0.0.1", port))
    eventlet.wsgi.server(listener, app, log_output=False, max_size=MAX_CONNECTIONS)


if __name__ == "__main__":
    main(int(sys.argv[1]))
