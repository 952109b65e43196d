"""Domain errors: a stable code the adapters turn into a translated message."""

from __future__ import annotations


class DomainError(Exception):
    """A refused request; `code` names the reason (translated by web/i18n.py)."""

    def __init__(self, code: str, **details: object) -> None:
        super().__init__(code)
        self.code = code
        self.details = details
