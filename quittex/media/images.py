"""Prepare a photo for Bluesky and Mastodon.

The rules, in order:

1. Decode the whole file first: a truncated, corrupt, mislabelled or
   oversized ("decompression bomb") file raises MediaError before anything
   is sent. Only JPEG, PNG, WebP, GIF, BMP and TIFF are even tried: pillow's
   other plugins (EPS, PSD...) are attack surface we do not need.
2. A JPEG or PNG that is upright (EXIF orientation 1), in a plain colour
   mode and within the platform's limits keeps its exact pixels: only its
   container is rewritten without metadata (see `strip.py`). No generation
   loss for the common case.
3. Anything else is re-encoded from the decoded pixels: orientation applied;
   CMYK, 16-bit, palette, LA... turned into 8-bit L/RGB(A); scaled down to
   what the platform shows (Bluesky 2000 x 2000, Mastodon 3840 x 2160);
   transparency kept as PNG when it fits, otherwise flattened onto a
   background that keeps the content readable; then JPEG quality steps, then
   further downscaling, until the bytes fit. A re-encoded JPEG starts from
   the source's own quantisation tables so it never gets worse than needed.
4. Every output passes through the metadata stripper once more, so no EXIF,
   GPS, XMP, comment or text chunk can leave the machine whatever pillow
   copies by default. The ICC colour profile is the only block kept.
"""

from __future__ import annotations

import contextlib
import io
import math
import threading
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import ExifTags, Image, ImageOps, ImageStat, JpegImagePlugin, UnidentifiedImageError

from quittex.i18n import _, format_number
from quittex.media.errors import MediaError
from quittex.media.limits import MIME_JPEG, MIME_PNG, BlueskyLimits, ImageTarget, MastodonLimits
from quittex.media.sniff import describe_bytes
from quittex.media.strip import strip_jpeg_metadata, strip_png_metadata

# MPO (multi-picture JPEG) is opened by the JPEG plugin.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")
# Pillow's own decompression-bomb threshold (a 12,000 x 7,450 panorama):
# an archive photo never comes close, a hostile file is refused before its
# pixels are allocated.
MAX_SOURCE_PIXELS = 89_478_485
MAX_SOURCE_BYTES = 100 * 1024 * 1024
JPEG_QUALITIES = (90, 85, 80, 75, 70)
SHRINK_QUALITY = 80
_MIN_SIDE = 16
# Content this light (mean luminance of its visible pixels, 0-255) is
# flattened onto black rather than white, so a white logo stays visible.
_LIGHT_CONTENT = 186
_LOSSLESS_SOURCES = frozenset({"PNG", "GIF", "BMP", "TIFF"})
_RGB_FAMILY = frozenset({"RGB", "RGBA", "RGBX", "RGBa", "P", "PA"})
_GRAY_FAMILY = frozenset({"L", "LA", "La", "1", "I", "F", "I;16", "I;16L", "I;16B", "I;16N"})

TargetLike = ImageTarget | BlueskyLimits | MastodonLimits


@dataclass(frozen=True, slots=True)
class PreparedImage:
    """An image ready to upload to one platform.

    `width`/`height` are those of `data` (upright): Bluesky's `aspectRatio`.
    `reencoded` is False when the pixels are exactly the original's.
    """

    data: bytes
    mime_type: str
    width: int
    height: int
    target: str
    reencoded: bool

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def aspect_ratio(self) -> tuple[int, int]:
        return self.width, self.height


def prepare_image(data: bytes, target: TargetLike, *, name: str | None = None) -> PreparedImage:
    """`data` made ready for one platform; `name` (the archive path) goes
    into error messages. Raises MediaError for a file that cannot be used."""
    return prepare_image_for(data, [target], name=name)[0]


def prepare_image_for(data: bytes, targets: Sequence[TargetLike], *, name: str | None = None) -> list[PreparedImage]:
    """`data` made ready for each target, in order, decoding it only once."""
    source = _Source(data, name)
    return [_prepare(source, _as_target(target)) for target in targets]


