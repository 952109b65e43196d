"""Socket.IO handlers: authorise, validate, call one domain function; commit sends events.

Importing this package registers every handler on the unbound SocketIO object.
"""

from facilitator.web.sockets import console, core, phone, plenary, themes  # noqa: F401  (registers)
