"""What each platform accepts, as small immutable values.

Each class holds the documented defaults (see docs/platforms.md) and builds
itself from what the server says at run time: Mastodon's `instance_v2()`
configuration, Bluesky's `app.bsky.video.getUploadLimits`. A server's answer is
external input: a missing, malformed or nonsensical value keeps the default
instead of breaking the run. `com.atproto.server.describeServer` carries no
media limits, so there is no constructor for it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from quittex.i18n import _

MIME_JPEG = "image/jpeg"
MIME_PNG = "image/png"
MIME_MP4 = "video/mp4"
MIME_QUICKTIME = "video/quicktime"

# Below this no real image fits, whatever we do: a target this small is a
# misconfiguration, not a limit to honour.
_MIN_IMAGE_BYTES = 10_000


@dataclass(frozen=True, slots=True)
class ImageTarget:
    """How one platform wants an image.

    `max_bytes` and `max_pixels` are hard limits. `reencode_max_pixels` is a
    preference used only when an image has to be re-encoded anyway: the size
    the platform itself would scale to, so no quality is spent on pixels
    nobody will see.
    """

    name: str
    max_bytes: int
    max_pixels: int | None = None
    reencode_max_pixels: int | None = None
    allow_png: bool = True

    def __post_init__(self) -> None:
        if self.max_bytes < _MIN_IMAGE_BYTES:
            raise ValueError(
                _("{name}: an image limit of {limit} bytes is too small").format(name=self.name, limit=self.max_bytes)
            )
        for value in (self.max_pixels, self.reencode_max_pixels):
            if value is not None and value < 64 * 64:
                raise ValueError(_("{name}: a pixel limit of {limit} is too small").format(name=self.name, limit=value))

    @property
    def pixel_budget(self) -> int | None:
        """The most pixels a re-encoded image should have."""
        limits = [v for v in (self.max_pixels, self.reencode_max_pixels) if v is not None]
        return min(limits) if limits else None


@dataclass(frozen=True, slots=True)
class BlueskyLimits:
    """Bluesky's media limits, defaults first, server answers on top.

    Images: the current lexicon allows 2 MB blobs but older self-hosted PDSes
    refuse more than 1,000,000 bytes, so 1,000,000 is the safe default. The
    official app scales photos to 2000 px before upload and the AppView serves
    them at that size, hence the re-encode preference of 2000 x 2000 pixels.
    Alt text: the lexicon sets no limit; the official app stops at 2000
    graphemes, which is what readers' clients expect.
    Video: 3 minutes and 100 MB through the video service (the lexicon now
    mentions 300 MB; 100 MB is what every account is known to get). Without a
    video service (a self-hosted PDS), a video goes up with `uploadBlob` and
    must fit the PDS's blob limit (5 MiB unless its operator raised it).
    """

    image_max_bytes: int = 1_000_000
    image_reencode_max_pixels: int = 2000 * 2000
    max_images_per_post: int = 4
    alt_text_max_graphemes: int = 2000
    video_max_bytes: int = 100_000_000
    video_max_seconds: float = 180.0
    video_service: bool = True
    blob_max_bytes: int = 5 * 1024 * 1024
    can_upload_video: bool = True
    upload_refusal: str | None = None
    remaining_daily_videos: int | None = None
    remaining_daily_bytes: int | None = None

    @property
    def name(self) -> str:
        return "bluesky"

    @property
    def image_target(self) -> ImageTarget:
        return ImageTarget(
            name="bluesky",
            max_bytes=self.image_max_bytes,
            reencode_max_pixels=self.image_reencode_max_pixels,
        )

    @property
    def video_upload_max_bytes(self) -> int:
        """The largest video file that can go up by the route in use."""
        if self.video_service:
            return self.video_max_bytes
        return min(self.video_max_bytes, self.blob_max_bytes)

    def with_upload_limits(self, answer: Any) -> BlueskyLimits:
        """These limits updated with a `getUploadLimits` answer (the SDK's
        response model or the raw JSON dict)."""
        can_upload = _read(answer, "canUpload", "can_upload")
        refusal = _read(answer, "message") or _read(answer, "error")
        return dataclasses.replace(
            self,
            can_upload_video=can_upload if isinstance(can_upload, bool) else self.can_upload_video,
            upload_refusal=refusal if isinstance(refusal, str) and refusal.strip() else None,
            remaining_daily_videos=_count(_read(answer, "remainingDailyVideos", "remaining_daily_videos")),
            remaining_daily_bytes=_count(_read(answer, "remainingDailyBytes", "remaining_daily_bytes")),
        )

    @classmethod
    def from_upload_limits(cls, answer: Any, **overrides: Any) -> BlueskyLimits:
        """Defaults (changed by `overrides`) updated with a `getUploadLimits` answer."""
        return cls(**overrides).with_upload_limits(answer)

    def without_video_service(self, blob_max_bytes: int | None = None) -> BlueskyLimits:
        """For a PDS with no video service: videos go up as plain blobs."""
        return dataclasses.replace(
            self,
            video_service=False,
            blob_max_bytes=blob_max_bytes or self.blob_max_bytes,
        )


@dataclass(frozen=True, slots=True)
class MastodonLimits:
    """A Mastodon instance's media limits (defaults: Mastodon 4.x).

    `image_reencode_max_pixels` is the size Mastodon itself scales originals
    down to (3840 x 2160 pixels); the hard limit for uploads is
    `image_max_pixels`. `description_limit` counts characters (code points).
    `supported_mime_types` None means the instance did not say.
    """

    image_max_bytes: int = 16 * 1024 * 1024
    image_max_pixels: int = 33_177_600
    image_reencode_max_pixels: int = 8_294_400
    video_max_bytes: int = 103_809_024
    video_max_pixels: int = 8_294_400
    video_max_frame_rate: float = 120.0
    description_limit: int = 1500
    max_media_per_status: int = 4
    supported_mime_types: frozenset[str] | None = None

    @property
    def name(self) -> str:
        return "mastodon"

    @property
    def image_target(self) -> ImageTarget:
        return ImageTarget(
            name="mastodon",
            max_bytes=self.image_max_bytes,
            max_pixels=self.image_max_pixels,
            reencode_max_pixels=self.image_reencode_max_pixels,
            allow_png=self.accepts(MIME_PNG),
        )

    def accepts(self, mime_type: str) -> bool:
        return self.supported_mime_types is None or mime_type in self.supported_mime_types

    @classmethod
    def from_instance_v2(cls, instance: Any) -> MastodonLimits:
        """Limits from `Mastodon.instance_v2()` (or the raw `/api/v2/instance` JSON)."""
        configuration = _read(instance, "configuration")
        media = _read(configuration, "media_attachments")
        statuses = _read(configuration, "statuses")
        defaults = cls()
        # description_limit moved into media_attachments in Mastodon 4.4.
        description = _read(media, "description_limit") or _read(statuses, "description_limit")
        return cls(
            image_max_bytes=_limit(_read(media, "image_size_limit"), defaults.image_max_bytes),
            image_max_pixels=_limit(_read(media, "image_matrix_limit"), defaults.image_max_pixels),
            video_max_bytes=_limit(_read(media, "video_size_limit"), defaults.video_max_bytes),
            video_max_pixels=_limit(_read(media, "video_matrix_limit"), defaults.video_max_pixels),
            video_max_frame_rate=_limit(_read(media, "video_frame_rate_limit"), defaults.video_max_frame_rate),
            description_limit=_limit(description, defaults.description_limit),
            max_media_per_status=_limit(_read(statuses, "max_media_attachments"), defaults.max_media_per_status),
            supported_mime_types=_mime_types(_read(media, "supported_mime_types")),
        )


def _read(source: Any, *keys: str) -> Any:
    """The first of `keys` present in a dict-like or attribute-bearing answer."""
    for key in keys:
        if isinstance(source, Mapping):
            if key in source:
                return source[key]
        elif source is not None and hasattr(source, key):
            return getattr(source, key)
    return None


def _limit(value: Any, default: int | float) -> Any:
    """A positive number from the server, else our default: a server that
    says 0 or "16MB" has misconfigured itself, not forbidden media."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return default
    return type(default)(value)


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _mime_types(value: Any) -> frozenset[str] | None:
    if not isinstance(value, (list, tuple)):
        return None
    types = frozenset(v.strip().lower() for v in value if isinstance(v, str))
    # An instance listing no image type at all is broken: trust the defaults.
    return types if MIME_JPEG in types else None
