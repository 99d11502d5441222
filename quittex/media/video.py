"""Videos and GIFs (X stores a GIF as a silent MP4): read what the file itself
says, then decide whether a platform takes it.

Duration comes from mutagen; dimensions, codec, frame rate and audio from the
MP4 boxes that mutagen parses (`tkhd`, `mdhd`, `stsd`, `stsz`). ffprobe is used
only when it is installed and the boxes leave the duration unknown (a
fragmented MP4 without a duration box): it is never required.

A video a platform refuses is not an error: `check_video` returns a decision
with the reason, and the publisher posts a link to the original tweet with a
note instead. A file that is not a readable video raises MediaError.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

import mutagen
from mutagen.mp4 import MP4 as MutagenMP4
from mutagen.mp4 import Atoms

from quittex.i18n import _, babel_locale, format_number
from quittex.media.errors import MediaError
from quittex.media.limits import MIME_MP4, MIME_QUICKTIME, BlueskyLimits, MastodonLimits
from quittex.media.sniff import describe_bytes, looks_like_iso_media

VideoSource = bytes | str | os.PathLike
VideoRefusal = Literal[
    "too_long",
    "too_big",
    "too_many_pixels",
    "frame_rate_too_high",
    "unsupported_type",
    "daily_quota",
    "uploads_disabled",
]
_FFPROBE_TIMEOUT = 60


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """What the file says about itself; None where it does not say."""

    size_bytes: int
    mime_type: str
    duration_seconds: float | None
    width: int | None
    height: int | None
    frame_rate: float | None
    video_codec: str | None
    has_audio: bool

    @property
    def pixels(self) -> int | None:
        return self.width * self.height if self.width and self.height else None

    @property
    def aspect_ratio(self) -> tuple[int, int] | None:
        return (self.width, self.height) if self.width and self.height else None


@dataclass(frozen=True, slots=True)
class VideoDecision:
    """Whether to upload a video to one platform, and if not, why.

    `reason` is a sentence for people, in the language of the run;
    `reason_code` is what code branches on. `temporary` is True when
    waiting (a daily quota) would make the upload possible. `presentation`
    is Bluesky's hint for `app.bsky.embed.video` ("gif" for X's GIFs);
    Mastodon turns a silent MP4 into a gifv by itself.
    """

    platform: str
    upload: bool
    info: VideoInfo
    reason_code: VideoRefusal | None = None
    reason: str | None = None
    temporary: bool = False
    presentation: Literal["default", "gif"] = "default"


def probe_video(source: VideoSource, *, name: str | None = None) -> VideoInfo:
    """Read a video's size, duration, dimensions and streams from the file."""
    with _opened(source, name) as (stream, size):
        head = stream.read(64)
        if not looks_like_iso_media(head):
            raise MediaError(
                # Translators: {what} is what the file is, such as "a PDF document".
                _("not a video: the file is {what}").format(what=_(describe_bytes(head))),
                problem="not_a_video",
                name=name,
            )
        atoms = _parse_boxes(stream, size, name)
        length = _mutagen_length(stream)
        track = _video_track(atoms, stream)
        info = VideoInfo(
            size_bytes=size,
            mime_type=MIME_QUICKTIME if head[8:12] == b"qt  " else MIME_MP4,
            duration_seconds=_best_duration(length, track, atoms, stream),
            width=track.width if track else None,
            height=track.height if track else None,
            frame_rate=track.frame_rate if track else None,
            video_codec=track.codec if track else None,
            has_audio=_has_track(atoms, stream, b"soun"),
        )
    if track is None:
        raise MediaError(_("the file has no video track"), problem="not_a_video", name=name)
    return _completed_by_ffprobe(info, source)


def archive_video_info(size_bytes: int | None, duration_ms: int | None, *, path: str = "") -> VideoInfo | None:
    """What the archive says of a video without reading it (the file's size
    in the zip listing, the duration X recorded): enough to foresee a refusal
    on size or duration before anything is published. Dimensions and frame
    rate stay unknown, so they never refuse a video here. None when the
    archive says nothing."""
    if size_bytes is None and duration_ms is None:
        return None
    return VideoInfo(
        size_bytes=size_bytes or 0,
        mime_type=MIME_QUICKTIME if path.lower().endswith(".mov") else MIME_MP4,
        duration_seconds=duration_ms / 1000 if duration_ms else None,
        width=None,
        height=None,
        frame_rate=None,
        video_codec=None,
        has_audio=False,
    )


