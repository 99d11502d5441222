"""Drive one platform's drafts through the journal, exactly once each.

For every post, in order (a thread's parent always before its replies):
  settled in the journal → skip;
  "sending" (a crash or an error mid-request) → ask the platform whether the
    post exists (`find`) before sending it again;
  parent missing → failed, retried by a later run once the parent is there;
  otherwise: media prepared and uploaded, the post finalised (links to already
    migrated posts), "sending" committed, the request made, "done" committed.

Errors: transient ones are retried with backoff and jitter through that same
idempotent path; a 429 waits for the server's reset (the pacer); a refused
post is marked failed with the server's reason and the run goes on; refused
credentials stop the run.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from quittex.i18n import N_, _
from quittex.publish.base import MediaFile, Publisher, RateLimitError, RefusedError, TransientError, UploadedMedia
from quittex.publish.journal import Journal, MediaNote, PlannedPost, Remote
from quittex.publish.pacing import StopRequested
from quittex.rewrite.draft import Draft, DraftMedia
from quittex.rewrite.pipeline import finalize
from quittex.rewrite.publish import MigratedPost, PublishContext

MAX_ATTEMPTS = 6
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_MAX_SECONDS = 120.0
# Written in the journal in English (its contents are not translated); shown through `_()`.
PARENT_MISSING = N_("the post it replies to was not published; a later run retries")
# `RunReport.stopped_because` when the user stopped the run: a marker, compared, never shown as is.
INTERRUPTED = "interrupted"

# (draft media) → the file prepared for this platform; raises MediaError.
MediaPreparer = Callable[[DraftMedia], MediaFile]


@dataclass
class RunLimits:
    max_posts: int | None = None  # posts to create in this run (cron-friendly)
    stop: threading.Event = field(default_factory=threading.Event)  # Ctrl-C: stop after the request in flight


@dataclass
class RunReport:
    platform: str
    created: int = 0
    already_done: int = 0
    failed: int = 0
    left: int = 0
    media_warnings: list[str] = field(default_factory=list)
    stopped_because: str | None = None  # a sentence for people, or INTERRUPTED
    cards_missing: dict[str, str] = field(default_factory=dict)  # link → why its post has no card

    @property
    def complete(self) -> bool:
        return self.left == 0 and self.failed == 0


@dataclass
class Progress:
    """What a progress display shows: counts, the tweet being posted, waits."""

    platform: str
    total: int
    done: int = 0
    current: Draft | None = None
    waiting_seconds: float = 0.0
    waiting_reason: str = ""


ProgressCallback = Callable[[Progress], None]


class _JournalContext(PublishContext):
    """Links and quotes to already migrated tweets, from the journal."""

    def __init__(self, journal: Journal, dids: dict[str, str] | None = None) -> None:
        self.journal = journal
        self.dids = dids or {}

    def migrated_post(self, tweet_id: str) -> MigratedPost | None:
        remote = self.journal.remote(tweet_id, 0)
        if remote is None:
            return None
        return MigratedPost(
            url=remote.url or remote.id, uri=remote.id if remote.cid else None, cid=remote.cid, id=remote.id
        )

    def resolve_did(self, handle: str) -> str | None:
        return self.dids.get(handle)


def plan_journal(journal: Journal, drafts: list[Draft]) -> int:
    return journal.plan(PlannedPost(d.tweet_id, d.part, d.created_at) for d in drafts)


class PlatformRun:
    def __init__(
        self,
        publisher: Publisher,
        journal: Journal,
        drafts: list[Draft],
        prepare_media: MediaPreparer,
        *,
        limits: RunLimits | None = None,
        on_progress: ProgressCallback | None = None,
        dids: dict[str, str] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.publisher, self.journal, self.drafts = publisher, journal, drafts
        self.prepare_media = prepare_media
        self.limits = limits or RunLimits()
        self.report = RunReport(publisher.platform)
        self.progress = Progress(publisher.platform, total=len(drafts))
        self.on_progress = on_progress
        self.context = _JournalContext(journal, dids)
        self._sleep = sleep or self._interruptible_sleep
        publisher.pacer.sleep = self._sleep
        publisher.pacer.on_wait = self._waiting

    def run(self) -> RunReport:
        plan_journal(self.journal, self.drafts)
        # Posts already recorded can never be taken for a lost one.
        self.publisher.claim(e.remote.id for e in self.journal.entries("done") if e.remote)
        try:
            for draft in self.drafts:
                if self._should_stop():
                    break
                self._publish_one(draft)
                self._advance(draft)
        except StopRequested as stop:
            self.report.stopped_because = stop.message
        self.report.left = sum(1 for d in self.drafts if self._state(d) in ("pending", "sending"))
        self.report.failed = sum(1 for d in self.drafts if self._state(d) == "failed")
        return self.report

    # -- one post --------------------------------------------------------------
    def _publish_one(self, draft: Draft) -> None:
        entry = self.journal.get(draft.tweet_id, draft.part)
        if entry is not None and entry.state in ("done", "skipped", "undone"):
            self.report.already_done += 1
            return
        parent, root = self._thread_refs(draft)
        if draft.parent is not None and parent is None:
            self.journal.mark_failed(draft.tweet_id, draft.part, PARENT_MISSING)
            return
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                self._attempt(draft, parent, root)
                return
            except TransientError as error:
                if attempt == MAX_ATTEMPTS:
                    raise TransientError(
                        _("{platform}: {reason} ({attempts} attempts). Run again later to resume.").format(
                            platform=self.publisher.platform, reason=error.message, attempts=MAX_ATTEMPTS
                        ),
                    ) from None
                self._backoff(attempt)
            except RateLimitError as error:
                if attempt == MAX_ATTEMPTS:
                    raise RateLimitError(
                        _("{platform} keeps answering 429 after {attempts} waits: {reason}").format(
                            platform=self.publisher.platform, attempts=MAX_ATTEMPTS, reason=error.message
                        )
                    ) from None
                continue  # the pacer now waits for the server's reset
            except RefusedError as error:
                self.journal.mark_failed(draft.tweet_id, draft.part, error.message)
                return

    def _attempt(self, draft: Draft, parent: Remote | None, root: Remote | None) -> None:
        # Final text first: a lost post is looked up by what was really sent
        # (links to migrated posts resolved), not by the dry-run text.
        final = finalize(draft, self.context)
        entry = self.journal.get(draft.tweet_id, draft.part)
        linked = [MediaNote(draft.tweet_id, draft.part, m.path, "linked", m.reason) for m in draft.linked_media]
        if entry is not None and entry.state == "sending":
            found = self.publisher.find(final, entry, parent=parent)
            if found is not None:
                self.journal.mark_done(draft.tweet_id, draft.part, found, linked)
                return
        uploaded, left_out = self._upload_media(draft)
        key = self.publisher.request_key(final, entry.generation if entry else 0)
        self.journal.mark_sending(draft.tweet_id, draft.part, key)
        remote = self.publisher.create(final, key, uploaded, parent, root)
        self.journal.mark_done(draft.tweet_id, draft.part, remote, linked + left_out)
        self.report.created += 1

    def _upload_media(self, draft: Draft) -> tuple[list[UploadedMedia], list[MediaNote]]:
        """The media uploaded, and those the post goes without (said in the journal)."""
        from quittex.media import MediaError

        uploaded, left_out = [], []
        for media in draft.media:
            try:
                uploaded.append(self.publisher.upload(self.prepare_media(media)))
            except MediaError as error:
                left_out.append(MediaNote(draft.tweet_id, draft.part, media.path, "left_out", error.message))
                self.report.media_warnings.append(
                    _("tweet {tweet_id}: {path} not attached: {reason}").format(
                        tweet_id=draft.tweet_id, path=media.path, reason=error.message
                    )
                )
        return uploaded, left_out

    def _thread_refs(self, draft: Draft) -> tuple[Remote | None, Remote | None]:
        parent = self.journal.remote(draft.parent.tweet_id, draft.parent.part) if draft.parent else None
        root = self.journal.remote(draft.root.tweet_id, draft.root.part) if draft.root else None
        return parent, root or parent

    # -- pacing, stopping, progress ---------------------------------------------
    def _should_stop(self) -> bool:
        if self.limits.stop.is_set():
            self.report.stopped_because = INTERRUPTED
            return True
        if self.limits.max_posts is not None and self.report.created >= self.limits.max_posts:
            self.report.stopped_because = _("--max-posts {count} reached").format(count=self.limits.max_posts)
            return True
        return False

    def _backoff(self, attempt: int) -> None:
        delay = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (attempt - 1))
        self._sleep(delay * random.uniform(0.5, 1.0))  # noqa: S311 - jitter, not crypto

    def _interruptible_sleep(self, seconds: float) -> None:
        if self.limits.stop.wait(seconds):
            raise StopRequested(INTERRUPTED)

    def _waiting(self, seconds: float, reason: str) -> None:
        self.progress.waiting_seconds, self.progress.waiting_reason = seconds, reason
        self._notify()

    def _advance(self, draft: Draft) -> None:
        self.progress.done += 1
        self.progress.current = draft
        self._notify()

    def _notify(self) -> None:
        if self.on_progress:
            self.on_progress(self.progress)

    def _state(self, draft: Draft) -> str | None:
        entry = self.journal.get(draft.tweet_id, draft.part)
        return entry.state if entry else None


def run_platform(*args, **kwargs) -> RunReport:
    return PlatformRun(*args, **kwargs).run()
