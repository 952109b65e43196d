"""A lean asyncio Socket.IO v5 client over raw WebSocket (Engine.IO v4), for load benches.

One `Phone` per simulated screen; thousands fit in one event loop. It speaks only
what the benches need: the WebSocket upgrade, text frames, Engine.IO open/ping/message,
Socket.IO connect (with auth), events, and acknowledgements. Every frame that arrives
is stamped with `time.monotonic()` before it is parsed, so latencies measured against
a `time.monotonic()` taken in the same process include no parsing.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import struct
import time
from collections.abc import Callable
from typing import Any

Watcher = Callable[["Phone", str, float], None]

_OP_CONT, _OP_TEXT, _OP_CLOSE, _OP_PING, _OP_PONG = 0x0, 0x1, 0x8, 0x9, 0xA


def _frame(opcode: int, payload: bytes) -> bytes:
    """A client frame: FIN set, masked as RFC 6455 requires of clients."""
    mask = os.urandom(4)
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
    elif size < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, size)
    key = int.from_bytes((mask * (size // 4 + 1))[:size], "big")
    body = (int.from_bytes(payload, "big") ^ key).to_bytes(size, "big")
    return head + mask + body


class Phone(asyncio.Protocol):
    """One Socket.IO connection on the default namespace."""

    def __init__(self, host: str, port: int, cookie: str | None, watch: Watcher) -> None:
        self.host, self.port, self.cookie, self.watch = host, port, cookie, watch
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.fragments: list[bytes] = []
        self.upgraded = False
        self.loop = asyncio.get_running_loop()
        self.opened: asyncio.Future[None] = self.loop.create_future()
        self.joined: asyncio.Future[dict[str, Any]] = self.loop.create_future()
        self.acks: dict[int, asyncio.Future[tuple[float, Any]]] = {}
        self.next_ack = 0
        self.closed = False
        self.mark: float | None = None  # set by a watcher: when the awaited event came

    # --- asyncio.Protocol -----------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
        ]
        if self.cookie:
            lines.append(f"Cookie: {self.cookie}")
        transport.write(("\r\n".join(lines) + "\r\n\r\n").encode())

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        self.buffer += data
        if not self.upgraded and not self._read_upgrade():
            return
        while (text := self._next_text()) is not None:
            self._on_engineio(text, now)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        error = ConnectionError(f"connection lost: {exc}")
        for future in (self.opened, self.joined, *self.acks.values()):
            if not future.done():
                future.set_exception(error)

    # --- WebSocket ------------------------------------------------------------------

    def _read_upgrade(self) -> bool:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return False
        status = bytes(self.buffer[:end]).split(b"\r\n", 1)[0]
        del self.buffer[: end + 4]
        if b" 101 " not in status + b" ":
            self._fail(ConnectionError(f"upgrade refused: {status.decode(errors='replace')}"))
            return False
        self.upgraded = True
        return True

    def _next_text(self) -> str | None:
        """Pop complete frames off the buffer until one yields a text message."""
        while True:
            frame = self._pop_frame()
            if frame is None:
                return None
            fin, opcode, payload = frame
            if opcode == _OP_PING:
                self._write(_OP_PONG, payload)
            elif opcode == _OP_CLOSE:
                self._write(_OP_CLOSE, payload[:2])
                self.close()
            elif opcode in (_OP_TEXT, _OP_CONT):
                self.fragments.append(payload)
                if fin:
                    text = b"".join(self.fragments).decode()
                    self.fragments.clear()
                    return text

    def _pop_frame(self) -> tuple[bool, int, bytes] | None:
        buf = self.buffer
        if len(buf) < 2:
            return None
        fin, opcode, size, start = bool(buf[0] & 0x80), buf[0] & 0x0F, buf[1] & 0x7F, 2
        if size == 126:
            if len(buf) < 4:
                return None
            size, start = struct.unpack_from("!H", buf, 2)[0], 4
        elif size == 127:
            if len(buf) < 10:
                return None
            size, start = struct.unpack_from("!Q", buf, 2)[0], 10
        if len(buf) < start + size:
            return None
        payload = bytes(buf[start : start + size])
        del buf[: start + size]
        return fin, opcode, payload

    def _write(self, opcode: int, payload: bytes) -> None:
        if self.transport is not None and not self.closed:
            self.transport.write(_frame(opcode, payload))

    def _fail(self, error: Exception) -> None:
        for future in (self.opened, self.joined):
            if not future.done():
                future.set_exception(error)
        self.close()

    # --- Engine.IO and Socket.IO ----------------------------------------------------

    def _on_engineio(self, text: str, now: float) -> None:
        kind, body = text[:1], text[1:]
        if kind == "2":  # ping: answer at once or the server drops us
            self._write(_OP_TEXT, b"3" + body.encode())
        elif kind == "0" and not self.opened.done():
            self.opened.set_result(None)
        elif kind == "4":
            self._on_socketio(body, now)
        elif kind == "1":
            self.close()

    def _on_socketio(self, body: str, now: float) -> None:
        kind, rest = body[:1], body[1:]
        if kind == "2":  # event: the watcher decides what it means
            self.watch(self, rest, now)
        elif kind == "3":  # ack: "<id>[...]"
            split = rest.index("[")
            future = self.acks.pop(int(rest[:split]), None)
            if future is not None and not future.done():
                future.set_result((now, json.loads(rest[split:])))
        elif kind == "0" and not self.joined.done():
            self.joined.set_result(json.loads(rest or "{}"))
        elif kind == "4" and not self.joined.done():
            self.joined.set_exception(ConnectionRefusedError(rest))

    def send_connect(self, auth: dict[str, Any] | None) -> None:
        """Socket.IO CONNECT on `/`, with the auth object the server reads."""
        self._write(_OP_TEXT, ("40" + (json.dumps(auth) if auth else "")).encode())

    def emit(self, event: str, data: Any) -> asyncio.Future[tuple[float, Any]]:
        """Send an event asking for an ack; the future gives (arrival time, ack args)."""
        self.next_ack += 1
        future: asyncio.Future[tuple[float, Any]] = self.loop.create_future()
        self.acks[self.next_ack] = future
        self._write(_OP_TEXT, f"42{self.next_ack}{json.dumps([event, data])}".encode())
        return future

    def close(self) -> None:
        if self.transport is not None and not self.closed:
            self.closed = True
            self.transport.close()


async def connect(
    host: str,
    port: int,
    *,
    cookie: str | None = None,
    auth: dict[str, Any] | None = None,
    watch: Watcher,
    timeout: float = 15.0,
) -> Phone:
    """Open a WebSocket, then the Engine.IO and Socket.IO sessions; raise on refusal."""
    loop = asyncio.get_running_loop()

    async def _open() -> Phone:
        _transport, phone = await loop.create_connection(
            lambda: Phone(host, port, cookie, watch), host, port
        )
        await phone.opened
        phone.send_connect(auth)
        await phone.joined
        return phone

    return await asyncio.wait_for(_open(), timeout)
