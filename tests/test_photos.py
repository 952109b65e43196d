"""Tablecloth photos: refused when unsafe, re-encoded upright without any metadata."""

from __future__ import annotations

import functools
import io
import pickle
import random
import struct
import zlib

import pytest
from PIL import ExifTags, Image, ImageDraw, ImageFile, PngImagePlugin

from facilitator.cafe.photos import PhotoRejected, ProcessedPhoto, process_photo

RED = (220, 20, 20)
BLUE = (20, 20, 220)


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def halves(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue: shows where a rotation put things."""
    image = Image.new(mode, size, BLUE)
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 2 - 1, size[1] - 1), fill=RED)
    return image


def noise(size: tuple[int, int]) -> Image.Image:
    return Image.frombytes("RGB", size, random.Random(7).randbytes(size[0] * size[1] * 3))


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def rejected(data: bytes, **limits: int) -> PhotoRejected:
    with pytest.raises(PhotoRejected) as caught:
        process_photo(data, **limits)
    return caught.value


def close(color: tuple[int, ...], expected: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 30 for a, b in zip(color, expected, strict=True))


def assert_clean_jpeg(data: bytes) -> None:
    image = opened(data)
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    assert len(image.getexif()) == 0
    assert not {"exif", "icc_profile", "comment", "xmp", "photoshop"} & image.info.keys()
    for marker in (b"Exif", b"GPS", b"ICC_PROFILE", b"adobe", b"secret", b"script", b"alert"):
        assert marker.lower() not in data.lower()


def phone_jpeg() -> bytes:
    """A 'phone' JPEG, stored sideways (Orientation 6) with GPS, ICC, XMP and a comment."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneCo"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 22.0, 5.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (4.0, 53.0, 42.0)
    return encode(
        halves((80, 40)),
        "JPEG",
        exif=exif.tobytes(),
        icc_profile=b"secret icc profile",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret</x:xmpmeta>',
        comment=b"secret comment",
    )


def png_with_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims another size: a decompression bomb's header."""
    data = bytearray(encode(Image.new("1", (8, 8), 1), "PNG"))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


# --- what comes out ---------------------------------------------------------------------


def test_a_phone_photo_is_turned_upright_and_loses_all_its_metadata():
    source = phone_jpeg()
    original = opened(source)
    assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo has a location
    assert original.info["comment"] == b"secret comment"

    photo = process_photo(source)

    assert (photo.width, photo.height) == (40, 80)
    image = opened(photo.jpeg)
    assert image.size == (40, 80)
    # Orientation 6 is a quarter turn clockwise: the red left half is now on top.
    assert close(image.getpixel((20, 10)), RED)
    assert close(image.getpixel((20, 70)), BLUE)
    assert image.info.get("progressive")
    assert_clean_jpeg(photo.jpeg)
    assert_clean_jpeg(photo.thumb)


def test_png_text_chunks_and_exif_do_not_survive():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    info.add_text("Description", "<script>alert(2)</script>", zip=True)
    info.add_itxt("XML:com.adobe.xmp", "<script>alert(3)</script>", "en", "")
    exif = Image.Exif()
    exif[ExifTags.Base.ImageDescription] = "secret"
    source = encode(halves((30, 20)), "PNG", pnginfo=info, exif=exif.tobytes())
    assert b"script" in source

    photo = process_photo(source)

    assert_clean_jpeg(photo.jpeg)
    assert_clean_jpeg(photo.thumb)


def transparent(mode: str) -> bytes:
    """A PNG or WebP whose right half is fully transparent."""
    if mode == "P":
        # A palette with a transparent entry (PNG tRNS), as drawing apps save it.
        image = Image.new("P", (40, 20), 0)
        image.putpalette([*RED, *BLUE])
        ImageDraw.Draw(image).rectangle((20, 0, 39, 19), fill=1)
        return encode(image, "PNG", transparency=1)
    image = Image.new("RGBA", (40, 20), (*RED, 255))
    ImageDraw.Draw(image).rectangle((20, 0, 39, 19), fill=(*BLUE, 0))
    if mode == "WEBP":
        return encode(image, "WEBP", lossless=True)
    return encode(image.convert(mode), "PNG")


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P", "WEBP"])
def test_transparency_is_flattened_onto_white(mode):
    result = opened(process_photo(transparent(mode)).jpeg)
    assert result.mode == "RGB"
    assert close(result.getpixel((35, 10)), (255, 255, 255))
    assert not close(result.getpixel((5, 10)), (255, 255, 255))


def test_a_16_bit_greyscale_png_keeps_its_tones():
    grey = Image.new("I;16", (10, 10), 0x8000)
    result = opened(process_photo(encode(grey, "PNG")).jpeg)
    assert 110 <= result.getpixel((5, 5))[0] <= 145


def test_a_phone_mpo_is_taken_as_its_first_picture():
    source = encode(
        halves((40, 20)), "MPO", save_all=True, append_images=[Image.new("RGB", (40, 20))]
    )
    assert Image.open(io.BytesIO(source)).format == "MPO"
    result = opened(process_photo(source).jpeg)
    assert close(result.getpixel((5, 10)), RED)


@pytest.fixture(scope="module")
def big_photo() -> tuple[bytes, ProcessedPhoto]:
    image = Image.new("RGB", (4000, 3000), BLUE)
    ImageDraw.Draw(image).ellipse((500, 500, 3500, 2500), fill=RED)
    source = encode(image, "JPEG", quality=60)
    return source, process_photo(source)


def test_a_big_photo_is_downscaled_to_the_maximum_side(big_photo):
    _, photo = big_photo
    assert (photo.width, photo.height) == (2048, 1536)
    assert opened(photo.jpeg).size == (2048, 1536)
    assert opened(photo.thumb).size == (480, 360)


def test_limits_are_parameters_and_small_photos_are_not_enlarged():
    portrait = process_photo(encode(halves((300, 600)), "PNG"), max_side=200, thumb_side=50)
    assert (portrait.width, portrait.height) == (100, 200)
    assert opened(portrait.thumb).size == (25, 50)

    small = process_photo(encode(halves((60, 30)), "PNG"))
    assert (small.width, small.height) == (60, 30)
    assert opened(small.thumb).size == (60, 30)


def test_the_same_photo_gives_the_same_bytes(big_photo):
    source, photo = big_photo
    assert process_photo(source) == photo
    png = transparent("RGBA")
    assert process_photo(png) == process_photo(png)
    assert process_photo(phone_jpeg()) == process_photo(phone_jpeg())


def test_the_function_its_result_and_its_refusal_cross_to_a_worker_process():
    assert pickle.loads(pickle.dumps(process_photo)) is process_photo
    configured = pickle.loads(pickle.dumps(functools.partial(process_photo, max_bytes=9)))
    assert configured.keywords == {"max_bytes": 9}
    photo = process_photo(encode(halves((20, 10)), "PNG"))
    assert pickle.loads(pickle.dumps(photo)) == photo
    error = pickle.loads(pickle.dumps(PhotoRejected("photo_too_large", limit=5)))
    assert (type(error), error.code, error.details) == (
        PhotoRejected,
        "photo_too_large",
        {"limit": 5},
    )


# --- what is refused --------------------------------------------------------------------


def test_too_many_bytes_are_refused_before_any_decoding(monkeypatch):
    source = encode(halves((40, 20)), "JPEG")

    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded")

    monkeypatch.setattr(Image, "open", no_decoding)
    error = rejected(source, max_bytes=len(source) - 1)
    assert error.code == "photo_too_large"
    assert error.details == {"limit": len(source) - 1}


@pytest.mark.parametrize(
    "data",
    [
        b"",
        random.Random(1).randbytes(5000),
        b"just some text, no picture",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,  # a PNG signature and nothing sensible
    ],
    ids=["empty", "random", "text", "broken-png"],
)
def test_garbage_is_not_an_image(data):
    assert rejected(data).code == "not_an_image"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_truncated_image_is_not_an_image(fmt):
    whole = encode(noise((64, 64)), fmt)
    assert rejected(whole[: len(whole) * 2 // 3]).code == "not_an_image"


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    "data",
    [
        SVG,
        b' \n\t <?xml version="1.0" encoding="UTF-8"?>\n' + SVG,
        b"\xef\xbb\xbf<?xml version='1.0'?>" + SVG,
        b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN">' + SVG,
        b"<html><body><script>alert(1)</script></body></html>",
        "\ufeff<svg/>".encode("utf-16-le"),
        "\ufeff<svg/>".encode("utf-16-be"),
    ],
    ids=["svg", "prolog-whitespace", "bom", "doctype", "html", "utf16le", "utf16be"],
)
def test_svg_and_other_markup_are_refused(data, monkeypatch):
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("markup reached Pillow"))
    assert rejected(data).code == "photo_type_not_allowed"


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO", "PPM"])
def test_other_image_formats_are_refused(fmt):
    error = rejected(encode(halves((32, 32)), fmt))
    assert error.code == "photo_type_not_allowed"
    assert error.details == {"format": fmt}


@pytest.fixture
def no_decoding(monkeypatch):
    def refuse(self):
        raise AssertionError("pixels decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


@pytest.mark.parametrize(
    ("width", "height"),
    [(30_000, 30_000), (10_000, 10_000), (8_000, 6_000)],
    ids=["pillow-error", "pillow-warning", "our-limit"],
)
def test_a_decompression_bomb_is_refused_from_its_header(width, height, no_decoding):
    bomb = png_with_size(width, height)
    assert len(bomb) < 200
    assert rejected(bomb).code == "photo_too_many_pixels"


def test_the_pixel_limit_is_a_parameter(no_decoding):
    error = rejected(encode(halves((100, 100)), "PNG"), max_pixels=9_999)
    assert (error.code, error.details) == ("photo_too_many_pixels", {"limit": 9_999})


def test_pillows_own_guard_is_left_on():
    process_photo(png_with_size(8, 8))  # an honest header passes
    assert Image.MAX_IMAGE_PIXELS is not None
