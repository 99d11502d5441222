"""Say what a file really is from its first bytes, so that a `.jpg` that is a
PDF or a video gets a message a person understands instead of "cannot
identify image file"."""

from __future__ import annotations

from quittex.i18n import N_

# ISO base media (MP4, QuickTime, HEIF, AVIF) brands at offset 8 of an
# `ftyp` box, and what to call them.
_FTYP_BRANDS = {
    b"qt  ": N_("a QuickTime video"),
    b"heic": N_("a HEIC photo"),
    b"heix": N_("a HEIC photo"),
    b"mif1": N_("a HEIF photo"),
    b"msf1": N_("a HEIF image sequence"),
    b"avif": N_("an AVIF image"),
    b"avis": N_("an AVIF image sequence"),
    b"M4A ": N_("an M4A audio file"),
    b"3gp4": N_("a 3GP video"),
    b"3gp5": N_("a 3GP video"),
}

_PREFIXES = (
    (b"\xff\xd8\xff", N_("a JPEG image")),
    (b"\x89PNG\r\n\x1a\n", N_("a PNG image")),
    (b"GIF87a", N_("a GIF image")),
    (b"GIF89a", N_("a GIF image")),
    (b"%PDF", N_("a PDF document")),
    (b"PK\x03\x04", N_("a ZIP archive or office document")),
    (b"\x1aE\xdf\xa3", N_("a WebM/Matroska video")),
    (b"II*\x00", N_("a TIFF image")),
    (b"MM\x00*", N_("a TIFF image")),
    (b"BM", N_("a BMP image")),
    (b"ID3", N_("an MP3 audio file")),
    (b"OggS", N_("an Ogg audio or video file")),
    (b"\x1f\x8b", N_("a gzip-compressed file")),
    (b"\x00\x00\x01\xba", N_("an MPEG video")),
    (b"8BPS", N_("a Photoshop document")),
)

_TEXT_STARTS = (
    (b"<!doctype html", N_("an HTML page")),
    (b"<html", N_("an HTML page")),
    (b"<svg", N_("an SVG drawing")),
    (b"<?xml", N_("an XML file")),
    (b"{", N_("a JSON or text file")),
    (b"[", N_("a JSON or text file")),
)


def describe_bytes(head: bytes) -> str:
    """What `head` (the first bytes of a file, 64 are plenty) looks like,
    as a noun phrase: "a PDF document", "an MP4 video", "an empty file".
    It is English whatever the language of the run (code compares it: see
    `looks_truncated`, `image_mime_type`): show it through `_()`."""
    if not head:
        return N_("an empty file")
    if head[4:8] == b"ftyp":
        return _FTYP_BRANDS.get(head[8:12], N_("an MP4 video"))
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"AVI ", b"WAVE"):
        return {b"WEBP": N_("a WebP image"), b"AVI ": N_("an AVI video"), b"WAVE": N_("a WAV audio file")}[head[8:12]]
    for prefix, what in _PREFIXES:
        if head.startswith(prefix):
            return what
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    for prefix, what in _TEXT_STARTS:
        if text.startswith(prefix):
            return what
    return N_("unrecognised data")


def looks_like_iso_media(head: bytes) -> bool:
    """True for the ISO base media family (MP4, QuickTime, 3GP...)."""
    return head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")


# How a complete file of each kind ends (JPEG: the EOI marker, PNG: the IEND
# chunk, GIF: its trailer); some cameras pad a JPEG after its end.
_ENDINGS = {"a JPEG image": b"\xff\xd9", "a PNG image": b"IEND\xaeB`\x82", "a GIF image": b";"}


def looks_truncated(what: str, tail: bytes | None) -> bool:
    """Whether the last bytes of a file `describe_bytes` called `what` show it
    cut short (None: its end could not be read cheaply, so no verdict)."""
    ending = _ENDINGS.get(what)
    if tail is None or ending is None:
        return False
    return ending not in tail.rstrip(b"\x00")[-len(ending) - 2 :]


_IMAGE_MIME_TYPES = {
    "a JPEG image": "image/jpeg",
    "a PNG image": "image/png",
    "a GIF image": "image/gif",
    "a WebP image": "image/webp",
}


def image_mime_type(head: bytes) -> str | None:
    """The MIME type of a web image from its first bytes; None for anything else."""
    return _IMAGE_MIME_TYPES.get(describe_bytes(head[:64]))
