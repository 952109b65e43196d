"""Tablecloth photos from participants' phones: checked, re-encoded, stripped of metadata.

Pure CPU work on bytes (no Flask, no database), meant to run in a worker process through
`facilitator.web.jobs.offload.run`: `process_photo` is a module-level function taking and
returning plain, picklable values, and `PhotoRejected` survives pickling with its code.

The upload is never stored as sent. Only JPEG (including the MPO variant phones write),
PNG and WebP are decoded; other formats are at most identified. The picture is rotated
upright from its EXIF orientation, flattened to RGB on white, downscaled, and written
anew as a JPEG from a fresh image, so no EXIF (GPS location), ICC, XMP, comment or PNG
text chunk can travel through.
"""

from __future__ import annotations

import io
import re
import struct
import warnings
import zlib
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from facilitator.errors import DomainError

# The only decoders ever run on an upload (Pillow's names).
DECODED_FORMATS = ("JPEG", "PNG", "WEBP")
# What they may report: the JPEG decoder calls phones' JPEGs with a depth map "MPO".
ALLOWED_FORMATS = frozenset({*DECODED_FORMATS, "MPO"})
JPEG_QUALITY = 85
THUMB_QUALITY = 80

# Markup (SVG, XML, HTML), possibly after a byte-order mark, whitespace or the NULs of
# UTF-16/32: refused outright, whatever a decoder might make of it.
_MARKUP_START = re.compile(rb"\A(?:\xef\xbb\xbf|\xff\xfe|\xfe\xff)?[\s\x00]*<")

# What Pillow raises on corrupt or truncated data, beyond UnidentifiedImageError.
_DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    struct.error,
    zlib.error,
)


@dataclass(frozen=True)
class ProcessedPhoto:
    """The cleaned photo and its thumbnail, both progressive JPEGs without metadata."""

    jpeg: bytes
    thumb: bytes
    width: int
    height: int


class PhotoRejected(DomainError):
    """An upload refused: photo_too_large, not_an_image, photo_type_not_allowed or
    photo_too_many_pixels."""


def process_photo(
    data: bytes,
    *,
    max_bytes: int = 10_000_000,
    max_pixels: int = 40_000_000,
    max_side: int = 2048,
    thumb_side: int = 480,
) -> ProcessedPhoto:
    """Check an uploaded photo and return it re-encoded as a clean JPEG plus a thumbnail.

    Raises PhotoRejected. Deterministic: the same bytes give the same output.
    """
    _check_bytes(data, max_bytes)
    with warnings.catch_warnings():
        # A photo's odd EXIF or chunk is not the caller's problem (and must not escape the
        # worker as a warning), but Pillow's bomb warning is a refusal.
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        picture = _decode(data, max_pixels=max_pixels, max_side=max_side)
    picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    thumb = picture.copy()
    thumb.thumbnail((thumb_side, thumb_side), Image.Resampling.LANCZOS)
    return ProcessedPhoto(
        jpeg=_encode(picture, JPEG_QUALITY),
        thumb=_encode(thumb, THUMB_QUALITY),
        width=picture.width,
        height=picture.height,
    )


def _check_bytes(data: bytes, max_bytes: int) -> None:
    """Refuse by size and by look before any decoder sees the data."""
    if len(data) > max_bytes:
        raise PhotoRejected("photo_too_large", limit=max_bytes)
    if _MARKUP_START.match(data):
        raise PhotoRejected("photo_type_not_allowed", format="markup")


def _decode(data: bytes, *, max_pixels: int, max_side: int) -> Image.Image:
    """Open, check and fully decode the first frame; return it upright in RGB."""
    try:
        with Image.open(io.BytesIO(data), formats=DECODED_FORMATS) as image:
            if image.format not in ALLOWED_FORMATS:
                raise PhotoRejected("photo_type_not_allowed", format=image.format or "unknown")
            _check_pixels(image.size, max_pixels)
            # A JPEG far above max_side is decoded by libjpeg at 1/2, 1/4 or 1/8 scale (less
            # CPU and memory); twice the target is kept, as Image.thumbnail does, for quality.
            image.draft(None, (2 * max_side, 2 * max_side))
            image.load()
            upright = ImageOps.exif_transpose(image)
            return _to_rgb(upright)
    except UnidentifiedImageError:
        raise _unidentified(data) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected("photo_too_many_pixels", limit=max_pixels) from None
    except _DECODE_ERRORS:
        raise PhotoRejected("not_an_image") from None


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    """The header's dimensions, before a single pixel is decoded."""
    width, height = size
    if width <= 0 or height <= 0:
        raise PhotoRejected("not_an_image")
    if width * height > max_pixels:
        raise PhotoRejected("photo_too_many_pixels", limit=max_pixels)


def _unidentified(data: bytes) -> PhotoRejected:
    """Tell a known but refused format (GIF, TIFF, BMP...) from garbage.

    Only the header is parsed here; a refused format is never decoded.
    """
    try:
        with Image.open(io.BytesIO(data)) as other:
            return PhotoRejected("photo_type_not_allowed", format=other.format or "unknown")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return PhotoRejected("photo_type_not_allowed", format="unknown")
    except (UnidentifiedImageError, *_DECODE_ERRORS):
        return PhotoRejected("not_an_image")


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB with any transparency flattened onto white (JPEG has no alpha)."""
    if image.mode.startswith("I"):
        # 16-bit greyscale would clip to white; scale it to 8 bits first.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")


def _encode(image: Image.Image, quality: int) -> bytes:
    """Save as JPEG from a fresh image: Pillow copies e.g. `info["comment"]` otherwise."""
    clean = Image.frombytes("RGB", image.size, image.tobytes())
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()
