"""Videos and GIFs: what the file says, and whether each platform takes it."""

from __future__ import annotations

import io
import os
import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quittex.media import BlueskyLimits, MastodonLimits, MediaError, VideoInfo, check_video, probe_video
from quittex.media.video import duration_text, size_text
from tests.media.factories import jpeg_bytes, mp4_bytes, noisy


def info(**overrides) -> VideoInfo:
    values = dict(
        size_bytes=5_000_000,
        mime_type="video/mp4",
        duration_seconds=30.0,
        width=1280,
        height=720,
        frame_rate=30.0,
        video_codec="avc1",
        has_audio=True,
    )
    return VideoInfo(**{**values, **overrides})


# ----- probing ----------------------------------------------------------------


def test_duration_dimensions_and_streams_come_from_the_file():
    probed = probe_video(mp4_bytes(seconds=12.5, size=(1280, 720), frame_rate=25, audio=True))
    assert probed.duration_seconds == pytest.approx(12.5)
    assert (probed.width, probed.height) == (1280, 720)
    assert probed.aspect_ratio == (1280, 720)
    assert probed.frame_rate == pytest.approx(25, abs=0.1)
    assert probed.video_codec == "avc1" and probed.has_audio
    assert probed.mime_type == "video/mp4"


def test_an_x_gif_is_a_silent_mp4():
    probed = probe_video(mp4_bytes(seconds=3, size=(480, 270)))
    assert not probed.has_audio and probed.duration_seconds == pytest.approx(3)


def test_a_quarter_turn_swaps_width_and_height():
    probed = probe_video(mp4_bytes(size=(1920, 1080), rotated=True))
    assert (probed.width, probed.height) == (1080, 1920)


def test_fragmented_mp4_duration_comes_from_mehd():
    probed = probe_video(mp4_bytes(seconds=42, fragmented=True, audio=True))
    assert probed.duration_seconds == pytest.approx(42)
    assert probed.frame_rate is None


def test_quicktime_is_recognised():
    assert probe_video(mp4_bytes(brand=b"qt  ")).mime_type == "video/quicktime"


def test_a_path_is_read_like_bytes(tmp_path):
    path = tmp_path / "1-video.mp4"
    data = mp4_bytes(seconds=7, media_bytes=10_000)
    path.write_bytes(data)
    from_path = probe_video(path)
    assert from_path == probe_video(data)
    assert from_path.size_bytes == len(data)


def test_a_real_encoded_video_is_read():
    av = pytest.importorskip("av")
    from PIL import Image

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 96, 64, "yuv420p"
        for index in range(25):
            frame = av.VideoFrame.from_image(Image.new("RGB", (96, 64), (index * 10, 0, 0)))
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    probed = probe_video(buffer.getvalue())
    assert (probed.width, probed.height) == (96, 64)
    assert probed.duration_seconds == pytest.approx(2.5, abs=0.15)
    assert probed.frame_rate == pytest.approx(10, abs=0.5)
    assert probed.video_codec == "avc1" and not probed.has_audio


# ----- unreadable files -----------------------------------------------------


def probe_fails(source, name="data/tweets_media/1-v.mp4") -> MediaError:
    with pytest.raises(MediaError) as caught:
        probe_video(source, name=name)
    return caught.value


def test_truncated_video_is_a_clear_error():
    error = probe_fails(mp4_bytes(media_bytes=5000, truncate_by=1000))
    assert error.problem == "corrupt" and "truncated" in error.message


def test_a_video_without_its_index_is_corrupt():
    data = mp4_bytes()
    moov_at = data.index(b"moov") - 4
    error = probe_fails(data[:moov_at] + b"\x00\x00\x00\x08free")
    assert error.problem == "corrupt"


@pytest.mark.parametrize(
    ("data", "words"),
    [(b"%PDF-1.5 ...", "PDF"), (jpeg_bytes(noisy((20, 20))), "JPEG"), (b"<html></html>", "HTML")],
    ids=["pdf", "jpeg", "html"],
)
def test_an_mp4_that_is_something_else_says_what_it_is(data, words):
    error = probe_fails(data)
    assert error.problem == "not_a_video" and words in error.message
    assert error.message.startswith("data/tweets_media/1-v.mp4: ")


def test_audio_only_file_is_not_a_video():
    audio_only = mp4_bytes(audio=True).replace(b"vide", b"hint")
    assert probe_fails(audio_only).problem == "not_a_video"


def test_empty_and_missing_files(tmp_path):
    assert probe_fails(b"").problem == "empty"
    assert probe_fails(tmp_path / "nope.mp4").problem == "missing"
    (tmp_path / "zero.mp4").write_bytes(b"")
    assert probe_fails(tmp_path / "zero.mp4").problem == "empty"


