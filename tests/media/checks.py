"""Checks shared by the media tests."""

from __future__ import annotations

import io

from PIL import Image

from quittex.media import ImageTarget, PreparedImage

# Byte patterns that only metadata would bring into a file.
LEAK_MARKERS = (
    b"Exif\x00\x00",
    b"SecretCam",
    b"SecretEditor",
    b"Secret Person",
    b"http://ns.adobe.com/xap/1.0/",
    b"x:xmpmeta",
    b"Photoshop 3.0",
    b"a private comment",
    b"MPF\x00",
)


def decoded(prepared: PreparedImage) -> Image.Image:
    """The prepared bytes, fully decoded (fails the test if they do not)."""
    image = Image.open(io.BytesIO(prepared.data))
    image.load()
    return image


def assert_clean_and_within(prepared: PreparedImage, target: ImageTarget) -> Image.Image:
    """Every promise the pipeline makes about an output image."""
    image = decoded(prepared)
    assert prepared.size <= target.max_bytes
    if target.max_pixels is not None:
        assert image.width * image.height <= target.max_pixels
    assert (image.width, image.height) == (prepared.width, prepared.height)
    assert prepared.mime_type == {"JPEG": "image/jpeg", "PNG": "image/png"}[image.format]
    assert not image.getexif(), "EXIF left in the output"
    assert "xmp" not in image.info and "XML:com.adobe.xmp" not in image.info
    assert "comment" not in image.info
    for marker in LEAK_MARKERS:
        assert marker not in prepared.data, f"{marker!r} leaked"
    if image.format == "PNG":
        for chunk in (b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"):
            assert chunk not in prepared.data, f"PNG chunk {chunk!r} left"
    return image
