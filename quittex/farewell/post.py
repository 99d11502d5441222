"""Publish the `intro` post to the collective's new accounts.

It goes through the same publishers, journal and pacing as migrated posts: a
journal per platform and account (in the state folder's `farewell/`, apart
from the migration's journals) holds the post under an id derived from the
platform, account and text, so a crash and a re-run never post it twice, and
posting the same introduction again is refused unless asked (`force`), which
makes it anew under a new generation (a new key).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from quittex import paths
from quittex.errors import BadInputError, PlatformError
from quittex.farewell.render import FarewellText
from quittex.platforms import platform
from quittex.publish.base import MediaFile, Publisher
from quittex.publish.journal import Entry, Journal
from quittex.publish.runner import PlatformRun, RunLimits
from quittex.rewrite.draft import DraftMedia
from quittex.rewrite.options import RewriteOptions

SOURCE = "farewell"  # the journal's source account: no X account behind these posts


def post_intro(
    intro: FarewellText,
    account: str | None = None,
    *,
    force: bool = False,
    state_dir: Path | None = None,
    publisher: Publisher | None = None,
) -> tuple[str, str]:
    """(account, URL of the new post). `intro` is the rendered intro for one
    platform; `publisher` an open one (else the saved account is used)."""
    spec = platform(intro.platform)
    target = publisher or spec.connect(account)
    try:
        with Journal.open(spec.name, SOURCE, target.account, farewell_dir(state_dir)) as journal:
            remote_url = _publish_once(intro, target, journal, force)
    finally:
        if publisher is None:
            target.close()
    return target.label, remote_url


def farewell_dir(state_dir: Path | None = None) -> Path:
    return paths.private_dir((state_dir or paths.state_dir()) / "farewell")


def _publish_once(intro: FarewellText, publisher: Publisher, journal: Journal, force: bool) -> str:
    spec, post = platform(intro.platform), intro.posts[0]
    post_id = intro_id(spec.name, publisher.account, post.text)
    entry = journal.get(post_id, 0)
    if entry is not None and entry.state == "done":
        url = entry.remote.url if entry.remote else ""
        if not force:
            raise BadInputError(
                f"This introduction is already on {spec.label}: {url}", hint="Add --force to post it again."
            )
        journal.mark_undone(post_id, 0)  # planned anew, under a new key
    rules = spec.rules(RewriteOptions())
    draft = rules.announcement(post_id, post.text, post.facets, intro.lang, _first_attempt(entry))
    PlatformRun(publisher, journal, [draft], _no_media, limits=RunLimits()).run()
    done = journal.get(post_id, 0)
    if done is None or done.state != "done" or done.remote is None:
        reason = (done.reason if done else None) or "the post could not be sent; run the same command again"
        raise PlatformError(f"{spec.label} did not accept the post: {reason}")
    return done.remote.url or done.remote.id


def intro_id(platform_name: str, account: str, text: str) -> str:
    """A numeric id (the journal and Bluesky's record keys want one), the same
    for the same introduction to the same account."""
    digest = hashlib.sha256(f"{platform_name}\n{account}\n{text}".encode()).digest()
    return str(int.from_bytes(digest[:4]) % 1_000_000_000 + 1)


def _first_attempt(entry: Entry | None) -> datetime:
    """The post's time: now, or the time of the attempt a crash interrupted
    (part of its Bluesky record key, which must not change)."""
    if entry is not None and entry.tweet_created_at:
        return datetime.fromisoformat(entry.tweet_created_at)
    return datetime.now(UTC).replace(microsecond=0)


def _no_media(media: DraftMedia) -> MediaFile:
    raise AssertionError("an introduction carries no media")