def read_media_file(path: str | Path, *, name: str | None = None) -> bytes:
    """The bytes of a media file, refusing absurd sizes before reading them."""
    label = name or str(path)
    try:
        _check_size(Path(path).stat().st_size, label)
        return Path(path).read_bytes()
    except OSError as error:
        raise MediaError(
            _("cannot read the file ({reason})").format(reason=error.strerror or error), problem="missing", name=label
        ) from None


def _as_target(target: TargetLike) -> ImageTarget:
    return target if isinstance(target, ImageTarget) else target.image_target


def _prepare(source: _Source, target: ImageTarget) -> PreparedImage:
    try:
        return _unchanged_pixels(source, target) or _reencoded(source, target)
    except (OSError, ValueError) as error:  # pillow's encoders report failure so
        raise MediaError(
            _("the image could not be re-encoded ({reason})").format(reason=_explain(error)),
            problem="corrupt",
            name=source.name,
        ) from None


class _Source:
    """One decoded photo, shared by every target it is prepared for."""

    def __init__(self, data: bytes, name: str | None) -> None:
        self.data = data
        self.name = name
        with _pillow_quietly():
            self.image = _decode(data, name)
            self.orientation = _orientation(self.image)
        self.format = "JPEG" if self.image.format == "MPO" else self.image.format
        self.icc: bytes | None = self.image.info.get("icc_profile") or None
        self._stripped: bytes | None | bool = False
        self._upright: tuple[Image.Image, bytes | None] | None = None

    @property
    def pixels(self) -> int:
        return self.image.width * self.image.height

    def stripped(self) -> bytes | None:
        """The original container without metadata, or None if it cannot be
        rewritten losslessly (then we re-encode)."""
        if self._stripped is False:
            self._stripped = _strip_losslessly(self.data, self.format, self.image.size)
        return self._stripped  # type: ignore[return-value]

    def upright(self) -> tuple[Image.Image, bytes | None]:
        """The picture as it should be seen, in L/LA/RGB/RGBA, and the ICC
        profile that still applies to it."""
        if self._upright is None:
            image = self.image
            if self.orientation != 1:
                with _pillow_quietly():
                    image = _transpose(image)
            image, icc = _display_mode(image, self.icc)
            # Nothing in `info` (EXIF, XMP, comments) may follow the pixels
            # into a file: pillow copies some of it when saving.
            image.info = {}
            self._upright = image, icc
        return self._upright

    def jpeg_tables(self) -> tuple[dict, int] | None:
        """The source's quantisation tables and subsampling, to re-encode a
        JPEG at its own quality rather than a guessed one."""
        quantization = getattr(self.image, "quantization", None)
        if self.format != "JPEG" or not quantization:
            return None
        return quantization, JpegImagePlugin.get_sampling(self.image)


@contextlib.contextmanager
def _pillow_quietly() -> Iterator[None]:
    """Pillow warns about odd but readable files (corrupt EXIF, a malformed
    MPO index, a big picture): we handle those, and a user's terminal need not
    hear it. Warning filters belong to the whole process, and each platform
    prepares its images in its own thread: one thread at a time changes them,
    or one would restore the filters another set. (A decompression bomb does
    not rely on the warning: `_check_dimensions` refuses it.)"""
    with _WARNING_FILTERS, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


_WARNING_FILTERS = threading.Lock()


def read_image(data: bytes, name: str | None = None) -> Image.Image:
    """The decoded image, checked as for an upload (empty, too many pixels,
    damaged, not an image): MediaError saying which, never a Pillow warning."""
    with _pillow_quietly():
        return _decode(data, name)


