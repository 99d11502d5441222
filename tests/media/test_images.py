"""Photos prepared for Bluesky and Mastodon: limits, orientation, colour
modes, metadata, damaged and mislabelled files."""

from __future__ import annotations

import io
import pickle
import struct
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageCms

from quittex.errors import BadInputError, QuittexError
from quittex.media import (
    BlueskyLimits,
    ImageTarget,
    MastodonLimits,
    MediaError,
    prepare_image,
    prepare_image_for,
    read_media_file,
)
from tests.media.checks import assert_clean_and_within, decoded
from tests.media.factories import (
    XMP_PACKET,
    add_png_chunks,
    asymmetric,
    exif_with,
    jpeg_bytes,
    jpeg_segment,
    jpeg_with_segments,
    mp4_bytes,
    noisy,
    png_bytes,
    png_chunk,
    rgb16_png,
)

BLUESKY = BlueskyLimits()
MASTODON = MastodonLimits()
BOTH = (BLUESKY, MASTODON)


def region_colours(image: Image.Image) -> list[str]:
    """The dominant colour at nine points away from the edges between
    regions (JPEG blurs those)."""
    rgb = image.convert("RGB")
    names = []
    for fx in (0.1, 0.5, 0.9):
        for fy in (0.05, 0.5, 0.95):
            pixel = rgb.getpixel((int(fx * (rgb.width - 1)), int(fy * (rgb.height - 1))))
            names.append("RGB"[pixel.index(max(pixel))])
    return names


def pixels_equal(first: Image.Image, second: Image.Image) -> bool:
    return ImageChops.difference(first.convert("RGB"), second.convert("RGB")).getbbox() is None


# ----- sizes and pixel limits -----------------------------------------------


def test_huge_jpeg_fits_both_platforms():
    data = jpeg_bytes(noisy((4800, 3600)), quality=97)
    assert len(data) > 5_000_000
    bluesky, mastodon = prepare_image_for(data, BOTH, name="big.jpg")
    image = assert_clean_and_within(bluesky, BLUESKY.image_target)
    assert bluesky.reencoded and image.width * image.height <= 2000 * 2000
    assert image.width / image.height == pytest.approx(4800 / 3600, rel=0.01)
    assert_clean_and_within(mastodon, MASTODON.image_target)


def test_more_pixels_than_the_instance_allows_are_scaled_down():
    target = ImageTarget("small-instance", max_bytes=16_000_000, max_pixels=1_000_000)
    prepared = prepare_image(jpeg_bytes(noisy((2000, 1500))), target)
    image = assert_clean_and_within(prepared, target)
    assert prepared.reencoded
    assert image.width * image.height > 900_000  # scaled to the limit, not far below


def test_a_photo_within_limits_keeps_its_exact_pixels():
    data = jpeg_bytes(noisy((800, 600)), quality=92)
    original = Image.open(io.BytesIO(data))
    for target in BOTH:
        prepared = prepare_image(data, target)
        assert not prepared.reencoded
        assert pixels_equal(decoded(prepared), original)
        assert prepared.aspect_ratio == (800, 600)


def test_quality_steps_come_before_downscaling():
    data = jpeg_bytes(noisy((1600, 1200)), quality=98)
    target = ImageTarget("tight", max_bytes=int(len(data) * 0.6))
    prepared = prepare_image(data, target)
    assert_clean_and_within(prepared, target)
    assert (prepared.width, prepared.height) == (1600, 1200)


def test_a_tiny_budget_downscales_until_it_fits():
    target = ImageTarget("tiny", max_bytes=20_000)
    prepared = prepare_image(jpeg_bytes(noisy((1600, 1200)), quality=95), target)
    assert_clean_and_within(prepared, target)
    assert prepared.width < 1600