def check_video(
    source: VideoSource | VideoInfo,
    limits: BlueskyLimits | MastodonLimits,
    *,
    kind: Literal["video", "animated_gif"] = "video",
    name: str | None = None,
) -> VideoDecision:
    """Upload, or post a link instead? Raises MediaError for an unreadable file."""
    info = source if isinstance(source, VideoInfo) else probe_video(source, name=name)
    if isinstance(limits, BlueskyLimits):
        refusal = _bluesky_refusal(info, limits)
    else:
        refusal = _mastodon_refusal(info, limits)
    presentation = "gif" if kind == "animated_gif" and isinstance(limits, BlueskyLimits) else "default"
    if refusal is None:
        return VideoDecision(limits.name, True, info, presentation=presentation)
    code, reason = refusal
    return VideoDecision(
        limits.name,
        False,
        info,
        reason_code=code,
        reason=reason,
        temporary=code == "daily_quota",
        presentation=presentation,
    )


def _bluesky_refusal(info: VideoInfo, limits: BlueskyLimits) -> tuple[VideoRefusal, str] | None:
    duration = info.duration_seconds
    if duration is not None and duration > limits.video_max_seconds + 0.5:
        return "too_long", _("the video lasts {duration}; Bluesky accepts at most {limit}").format(
            duration=duration_text(duration), limit=duration_text(limits.video_max_seconds)
        )
    if info.size_bytes > limits.video_upload_max_bytes:
        if limits.video_service:
            sentence = _("the video is {size}; Bluesky accepts at most {limit}")
        else:
            sentence = _("the video is {size}; Bluesky accepts at most {limit} on a server without a video service")
        return "too_big", sentence.format(
            size=size_text(info.size_bytes), limit=size_text(limits.video_upload_max_bytes)
        )
    if not limits.can_upload_video:
        if limits.upload_refusal:
            # Translators: {reason} is Bluesky's own words.
            return "uploads_disabled", _("this Bluesky account may not upload videos: {reason}").format(
                reason=limits.upload_refusal
            )
        return "uploads_disabled", _("this Bluesky account may not upload videos")
    return _bluesky_quota_refusal(info, limits)


def _bluesky_quota_refusal(info: VideoInfo, limits: BlueskyLimits) -> tuple[VideoRefusal, str] | None:
    if limits.remaining_daily_videos == 0:
        return "daily_quota", _("the daily number of Bluesky video uploads is used up")
    remaining = limits.remaining_daily_bytes
    if remaining is not None and info.size_bytes > remaining:
        return "daily_quota", _(
            "the video is {size} and only {remaining} of today's Bluesky video allowance is left"
        ).format(size=size_text(info.size_bytes), remaining=size_text(remaining))
    return None


def _mastodon_refusal(info: VideoInfo, limits: MastodonLimits) -> tuple[VideoRefusal, str] | None:
    if not limits.accepts(info.mime_type):
        return "unsupported_type", _("this Mastodon server does not accept {type} files").format(type=info.mime_type)
    if info.size_bytes > limits.video_max_bytes:
        return "too_big", _("the video is {size}; this Mastodon server accepts at most {limit}").format(
            size=size_text(info.size_bytes), limit=size_text(limits.video_max_bytes)
        )
    if info.pixels is not None and info.pixels > limits.video_max_pixels:
        return "too_many_pixels", _(
            "the video is {width} x {height} pixels; this Mastodon server accepts at most {limit} pixels per frame"
        ).format(width=info.width, height=info.height, limit=format_number(limits.video_max_pixels))
    if info.frame_rate is not None and info.frame_rate > limits.video_max_frame_rate + 0.5:
        return "frame_rate_too_high", _(
            "the video has {rate} frames per second; this Mastodon server accepts at most {limit}"
        ).format(rate=f"{info.frame_rate:.0f}", limit=f"{limits.video_max_frame_rate:.0f}")
    return None


def duration_text(seconds: float) -> str:
    """`225.4` → "3 min 45 s", `42` → "42 s"."""
    whole = round(seconds)
    minutes, rest = divmod(whole, 60)
    if not minutes:
        return _("{seconds} s").format(seconds=rest)
    if not rest:
        return _("{minutes} min").format(minutes=minutes)
    return _("{minutes} min {seconds} s").format(minutes=minutes, seconds=rest)


