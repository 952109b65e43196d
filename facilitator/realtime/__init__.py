"""Socket.IO handlers: authorise, validate, call one domain function, commit, notify.

Importing this package registers every handler on the SocketIO extension object.
"""

from . import console, core, phone, plenary  # noqa: F401  (registers the handlers)
from .core import notify, rooms_for

__all__ = ["notify", "rooms_for"]
