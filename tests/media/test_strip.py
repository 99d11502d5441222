"""The lossless metadata strippers: same pixels, nothing else."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops

from quittex.media import strip_jpeg_metadata, strip_png_metadata
from tests.media.factories import (
    XMP_PACKET,
    add_png_chunks,
    exif_with,
    jpeg_bytes,
    jpeg_segment,
    jpeg_with_segments,
    noisy,
    png_bytes,
    png_chunk,
)


def same_pixels(first: bytes, second: bytes) -> bool:
    a, b = Image.open(io.BytesIO(first)), Image.open(io.BytesIO(second))
    if a.mode != b.mode or a.size != b.size:
        return False
    return ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox() is None


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"progressive": True},
        {"restart_marker_blocks": 1},
        {"optimize": True, "quality": 40},
        {"subsampling": 0, "quality": 100},
    ],
    ids=["baseline", "progressive", "restart-markers", "optimized", "444-q100"],
)
def test_jpeg_pixels_are_untouched(options):
    data = jpeg_bytes(noisy((321, 123)), exif=exif_with(gps=True, camera=True), comment=b"note", **options)
    stripped = strip_jpeg_metadata(data)
    assert same_pixels(data, stripped)
    assert b"Exif" not in stripped and b"note" not in stripped and b"SecretCam" not in stripped


def test_grey_and_cmyk_jpegs_keep_their_pixels():
    for picture in (noisy((100, 80), "L"), noisy((100, 80), "CMYK")):
        data = jpeg_bytes(picture)
        stripped = strip_jpeg_metadata(data)
        assert same_pixels(data, stripped)
        assert Image.open(io.BytesIO(stripped)).mode == picture.mode


def test_jpeg_keeps_icc_and_adobe_segments_only():
    icc = jpeg_segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + b"profile-bytes")
    adobe = jpeg_segment(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01")
    mpf = jpeg_segment(0xE2, b"MPF\x00" + b"\x00" * 20)
    xmp = jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP_PACKET)
    app5 = jpeg_segment(0xE5, b"maker notes")
    data = jpeg_with_segments(jpeg_bytes(noisy((50, 40))), icc, adobe, mpf, xmp, app5)
    stripped = strip_jpeg_metadata(data)
    assert icc in stripped and adobe in stripped
    for gone in (mpf, xmp, app5):
        assert gone not in stripped


def test_jfif_thumbnail_is_removed_but_header_kept():
    thumbnail = bytes(3 * 2 * 2)
    jfif = jpeg_segment(0xE0, b"JFIF\x00\x01\x02\x01\x00\x48\x00\x48\x02\x02" + thumbnail)
    plain = jpeg_bytes(noisy((50, 40)))
    body = plain[2:]
    if body[:2] == b"\xff\xe0":  # replace pillow's own JFIF segment
        body = body[2 + int.from_bytes(body[2:4], "big") :]
    stripped = strip_jpeg_metadata(b"\xff\xd8" + jfif + body)
    assert stripped.startswith(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x02\x01\x00\x48\x00\x48\x00\x00")
    assert same_pixels(plain, stripped)


def test_fill_bytes_before_markers_are_tolerated():
    data = jpeg_bytes(noisy((60, 40)))
    padded = data[:2] + b"\xff\xff\xff" + data[2:]
    assert same_pixels(data, strip_jpeg_metadata(padded))


@pytest.mark.parametrize(
    "broken",
    [b"", b"\x89PNG", b"\xff\xd8", b"\xff\xd8\xff\xe1\xff\xff", b"\xff\xd8\x00\x00"],
    ids=["empty", "png", "soi-only", "segment-overrun", "no-marker"],
)
def test_malformed_jpeg_raises_value_error(broken):
    with pytest.raises(ValueError):
        strip_jpeg_metadata(broken)


def test_truncated_jpeg_scan_raises_value_error():
    data = jpeg_bytes(noisy((200, 100)))
    with pytest.raises(ValueError):
        strip_jpeg_metadata(data[: len(data) - 200])


def test_png_keeps_picture_and_colour_chunks():
    picture = noisy((64, 48), "RGBA")
    data = add_png_chunks(
        png_bytes(picture, exif=exif_with(gps=True), icc_profile=b"\x00" * 16, dpi=(300, 300)),
        png_chunk(b"tEXt", b"Author\x00Secret Person"),
        png_chunk(b"prVt", b"private chunk"),
        png_chunk(b"gAMA", (45455).to_bytes(4, "big")),
    )
    stripped = strip_png_metadata(data)
    assert same_pixels(data, stripped)
    for gone in (b"tEXt", b"prVt", b"eXIf", b"pHYs", b"Secret Person"):
        assert gone not in stripped
    for kept in (b"gAMA", b"iCCP"):
        assert kept in stripped


def test_png_trailing_bytes_are_dropped():
    data = png_bytes(noisy((10, 10)))
    assert strip_png_metadata(data + b"appended secrets") == strip_png_metadata(data)


@pytest.mark.parametrize("cut", [9, 30, -5], ids=["in-header", "in-chunk", "before-iend-end"])
def test_malformed_png_raises_value_error(cut):
    data = png_bytes(noisy((10, 10)))
    with pytest.raises(ValueError):
        strip_png_metadata(data[:cut])


@settings(max_examples=30, deadline=None)
@given(
    width=st.integers(1, 90),
    height=st.integers(1, 90),
    quality=st.integers(5, 100),
    progressive=st.booleans(),
    comment=st.binary(max_size=200),
)
def test_jpeg_stripping_is_lossless_and_idempotent(width, height, quality, progressive, comment):
    options = {"quality": quality, "progressive": progressive}
    if comment:
        options["comment"] = comment
    data = jpeg_bytes(noisy((width, height)), exif=exif_with(gps=True), **options)
    once = strip_jpeg_metadata(data)
    assert strip_jpeg_metadata(once) == once
    assert same_pixels(data, once)
    assert not Image.open(io.BytesIO(once)).getexif()