def size_text(size: int) -> str:
    """Decimal units, as the platforms state their limits: "112.4 MB"
    ("112,4 Mo" in French: the unit is translated)."""
    from babel.numbers import format_decimal

    # Translators: decimal units of size; French writes them "Go", "Mo", "ko".
    for unit, scale in ((_("{size} GB"), 1e9), (_("{size} MB"), 1e6), (_("{size} kB"), 1e3)):
        if size >= scale:
            return unit.format(size=format_decimal(round(size / scale, 1), format="0.0", locale=babel_locale()))
    return _("{size} bytes").format(size=size)


@contextlib.contextmanager
def _opened(source: VideoSource, name: str | None) -> Iterator[tuple[BinaryIO, int]]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        if not source:
            raise MediaError(_("the file is empty"), problem="empty", name=name)
        yield io.BytesIO(source), len(source)
        return
    label = name or str(source)
    try:
        stream = open(source, "rb")  # noqa: SIM115 - closed below, after the yield
    except OSError as error:
        raise MediaError(
            _("cannot read the file ({reason})").format(reason=error.strerror or error), problem="missing", name=label
        ) from None
    with stream:
        size = os.fstat(stream.fileno()).st_size
        if not size:
            raise MediaError(_("the file is empty"), problem="empty", name=label)
        yield stream, size


def _parse_boxes(stream: BinaryIO, size: int, name: str | None) -> Atoms:
    stream.seek(0)
    try:
        atoms = Atoms(stream)
    except Exception as error:  # mutagen raises AtomError and friends
        raise _damaged(name, error) from None
    last = atoms.atoms[-1] if atoms.atoms else None
    if last is None or b"moov" not in atoms:
        raise MediaError(_("the video has no index (moov box)"), problem="corrupt", name=name)
    if last.offset + last.length > size:
        raise MediaError(_("the video file is truncated"), problem="corrupt", name=name)
    return atoms


def _mutagen_length(stream: BinaryIO) -> float:
    """mutagen's duration (of the audio track, else of the movie header).
    Its audio parser is strict: when it gives up on an unusual audio entry,
    the video boxes still give the duration, so that is not an error."""
    stream.seek(0)
    try:
        return float(MutagenMP4(stream).info.length or 0.0)
    except mutagen.MutagenError:
        return 0.0


def _damaged(name: str | None, error: Exception) -> MediaError:
    detail = str(error).strip() or type(error).__name__
    return MediaError(_("the video is damaged ({reason})").format(reason=detail[:160]), problem="corrupt", name=name)


@dataclass(frozen=True, slots=True)
class _Track:
    width: int | None
    height: int | None
    codec: str | None
    seconds: float | None
    frame_rate: float | None


def _has_track(atoms: Atoms, stream: BinaryIO, handler: bytes) -> bool:
    return any(_handler(trak, stream) == handler for trak in atoms[b"moov"].findall(b"trak"))


def _handler(trak, stream: BinaryIO) -> bytes | None:
    payload = _payload(trak, stream, b"mdia", b"hdlr")
    return payload[8:12] if payload and len(payload) >= 12 else None


def _payload(atom, stream: BinaryIO, *path: bytes) -> bytes | None:
    """The payload of the box at `path` under `atom`, or None if absent."""
    try:
        ok, data = atom[path].read(stream)
    except (KeyError, OSError):
        return None
    return data if ok else None


def _video_track(atoms: Atoms, stream: BinaryIO) -> _Track | None:
    for trak in atoms[b"moov"].findall(b"trak"):
        if _handler(trak, stream) == b"vide":
            return _read_track(trak, stream)
    return None


def _read_track(trak, stream: BinaryIO) -> _Track:
    width, height = _display_size(_payload(trak, stream, b"tkhd"))
    if not (width and height):
        width, height = _coded_size(_payload(trak, stream, b"mdia", b"minf", b"stbl", b"stsd"))
    seconds = _media_seconds(_payload(trak, stream, b"mdia", b"mdhd"))
    samples = _sample_count(_payload(trak, stream, b"mdia", b"minf", b"stbl", b"stsz"))
    frame_rate = samples / seconds if samples and seconds else None
    codec = _codec(_payload(trak, stream, b"mdia", b"minf", b"stbl", b"stsd"))
    return _Track(width, height, codec, seconds, frame_rate)


def _display_size(tkhd: bytes | None) -> tuple[int | None, int | None]:
    """Width and height as shown (16.16 fixed point, the last 8 bytes of
    `tkhd`), swapped when the matrix turns the picture a quarter turn."""
    if not tkhd or len(tkhd) < 84:
        return None, None
    width, height = (v >> 16 for v in struct.unpack(">II", tkhd[-8:]))
    a, b, _u, c, d = struct.unpack(">5i", tkhd[-44:-24])
    if a == 0 and d == 0 and b != 0 and c != 0:
        width, height = height, width
    return width or None, height or None