def test_limits_below_anything_sensible_are_refused():
    with pytest.raises(ValueError):
        ImageTarget("absurd", max_bytes=100)
    with pytest.raises(ValueError):
        ImageTarget("absurd", max_bytes=1_000_000, max_pixels=10)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    width=st.integers(8, 700),
    height=st.integers(8, 700),
    budget=st.integers(10_000, 400_000),
    max_pixels=st.one_of(st.none(), st.integers(64 * 64, 300_000)),
    alpha=st.booleans(),
)
def test_every_prepared_image_is_within_its_limits(width, height, budget, max_pixels, alpha):
    picture = noisy((width, height), "RGBA" if alpha else "RGB", amount=0.8)
    if alpha:
        picture.putalpha(Image.linear_gradient("L").resize((width, height)))
    data = png_bytes(picture) if alpha else jpeg_bytes(picture, quality=97)
    target = ImageTarget("random", max_bytes=budget, max_pixels=max_pixels)
    image = assert_clean_and_within(prepare_image(data, target), target)
    assert image.width <= width and image.height <= height


# ----- transparency ---------------------------------------------------------


def logo(colour: tuple[int, int, int], size=(400, 300)) -> Image.Image:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    image.paste((*colour, 255), (100, 75, 300, 225))
    return image


def test_png_with_transparency_stays_png():
    data = png_bytes(logo((200, 30, 30)))
    for target in BOTH:
        prepared = prepare_image(data, target)
        image = assert_clean_and_within(prepared, target.image_target)
        assert prepared.mime_type == "image/png" and image.mode == "RGBA"
        assert image.getpixel((0, 0))[3] == 0


def test_png_too_large_for_png_becomes_jpeg_on_white():
    picture = noisy((900, 700), "RGBA", amount=0.9)
    picture.paste((0, 0, 0, 0), (0, 0, 100, 100))
    target = ImageTarget("tight", max_bytes=150_000)
    prepared = prepare_image(png_bytes(picture), target)
    image = assert_clean_and_within(prepared, target)
    assert prepared.mime_type == "image/jpeg"
    corner = image.convert("RGB").getpixel((2, 2))
    assert min(corner) > 230  # transparent corner became white


def test_white_logo_on_transparency_is_flattened_onto_black():
    target = ImageTarget("jpeg-only", max_bytes=1_000_000, allow_png=False)
    prepared = prepare_image(png_bytes(logo((255, 255, 255))), target)
    image = assert_clean_and_within(prepared, target).convert("RGB")
    assert max(image.getpixel((5, 5))) < 30
    assert min(image.getpixel((200, 150))) > 225


def test_fully_opaque_alpha_is_dropped():
    opaque = noisy((300, 200)).convert("RGBA")
    prepared = prepare_image(png_bytes(opaque), ImageTarget("jpeg-only", 1_000_000, allow_png=False))
    assert decoded(prepared).mode == "RGB"


def test_instance_without_png_gets_jpeg():
    limits = MastodonLimits(supported_mime_types=frozenset({"image/jpeg", "video/mp4"}))
    prepared = prepare_image(png_bytes(noisy((200, 100))), limits)
    assert prepared.mime_type == "image/jpeg"


# ----- colour modes ---------------------------------------------------------


def test_cmyk_jpeg_becomes_rgb():
    cmyk = Image.new("CMYK", (120, 80), (255, 0, 0, 0))  # pure cyan ink
    for target in BOTH:
        prepared = prepare_image(jpeg_bytes(cmyk), target)
        image = assert_clean_and_within(prepared, target.image_target)
        assert image.mode == "RGB" and prepared.reencoded
        red, green, blue = image.getpixel((60, 40))
        assert red < 60 and green > 200 and blue > 200


def test_sixteen_bit_grey_png_is_scaled_not_clipped():
    grey = Image.new("I;16", (200, 100), 32768)
    data = png_bytes(grey)
    unchanged = prepare_image(data, BLUESKY)
    assert not unchanged.reencoded  # a valid PNG within limits stays as is
    assert decoded(unchanged).getpixel((0, 0)) == 32768
    rotated = _with_orientation_chunk(data, 3)
    image = decoded(prepare_image(rotated, BLUESKY))
    assert image.mode == "L" and abs(image.getpixel((0, 0)) - 128) <= 1


