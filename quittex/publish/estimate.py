"""How long publishing will take under each platform's rate limits.

The limits are the platforms' documented defaults (see platforms.md); a
server may announce others at run time, and the publisher paces by what the
server says. These figures are for planning a migration before it starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

# Bluesky: repo writes cost points; putRecord costs 2 of the 5,000 an hour
# and 35,000 a day; uploadBlob is limited to 1,000 a day.
BLUESKY_POINTS_PER_HOUR = 5_000
BLUESKY_POINTS_PER_DAY = 35_000
BLUESKY_PUT_RECORD_POINTS = 2
BLUESKY_BLOBS_PER_DAY = 1_000
# Mastodon: 300 statuses per 3 hours, 30 media uploads per 30 minutes.
MASTODON_STATUSES_PER_HOUR = 100
MASTODON_MEDIA_PER_HOUR = 60


@dataclass(frozen=True)
class Estimate:
    platform: str
    posts: int
    media: int
    duration: timedelta
    bound_by: str  # what sets the pace

    def to_json(self) -> dict:
        return {
            "platform": self.platform,
            "posts": self.posts,
            "media": self.media,
            "seconds": int(self.duration.total_seconds()),
            "bound_by": self.bound_by,
        }


def estimate_bluesky(posts: int, blobs: int) -> Estimate:
    points = posts * BLUESKY_PUT_RECORD_POINTS
    by_points = _paced_hours(points, BLUESKY_POINTS_PER_HOUR, BLUESKY_POINTS_PER_DAY)
    # Uploads are not limited per hour: only each further 1,000 waits a day.
    by_blobs = float((blobs - 1) // BLUESKY_BLOBS_PER_DAY * 24) if blobs else 0.0
    hours, bound = (by_blobs, "1,000 uploads a day") if by_blobs > by_points else (by_points, "2,500 posts an hour")
    if points > BLUESKY_POINTS_PER_DAY and by_points >= by_blobs:
        bound = "17,500 posts a day"
    return Estimate("bluesky", posts, blobs, timedelta(hours=hours), bound)


def estimate_mastodon(posts: int, media: int) -> Estimate:
    by_posts = posts / MASTODON_STATUSES_PER_HOUR
    by_media = media / MASTODON_MEDIA_PER_HOUR
    if by_media > by_posts:
        return Estimate("mastodon", posts, media, timedelta(hours=by_media), "30 media uploads per 30 minutes")
    return Estimate("mastodon", posts, media, timedelta(hours=by_posts), "300 posts per 3 hours")


def _paced_hours(amount: int, per_hour: int, per_day: int) -> float:
    """Hours to spend `amount` under an hourly and a daily budget: full days
    at the daily budget, then the rest at the hourly pace."""
    full_days, rest = divmod(amount, per_day)
    return full_days * 24 + rest / per_hour


def human_duration(duration: timedelta) -> str:
    minutes = int(duration.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{max(minutes, 1)} min" if duration.total_seconds() > 0 else "0 min"
