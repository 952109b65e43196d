"""The archive's import of photos: re-checked, re-encoded and staged (no Flask)."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
import zlib
from pathlib import Path

from PIL import Image

from facilitator.cafe.photos import PhotoRejected, process_photo
from facilitator.cafe.tablecloths import photo_file
from facilitator.exports.archive_format import (
    MAX_PHOTO_BYTES,
    ArchiveError,
    malformed,
    photo_member,
)
from facilitator.exports.archive_read import read_member
from facilitator.store.models import Contribution, Photo

_IMAGE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    zlib.error,
)


def _checked_photo(blob: bytes, where: str) -> tuple[bytes, bytes, int, int]:
    """Re-validate an archived photo (JPEG or PNG) and re-encode it as uploads are."""
    try:
        with Image.open(io.BytesIO(blob), formats=("JPEG", "PNG")) as probe:
            probe.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ArchiveError("archive_too_large", field=where) from exc
    except _IMAGE_ERRORS as exc:
        raise malformed(where) from exc
    try:
        processed = process_photo(blob, max_bytes=MAX_PHOTO_BYTES)
    except PhotoRejected as exc:
        too_big = exc.code in ("photo_too_large", "photo_too_many_pixels")
        code = "archive_too_large" if too_big else "archive_malformed"
        raise ArchiveError(code, field=where) from exc
    return processed.jpeg, processed.thumb, processed.width, processed.height


def file_photos(
    archive: zipfile.ZipFile | None, photos: list[tuple[Contribution, Photo]], staging: Path
) -> None:
    """Write the photos the archive holds into `staging`, named as they will be stored."""
    present = set() if archive is None else set(archive.namelist())
    for note, photo in photos:
        member = photo_member(note.client_id)
        if member not in present:
            continue  # the file was already gone when the archive was made
        assert archive is not None
        blob = read_member(archive, member, MAX_PHOTO_BYTES)
        jpeg, thumb, width, height = _checked_photo(blob, member)
        photo.width, photo.height, photo.size_bytes = width, height, len(jpeg)
        staging.mkdir(parents=True, exist_ok=True)
        (staging / _stored_name(note.id, thumb=False)).write_bytes(jpeg)
        (staging / _stored_name(note.id, thumb=True)).write_bytes(thumb)


def _stored_name(note_id: int, thumb: bool) -> str:
    # The staging folder stands in for the workshop's photo folder: same file names.
    return photo_file(".", 0, note_id, thumb).name


def move_into_place(staging: Path, target: Path) -> Path | None:
    """Move the staged photos to the workshop's folder; returns that folder if made here."""
    if not staging.is_dir():
        return None
    if not target.exists():
        os.replace(staging, target)  # one rename: all photos appear at once
        return target
    # A folder left by an earlier workshop with the same id (SQLite reuses ids): stale.
    for path in sorted(staging.iterdir()):
        os.replace(path, target / path.name)
    return None


def remove_folder(folder: Path | None) -> None:
    """Remove a photo folder made by a failed import, if one was."""
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
