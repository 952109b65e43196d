"""The Flask extension objects, created unbound and bound to an app in the factory.

Handlers and jobs import them from here, never from the factory module, so nothing
imports `facilitator.web.app` but the command line.
"""

from __future__ import annotations

from flask_babel import Babel
from flask_compress import Compress
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect

socketio = SocketIO()
babel = Babel()
csrf = CSRFProtect()
compress = Compress()
