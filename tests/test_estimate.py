from datetime import timedelta

from quittex.publish.estimate import estimate_bluesky, estimate_mastodon, human_duration


def test_bluesky_is_paced_by_put_record_points_then_by_the_daily_budget():
    assert estimate_bluesky(2_500, 0).duration == timedelta(hours=1)
    day = estimate_bluesky(20_000, 0)
    assert day.duration == timedelta(hours=24 + 2_500 * 2 / 5_000)
    assert day.bound_by == "17,500 posts a day"


def test_bluesky_uploads_over_a_thousand_wait_a_day():
    estimate = estimate_bluesky(100, 2_500)
    assert estimate.duration == timedelta(hours=48) and "uploads" in estimate.bound_by


def test_mastodon_posts_and_media():
    assert estimate_mastodon(300, 0).duration == timedelta(hours=3)
    assert estimate_mastodon(100, 120).duration == timedelta(hours=2)


def test_human_duration():
    assert human_duration(timedelta(hours=50, minutes=5)) == "2 d 2 h"
    assert human_duration(timedelta(minutes=75)) == "1 h 15 min"
    assert human_duration(timedelta(seconds=20)) == "1 min"
    assert human_duration(timedelta(0)) == "0 min"
