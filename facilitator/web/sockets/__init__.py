"""Socket.IO handlers: authorise, validate, call one domain function; commit sends events.

Importing this package registers every handler on the unbound SocketIO object.
"""

from facilitator.web.sockets import (  # noqa: F401  (registers)
    coaching,
    console,
    core,
    paper,
    phone,
    plenary,
    themes,
)
