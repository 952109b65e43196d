"""The workshop archive: a whole workshop as JSON and CSV in a ZIP, and back (no Flask).

`workshop_data` is the canonical form: plain JSON data naming rows by natural keys (round
and table numbers, public ids, client ids), never by database ids, so one workshop gives
the same data on any instance. `write_archive` zips it with CSVs for spreadsheets and the
photos; `import_archive` checks an archive strictly and recreates the workshop under
fresh links, all or nothing. Events are left out: they are a log derived from the rows.

The work is split by concern: `archive_format` (names, limits, the error),
`archive_export` and `archive_csv` (writing), `archive_read` (reading and checking the
bytes and fields), `archive_import` and `archive_photos` (recreating the rows and photos).
"""

from __future__ import annotations

from facilitator.exports.archive_export import workshop_data, write_archive
from facilitator.exports.archive_format import (
    BALLOT_STATUSES,
    FORMAT,
    JSON_NAME,
    KINDS,
    MAX_ARCHIVE_BYTES,
    MAX_INT,
    MAX_JSON_BYTES,
    MAX_MEMBERS,
    MAX_PHOTO_BYTES,
    PRESENCES,
    ROUND_STATUSES,
    TEXT_MAX_CHARS,
    VERSION,
    WORKSHOP_STATUSES,
    ZIP_TIME,
    ArchiveError,
    photo_member,
)
from facilitator.exports.archive_import import import_archive

__all__ = [
    "BALLOT_STATUSES",
    "FORMAT",
    "JSON_NAME",
    "KINDS",
    "MAX_ARCHIVE_BYTES",
    "MAX_INT",
    "MAX_JSON_BYTES",
    "MAX_MEMBERS",
    "MAX_PHOTO_BYTES",
    "PRESENCES",
    "ROUND_STATUSES",
    "TEXT_MAX_CHARS",
    "VERSION",
    "WORKSHOP_STATUSES",
    "ZIP_TIME",
    "ArchiveError",
    "import_archive",
    "photo_member",
    "workshop_data",
    "write_archive",
]
