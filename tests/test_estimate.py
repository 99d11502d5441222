from datetime import timedelta

import pytest

from quittex.publish.estimate import estimate_bluesky, estimate_mastodon, human_duration


def hours(estimate) -> float:
    return estimate.duration / timedelta(hours=1)


def test_bluesky_spends_each_hour_budget_then_waits():
    assert hours(estimate_bluesky(2_500, 0)) == pytest.approx(2_500 * 0.3 / 3600)
    assert hours(estimate_bluesky(2_501, 0)) == pytest.approx(1 + 2_501 * 0.3 / 3600)
    day = estimate_bluesky(20_000, 0)
    assert hours(day) == pytest.approx(24 + 0 + 20_000 * 0.3 / 3600) and day.bound_by == "17,500 posts a day"


def test_bluesky_uploads_over_a_thousand_wait_a_day():
    estimate = estimate_bluesky(100, 2_500)
    assert hours(estimate) == pytest.approx(48 + 100 * 0.3 / 3600) and "uploads" in estimate.bound_by


def test_mastodon_posts_and_media():
    assert hours(estimate_mastodon(13, 6)) == pytest.approx(13 / 3600)
    assert hours(estimate_mastodon(5_000, 0)) == pytest.approx(16 * 3 + 5_000 / 3600)  # about two days
    media = estimate_mastodon(100, 120)
    assert hours(media) == pytest.approx(1.5 + 100 / 3600) and "media" in media.bound_by


def test_human_duration():
    assert human_duration(timedelta(hours=50, minutes=5)) == "2 d 2 h"
    assert human_duration(timedelta(minutes=75)) == "1 h 15 min"
    assert human_duration(timedelta(seconds=20)) == "1 min"
    assert human_duration(timedelta(0)) == "0 min"
