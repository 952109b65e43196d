"""The one place that knows about eventlet (or gevent): patching before anything loads.

Call `patch()` first thing in a server process, before Flask, SQLAlchemy or psycopg
are imported. Everything else uses Flask-SocketIO's own sleep and background tasks.
"""

from __future__ import annotations

import os
import warnings


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