def _coded_size(stsd: bytes | None) -> tuple[int | None, int | None]:
    # stsd: version/flags (4), entry count (4), then the first visual sample
    # entry: size and type (8), reserved (6), index (2), 16 bytes, w, h.
    if not stsd or len(stsd) < 8 + 36:
        return None, None
    width, height = struct.unpack(">HH", stsd[8 + 32 : 8 + 36])
    return width or None, height or None


def _codec(stsd: bytes | None) -> str | None:
    if not stsd or len(stsd) < 16:
        return None
    return stsd[12:16].decode("latin-1").strip() or None


def _media_seconds(mdhd: bytes | None) -> float | None:
    if not mdhd or len(mdhd) < 20:
        return None
    if mdhd[0] == 1 and len(mdhd) >= 32:
        timescale, duration = struct.unpack(">IQ", mdhd[20:32])
    else:
        timescale, duration = struct.unpack(">II", mdhd[12:20])
    return duration / timescale if timescale and duration else None


def _sample_count(stsz: bytes | None) -> int | None:
    if not stsz or len(stsz) < 12:
        return None
    return struct.unpack(">I", stsz[8:12])[0] or None


def _best_duration(length: float, track: _Track | None, atoms: Atoms, stream: BinaryIO) -> float | None:
    """The longest duration any box states: mutagen reads the audio track
    (or the movie header), the video track may run a little longer."""
    candidates = [length, track.seconds if track and track.seconds else 0.0]
    best = max(candidates)
    return best if best > 0 else _fragmented_duration(atoms, stream)


def _fragmented_duration(atoms: Atoms, stream: BinaryIO) -> float | None:
    """A fragmented MP4 states its length in `mvex/mehd`, in the movie's
    timescale (`mvhd`). mutagen does not descend into `mvex`."""
    mvhd = _payload(atoms[b"moov"], stream, b"mvhd")
    mvex = _payload(atoms[b"moov"], stream, b"mvex")
    if not mvhd or not mvex or len(mvhd) < 20:
        return None
    timescale = struct.unpack(">I", mvhd[20:24] if mvhd[0] == 1 else mvhd[12:16])[0]
    mehd = _child_box(mvex, b"mehd")
    if not mehd or not timescale or len(mehd) < 8:
        return None
    wide = mehd[0] == 1 and len(mehd) >= 12
    duration = struct.unpack(">Q", mehd[4:12])[0] if wide else struct.unpack(">I", mehd[4:8])[0]
    return duration / timescale if duration else None


def _child_box(payload: bytes, wanted: bytes) -> bytes | None:
    position = 0
    while position + 8 <= len(payload):
        size, box = struct.unpack(">I4s", payload[position : position + 8])
        if size < 8:
            return None
        if box == wanted:
            return payload[position + 8 : position + size]
        position += size
    return None


def _completed_by_ffprobe(info: VideoInfo, source: VideoSource) -> VideoInfo:
    """Fill a duration the boxes did not give, when ffprobe happens to exist."""
    if info.duration_seconds is not None:
        return info
    executable = shutil.which("ffprobe")
    if executable is None:
        return info
    seconds = _ffprobe_duration(executable, source)
    if seconds is None:
        return info
    return VideoInfo(**{**_fields(info), "duration_seconds": seconds})


def _fields(info: VideoInfo) -> dict:
    return {name: getattr(info, name) for name in VideoInfo.__slots__}


def _ffprobe_duration(executable: str, source: VideoSource) -> float | None:
    with _as_path(source) as path:
        command = [executable, "-v", "error", "-print_format", "json", "-show_format", str(path)]
        try:
            done = subprocess.run(command, capture_output=True, timeout=_FFPROBE_TIMEOUT, check=False)
            value = json.loads(done.stdout or b"{}").get("format", {}).get("duration")
            seconds = float(value)
        except (OSError, subprocess.SubprocessError, ValueError, TypeError, AttributeError):
            return None
    return seconds if seconds > 0 else None


@contextlib.contextmanager
def _as_path(source: VideoSource) -> Iterator[Path]:
    """ffprobe needs a seekable file: bytes go to a temporary one."""
    if not isinstance(source, (bytes, bytearray, memoryview)):
        yield Path(source)
        return
    with tempfile.TemporaryDirectory(prefix="quittex-probe-") as folder:
        path = Path(folder) / "video.mp4"
        path.write_bytes(source)
        yield path
