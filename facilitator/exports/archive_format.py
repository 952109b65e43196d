"""The workshop archive's format: its names, limits and error (no Flask)."""

from __future__ import annotations

import re

from facilitator.errors import DomainError

FORMAT = "facilitator-archive"
VERSION = 1

MAX_ARCHIVE_BYTES = 200 * 1024 * 1024  # the ZIP, and everything in it uncompressed
MAX_JSON_BYTES = 100 * 1024 * 1024
MAX_PHOTO_BYTES = 10_000_000  # as config PHOTO_MAX_BYTES: what an upload may be
MAX_MEMBERS = 20_000
TEXT_MAX_CHARS = 10_000  # Text columns have no size of their own
MAX_INT = 2**31 - 1  # PostgreSQL's integer

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed: the same workshop gives the same bytes
JSON_NAME = "workshop.json"

WORKSHOP_STATUSES = ("draft", "open", "running", "closed")
ROUND_STATUSES = ("pending", "running", "paused", "ended")
PRESENCES = ("connected", "away", "left")
KINDS = ("note", "insight", "photo")
SOURCES = ("phone", "paper")  # where a note came from: a phone, or typed in from paper
BALLOT_STATUSES = ("open", "closed")

# Only these characters travel into member names and URLs; UUIDs and token_hex fit.
CLIENT_ID = re.compile(r"[A-Za-z0-9-]{1,36}")
PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
SCOPE = re.compile(r"all|([tr]):(\d{1,9})")


class ArchiveError(DomainError):
    """A refused archive: archive_malformed, archive_too_new or archive_too_large."""


def malformed(where: str) -> ArchiveError:
    """The error for an archive whose `where` (a field, member or step) is wrong."""
    return ArchiveError("archive_malformed", field=where)


def photo_member(client_id: str) -> str:
    """The name of a photo's file inside the archive."""
    return f"photos/{client_id}.jpg"
