"""Remove every metadata block from a JPEG or PNG without touching its pixels.

Pillow can only drop metadata by decoding and re-encoding, which costs a JPEG
one more generation of loss. These functions rewrite the container instead:
they copy the segments (JPEG) or chunks (PNG) that describe the picture and
its colours, and leave out everything else: EXIF (GPS, camera, dates), XMP,
IPTC/Photoshop blocks, comments, text chunks, embedded thumbnails, extra MPO
pictures and any bytes after the end of the image. The ICC colour profile is
kept, because without it colours shift.

Both take bytes that pillow has already decoded successfully; they still
check every length they read and raise ValueError on a malformed container.
"""

from __future__ import annotations

import struct

_SOI = 0xD8
_EOI = 0xD9
_SOS = 0xDA
_APP0 = 0xE0
_APP2 = 0xE2
_APP14 = 0xEE
_COM = 0xFE
# Markers that stand alone, with no length field: TEM and RST0..RST7.
_STANDALONE = {0x01, *range(0xD0, 0xD8)}


def strip_jpeg_metadata(data: bytes) -> bytes:
    """The same JPEG, pixel for pixel, with only the segments a decoder needs."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG stream")
    out = [b"\xff\xd8"]
    position = 2
    while True:
        marker, position = _next_marker(data, position)
        if marker == _EOI:
            out.append(b"\xff\xd9")
            return b"".join(out)
        if marker in _STANDALONE or marker == _SOI:
            continue
        segment, position = _read_segment(data, position, marker)
        kept = _keep_jpeg_segment(marker, segment)
        if kept:
            out.append(kept)
        if marker == _SOS:
            end = _entropy_end(data, position)
            out.append(data[position:end])
            position = end


def _next_marker(data: bytes, position: int) -> tuple[int, int]:
    """The marker at `position` (after any 0xFF fill bytes) and where its
    segment starts."""
    if position >= len(data) or data[position] != 0xFF:
        raise ValueError(f"JPEG marker expected at byte {position}")
    while position < len(data) and data[position] == 0xFF:
        position += 1
    if position >= len(data):
        raise ValueError("JPEG ends inside a marker")
    return data[position], position + 1


def _read_segment(data: bytes, position: int, marker: int) -> tuple[bytes, int]:
    """The whole segment (marker included) and the position after it."""
    if position + 2 > len(data):
        raise ValueError("JPEG ends inside a segment header")
    (length,) = struct.unpack(">H", data[position : position + 2])
    end = position + length
    if length < 2 or end > len(data):
        raise ValueError(f"JPEG segment at byte {position} runs past the end")
    return bytes((0xFF, marker)) + data[position:end], end


def _keep_jpeg_segment(marker: int, segment: bytes) -> bytes | None:
    """The segment to write, or None to drop it."""
    payload = segment[4:]
    if marker == _APP0:
        return _bare_jfif(segment) if payload.startswith(b"JFIF\x00") else None
    if marker == _APP2:
        return segment if payload.startswith(b"ICC_PROFILE\x00") else None
    if marker == _APP14:
        # Adobe's segment says how to read CMYK/YCCK colours: 12 bytes, no data
        # about the person or the camera.
        return segment if payload.startswith(b"Adobe") else None
    if 0xE0 <= marker <= 0xEF or marker == _COM:
        return None
    return segment


def _bare_jfif(segment: bytes) -> bytes | None:
    """The JFIF header (version, density) without its optional thumbnail."""
    header = segment[4:16]  # "JFIF\0", version (2), units (1), densities (4)
    if len(header) < 12:
        return None
    body = header + b"\x00\x00"  # thumbnail width and height: none
    return b"\xff\xe0" + struct.pack(">H", len(body) + 2) + body


def _entropy_end(data: bytes, position: int) -> int:
    """Where the compressed scan data starting at `position` ends: at the
    next 0xFF that is neither byte stuffing (FF00) nor a restart marker."""
    while True:
        found = data.find(b"\xff", position)
        if found < 0 or found + 1 >= len(data):
            raise ValueError("JPEG scan data runs past the end")
        following = found + 1
        while following < len(data) and data[following] == 0xFF:
            following += 1
        if following >= len(data):
            raise ValueError("JPEG scan data runs past the end")
        if data[following] != 0x00 and not 0xD0 <= data[following] <= 0xD7:
            return found
        position = following + 1


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Chunks that draw the picture or say how to show its colours. Everything
# else goes: tEXt/zTXt/iTXt (comments, XMP), eXIf, tIME, pHYs, animation
# chunks (the still default image stays), and any private chunk.
_PNG_KEPT = frozenset(
    {
        b"IHDR",
        b"PLTE",
        b"tRNS",
        b"IDAT",
        b"IEND",
        b"cHRM",
        b"gAMA",
        b"iCCP",
        b"sBIT",
        b"sRGB",
        b"cICP",
        b"mDCV",
        b"cLLI",
    }
)


def strip_png_metadata(data: bytes) -> bytes:
    """The same PNG with only its picture and colour chunks."""
    if not data.startswith(_PNG_SIGNATURE):
        raise ValueError("not a PNG stream")
    out = [_PNG_SIGNATURE]
    position = len(_PNG_SIGNATURE)
    while True:
        chunk_type, end = _png_chunk(data, position)
        if chunk_type in _PNG_KEPT:
            out.append(data[position:end])
        if chunk_type == b"IEND":
            return b"".join(out)
        position = end


def _png_chunk(data: bytes, position: int) -> tuple[bytes, int]:
    """The type of the chunk at `position` and where the next one starts."""
    if position + 8 > len(data):
        raise ValueError("PNG ends before its IEND chunk")
    length, chunk_type = struct.unpack(">I4s", data[position : position + 8])
    end = position + 12 + length  # length, type, data, CRC
    if end > len(data):
        raise ValueError(f"PNG chunk {chunk_type!r} runs past the end")
    return chunk_type, end
