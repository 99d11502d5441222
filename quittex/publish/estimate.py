"""How long publishing will take under each platform's rate limits.

The limits are the platforms' documented defaults (see platforms.md); a
server may announce others at run time, and the publisher paces by what the
server says. These figures are for planning a migration before it starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from quittex.i18n import N_, _, format_number, ngettext

# Bluesky: repo writes cost points; putRecord costs 2 of the 5,000 an hour
# and 35,000 a day; uploadBlob is limited to 1,000 a day.
BLUESKY_POINTS_PER_HOUR = 5_000
BLUESKY_POINTS_PER_DAY = 35_000
BLUESKY_PUT_RECORD_POINTS = 2
BLUESKY_BLOBS_PER_DAY = 1_000
# Mastodon: 300 statuses per 3 hours, 30 media uploads per 30 minutes.
MASTODON_STATUSES_PER_WINDOW = 300
MASTODON_MEDIA_PER_WINDOW = 30
# Time a post takes when no limit holds it back (measured on loopback servers,
# rounded up for a real server across the Internet).
BLUESKY_SECONDS_PER_POST = 0.3
# --pace gentle on Bluesky: batches of 50 posts, a quarter of an hour apart
# (200 an hour at most, against 2,500), for accounts new to the network.
GENTLE_BATCH = 50
GENTLE_PAUSE_SECONDS = 15 * 60
GENTLE_WORDS = N_("the gentle pace: 50 posts every 15 minutes")
MASTODON_SECONDS_PER_POST = 1.0


@dataclass(frozen=True)
class Estimate:
    platform: str
    posts: int
    media: int
    duration: timedelta
    bound_by: str  # what sets the pace, as a person reads it (in the run's language)

    def to_json(self) -> dict:
        return {
            "platform": self.platform,
            "posts": self.posts,
            "media": self.media,
            "seconds": int(self.duration.total_seconds()),
            "bound_by": self.bound_by,
        }


def estimate_bluesky(posts: int, blobs: int, settings: Any = None) -> Estimate:
    """The pacer spends each window's budget at once, then waits for the next:
    2,500 posts go out in minutes, the 2,501st an hour after the first. At
    the gentle pace, batches of 50 posts a quarter of an hour apart."""
    # A threadgate and a postgate are records too (the threadgate only on a
    # thread's first post: counted on every post, an upper bound).
    gates = (getattr(settings, "reply_gate", None) is not None) + (not getattr(settings, "quotes_allowed", True))
    points = posts * BLUESKY_PUT_RECORD_POINTS * (1 + gates)
    by_points = _windows_waited(points, BLUESKY_POINTS_PER_HOUR, 1.0)
    if points > BLUESKY_POINTS_PER_DAY:
        full_days = (points - 1) // BLUESKY_POINTS_PER_DAY
        by_points = max(
            by_points,
            full_days * 24.0
            + _windows_waited(points - full_days * BLUESKY_POINTS_PER_DAY, BLUESKY_POINTS_PER_HOUR, 1.0),
        )
    by_blobs = _windows_waited(blobs, BLUESKY_BLOBS_PER_DAY, 24.0)
    if getattr(settings, "pace", "full") == "gentle":
        by_pace = _windows_waited(posts, GENTLE_BATCH, GENTLE_PAUSE_SECONDS / 3600)
        if by_pace >= max(by_points, by_blobs):
            hours = by_pace + posts * BLUESKY_SECONDS_PER_POST / 3600
            return Estimate("bluesky", posts, blobs, timedelta(hours=hours), _(GENTLE_WORDS))
    hours = max(by_points, by_blobs) + posts * BLUESKY_SECONDS_PER_POST / 3600
    if by_blobs > by_points:
        bound = _("{count} uploads a day").format(count=format_number(BLUESKY_BLOBS_PER_DAY))
    elif points > BLUESKY_POINTS_PER_DAY:
        count = BLUESKY_POINTS_PER_DAY // BLUESKY_PUT_RECORD_POINTS // (1 + gates)
        bound = ngettext("{count} post a day", "{count} posts a day", count).format(count=format_number(count))
    else:
        count = BLUESKY_POINTS_PER_HOUR // BLUESKY_PUT_RECORD_POINTS // (1 + gates)
        bound = ngettext("{count} post an hour", "{count} posts an hour", count).format(count=format_number(count))
    return Estimate("bluesky", posts, blobs, timedelta(hours=hours), bound)


def estimate_mastodon(posts: int, media: int, settings: Any = None) -> Estimate:
    by_posts = _windows_waited(posts, MASTODON_STATUSES_PER_WINDOW, 3.0)
    by_media = _windows_waited(media, MASTODON_MEDIA_PER_WINDOW, 0.5)
    hours = max(by_posts, by_media) + posts * MASTODON_SECONDS_PER_POST / 3600
    bound = _("30 media uploads per 30 minutes") if by_media > by_posts else _("300 posts per 3 hours")
    return Estimate("mastodon", posts, media, timedelta(hours=hours), bound)


def _windows_waited(amount: int, per_window: int, window_hours: float) -> float:
    """Hours spent waiting for windows to reopen: none for the first budget."""
    return ((amount - 1) // per_window) * window_hours if amount > 0 else 0.0


def human_duration(duration: timedelta) -> str:
    minutes = int(duration.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        # Translators: a duration, abbreviated: days and hours ("2 d 2 h").
        return _("{days} d {hours} h").format(days=days, hours=hours)
    if hours:
        # Translators: a duration, abbreviated: hours and minutes ("1 h 05 min").
        return _("{hours} h {minutes} min").format(hours=hours, minutes=f"{minutes:02d}")
    # Translators: a duration in minutes, abbreviated ("5 min").
    return _("{minutes} min").format(minutes=max(minutes, 1) if duration.total_seconds() > 0 else 0)