_SAMPLE_MP4 = mp4_bytes(audio=True, seconds=20)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, len(_SAMPLE_MP4) - 1), st.binary(min_size=1, max_size=8)), max_size=4),
    st.integers(0, 200),
)
def test_damaged_boxes_give_a_media_error_or_a_reading(patches, cut):
    """Fuzz: whatever the damage, either an answer or a MediaError."""
    data = bytearray(_SAMPLE_MP4)
    for position, replacement in patches:
        data[position : position + len(replacement)] = replacement
    try:
        probed = probe_video(bytes(data[: len(data) - cut]))
    except MediaError:
        return
    assert probed.size_bytes == len(data) - cut


# ----- ffprobe, only when present --------------------------------------------


def fake_ffprobe(folder, output: str) -> None:
    script = folder / "ffprobe"
    script.write_text(f"#!/bin/sh\ncat <<'EOF'\n{output}\nEOF\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def undated_fragmented_mp4() -> bytes:
    return mp4_bytes(fragmented=True).replace(b"mehd", b"junk")


def test_ffprobe_fills_a_duration_the_boxes_do_not_give(tmp_path, monkeypatch):
    fake_ffprobe(tmp_path, '{"format": {"duration": "200.5"}}')
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    assert probe_video(undated_fragmented_mp4()).duration_seconds == pytest.approx(200.5)


def test_without_ffprobe_an_unknown_duration_stays_unknown(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    probed = probe_video(undated_fragmented_mp4())
    assert probed.duration_seconds is None
    assert check_video(probed, BlueskyLimits()).upload  # the server will judge


def test_broken_ffprobe_output_is_ignored(tmp_path, monkeypatch):
    fake_ffprobe(tmp_path, "not json")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert probe_video(undated_fragmented_mp4()).duration_seconds is None


# ----- decisions: Bluesky ----------------------------------------------------


def test_bluesky_takes_a_short_video():
    decision = check_video(mp4_bytes(seconds=60, audio=True), BlueskyLimits())
    assert decision.upload and decision.reason is None and decision.presentation == "default"


def test_bluesky_refuses_more_than_three_minutes():
    decision = check_video(mp4_bytes(seconds=4 * 60 + 12, audio=True), BlueskyLimits())
    assert not decision.upload and decision.reason_code == "too_long" and not decision.temporary
    assert decision.reason == "the video lasts 4 min 12 s; Bluesky accepts at most 3 min"


def test_bluesky_too_big():
    decision = check_video(info(size_bytes=150_000_000), BlueskyLimits())
    assert decision.reason_code == "too_big" and "150.0 MB" in decision.reason


def test_bluesky_without_video_service_uses_the_blob_limit():
    limits = BlueskyLimits().without_video_service()
    decision = check_video(info(size_bytes=8_000_000), limits)
    assert decision.reason_code == "too_big" and "without a video service" in decision.reason
    assert check_video(info(size_bytes=8_000_000), limits.without_video_service(50_000_000)).upload


def test_bluesky_daily_quota_is_temporary():
    limits = BlueskyLimits().with_upload_limits({"canUpload": True, "remainingDailyVideos": 0})
    decision = check_video(info(), limits)
    assert decision.reason_code == "daily_quota" and decision.temporary
    bytes_left = BlueskyLimits().with_upload_limits({"canUpload": True, "remainingDailyBytes": 1000})
    assert check_video(info(), bytes_left).reason_code == "daily_quota"


def test_bluesky_account_not_allowed_to_upload():
    limits = BlueskyLimits().with_upload_limits({"canUpload": False, "message": "Please verify your email"})
    decision = check_video(info(), limits)
    assert decision.reason_code == "uploads_disabled" and not decision.temporary
    assert "verify your email" in decision.reason


def test_a_gif_is_presented_as_a_gif_on_bluesky():
    gif = mp4_bytes(seconds=4)
    assert check_video(gif, BlueskyLimits(), kind="animated_gif").presentation == "gif"
    assert check_video(gif, MastodonLimits(), kind="animated_gif").presentation == "default"


# ----- decisions: Mastodon ---------------------------------------------------


def test_mastodon_takes_a_long_video_within_its_size():
    assert check_video(mp4_bytes(seconds=600, audio=True), MastodonLimits()).upload


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"size_bytes": 120_000_000}, "too_big"),
        ({"width": 7680, "height": 4320}, "too_many_pixels"),
        ({"frame_rate": 240.0}, "frame_rate_too_high"),
        ({"mime_type": "video/quicktime"}, "unsupported_type"),
    ],
)
def test_mastodon_refusals(overrides, code):
    limits = MastodonLimits(supported_mime_types=frozenset({"image/jpeg", "video/mp4"}))
    decision = check_video(info(**overrides), limits)
    assert not decision.upload and decision.reason_code == code and decision.reason


def test_unknown_fields_do_not_refuse():
    assert check_video(info(width=None, height=None, frame_rate=None), MastodonLimits()).upload


def test_texts():
    assert duration_text(42) == "42 s"
    assert duration_text(180) == "3 min"
    assert duration_text(225.4) == "3 min 45 s"
    assert size_text(103_809_024) == "103.8 MB"
    assert size_text(999) == "999 bytes"