def _decode(data: bytes, name: str | None) -> Image.Image:
    _check_size(len(data), name)
    image = _open(data, name)
    _check_dimensions(image, name)
    if image.format in ("GIF", "WEBP", "PNG") and getattr(image, "is_animated", False):
        raise MediaError(
            _("an animated image cannot be published as a photo"),
            problem="animated",
            name=name,
        )
    try:
        image.load()
    except Exception as error:  # pillow's decoders raise many kinds on bad data
        raise MediaError(
            _("the image is damaged or truncated ({reason})").format(reason=_explain(error)),
            problem="corrupt",
            name=name,
        ) from None
    return image


def _check_size(size: int, name: str | None) -> None:
    if not size:
        raise MediaError(_("the file is empty"), problem="empty", name=name)
    if size > MAX_SOURCE_BYTES:
        raise MediaError(
            _("the file is {size} bytes, more than we accept for a photo").format(size=format_number(size)),
            problem="too_large",
            name=name,
        )


def _open(data: bytes, name: str | None) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name) from None
    except UnidentifiedImageError:
        raise _not_an_image(data, name) from None
    except Exception as error:
        raise MediaError(
            _("the image header is damaged ({reason})").format(reason=_explain(error)), problem="corrupt", name=name
        ) from None


def _check_dimensions(image: Image.Image, name: str | None) -> None:
    width, height = image.size
    if width < 1 or height < 1:
        raise MediaError(_("the image has no pixels"), problem="corrupt", name=name)
    if width * height > MAX_SOURCE_PIXELS:
        raise _too_many_pixels(name, image.size)


def _too_many_pixels(name: str | None, size: tuple[int, int] | None = None) -> MediaError:
    if size:
        message = _(
            "the image has too many pixels ({width} x {height}): refused as a possible decompression bomb"
        ).format(width=format_number(size[0]), height=format_number(size[1]))
    else:
        message = _("the image has too many pixels: refused as a possible decompression bomb")
    return MediaError(message, problem="too_large", name=name)


def _not_an_image(data: bytes, name: str | None) -> MediaError:
    what = describe_bytes(data[:64])  # English, compared here; shown translated
    if what in ("a JPEG image", "a PNG image", "a GIF image"):
        # Translators: {what} is what the file is, such as "a JPEG image".
        return MediaError(_("{what} too damaged to read").format(what=_(what)), problem="corrupt", name=name)
    if what.endswith(("image", "photo", "sequence")):
        return MediaError(
            # Translators: {what} is what the file is, such as "a HEIC photo".
            _("the file is {what}, which cannot be published").format(what=_(what)),
            problem="unsupported",
            name=name,
            hint=_("Convert it to JPEG or PNG."),
        )
    return MediaError(
        # Translators: {what} is what the file is, such as "a PDF document".
        _("not an image: the file is {what}").format(what=_(what)),
        problem="not_an_image",
        name=name,
    )