def test_sixteen_bit_rgb_png_is_handled():
    data = rgb16_png((300, 200), (65535, 32768, 0))
    for target in BOTH:
        image = assert_clean_and_within(prepare_image(data, target), target.image_target)
        red, green, blue = image.convert("RGB").getpixel((10, 10))
        assert red > 250 and 120 < green < 136 and blue < 5


@pytest.mark.parametrize(
    "picture",
    [
        Image.new("P", (50, 40), 3),
        Image.new("1", (50, 40), 1),
        Image.new("LA", (50, 40), (120, 90)),
        Image.new("L", (50, 40), 77),
        Image.new("RGBA", (50, 40), (10, 20, 30, 128)),
    ],
    ids=["palette", "1-bit", "LA", "L", "RGBA"],
)
def test_every_png_mode_is_prepared(picture):
    data = png_bytes(picture)
    for target in (*BOTH, ImageTarget("jpeg-only", 100_000, allow_png=False)):
        target = target if isinstance(target, ImageTarget) else target.image_target
        assert_clean_and_within(prepare_image(data, target), target)


def test_palette_png_with_transparency_keeps_it_when_reencoded():
    picture = Image.new("P", (64, 64), 1)
    picture.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    picture.paste(0, (0, 0, 32, 64))
    data = png_bytes(picture, transparency=0)
    image = decoded(prepare_image(_with_orientation_chunk(data, 2), BLUESKY))
    assert image.mode == "RGBA"
    assert image.getpixel((40, 10))[3] == 0  # flipped: the transparent half is now on the right


@pytest.mark.parametrize("save_format", ["WEBP", "GIF", "BMP", "TIFF"])
def test_other_still_formats_become_jpeg_or_png(save_format):
    buffer = io.BytesIO()
    noisy((120, 90)).save(buffer, save_format)
    for target in BOTH:
        prepared = prepare_image(buffer.getvalue(), target)
        assert_clean_and_within(prepared, target.image_target)
        assert prepared.reencoded


def test_icc_profile_is_kept_as_colour_profile():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = jpeg_bytes(noisy((200, 150)), icc_profile=profile, exif=exif_with(gps=True))
    for target in BOTH:
        prepared = prepare_image(data, target)
        assert decoded(prepared).info.get("icc_profile") == profile
    reencoded = prepare_image(data, ImageTarget("tiny", 10_000))
    assert decoded(reencoded).info.get("icc_profile") == profile


# ----- orientation ------------------------------------------------------------


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_exif_orientation_is_applied_then_removed(orientation):
    # What a phone stores for a portrait photo: the sensor's landscape pixels
    # plus a tag telling viewers how to turn them.
    stored = asymmetric((60, 40))
    data = jpeg_bytes(stored, exif=exif_with(orientation=orientation, camera=True), quality=95)
    expected = {3: stored.rotate(180), 6: stored.rotate(-90, expand=True), 8: stored.rotate(90, expand=True)}
    for target in BOTH:
        prepared = prepare_image(data, target)
        image = assert_clean_and_within(prepared, target.image_target)
        assert prepared.reencoded
        assert image.size == expected[orientation].size
        assert prepared.aspect_ratio == image.size
        assert region_colours(image) == region_colours(expected[orientation])


def test_a_rotated_jpeg_is_reencoded_at_its_own_quality():
    data = jpeg_bytes(noisy((640, 480)), quality=75, exif=exif_with(orientation=6))
    prepared = prepare_image(data, MASTODON)
    assert len(prepared.data) < len(data) * 1.15  # not blown up to quality 90


