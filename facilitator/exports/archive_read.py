"""The archive's import, first step: reading the bytes and each field strictly (no Flask).

Sizes are checked before anything is inflated; every getter of `Fields` checks presence,
type and size, so the rows are only ever built from checked values.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import InstrumentedAttribute

from facilitator.config import LANGUAGES
from facilitator.exports.archive_format import (
    FORMAT,
    JSON_NAME,
    MAX_ARCHIVE_BYTES,
    MAX_INT,
    MAX_JSON_BYTES,
    MAX_MEMBERS,
    TEXT_MAX_CHARS,
    VERSION,
    ArchiveError,
    malformed,
)

# --- the bytes ---------------------------------------------------------------------------


def open_source(data: bytes) -> tuple[Any, zipfile.ZipFile | None]:
    """The parsed workshop.json, and the ZIP its photos are in (None for bare JSON)."""
    if len(data) > MAX_ARCHIVE_BYTES:
        raise ArchiveError("archive_too_large")
    if not data.startswith(b"PK"):
        if len(data) > MAX_JSON_BYTES:
            raise ArchiveError("archive_too_large")
        return _parse_json(data), None
    archive = _open_zip(data)
    try:
        return _parse_json(read_member(archive, JSON_NAME, MAX_JSON_BYTES)), archive
    except BaseException:
        archive.close()
        raise


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise malformed("zip") from exc
    try:
        _check_members(archive.infolist())
    except BaseException:
        archive.close()
        raise
    return archive


def _check_members(infos: list[zipfile.ZipInfo]) -> None:
    # Declared sizes are checked before anything is inflated (zip bombs); reading then
    # stops at the declared size, so a member lying about it fails its CRC check.
    if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_ARCHIVE_BYTES:
        raise ArchiveError("archive_too_large")
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise malformed("zip")  # which of two same-named members counts would be a guess
    if JSON_NAME not in names:
        raise malformed(JSON_NAME)


def read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise ArchiveError("archive_too_large")
    try:
        with archive.open(info) as member:
            blob = member.read(limit + 1)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as exc:
        raise malformed(name) from exc  # RuntimeError: encrypted; NotImplemented: method
    except (zlib.error, ValueError) as exc:
        raise malformed(name) from exc
    if len(blob) > info.file_size:
        raise malformed(name)
    return blob


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _parse_json(blob: bytes) -> Any:
    try:
        return json.loads(blob.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise malformed("json") from exc


def envelope(document: Any) -> dict[str, Any]:
    """The workshop inside `{"format", "version", "workshop"}`, once those are right."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise malformed("format")
    version = document.get("version")
    if type(version) is not int or version < 1:
        raise malformed("version")
    if version > VERSION:
        raise ArchiveError("archive_too_new", version=version)
    body = document.get("workshop")
    if not isinstance(body, dict):
        raise malformed("workshop")
    return body


# --- strict fields -----------------------------------------------------------------------


def _limit(column: InstrumentedAttribute[Any]) -> int:
    """A string column's size in the model, or the bound for unsized text."""
    return getattr(column.type, "length", None) or TEXT_MAX_CHARS


class Fields:
    """One JSON object read strictly: each getter checks presence, type and size."""

    def __init__(self, raw: object, where: str) -> None:
        if not isinstance(raw, dict):
            raise malformed(where)
        self._raw = raw
        self.where = where

    def bad(self, key: str) -> ArchiveError:
        return malformed(f"{self.where}.{key}")

    def _get(self, key: str, kinds: tuple[type, ...], optional: bool) -> Any:
        if key not in self._raw:
            raise self.bad(key)
        value = self._raw[key]
        if value is None and optional:
            return None
        # bool is an int to Python, never to us.
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise self.bad(key)
        return value

    def opt_text(self, key: str, column: InstrumentedAttribute[Any]) -> str | None:
        value = self._get(key, (str,), optional=True)
        if value is not None and len(value) > _limit(column):
            raise ArchiveError("archive_malformed", field=f"{self.where}.{key}", too_long=True)
        return value

    def text(self, key: str, column: InstrumentedAttribute[Any]) -> str:
        value = self.opt_text(key, column)
        if value is None:
            raise self.bad(key)
        return value

    def matching(self, key: str, pattern: re.Pattern[str]) -> str:
        value = self._get(key, (str,), optional=False)
        if not pattern.fullmatch(value):
            raise self.bad(key)
        return value

    def choice(self, key: str, choices: Sequence[str]) -> str:
        value = self._get(key, (str,), optional=False)
        if value not in choices:
            raise self.bad(key)
        return value

    def opt_number(self, key: str, minimum: int = 0) -> int | None:
        value = self._get(key, (int,), optional=True)
        if value is not None and not minimum <= value <= MAX_INT:
            raise self.bad(key)
        return value

    def number(self, key: str, minimum: int = 0) -> int:
        value = self.opt_number(key, minimum)
        if value is None:
            raise self.bad(key)
        return value

    def flag(self, key: str) -> bool:
        return bool(self._get(key, (bool,), optional=False))

    def opt_time(self, key: str) -> datetime | None:
        value = self._get(key, (str,), optional=True)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value) if len(value) <= 40 else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise self.bad(key)
        return moment.astimezone(UTC)

    def time(self, key: str) -> datetime:
        value = self.opt_time(key)
        if value is None:
            raise self.bad(key)
        return value

    def languages(self, key: str, column: InstrumentedAttribute[Any]) -> str:
        """A list of known language codes, stored comma-separated."""
        value = self._get(key, (list,), optional=False)
        if any(code not in LANGUAGES for code in value) or len(set(value)) != len(value):
            raise self.bad(key)
        joined = ",".join(value)
        if len(joined) > _limit(column):
            raise self.bad(key)
        return joined

    def translations(self, key: str) -> dict[str, str]:
        """A text per language: {"nl": ..., "fr": ...}."""
        value = self._get(key, (dict,), optional=False)
        for code, text in value.items():
            if len(code) > 5 or not isinstance(text, str) or len(text) > TEXT_MAX_CHARS:
                raise self.bad(key)
        return dict(value)

    def items(self, key: str) -> list[Fields]:
        value = self._get(key, (list,), optional=False)
        return [Fields(item, f"{self.where}.{key}[{index}]") for index, item in enumerate(value)]

    def opt_object(self, key: str) -> Fields | None:
        value = self._get(key, (dict,), optional=True)
        return None if value is None else Fields(value, f"{self.where}.{key}")

    def raw(self, key: str, kinds: tuple[type, ...], optional: bool = False) -> Any:
        return self._get(key, kinds, optional)

    def has(self, key: str) -> bool:
        """Whether the object names `key` (fields added later are absent from old archives)."""
        return key in self._raw


def unique(seen: set[Any], key: Any, fields: Fields, name: str) -> None:
    if key in seen:
        raise fields.bad(name)
    seen.add(key)


def new_key(mapping: dict[Any, Any], key: Any, fields: Fields, name: str) -> None:
    """Natural keys name rows: two rows with one key would make references ambiguous."""
    if key in mapping:
        raise fields.bad(name)


def find(mapping: dict[Any, Any], fields: Fields, name: str, key: Any) -> Any:
    """The row a natural key names: a dangling reference makes the archive malformed."""
    if key not in mapping:
        raise fields.bad(name)
    return mapping[key]