def _explain(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation (1-8); 1 when absent or unreadable."""
    try:
        value = image.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # a malformed EXIF block must not cost us the photo
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _transpose(image: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # malformed EXIF: show the pixels as stored
        return image


def _strip_losslessly(data: bytes, image_format: str, size: tuple[int, int]) -> bytes | None:
    strip = {"JPEG": strip_jpeg_metadata, "PNG": strip_png_metadata}.get(image_format)
    if strip is None:
        return None
    try:
        stripped = strip(data)
        with Image.open(io.BytesIO(stripped), formats=(image_format,)) as check:
            return stripped if check.size == size else None
    except Exception:  # an odd container: the re-encoding path is safe
        return None


def _unchanged_pixels(source: _Source, target: ImageTarget) -> PreparedImage | None:
    """The original pixels in a clean container, if the platform takes them."""
    if source.orientation != 1 or source.format not in ("JPEG", "PNG"):
        return None
    if source.format == "JPEG" and source.image.mode not in ("L", "RGB"):
        return None
    if source.format == "PNG" and not target.allow_png:
        return None
    if target.max_pixels is not None and source.pixels > target.max_pixels:
        return None
    data = source.stripped()
    if data is None or len(data) > target.max_bytes:
        return None
    mime = MIME_JPEG if source.format == "JPEG" else MIME_PNG
    width, height = source.image.size
    return PreparedImage(data, mime, width, height, target.name, reencoded=False)


def _reencoded(source: _Source, target: ImageTarget) -> PreparedImage:
    image, icc = source.upright()
    image = _fit_pixels(image, target.pixel_budget)
    if target.allow_png and _png_worth_trying(source, image, target):
        data = _encode_png(image, icc)
        if len(data) <= target.max_bytes:
            return _result(data, MIME_PNG, image, target)
    image, data = _jpeg_within(_flatten(image), icc, target, source)
    return _result(data, MIME_JPEG, image, target)


def _result(data: bytes, mime: str, image: Image.Image, target: ImageTarget) -> PreparedImage:
    strip = strip_jpeg_metadata if mime == MIME_JPEG else strip_png_metadata
    return PreparedImage(strip(data), mime, image.width, image.height, target.name, reencoded=True)


def _expected_size(source: _Source, image: Image.Image) -> float:
    """What re-encoding `image` the way the source was encoded would weigh:
    bytes scale roughly with pixels."""
    return len(source.data) * (image.width * image.height) / source.pixels


def _png_worth_trying(source: _Source, image: Image.Image, target: ImageTarget) -> bool:
    """PNG for transparency and for lossless sources (screenshots, drawings),
    unless a PNG source already shows it cannot fit: zlib will not do much
    better the second time, and encoding a large PNG is slow."""
    if not (_has_alpha(image) or source.format in _LOSSLESS_SOURCES):
        return False
    return source.format != "PNG" or _expected_size(source, image) <= target.max_bytes


def _jpeg_within(
    image: Image.Image, icc: bytes | None, target: ImageTarget, source: _Source
) -> tuple[Image.Image, bytes]:
    """The source's own quality if that fits, else the best quality step that
    fits, else smaller and smaller pictures."""
    tables = source.jpeg_tables()
    if tables and _expected_size(source, image) <= target.max_bytes:
        data = _encode_jpeg(image, icc, tables=tables)
        if len(data) <= target.max_bytes:
            return image, data
    data, smallest = _best_quality(image, icc, target.max_bytes)
    if data is not None:
        return image, data
    return _shrunk_until_fits(image, icc, target, smallest, source.name)


def _best_quality(image: Image.Image, icc: bytes | None, max_bytes: int) -> tuple[bytes | None, int]:
    """The highest of JPEG_QUALITIES that fits (bisection: size grows with
    quality, so 2-3 encodings instead of 5), and the smallest size seen."""
    low, high = 0, len(JPEG_QUALITIES) - 1
    best, smallest = None, 0
    while low <= high:
        middle = (low + high) // 2
        data = _encode_jpeg(image, icc, quality=JPEG_QUALITIES[middle])
        if len(data) <= max_bytes:
            best, high = data, middle - 1
        else:
            smallest, low = len(data), middle + 1
    return best, smallest


def _shrunk_until_fits(
    image: Image.Image, icc: bytes | None, target: ImageTarget, size: int, name: str | None
) -> tuple[Image.Image, bytes]:
    while True:
        # Bytes scale roughly with pixels; aim a little under, never shrink
        # by more than half a step so the picture stays as large as it can.
        scale = min(0.9, max(0.5, math.sqrt(target.max_bytes / size) * 0.95))
        image = _resize(image, scale)
        if min(image.size) < _MIN_SIDE:
            raise MediaError(
                _("no JPEG encoding fits within {limit} bytes").format(limit=format_number(target.max_bytes)),
                problem="cannot_fit",
                name=name,
            )
        data = _encode_jpeg(image, icc, quality=SHRINK_QUALITY)
        if len(data) <= target.max_bytes:
            return image, data
        size = len(data)


def _encode_jpeg(
    image: Image.Image,
    icc: bytes | None,
    *,
    quality: int | None = None,
    tables: tuple[dict, int] | None = None,
) -> bytes:
    options: dict = {"optimize": True}
    if tables:
        options.update(qtables=tables[0], subsampling=tables[1])
    else:
        options["quality"] = quality
    if icc:
        options["icc_profile"] = icc
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def _encode_png(image: Image.Image, icc: bytes | None) -> bytes:
    buffer = io.BytesIO()
    options = {"icc_profile": icc} if icc else {}
    image.save(buffer, "PNG", **options)
    return buffer.getvalue()


def _fit_pixels(image: Image.Image, budget: int | None) -> Image.Image:
    pixels = image.width * image.height
    if budget is None or pixels <= budget:
        return image
    return _resize(image, math.sqrt(budget / pixels))


def _resize(image: Image.Image, scale: float) -> Image.Image:
    width = max(1, math.floor(image.width * scale))
    height = max(1, math.floor(image.height * scale))
    resized = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    resized.info = {}
    return resized


def _display_mode(image: Image.Image, icc: bytes | None) -> tuple[Image.Image, bytes | None]:
    """`image` in L, LA, RGB or RGBA, and the ICC profile valid for it."""
    original = image.mode
    if original == "CMYK":
        return _drop_opaque_alpha(_cmyk_to_rgb(image, icc)), None
    if original in ("P", "PA"):
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    elif original.startswith("I") or original == "F":
        image = _to_8bit_gray(image)
    elif original in ("1", "La"):
        image = image.convert("L" if original == "1" else "LA")
    elif original == "RGBa":
        image = image.convert("RGBA")
    elif original not in ("L", "LA", "RGB", "RGBA"):
        image = image.convert("RGB")  # YCbCr, LAB, HSV, RGBX
    return _drop_opaque_alpha(image), _icc_still_valid(original, image.mode, icc)


def _icc_still_valid(before: str, after: str, icc: bytes | None) -> bytes | None:
    for family in (_RGB_FAMILY, _GRAY_FAMILY):
        if before in family and after in family:
            return icc
    return None


def _cmyk_to_rgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Through the file's own CMYK profile when it has one: pillow's plain
    conversion is a rough formula that dulls print-made colours."""
    if icc:
        try:
            from PIL import ImageCms

            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
            if converted is not None:
                return converted
        except Exception:  # no LittleCMS, or a broken profile: the formula will do
            pass
    return image.convert("RGB")


def _to_8bit_gray(image: Image.Image) -> Image.Image:
    """16-bit (and 32-bit) grey scaled to 8 bits: pillow's own conversion
    clips every value above 255 to white."""
    sixteen_bit = image.mode.startswith("I;16")
    image = image.convert("F") if image.mode == "F" else image.convert("I")
    low, high = image.getextrema()
    if image.mode == "F" and high <= 1.0:
        return image.point(lambda v: v * 255).convert("L")
    if sixteen_bit or high > 255:
        peak = max(65535, high)
        return image.point(lambda v: v * (255 / peak)).convert("L")
    return image.convert("L")


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA")


def _drop_opaque_alpha(image: Image.Image) -> Image.Image:
    if _has_alpha(image) and image.getchannel("A").getextrema()[0] == 255:
        return image.convert(image.mode[:-1])
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """Transparency composed onto white, or onto black for light content."""
    if not _has_alpha(image):
        return image
    alpha = image.getchannel("A")
    base = Image.new(image.mode[:-1], image.size, _background(image, alpha))
    base.paste(image.convert(image.mode[:-1]), mask=alpha)
    return base


def _background(image: Image.Image, alpha: Image.Image) -> int | tuple[int, int, int]:
    visible = alpha.point(lambda a: 255 if a >= 128 else 0)
    luminance = image.convert("L") if image.mode == "RGBA" else image.getchannel("L")
    stats = ImageStat.Stat(luminance, visible)
    light = bool(stats.count[0]) and stats.mean[0] >= _LIGHT_CONTENT
    shade = 0 if light else 255
    return shade if image.mode == "LA" else (shade, shade, shade)
