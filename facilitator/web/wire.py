"""How Socket.IO packets leave the server.

Facilitator never sends binary data, so the packet class skips python-socketio's
recursive scan of every payload for bytes: at a round change that scan ran over
thousands of payloads (see docs/PERFORMANCE.md, round-change fan-out).
"""

from __future__ import annotations

from typing import Any

from socketio.packet import Packet


class TextPacket(Packet):
    """A Socket.IO packet whose outgoing data is known to be JSON text."""

    @classmethod
    def data_is_binary(cls, data: Any) -> bool:
        return False
