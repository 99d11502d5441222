"""A migration plan: the archive's selected threads rewritten for each platform.

This is everything a dry run shows and everything the publisher will post,
computed without any network access.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from quittex.archive import Archive
from quittex.archive.gcpause import paused_gc
from quittex.errors import BadInputError
from quittex.i18n import _, format_number
from quittex.media import archive_video_info, check_video
from quittex.media.sniff import describe_bytes, looks_truncated
from quittex.migrate.select import Selection, SelectOptions, select
from quittex.models import Tweet
from quittex.platforms import platform as platform_spec
from quittex.publish.estimate import Estimate
from quittex.rewrite.draft import Draft
from quittex.rewrite.options import Platform, RewriteOptions
from quittex.rewrite.pipeline import ProgressCallback, Rewriter, RewriteResult
from quittex.rewrite.videolink import OversizedVideo, RefusalKind

if TYPE_CHECKING:
    from quittex.migrate.review import Published

# A platform's media limits (BlueskyLimits, MastodonLimits…): what check_video() reads.
MediaLimits = Any


@dataclass
class PlatformPlan:
    platform: Platform
    drafts: list[Draft]
    skipped: Counter  # reason → tweets left out on this platform only
    estimate: Estimate

    @property
    def media_count(self) -> int:
        return sum(len(d.media) for d in self.drafts)

    @property
    def split_tweets(self) -> int:
        return len({d.tweet_id for d in self.drafts if d.parts > 1})

    @property
    def threads(self) -> int:
        return sum(1 for d in self.drafts if d.parent is None)

    @property
    def warnings(self) -> int:
        return sum(len(d.warnings) for d in self.drafts)

    @property
    def missing_alt_text(self) -> int:
        return sum(1 for d in self.drafts for m in d.media if not m.alt)

    @property
    def linked_videos(self) -> int:
        return sum(len(d.linked_media) for d in self.drafts)


@dataclass
class MigrationPlan:
    selection: Selection
    platforms: dict[Platform, PlatformPlan] = field(default_factory=dict)
    options: RewriteOptions | None = None  # what the drafts were written with (a platform's pace, say)
    # What the journals say is published: a review leaves those tweets as they are.
    published: Published | None = None

    @property
    def tweets(self) -> int:
        return len(self.selection.tweets)


def plan_migration(
    archive: Archive,
    platforms: Sequence[Platform],
    select_options: SelectOptions | None = None,
    rewrite_options: RewriteOptions | None = None,
    already_migrated: frozenset[str] = frozenset(),
    media_limits: Mapping[Platform, MediaLimits] | None = None,
    on_progress: ProgressCallback | None = None,
    published: Published | None = None,
) -> MigrationPlan:
    """Select and rewrite. `already_migrated`: tweet ids a journal says exist
    on the new platforms, so links to them can point to the new posts.
    `media_limits`: what each platform's server accepts (default: the
    platforms' documented limits); a video beyond them becomes a link.
    `on_progress(done, total, "")` counts the tweets rewritten.
    `published`: what the journals say is published (quittex.migrate.review):
    those tweets keep the text they went out with, whatever a review
    (`select_options.review`) says."""
    selection, rewriter = prepare_rewrite(
        archive, platforms, select_options, rewrite_options, already_migrated, media_limits, published
    )
    plan = MigrationPlan(selection, options=rewriter.options, published=published)
    with paused_gc():
        results = rewriter.rewrite_all(selection.threads, platforms, on_progress)
    for platform, result in results.items():
        plan.platforms[platform] = _platform_plan(platform, result, rewriter.options.platform(platform))
    return plan


def prepare_rewrite(
    archive: Archive,
    platforms: Sequence[Platform],
    select_options: SelectOptions | None = None,
    rewrite_options: RewriteOptions | None = None,
    already_migrated: frozenset[str] = frozenset(),
    media_limits: Mapping[Platform, MediaLimits] | None = None,
    published: Published | None = None,
) -> tuple[Selection, Rewriter]:
    """The threads to migrate, and the rewriter that turns them into posts:
    selected, then reviewed when `select_options.review` is given."""
    _check_alt_text_paths(archive, rewrite_options)
    select_options = select_options or SelectOptions()
    selection = select(archive.threads, select_options, archive.account.account_id or None)
    if select_options.review is not None:
        selection, rewrite_options = _reviewed(archive, selection, select_options, rewrite_options, published)
    elif published is not None and published.texts:
        from quittex.migrate.review import keep_published_texts

        selection = keep_published_texts(selection, published)
    flag_unreadable_photos(archive, selection.tweets)
    limits = {p: (media_limits or {}).get(p) or platform_spec(p).default_media_limits() for p in platforms}
    tweets = selection.tweets  # a new list at each read
    rewriter = Rewriter(
        archive.account.username or "i",
        rewrite_options,
        migrated_ids={t.id for t in tweets} | already_migrated,
        oversized_videos=oversized_videos(tweets, limits),
    )
    return selection, rewriter


def _reviewed(
    archive: Archive,
    selection: Selection,
    select_options: SelectOptions,
    rewrite_options: RewriteOptions | None,
    published: Published | None,
) -> tuple[Selection, RewriteOptions]:
    """The review applied: its left-out tweets out, its texts in, its alt texts
    winning over the alt-text sheet's."""
    from quittex.migrate.review import apply_review, check_archive

    review = select_options.review
    assert review is not None
    check_archive(review, archive.account)
    options = rewrite_options or RewriteOptions()
    selection, alt_texts, _report = apply_review(selection, review, archive.tweets, options.alt_texts, published)
    if alt_texts != options.alt_texts:
        options = options.model_copy(update={"alt_texts": alt_texts})
    return selection, options


