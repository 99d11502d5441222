"""Publish a migration plan to every chosen platform at once.

Each platform runs in its own thread with its own journal, publisher and
pacer, so Bluesky's hourly pace never waits for Mastodon's. Ctrl-C sets one
stop event: each platform finishes the request in flight, leaves its journal
consistent and stops.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quittex.archive import Archive
from quittex.errors import ArchiveError
from quittex.i18n import _
from quittex.media import BlueskyLimits, MastodonLimits, MediaError, check_video, prepare_image
from quittex.publish.base import MediaFile, Publisher
from quittex.publish.journal import Journal
from quittex.publish.runner import PlatformRun, ProgressCallback, RunLimits, RunReport
from quittex.rewrite.draft import Draft, DraftMedia

MAX_MEDIA_BYTES = 1 << 30


@dataclass
class PlatformJob:
    publisher: Publisher
    drafts: list[Draft]
    media_limits: BlueskyLimits | MastodonLimits
    dids: dict[str, str] = field(default_factory=dict)  # Bluesky handles resolved for mentions
    allow_private_links: bool = False  # link cards may fetch private and loopback addresses


def media_preparer(archive: Archive, limits: BlueskyLimits | MastodonLimits) -> Callable[[DraftMedia], MediaFile]:
    """Read a media file from the archive and make it fit one platform:
    images re-encoded as needed and stripped of every metadata block, videos
    checked against the platform's limits."""

    def prepare(media: DraftMedia) -> MediaFile:
        try:
            data = archive.read_media(media.path, MAX_MEDIA_BYTES)
        except ArchiveError as error:
            raise MediaError(error.message, problem="missing", name=media.path) from None
        if media.kind == "photo":
            image = prepare_image(data, limits, name=media.path)
            return MediaFile(
                "photo", image.data, image.mime_type, media.alt, image.width, image.height, path=media.path
            )
        decision = check_video(data, limits, kind=media.kind, name=media.path)  # type: ignore[arg-type]
        if not decision.upload:
            raise MediaError(
                decision.reason or _("the video is over the platform's limits"), problem="too_large", name=media.path
            )
        info = decision.info
        duration = int(info.duration_seconds * 1000) if info.duration_seconds else None
        return MediaFile(
            media.kind, data, info.mime_type, media.alt, info.width, info.height, duration, path=media.path
        )

    return prepare


@contextmanager
def _link_cards(job: PlatformJob, journal: Journal) -> Iterator[Any]:
    """Link cards for a publisher that shows them, when a draft asks for one;
    cached in the journal, so a resumed run publishes the cards first fetched."""
    if not hasattr(job.publisher, "link_cards") or not any(getattr(d, "card_url", None) for d in job.drafts):
        yield None
        return
    from quittex.cards import Fetcher, LinkCards, private_links_allowed

    fetcher = Fetcher(allow_private=private_links_allowed(job.allow_private_links))
    cards = LinkCards(fetcher, cache=journal)
    job.publisher.link_cards = cards
    try:
        yield cards
    finally:
        job.publisher.link_cards = None
        fetcher.close()


def publish_all(
    archive: Archive,
    jobs: dict[str, PlatformJob],
    *,
    limits: RunLimits,
    state_dir: Path | None = None,
    on_progress: ProgressCallback | None = None,
) -> dict[str, RunReport]:
    """Run every platform to completion (or its stop); re-raise the first
    error that stopped a platform (e.g. refused credentials) once all have
    stopped. `reports` holds what each platform that finished did."""
    reports: dict[str, RunReport] = {}
    errors: list[BaseException] = []
    threads = [
        threading.Thread(
            target=_run_one,
            args=(archive, name, job, limits, state_dir, on_progress, reports, errors),
            name=name,
            daemon=True,
        )
        for name, job in jobs.items()
    ]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
    except KeyboardInterrupt:
        limits.stop.set()
        for thread in threads:
            thread.join()
        raise
    if errors:
        raise errors[0]
    return reports


def _run_one(archive, name, job: PlatformJob, limits, state_dir, on_progress, reports, errors) -> None:
    try:
        account = archive.account
        with Journal.open(name, account.account_id or account.username, job.publisher.account, state_dir) as journal:
            if account.username:
                journal.set_meta("source_username", account.username)
            run = PlatformRun(
                job.publisher,
                journal,
                job.drafts,
                media_preparer(archive, job.media_limits),
                limits=limits,
                on_progress=on_progress,
                dids=job.dids,
            )
            with _link_cards(job, journal) as cards:
                reports[name] = run.run()
            if cards is not None:
                reports[name].cards_missing = dict(cards.failures)
    except BaseException as error:  # noqa: BLE001 - handed to the main thread
        # The other platforms go on: a refused Mastodon token is no reason to
        # stop publishing to Bluesky. The error is raised once all are done.
        errors.append(error)