def test_malformed_exif_does_not_lose_the_photo():
    broken_exif = jpeg_segment(0xE1, b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff\xff")
    data = jpeg_with_segments(jpeg_bytes(noisy((100, 80))), broken_exif)
    for target in BOTH:
        assert_clean_and_within(prepare_image(data, target), target.image_target)


# ----- metadata -------------------------------------------------------------


def test_gps_and_camera_exif_are_gone_even_without_reencoding():
    data = jpeg_bytes(noisy((640, 480)), exif=exif_with(gps=True, camera=True))
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the GPS is really there
    assert b"SecretCam" in data
    for target in BOTH:
        prepared = prepare_image(data, target)
        assert not prepared.reencoded
        image = assert_clean_and_within(prepared, target.image_target)
        assert not image.getexif().get_ifd(0x8825)


def test_xmp_comments_and_iptc_are_gone_from_jpeg():
    data = jpeg_bytes(noisy((300, 200)), exif=exif_with(gps=True), comment=b"a private comment")
    data = jpeg_with_segments(
        data,
        jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP_PACKET),
        jpeg_segment(0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x05Secret Person"),
    )
    assert b"Secret Person" in data
    for target in BOTH:
        assert_clean_and_within(prepare_image(data, target), target.image_target)


def test_text_xmp_and_exif_chunks_are_gone_from_png():
    pngs = png_bytes(noisy((200, 150)), exif=exif_with(gps=True, camera=True))
    data = add_png_chunks(
        pngs,
        png_chunk(b"tEXt", b"Author\x00Secret Person"),
        png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"a private comment")),
        png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + XMP_PACKET),
        png_chunk(b"tIME", struct.pack(">HBBBBB", 2020, 1, 2, 3, 4, 5)),
    )
    for target in BOTH:
        prepared = prepare_image(data, target)
        assert not prepared.reencoded
        assert_clean_and_within(prepared, target.image_target)


def test_jfif_thumbnail_and_trailing_data_are_dropped():
    data = jpeg_bytes(noisy((200, 150))) + b"Secret Person appended after the image"
    prepared = prepare_image(data, BLUESKY)
    assert_clean_and_within(prepared, BLUESKY.image_target)
    assert prepared.data.endswith(b"\xff\xd9")


def test_mpo_keeps_only_its_first_picture():
    buffer = io.BytesIO()
    first, second = noisy((200, 150)), Image.new("RGB", (200, 150), (0, 0, 255))
    first.save(buffer, "MPO", save_all=True, append_images=[second], exif=exif_with(gps=True))
    for target in BOTH:
        prepared = prepare_image(buffer.getvalue(), target)
        image = assert_clean_and_within(prepared, target.image_target)
        assert image.format == "JPEG" and not getattr(image, "is_animated", False)
        assert len(prepared.data) < len(buffer.getvalue())


# ----- damaged and mislabelled files ---------------------------------------


def prepare_fails(data: bytes, name: str = "data/tweets_media/1-a.jpg") -> MediaError:
    with pytest.raises(MediaError) as caught:
        prepare_image(data, BLUESKY, name=name)
    assert caught.value.name == name and name in caught.value.message
    return caught.value


