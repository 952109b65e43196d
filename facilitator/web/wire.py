"""How Socket.IO packets leave the server.

Facilitator never sends binary data, so the packet class skips python-socketio's
recursive scan of every payload for bytes: at a round change that scan ran over
thousands of payloads (see docs/PERFORMANCE.md, round-change fan-out). Its JSON is
written by msgspec (`store.db.json_text`), several times faster than `json.dumps` on
a round change's messages; what arrives is still read by python-engineio's `loads`,
which refuses absurdly long numbers.
"""

from __future__ import annotations

from typing import Any

from engineio import json as engineio_json
from socketio.packet import Packet

from facilitator.store.db import json_text


class _Json:
    """The `json` python-socketio's packets call: msgspec out, python-engineio's in."""

    loads = staticmethod(engineio_json.loads)

    @staticmethod
    def dumps(data: Any, **_options: Any) -> str:
        return json_text(data)  # always compact, as python-socketio asks


class TextPacket(Packet):
    """A Socket.IO packet whose outgoing data is known to be JSON text."""

    json = _Json

    @classmethod
    def data_is_binary(cls, data: Any) -> bool:
        return False
