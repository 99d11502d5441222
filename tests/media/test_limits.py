"""Platform limits: defaults, and what servers say at run time."""

from __future__ import annotations

import pytest

from quittex.media import BlueskyLimits, ImageTarget, MastodonLimits

MASTODON_44 = {
    "domain": "example.social",
    "configuration": {
        "statuses": {"max_characters": 500, "max_media_attachments": 4, "characters_reserved_per_url": 23},
        "media_attachments": {
            "supported_mime_types": ["image/jpeg", "image/png", "image/gif", "video/mp4", "video/quicktime"],
            "description_limit": 1500,
            "image_size_limit": 16777216,
            "image_matrix_limit": 33177600,
            "video_size_limit": 103809024,
            "video_frame_rate_limit": 120,
            "video_matrix_limit": 8294400,
        },
    },
}


def test_defaults_are_the_documented_ones():
    bluesky, mastodon = BlueskyLimits(), MastodonLimits()
    assert bluesky.image_target.max_bytes == 1_000_000
    assert bluesky.video_max_seconds == 180 and bluesky.video_upload_max_bytes == 100_000_000
    assert mastodon.image_target.max_bytes == 16 * 1024 * 1024
    assert mastodon.image_target.max_pixels == 33_177_600
    assert mastodon.description_limit == 1500


def test_mastodon_from_instance_v2():
    limits = MastodonLimits.from_instance_v2(
        {
            "configuration": {
                "statuses": {"max_media_attachments": 6},
                "media_attachments": {
                    "image_size_limit": 10_485_760,
                    "image_matrix_limit": 16_777_216,
                    "video_size_limit": 41_943_040,
                    "video_matrix_limit": 2_304_000,
                    "video_frame_rate_limit": 60,
                    "description_limit": 3000,
                    "supported_mime_types": ["image/jpeg", "video/mp4"],
                },
            }
        }
    )
    assert limits.image_max_bytes == 10_485_760 and limits.image_max_pixels == 16_777_216
    assert limits.video_max_bytes == 41_943_040 and limits.video_max_pixels == 2_304_000
    assert limits.video_max_frame_rate == 60.0 and limits.description_limit == 3000
    assert limits.max_media_per_status == 6
    assert not limits.accepts("image/png") and not limits.image_target.allow_png
    assert limits.image_target.pixel_budget == 8_294_400


def test_mastodon_py_entities_are_read_too():
    from mastodon.return_types import Instance
    from mastodon.types_base import try_cast_recurse

    instance = try_cast_recurse(Instance, MASTODON_44)  # how Mastodon.py builds instance_v2()'s answer
    assert type(instance).__name__ == "Instance"
    limits = MastodonLimits.from_instance_v2(instance)
    assert limits.accepts("image/png") and limits.accepts("video/quicktime")
    assert limits.video_max_bytes == 103809024


def test_older_mastodon_description_limit_under_statuses():
    answer = {"configuration": {"statuses": {"description_limit": 1000}, "media_attachments": {}}}
    assert MastodonLimits.from_instance_v2(answer).description_limit == 1000


@pytest.mark.parametrize(
    "answer",
    [
        None,
        {},
        {"configuration": None},
        {"configuration": {"media_attachments": "nonsense"}},
        {"configuration": {"media_attachments": {"image_size_limit": 0, "video_size_limit": -5}}},
        {"configuration": {"media_attachments": {"image_size_limit": "16MB", "image_matrix_limit": True}}},
        {"configuration": {"media_attachments": {"supported_mime_types": ["video/mp4"]}}},
    ],
)
def test_a_broken_instance_answer_keeps_the_defaults(answer):
    assert MastodonLimits.from_instance_v2(answer) == MastodonLimits()


def test_bluesky_from_get_upload_limits_json():
    limits = BlueskyLimits.from_upload_limits(
        {"canUpload": True, "remainingDailyVideos": 24, "remainingDailyBytes": 10_000_000_000}
    )
    assert limits.can_upload_video and limits.remaining_daily_videos == 24
    assert limits.remaining_daily_bytes == 10_000_000_000 and limits.upload_refusal is None


def test_bluesky_from_the_sdk_model():
    models = pytest.importorskip("atproto_client.models")
    answer = models.AppBskyVideoGetUploadLimits.Response(
        can_upload=False, error="unverified", message="Email not verified"
    )
    limits = BlueskyLimits(image_max_bytes=2_000_000).with_upload_limits(answer)
    assert not limits.can_upload_video and limits.upload_refusal == "Email not verified"
    assert limits.image_max_bytes == 2_000_000 and limits.remaining_daily_videos is None


def test_bluesky_ignores_nonsense_counts():
    limits = BlueskyLimits.from_upload_limits({"canUpload": "yes", "remainingDailyVideos": -1})
    assert limits.can_upload_video and limits.remaining_daily_videos is None


def test_server_image_limit_override():
    assert BlueskyLimits(image_max_bytes=2_000_000).image_target.max_bytes == 2_000_000


def test_image_target_budget():
    assert ImageTarget("t", 100_000).pixel_budget is None
    assert ImageTarget("t", 100_000, max_pixels=5000, reencode_max_pixels=9000).pixel_budget == 5000
