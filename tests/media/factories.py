"""Media made by the tests themselves: photos of every awkward kind and MP4
files written box by box (so a test can claim any duration or size without
encoding minutes of video)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image
from PIL.TiffImagePlugin import IFDRational

# A recognisable GPS position: 48.8584 N, 2.2945 E (the Eiffel Tower).
GPS_LATITUDE = (IFDRational(48, 1), IFDRational(51, 1), IFDRational(3024, 100))
GPS_LONGITUDE = (IFDRational(2, 1), IFDRational(17, 1), IFDRational(4020, 100))
XMP_PACKET = (
    b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="Secret Person"/>'
    b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def noisy(size: tuple[int, int], mode: str = "RGB", *, amount: float = 0.35) -> Image.Image:
    """A photo-like picture: a gradient with grain, which compresses like a
    real photograph (pure noise would not compress at all)."""
    width, height = size
    channels = [Image.effect_noise(size, 60) for _ in range(3)]
    grain = Image.merge("RGB", channels)
    gradient = Image.linear_gradient("L").resize(size).convert("RGB")
    picture = Image.blend(gradient, grain, amount)
    return picture.convert(mode) if mode != "RGB" else picture


def asymmetric(size: tuple[int, int] = (60, 40)) -> Image.Image:
    """Red left half, blue right half, a green band at the top: enough to see
    whether an orientation was applied."""
    width, height = size
    image = Image.new("RGB", size, (255, 0, 0))
    image.paste((0, 0, 255), (width // 2, 0, width, height))
    image.paste((0, 255, 0), (0, 0, width, height // 5))
    return image


def exif_with(*, orientation: int | None = None, gps: bool = False, camera: bool = False) -> Image.Exif:
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    if camera:
        exif[0x010F] = "SecretCam"  # Make
        exif[0x0110] = "Model 7"  # Model
        exif[0x0131] = "SecretEditor 1.0"  # Software
    if gps:
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1] = "N"
        gps_ifd[2] = GPS_LATITUDE
        gps_ifd[3] = "E"
        gps_ifd[4] = GPS_LONGITUDE
    return exif


def jpeg_bytes(image: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    options.setdefault("quality", 90)
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def png_bytes(image: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **options)
    return buffer.getvalue()


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def add_png_chunks(data: bytes, *chunks: bytes) -> bytes:
    """`data` with extra chunks inserted right after IHDR."""
    ihdr_end = 8 + 12 + 13
    return data[:ihdr_end] + b"".join(chunks) + data[ihdr_end:]


def rgb16_png(size: tuple[int, int], value: tuple[int, int, int]) -> bytes:
    """A 48-bit RGB PNG (pillow cannot write one)."""
    width, height = size
    row = b"\x00" + struct.pack(">HHH", *value) * width
    header = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(row * height))
        + png_chunk(b"IEND", b"")
    )


def jpeg_with_segments(data: bytes, *segments: bytes) -> bytes:
    """`data` (a JPEG) with extra marker segments right after SOI."""
    return data[:2] + b"".join(segments) + data[2:]


def jpeg_segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


# ----- MP4, box by box -------------------------------------------------------

_IDENTITY = (0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
_QUARTER_TURN = (0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000)


def box(kind: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I4s", 8 + len(body), kind) + body


def full_box(kind: bytes, version: int, *payload: bytes) -> bytes:
    return box(kind, bytes((version, 0, 0, 0)), *payload)


def mp4_bytes(
    *,
    seconds: float = 2.0,
    size: tuple[int, int] = (640, 360),
    frame_rate: float = 30.0,
    audio: bool = False,
    brand: bytes = b"isom",
    rotated: bool = False,
    fragmented: bool = False,
    media_bytes: int = 64,
    truncate_by: int = 0,
) -> bytes:
    """A structurally valid MP4 whose boxes state the given properties (the
    media data is filler: nothing here decodes as pictures)."""
    timescale = 1000
    duration = round(seconds * timescale)
    tracks = [_video_trak(duration, timescale, size, frame_rate, rotated, fragmented)]
    if audio:
        tracks.append(_audio_trak(duration, fragmented))
    moov_parts = [_mvhd(0 if fragmented else duration, timescale), *tracks]
    if fragmented:
        moov_parts.append(box(b"mvex", full_box(b"mehd", 0, struct.pack(">I", duration))))
    ftyp = box(b"ftyp", brand, struct.pack(">I", 512), b"isomiso2mp41")
    data = ftyp + box(b"moov", *moov_parts) + box(b"mdat", b"\x00" * media_bytes)
    return data[: len(data) - truncate_by] if truncate_by else data


def _mvhd(duration: int, timescale: int) -> bytes:
    return full_box(
        b"mvhd",
        0,
        struct.pack(">IIII", 0, 0, timescale, duration),
        struct.pack(">iH", 0x10000, 0x100),
        bytes(10),
        struct.pack(">9i", *_IDENTITY),
        bytes(24),
        struct.pack(">I", 3),
    )


def _tkhd(track_id: int, duration: int, size: tuple[int, int], rotated: bool) -> bytes:
    width, height = size
    return full_box(
        b"tkhd",
        0,
        struct.pack(">IIIII", 0, 0, track_id, 0, duration),
        bytes(8),
        struct.pack(">hhhH", 0, 0, 0, 0),
        struct.pack(">9i", *(_QUARTER_TURN if rotated else _IDENTITY)),
        struct.pack(">II", width << 16, height << 16),
    )


def _mdhd(duration: int, timescale: int) -> bytes:
    return full_box(b"mdhd", 0, struct.pack(">IIIIHH", 0, 0, timescale, duration, 0x55C4, 0))


def _hdlr(handler: bytes) -> bytes:
    return full_box(b"hdlr", 0, struct.pack(">I", 0), handler, bytes(12), b"handler\x00")


def _video_trak(duration, timescale, size, frame_rate, rotated, fragmented) -> bytes:
    width, height = size
    coded = (height, width) if rotated else (width, height)
    entry = box(
        b"avc1",
        bytes(6),
        struct.pack(">H", 1),
        bytes(16),
        struct.pack(">HH", *coded),
        struct.pack(">II", 0x480000, 0x480000),
        bytes(4),
        struct.pack(">H", 1),
        bytes(32),
        struct.pack(">Hh", 0x18, -1),
    )
    samples = 0 if fragmented else round(duration / timescale * frame_rate)
    stbl = box(
        b"stbl",
        full_box(b"stsd", 0, struct.pack(">I", 1), entry),
        full_box(b"stts", 0, struct.pack(">I", 0)),
        full_box(b"stsc", 0, struct.pack(">I", 0)),
        full_box(b"stsz", 0, struct.pack(">II", 0, samples)),
        full_box(b"stco", 0, struct.pack(">I", 0)),
    )
    mdia = box(b"mdia", _mdhd(0 if fragmented else duration, timescale), _hdlr(b"vide"), box(b"minf", stbl))
    return box(b"trak", _tkhd(1, duration, size, rotated), mdia)


def _audio_trak(duration: int, fragmented: bool) -> bytes:
    rate = 44100
    entry = box(
        b"mp4a",
        bytes(6),
        struct.pack(">H", 1),
        bytes(8),
        struct.pack(">HHHH", 2, 16, 0, 0),
        struct.pack(">I", rate << 16),
    )
    stbl = box(
        b"stbl",
        full_box(b"stsd", 0, struct.pack(">I", 1), entry),
        full_box(b"stsz", 0, struct.pack(">II", 0, 0)),
    )
    media_duration = 0 if fragmented else round(duration / 1000 * rate)
    mdia = box(b"mdia", _mdhd(media_duration, rate), _hdlr(b"soun"), box(b"minf", stbl))
    return box(b"trak", _tkhd(2, duration, (0, 0), False), mdia)
