"""Bluesky, described once: its rate budgets and factories.

Its own modules: `quittex.platforms.bluesky_options` (rewriting settings),
`quittex.rewrite.bluesky` (rules), `quittex.publish.bluesky` (publisher),
`quittex.accounts.bluesky` (logging in), `BlueskyLimits` in
`quittex.media.limits`, `estimate_bluesky` in `quittex.publish.estimate`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal
from urllib.parse import urlparse

from quittex.platforms.base import Budgets, PlatformSpec, Window

if TYPE_CHECKING:
    from quittex.publish.bluesky import BlueskyPublisher

BlueskyLabel = Literal["sexual", "nudity", "porn", "graphic-media"]
VIDEO_SERVICE = "https://video.bsky.app"  # = publish.bluesky.DEFAULT_VIDEO_SERVICE


REPLY_GATES = ("followers", "following", "mentioned", "nobody")
ReplyGate = Literal["followers", "following", "mentioned", "nobody"]


def bluesky_budgets() -> Budgets:
    """Documented PDS limits per account (platforms.md)."""
    return {
        "write": [Window(5_000, 3_600), Window(35_000, 86_400)],  # putRecord costs 2, deleteRecord 1
        "blob": [Window(1_000, 86_400)],
        "login": [Window(30, 300), Window(300, 86_400)],
        # Reads (look-ups, getRecord): the PDS allows 3,000 requests per 5 minutes.
        "read": [Window(2_500, 300)],
    }


def connect(account: str | None = None) -> BlueskyPublisher:
    """A publisher for the saved (or environment's) Bluesky account."""
    from quittex.accounts import bluesky_session
    from quittex.publish.bluesky import BlueskyPublisher

    session = bluesky_session(account)
    # Bluesky's video service serves Bluesky-hosted accounts; a self-hosted PDS
    # takes videos as plain blobs. Web URLs built from the DID survive a
    # change of handle.
    service = VIDEO_SERVICE if bluesky_hosted(session.pds) else None
    label = f"@{session.handle} ({session.pds})"
    return BlueskyPublisher(session.client, session.did, video_service=service, label=label)


def bluesky_hosted(pds: str) -> bool:
    host = (urlparse(pds).hostname or "").lower()
    return host == "bsky.social" or host.endswith(".bsky.network") or host.endswith(".bsky.social")


BLUESKY = PlatformSpec(
    name="bluesky",
    label="Bluesky",
    settings_path="quittex.platforms.bluesky_options:BlueskyOptions",
    budgets=bluesky_budgets,
    rules_path="quittex.rewrite.bluesky:BlueskyRules",
    draft_path="quittex.rewrite.draft:BlueskyDraft",
    media_limits_path="quittex.media.limits:BlueskyLimits",
    estimate_path="quittex.publish.estimate:estimate_bluesky",
    connect_path="quittex.platforms.bluesky:connect",
    profile_path="quittex.profile.bluesky:BlueskyProfile",
    gentle_pace=Window(50, 15 * 60),  # GENTLE_BATCH posts per GENTLE_PAUSE_SECONDS (publish/estimate.py)
    farewell_limit_path="quittex.farewell.limits:bluesky_intro_limit",
    rich_text=True,
)
