"""Socket.IO handlers: authorise, validate, call one domain function, commit, notify.

Importing this package registers every handler on the SocketIO extension object.
"""

from facilitator.web.sockets import console, core, phone, plenary  # noqa: F401  (registers)
from facilitator.web.sockets.core import notify, rooms_for

__all__ = ["notify", "rooms_for"]
