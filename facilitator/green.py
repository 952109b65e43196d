"""The one place that knows about eventlet (or gevent): patching before anything loads.

Call `patch()` first thing in a server process, before Flask, SQLAlchemy or psycopg
are imported. Everything else uses Flask-SocketIO's own sleep and background tasks.
"""

from __future__ import annotations

import os
import socket
import warnings
from typing import Any

# Connections the kernel queues before the server accepts them. After a Wi-Fi blip
# thousands of phones reconnect within a second or two; with the libraries' default of
# 50 most of them overflowed the queue and waited for TCP's SYN retries (1 s, 3 s, 7 s)
# on top of their own back-off (bench/reconnect.py). Linux caps it at net.core.somaxconn.
LISTEN_BACKLOG = 4096


def patch(async_mode: str) -> None:
    """Monkey-patch the standard library for the chosen async mode."""
    # psycopg 3 waits in C and would block the hub; wait_select goes through the
    # patched select module instead. Must be set before psycopg is imported.
    os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
    # eventlet's green DNS has known bugs; the patched socket resolver is enough.
    os.environ.setdefault("EVENTLET_NO_GREENDNS", "yes")
    if async_mode == "eventlet":
        with warnings.catch_warnings():
            # Known and accepted (see docs/ARCHITECTURE.md): gevent is the way out.
            warnings.simplefilter("ignore")
            import eventlet

        eventlet.monkey_patch()
    elif async_mode == "gevent":
        from gevent import monkey

        monkey.patch_all()


def serve(
    app: Any,
    socketio: Any,
    host: str,
    port: int,
    max_size: int,
    socket_timeout: float | None = None,
) -> None:
    """Run the server; under eventlet on a socket with Nagle's algorithm off.

    With Nagle on, a phone's acknowledgement written right after another message to it
    waited for the phone's delayed TCP ACK: ~40 ms on Linux (docs/PERFORMANCE.md,
    harvest wall). Accepted sockets inherit TCP_NODELAY from the listening one.

    `socket_timeout` (seconds; None or 0: never) closes a connection that sends nothing
    for that long while the server waits to read a request's line, headers or body (the
    first request or the next on a keep-alive connection), or waits for a client to
    take a response. Without it every idle or slow-header socket (a phone that never
    closes, a slow-loris) holds one of the `max_size` places until the server restarts.
    It is per read or write, not a deadline for a whole request. It does not reach what
    Engine.IO keeps open on purpose: a long-polling request it holds does not read the
    socket meanwhile, and on an upgraded WebSocket Engine.IO sets its own timeout
    (ping interval + ping timeout) in place of this one (tests/test_idle_sockets.py).
    """
    if socketio.async_mode == "gevent":
        _serve_gevent(app, host, port, max_size)
        return
    if socketio.async_mode != "eventlet":
        socketio.run(app, host=host, port=port, log_output=False)
        return
    import eventlet
    import eventlet.wsgi

    listener = eventlet.listen((host, port), backlog=LISTEN_BACKLOG)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    eventlet.wsgi.server(
        listener,
        app,
        log_output=False,
        max_size=max_size,
        socket_timeout=socket_timeout or None,
    )


def _serve_gevent(app: Any, host: str, port: int, max_size: int) -> None:
    """gevent's WSGI server, WebSockets through simple-websocket as Flask-SocketIO does it.

    Nagle off and at most `max_size` connections, as under eventlet. The socket timeout
    is eventlet's alone: gevent's server has none, so idle sockets rely on Engine.IO's
    ping timeout once upgraded (docs/ARCHITECTURE.md, choosing gevent).
    """
    from gevent import pywsgi
    from gevent.pool import Pool

    server = pywsgi.WSGIServer(
        (host, port), app, log=None, spawn=Pool(max_size), backlog=LISTEN_BACKLOG
    )
    server.init_socket()
    server.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    server.serve_forever()