def flag_unreadable_photos(archive: Archive, tweets: Iterable[Tweet]) -> None:
    """A warning on each tweet whose photo is empty or not an image at all (an
    HTML page saved as .jpg…), told from the file's first bytes, or cut short,
    told from its last ones where they are cheap to read: the dry run says so,
    and the post will go without it."""
    photos = [(tweet, media) for tweet in tweets for media in tweet.media if media.kind == "photo" and media.path]
    if not photos:
        return
    paths = [media.path for _tweet, media in photos]
    heads, tails = archive.source.heads(paths), archive.source.tails(paths)
    for tweet, media in photos:
        what = describe_bytes(heads.get(media.path, b""))
        name = media.path.rsplit("/", 1)[-1]
        if not what.endswith(_IMAGE_WORDS):
            warning = f"{name} is {what}, not a photo: the post goes without it"
        elif looks_truncated(what, tails.get(media.path)):
            warning = f"{name} is {what} cut short (truncated): the post goes without it"
        else:
            continue
        if warning not in tweet.warnings:  # planned twice, said once
            tweet.warnings.append(warning)


_IMAGE_WORDS = ("image", "photo")


def oversized_videos(
    tweets: Iterable[Tweet], limits: Mapping[Platform, MediaLimits]
) -> dict[Platform, dict[str, OversizedVideo]]:
    """Per platform, the videos (by path) it cannot take, judged on what the
    archive says of them (size, duration). A temporary refusal (a daily
    quota) is not one: that post waits for a later run instead."""
    found: dict[Platform, dict[str, OversizedVideo]] = {platform: {} for platform in limits}
    for tweet in tweets:
        for media in tweet.media:
            if media.kind == "photo" or not media.path:
                continue
            info = archive_video_info(media.size_bytes, media.duration_ms, path=media.path)
            if info is None:
                continue  # the publisher reads the file itself and decides then
            for platform, platform_limits in limits.items():
                decision = check_video(info, platform_limits, kind=media.kind)  # type: ignore[arg-type]
                if not decision.upload and not decision.temporary:
                    kind: RefusalKind = (
                        decision.reason_code if decision.reason_code in ("too_long", "too_big") else "refused"
                    )  # type: ignore[assignment]
                    found[platform][media.path] = OversizedVideo(
                        kind, decision.reason or "", info.duration_seconds, info.size_bytes
                    )
    return found


def _check_alt_text_paths(archive: Archive, options: RewriteOptions | None) -> None:
    """An alt text for a file the archive does not have is a sign of a sheet
    made for another archive, or an edited media_path column."""
    if options is None or not options.alt_texts:
        return
    known = {m.path for t in archive.tweets for m in t.media if m.path}
    unknown = sorted(set(options.alt_texts) - known)
    if unknown:
        shown = ", ".join(unknown[:5])
        if len(unknown) > 5:
            shown = _("{names} and {count} more").format(names=shown, count=format_number(len(unknown) - 5))
        raise BadInputError(
            _("The alt text file describes media this archive does not have: {names}.").format(names=shown),
            hint=_("Export a fresh file with 'quittex alt-text export' and keep its media_path column unchanged."),
        )


def _platform_plan(platform: Platform, result: RewriteResult, settings: Any) -> PlatformPlan:
    skipped = Counter(s.message for s in result.skipped)
    media = sum(len(d.media) for d in result.drafts)
    posts = len(result.drafts)
    estimate = platform_spec(platform).estimate(posts, media, settings)
    return PlatformPlan(platform, result.drafts, skipped, estimate)
