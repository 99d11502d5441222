"""Avatars and banners: cropped to the shape a platform shows, then made ready
like any photo (decoded and checked first, within the byte limit, no metadata).

A profile image is cropped around its centre rather than squeezed: a 3:1
banner from a 2:1 header loses a strip at the top and bottom, never its
proportions. The crop is re-encoded through `prepare_image`, so the bomb and
format checks, the byte budget and the metadata stripping are the photos' own.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps

from quittex.i18n import _, format_number
from quittex.media.images import PreparedImage, _pillow_quietly, prepare_image, read_image
from quittex.media.limits import ImageTarget


@dataclass(frozen=True, slots=True)
class ImageShape:
    """How one platform shows one profile image."""

    platform: str
    kind: str  # avatar | banner
    ratio: tuple[int, int]  # width : height
    max_size: tuple[int, int]  # pixels the platform keeps; larger is scaled down
    max_bytes: int

    @property
    def label(self) -> str:
        return _("{ratio}, up to {width} x {height}").format(
            ratio=f"{self.ratio[0]}:{self.ratio[1]}", width=self.max_size[0], height=self.max_size[1]
        )


# Bluesky: blobs of at most 1,000,000 bytes; the app shows the banner 3:1.
BLUESKY_AVATAR = ImageShape("bluesky", "avatar", (1, 1), (1000, 1000), 1_000_000)
BLUESKY_BANNER = ImageShape("bluesky", "banner", (3, 1), (3000, 1000), 1_000_000)
# Mastodon: resized by the server to 400 x 400 and 1500 x 500; 2 MB is the
# smallest limit any current version sets for either.
MASTODON_AVATAR = ImageShape("mastodon", "avatar", (1, 1), (400, 400), 2_000_000)
MASTODON_HEADER = ImageShape("mastodon", "banner", (3, 1), (1500, 500), 2_000_000)


@dataclass(frozen=True, slots=True)
class ProfilePicture:
    """A profile image ready for one platform, and what was done to it."""

    image: PreparedImage
    source_size: tuple[int, int]  # upright, before cropping
    cropped: bool
    scaled: bool

    @property
    def digest(self) -> str:
        """Names these exact bytes: the same source and shape give the same digest."""
        return hashlib.sha256(self.image.data).hexdigest()

    def describe(self) -> str:
        """ "400 x 400 from 800 x 600, cropped and scaled down, 51,234 bytes"."""
        if self.cropped and self.scaled:
            sentence = _(
                "{width} x {height} from {source_width} x {source_height}, cropped and scaled down, {size} bytes"
            )
        elif self.cropped:
            sentence = _("{width} x {height} from {source_width} x {source_height}, cropped, {size} bytes")
        elif self.scaled:
            sentence = _("{width} x {height} from {source_width} x {source_height}, scaled down, {size} bytes")
        else:
            sentence = _("{width} x {height} from {source_width} x {source_height}, {size} bytes")
        source_width, source_height = self.source_size
        return sentence.format(
            width=self.image.width,
            height=self.image.height,
            source_width=source_width,
            source_height=source_height,
            size=format_number(self.image.size),
        )


def prepare_profile_image(data: bytes, shape: ImageShape, *, name: str | None = None) -> ProfilePicture:
    """`data` cropped and scaled to `shape`, within its bytes, without metadata.
    Raises MediaError for a file that is not a usable image."""
    decoded = read_image(data, name)  # checked as any photo: bombs, damage, foreign formats
    with _pillow_quietly():
        image = ImageOps.exif_transpose(decoded)
        source_size = image.size
        cropped = _centre_crop(image, shape.ratio)
        scaled = _scaled_within(cropped, shape.max_size)
        lossless = _png_bytes(scaled)
    target = ImageTarget(name=f"{shape.platform} {shape.kind}", max_bytes=shape.max_bytes)
    prepared = prepare_image(lossless, target, name=name)
    return ProfilePicture(prepared, source_size, cropped.size != source_size, scaled.size != cropped.size)


def _centre_crop(image: Image.Image, ratio: tuple[int, int]) -> Image.Image:
    width, height = image.size
    want_w, want_h = ratio
    if width * want_h > height * want_w:  # too wide
        new_width = max(1, round(height * want_w / want_h))
        left = (width - new_width) // 2
        return image.crop((left, 0, left + new_width, height))
    new_height = max(1, round(width * want_h / want_w))
    if new_height == height:
        return image
    top = (height - new_height) // 2
    return image.crop((0, top, width, top + new_height))


def _scaled_within(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    if image.width <= size[0] and image.height <= size[1]:
        return image
    copy = image.copy()
    copy.thumbnail(size, Image.Resampling.LANCZOS)
    return copy


def _png_bytes(image: Image.Image) -> bytes:
    """The pixels, losslessly and without any metadata, for `prepare_image` to fit."""
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=False, compress_level=1)
    return buffer.getvalue()
