"""Facilitator: run a World Café workshop in real time and harvest it visually.

`create_app` and the `socketio` extension live in `facilitator.web.app`; they are loaded
lazily here so the server entry point can monkey-patch before Flask is imported.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app", "socketio"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from facilitator.web import app

        return getattr(app, name)
    raise AttributeError(name)