def test_truncated_jpeg_is_a_clear_error():
    data = jpeg_bytes(noisy((400, 300)))
    assert prepare_fails(data[: len(data) // 2]).problem == "corrupt"


def test_truncated_png_is_a_clear_error():
    data = png_bytes(noisy((400, 300)))
    assert prepare_fails(data[: len(data) // 2]).problem == "corrupt"


def test_corrupted_jpeg_body_is_a_clear_error():
    data = bytearray(jpeg_bytes(noisy((400, 300))))
    data[200:4000] = b"\x00" * 3800
    error = prepare_fails(bytes(data[:5000]))
    assert error.problem == "corrupt"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (mp4_bytes(), "MP4 video"),
        (b"<!DOCTYPE html><html><body>Rate limit exceeded</body></html>", "HTML"),
        (b"PK\x03\x04" + b"\x00" * 40, "ZIP"),
        (b"just some text", "unrecognised"),
    ],
    ids=["pdf", "mp4", "html", "zip", "text"],
)
def test_a_jpg_that_is_something_else_says_what_it_is(data, words):
    error = prepare_fails(data)
    assert error.problem == "not_an_image"
    assert words in error.message


def test_heic_and_avif_are_reported_as_unsupported_photos():
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 32
    error = prepare_fails(heic)
    assert error.problem == "unsupported" and "HEIC" in error.message and error.hint


_SAMPLES = {
    "jpeg": jpeg_bytes(noisy((48, 32)), exif=exif_with(gps=True, orientation=6)),
    "progressive": jpeg_bytes(noisy((48, 32)), progressive=True),
    "png": png_bytes(noisy((48, 32), "RGBA")),
    "gif": None,
}
_gif = io.BytesIO()
noisy((48, 32)).convert("P").save(_gif, "GIF")
_SAMPLES["gif"] = _gif.getvalue()


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(_SAMPLES)),
    st.lists(st.tuples(st.integers(0, 3000), st.binary(min_size=1, max_size=6)), max_size=4),
    st.integers(0, 400),
)
def test_damaged_files_give_a_media_error_or_a_clean_image(kind, patches, cut):
    """Fuzz: whatever the damage, a clean image within limits or a MediaError,
    never another exception."""
    data = bytearray(_SAMPLES[kind])
    for position, replacement in patches:
        position %= len(data)
        data[position : position + len(replacement)] = replacement
    data = bytes(data[: max(0, len(data) - cut)])
    try:
        prepared = prepare_image(data, BLUESKY)
    except MediaError:
        return
    assert_clean_and_within(prepared, BLUESKY.image_target)


def test_empty_file():
    assert prepare_fails(b"").problem == "empty"


@pytest.mark.parametrize("side", [10_000, 60_000], ids=["over-pillow-warning", "over-pillow-error"])
def test_decompression_bomb_is_refused_before_decoding(side):
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b""))
        + png_chunk(b"IEND", b"")
    )
    error = prepare_fails(bomb)
    assert error.problem == "too_large" and "too many pixels" in error.message


def test_animated_gif_is_not_a_photo():
    frames = [Image.new("RGB", (40, 40), colour) for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    assert prepare_fails(buffer.getvalue()).problem == "animated"


def test_media_error_is_a_quittex_error_and_survives_pickling():
    error = prepare_fails(b"%PDF-1.4")
    assert isinstance(error, BadInputError) and isinstance(error, QuittexError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.problem, copy.name, copy.message) == (error.problem, error.name, error.message)


def test_read_media_file(tmp_path):
    path = tmp_path / "1-a.jpg"
    path.write_bytes(b"abc")
    assert read_media_file(path) == b"abc"
    with pytest.raises(MediaError) as caught:
        read_media_file(tmp_path / "gone.jpg", name="data/tweets_media/gone.jpg")
    assert caught.value.problem == "missing"


def _with_orientation_chunk(png: bytes, orientation: int) -> bytes:
    """A PNG carrying an eXIf chunk with an orientation (forces re-encoding)."""
    exif = exif_with(orientation=orientation).tobytes()
    return add_png_chunks(png, png_chunk(b"eXIf", exif))


def test_preparing_in_many_threads_leaves_the_warning_filters_as_they_were():
    # Each platform prepares its images in its own thread; pillow's warnings
    # are silenced around its calls, and the process-wide filters must come
    # back exactly as they were, whatever the interleaving.
    import threading
    import warnings

    from quittex.media import BlueskyLimits, prepare_image
    from tests.media.factories import exif_with, jpeg_bytes, noisy

    data = jpeg_bytes(noisy((900, 600)), exif=exif_with(orientation=6, gps=True))
    before = list(warnings.filters)
    errors: list[BaseException] = []

    def prepare_many() -> None:
        try:
            for _ in range(15):
                prepare_image(data, BlueskyLimits())
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=prepare_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and warnings.filters == before
