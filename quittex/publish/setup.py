"""From saved accounts to ready publishers, with each platform's own limits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from quittex.journal import Journal, journal_path
from quittex.media import BlueskyLimits, MastodonLimits
from quittex.publish.base import Publisher
from quittex.rewrite.options import RewriteOptions


@dataclass
class Target:
    platform: str
    publisher: Publisher
    media_limits: BlueskyLimits | MastodonLimits
    label: str  # the account, as a person reads it

    def close(self) -> None:
        close = getattr(self.publisher, "close", None)
        if close:
            close()


def open_targets(platforms: list[str], bluesky_handle: str | None = None, mastodon_account: str | None = None) -> dict[str, Target]:
    """Log in (from saved sessions or the environment) to every platform.
    Raises AuthError, naming the command to run, when one is not set up."""
    targets: dict[str, Target] = {}
    for platform in platforms:
        if platform == "bluesky":
            targets[platform] = _bluesky(bluesky_handle)
        else:
            targets[platform] = _mastodon(mastodon_account)
    return targets


def _bluesky(handle: str | None) -> Target:
    from quittex.accounts import bluesky_session
    from quittex.publish.bluesky import BlueskyPublisher

    session = bluesky_session(handle)
    hosted = _bluesky_hosted(session.pds)
    # Bluesky's video service serves Bluesky-hosted accounts; a self-hosted PDS
    # takes videos as plain blobs. Web URLs built from the DID survive a
    # change of handle.
    publisher = BlueskyPublisher(session.client, session.did, video_service="https://video.bsky.app" if hosted else None)
    limits = BlueskyLimits() if hosted else BlueskyLimits().without_video_service()
    return Target("bluesky", publisher, limits, f"@{session.handle} ({session.pds})")


def _bluesky_hosted(pds: str) -> bool:
    host = (urlparse(pds).hostname or "").lower()
    return host == "bsky.social" or host.endswith(".bsky.network") or host.endswith(".bsky.social")


def _mastodon(account: str | None) -> Target:
    from quittex.accounts import mastodon_session
    from quittex.publish.mastodon import MastodonPublisher

    session = mastodon_session(account)
    publisher = MastodonPublisher(session.client, session.account)
    limits = publisher.limits()
    return Target("mastodon", publisher, limits.media, f"@{session.account}")


def with_platform_limits(options: RewriteOptions, targets: dict[str, Target]) -> RewriteOptions:
    """The rewriting options with the limits the Mastodon instance announces."""
    target = targets.get("mastodon")
    if target is None:
        return options
    mastodon = target.publisher.limits().rewrite_options(options.mastodon)  # type: ignore[attr-defined]
    return options.model_copy(update={"mastodon": mastodon})


def migrated_ids(archive_account: str, targets: dict[str, Target], state_dir: Path | None) -> frozenset[str]:
    """Tweets some earlier run already published (first part done), on any
    chosen platform: links to them can point to the new posts."""
    done: set[str] = set()
    for platform, target in targets.items():
        path = journal_path(platform, archive_account, target.publisher.account, state_dir)
        if path.exists():
            with Journal.read_only(path) as journal:
                done.update(e.tweet_id for e in journal.entries("done") if e.part == 0)
    return frozenset(done)
