"""The shared pipeline: a thread of tweets → the drafts of one platform, in posting order.

tweet → tokens (tokens.py) → pieces (the platform module) → parts
(layout.py, split.py) → drafts (draft.py), media grouped alongside
(attachments.py). Parents chain the posts: the parts of a tweet follow each
other, and a self-reply continues from the last post of the tweet it answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

import regex

from quittex.errors import BadInputError
from quittex.i18n import _
from quittex.models import Thread, Tweet
from quittex.platforms import PLATFORMS, REGISTRY
from quittex.rewrite.attachments import MediaPlan, plan_media
from quittex.rewrite.datenote import dominant_locale, local_time, note_template, note_tokens, template_fields
from quittex.rewrite.draft import (
    Draft,
    DraftFields,
    DraftMedia,
    DraftWarning,
    LinkToMigrated,
    PendingMention,
    PostRef,
    QuoteEmbed,
)
from quittex.rewrite.language import primary_language
from quittex.rewrite.layout import (
    BLOCK_SEPARATOR,
    META_SEPARATOR,
    MIN_ROOM,
    Blocks,
    LayoutPlanner,
    PartLayout,
    TweetLayout,
    numbering,
)
from quittex.rewrite.links import status_url
from quittex.rewrite.measure import utf8_len
from quittex.rewrite.options import LOCALES, MentionMode, Platform, RewriteOptions
from quittex.rewrite.pieces import Piece, Rendered, join_stripped, render
from quittex.rewrite.publish import PublishContext
from quittex.rewrite.replycontext import reply_context_tokens, without_opening_mention
from quittex.rewrite.rules import PlatformRules, SizeVerdict
from quittex.rewrite.tokens import Token, TokenContext, TweetContent, tokenize
from quittex.rewrite.videolink import OversizedVideo, video_link_tokens

ProgressCallback = Callable[[int, int, str], None]
_PROGRESS_EVERY = 500  # threads between two progress calls
# Runs of combining marks long enough to make one cluster heavier than a post.
_LONG_CLUSTER_HINT = regex.compile(r"[\p{M}\u200d\ufe0f]{31,}")
_CLUSTER = regex.compile(r"\X")
_STREAM_SAFE_LENGTH = 31  # a base character and 30 marks (UAX #15)
# What a part number adds to a post at most: "\n\n1/99 · " in UTF-8 bytes
# (see _PlatformWriter._single_post).
SPARE = utf8_len(BLOCK_SEPARATOR + numbering(0, 99) + META_SEPARATOR)


@dataclass(frozen=True, slots=True)
class Skipped:
    platform: Platform
    tweet_id: str
    code: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"platform": self.platform, "tweet_id": self.tweet_id, "code": self.code, "message": self.message}


@dataclass(slots=True)
class RewriteResult:
    platform: Platform
    drafts: list[Draft] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def extend(self, other: RewriteResult) -> None:
        self.drafts += other.drafts
        self.skipped += other.skipped


@dataclass(slots=True)
class DraftSource:
    """What `finalize()` needs to rebuild a draft's text."""

    part: PartLayout
    rules: PlatformRules
    tweet: Tweet
    locale: str

    def fits(self, text: str) -> bool:
        return self.rules.fits(text, self.tweet, self.locale)


class Rewriter:
    """Rewrites threads for the platforms, with one account's options.

    `username` is the archive's X screen name: links to its tweets become
    links to the migrated posts. `migrated_ids`, when given, are the tweets
    that exist or will exist on the new platforms (this selection plus the
    journal); a link to any other own tweet stays a link to X.
    `oversized_videos`: per platform, the videos (by path) it cannot take,
    which the posts replace by a link to the original tweet.
    """

    # For the tests that check the fast ways give the same drafts as the
    # plain ones: `shortcuts = False` sends every tweet through the layout
    # planner, and `planner` may be another implementation of it.
    shortcuts = True
    planner: type[LayoutPlanner] = LayoutPlanner

    def __init__(
        self,
        username: str,
        options: RewriteOptions | None = None,
        migrated_ids: Iterable[str] | None = None,
        oversized_videos: Mapping[str, Mapping[str, OversizedVideo]] | None = None,
    ) -> None:
        if not username or not username.strip():
            raise BadInputError(_("The archive's username is needed to recognise links to its own tweets."))
        self.username = username.strip().lstrip("@")
        self.options = options or RewriteOptions()
        self.migrated_ids = frozenset(migrated_ids) if migrated_ids is not None else None
        self.oversized_videos = oversized_videos or {}
        self.rules = {name: spec.rules(self.options) for name, spec in REGISTRY.items()}
        # Tokens read the same on every platform, except when --mentions drop
        # keeps the people of the handle map, each platform its own.
        self.tokens_per_platform = self.options.mentions == MentionMode.DROP and bool(self.options.handle_map)
        self.token_contexts: dict[tuple[str | None, bool], TokenContext] = {}
        self.notes: dict[str, dict[tuple, _Note]] = {}  # platform → (template, locale, day) → note

    def rewrite(self, thread: Thread | Tweet, platform: Platform) -> RewriteResult:
        writer = _PlatformWriter(self, self._rules(platform))
        writer.write(_ThreadReading(self, thread))
        return writer.result

    def rewrite_all(
        self,
        threads: Sequence[Thread | Tweet],
        platforms: Sequence[Platform] = PLATFORMS,
        on_progress: ProgressCallback | None = None,
    ) -> dict[Platform, RewriteResult]:
        """Every thread for every platform. `on_progress(done, total, "")`
        counts tweets, called every few hundred threads."""
        writers = [_PlatformWriter(self, self._rules(name)) for name in platforms]
        total = sum(len(t.tweets) if isinstance(t, Thread) else 1 for t in threads) if on_progress else 0
        done = 0
        for index, thread in enumerate(threads):
            reading = _ThreadReading(self, thread)  # shared by the platforms
            for writer in writers:
                writer.write(reading)
            if on_progress is not None:
                done += len(reading.tweets)
                if index % _PROGRESS_EVERY == 0 or done == total:
                    on_progress(done, total, "")
        return {writer.rules.name: writer.result for writer in writers}

    def _rules(self, platform: Platform) -> PlatformRules:
        if platform not in self.rules:
            raise BadInputError(
                _("Unknown platform {platform}: choose among {platforms}.").format(
                    platform=repr(platform), platforms=", ".join(PLATFORMS)
                )
            )
        return self.rules[platform]


def rewrite_thread(
    thread: Thread | Tweet,
    platform: Platform,
    *,
    username: str,
    options: RewriteOptions | None = None,
    migrated_ids: Iterable[str] | None = None,
) -> RewriteResult:
    """The drafts of one thread (or single tweet) for one platform."""
    return Rewriter(username, options, migrated_ids).rewrite(thread, platform)


class _ThreadReading:
    """What every platform reads the same way in one thread: its tweets'
    tokens, local dates, parents and language, each worked out once."""

    def __init__(self, rewriter: Rewriter, thread: Thread | Tweet) -> None:
        self.rewriter = rewriter
        self.tweets = thread.tweets if isinstance(thread, Thread) else [thread]
        self.parents = thread.parents if isinstance(thread, Thread) else {}
        self.contents: dict[tuple[int, str | None], TweetContent] = {}
        self.dates: dict[int, date] = {}
        self.locales: dict[int, str] = {}

    @cached_property
    def by_id(self) -> dict[str, Tweet]:
        return {t.id: t for t in self.tweets}

    @cached_property
    def thread_locale(self) -> str | None:
        return dominant_locale(self.tweets)

    def parent_tweet(self, index: int, tweet: Tweet) -> Tweet | None:
        """The tweet this one continues: its kept parent in the thread, else the one before."""
        if index == 0:
            return None
        parent_id = self.parents.get(tweet.id) if self.parents else tweet.in_reply_to_id
        earlier = self.by_id.get(parent_id or "")
        return earlier if earlier is not None and earlier is not tweet else self.tweets[index - 1]

    def locale(self, index: int, tweet: Tweet) -> str:
        """The language of the date note: the one forced, else the tweet's
        own, else the one most of the thread is written in, else the fallback."""
        locale = self.locales.get(index)
        if locale is None:
            options = self.rewriter.options
            locale = options.locale or primary_language(tweet.lang)
            if locale not in LOCALES:
                locale = self.thread_locale or options.fallback_locale
            self.locales[index] = locale
        return locale

    def content(self, index: int, rules: PlatformRules) -> TweetContent:
        key = (index, rules.name if self.rewriter.tokens_per_platform else None)
        content = self.contents.get(key)
        if content is None:
            content = self.contents[key] = tokenize(self.tweets[index], self._token_context(index, rules))
        return content

    def _token_context(self, index: int, rules: PlatformRules) -> TokenContext:
        rewriter, tweet = self.rewriter, self.tweets[index]
        replying_to = (tweet.in_reply_to_screen_name or "").lower()
        self_reply = index > 0 or replying_to == rewriter.username.lower()
        key = (rules.name if rewriter.tokens_per_platform else None, self_reply)
        context = rewriter.token_contexts.get(key)
        if context is None:
            context = TokenContext(rewriter.username, rewriter.migrated_ids, self_reply, rules.drop_mention)
            rewriter.token_contexts[key] = context
        return context

    def local_date(self, tweet: Tweet) -> date:
        day = self.dates.get(id(tweet))
        if day is None:
            day = self.dates[id(tweet)] = local_time(tweet.created_at, self.rewriter.options.timezone).date()
        return day


class _PlatformWriter:
    """Writes the drafts of one platform, thread after thread, into `result`."""

    def __init__(self, rewriter: Rewriter, rules: PlatformRules) -> None:
        self.rewriter = rewriter
        self.options = options = rewriter.options
        self.rules = rules
        self.settings = settings = rules.settings
        self.result = RewriteResult(rules.name)
        self.notes_on = options.date_note and settings.date_note
        self.note_override = settings.date_note_template or options.date_note_template
        self.notes = rewriter.notes.setdefault(rules.name, {})
        self.oversized = rewriter.oversized_videos.get(rules.name, {})
        self.templates: dict[tuple[str, bool], tuple[str, bool]] = {}
        # The thread being written: its shared reading, the last post of each
        # tweet (what a reply continues from), and its first post.
        self.reading: _ThreadReading
        self.root: PostRef | None = None

    def write(self, reading: _ThreadReading) -> None:
        self.reading, self.root = reading, None
        last_post: dict[str, PostRef | None] = {}
        drafts_out = self.result.drafts
        for index, tweet in enumerate(reading.tweets):
            parent_tweet = reading.parent_tweet(index, tweet) if index else None
            parent = last_post.get(parent_tweet.id) if parent_tweet else None
            drafts = self._tweet(tweet, index, parent_tweet, parent)
            last_post[tweet.id] = PostRef(tweet.id, drafts[-1].part) if drafts else parent
            drafts_out += drafts

    def _tweet(self, tweet: Tweet, index: int, parent_tweet: Tweet | None, parent: PostRef | None) -> list[Draft]:
        rules, reading = self.rules, self.reading
        locale = reading.locale(index, tweet)
        content = reading.content(index, rules)
        media = self._media(tweet, content)
        groups, warnings = media.groups, media.warnings
        tokens = content.tokens + self._video_links(tweet, media, locale) if media.linked else content.tokens
        if index == 0 and self._answers_someone_else(tweet):
            tokens = reply_context_tokens(tweet, locale) + without_opening_mention(
                tokens, tweet.in_reply_to_screen_name
            )
        body = rules.body_pieces(tokens)
        quote = rules.quote_pieces(content.quote) if content.quote is not None else []
        if not groups and not quote and not any(p.text.strip() for p in body):
            self.result.skipped.append(
                Skipped(
                    rules.name, tweet.id, "empty", "nothing is left to post once links X could not expand are removed"
                )
            )
            return []
        note = self._note(tweet, parent_tweet, locale)
        if self.rewriter.shortcuts and len(groups) <= 1:
            single = self._single_post(tweet, locale, body, quote, note)
            if single is not None:
                return [
                    self._draft(
                        tweet, locale, single[0], 0, 1, parent, groups[0] if groups else [], warnings, single[1], media
                    )
                ]
        blocks = Blocks(body, quote, note.pieces if note else (), len(groups))
        layout = self._shrink_oversized(self._planner(tweet, locale, blocks), warnings).plan()
        if layout.note_omitted:
            warnings.append(
                DraftWarning("date_note_omitted", _("the date note is left out so that the tweet fits in one post"))
            )
        return self._drafts(tweet, locale, layout, media, parent, warnings)

    def _media(self, tweet: Tweet, content: TweetContent) -> MediaPlan:
        """Media groups, one per post, with the warnings of the tweet so far."""
        archive = [DraftWarning("archive", w) for w in tweet.warnings] if tweet.warnings else []
        if not tweet.media:
            return MediaPlan([], archive + content.warnings)
        rules = self.rules
        plan = plan_media(
            tweet.media,
            per_post=rules.media_per_post(),
            alt_texts=self.options.alt_texts,
            alt_limit=rules.alt_limit(),
            oversized=self.oversized,
        )
        plan.warnings = [*archive, *content.warnings, *plan.warnings]
        return plan

    def _answers_someone_else(self, tweet: Tweet) -> bool:
        if not self.options.reply_context or not tweet.in_reply_to_id:
            return False
        return (tweet.in_reply_to_screen_name or "").lower() != self.rewriter.username.lower()

    def _video_links(self, tweet: Tweet, media: MediaPlan, locale: str) -> list[Token]:
        """A paragraph per video this platform cannot take, linking to the tweet on X."""
        url = status_url(self.rewriter.username, tweet.id)
        tokens: list[Token] = []
        for _linked, video in media.linked:
            tokens += video_link_tokens(video, locale=locale, platform=self.rules.name, url=url)
        return tokens

    def _note(self, tweet: Tweet, parent_tweet: Tweet | None, locale: str) -> _Note | None:
        if not self.notes_on:
            return None
        reading = self.reading
        day = reading.dates.get(id(tweet)) or reading.local_date(tweet)
        if parent_tweet is not None and reading.local_date(parent_tweet) == day:
            return None  # a thread tweet of the same day: its first post has the date
        template, daily = self._template(locale, tweet.is_retweet)
        if daily:  # the same note for every tweet of the day
            key = (template, locale, day)
            note = self.notes.get(key)
            if note is None:
                note = self.notes[key] = self._new_note(tweet, template, locale)
            return note
        return self._new_note(tweet, template, locale)

    def _template(self, locale: str, retweet: bool) -> tuple[str, bool]:
        """The note's template, and whether it only holds the date."""
        known = self.templates.get((locale, retweet))
        if known is None:
            template = note_template(locale, retweet=retweet, override=self.note_override)
            known = self.templates[(locale, retweet)] = (template, template_fields(template) <= _DATE_ONLY)
        return known

    def _new_note(self, tweet: Tweet, template: str, locale: str) -> _Note:
        url = status_url(self.rewriter.username, tweet.id)
        tokens = note_tokens(template, moment=tweet.created_at, locale=locale, zone=self.options.timezone, url=url)
        return _Note(tuple(self.rules.note_pieces(tokens)))

    def _single_post(
        self, tweet: Tweet, locale: str, body: list[Piece], quote: list[Piece], note: _Note | None
    ) -> tuple[PartLayout, Rendered] | None:
        """The tweet as one post, when it fits with room to spare; None: plan it in full.

        With `SPARE` more bytes than the whole post, and room for `MIN_ROOM`
        of text, the planner would change nothing: every piece fits alone
        with a part number, the note leaves room (check_room), and the tweet
        fits in one post. So the one post it would plan is this one,
        measured once instead of many times.
        """
        if note is not None and not note.tidy:
            return None  # not tidy: a part number would not sit right against the note
        body, quote = tuple(body), tuple(quote)
        shown = render(body).strip()
        measured_body = shown.text
        for piece in body:
            if piece.worst is not None:
                measured_body = render(body, measured=True).text.strip()
                break
        if quote:
            blocks = [shown, render(quote).strip(), note.shown if note else _NOTHING]
            rendered = join_stripped(blocks)
            whole = join_stripped(
                [Rendered(measured_body), render(quote, measured=True).strip(), Rendered(note.measured if note else "")]
            ).text
        else:  # the usual post: its body, then the note
            rendered = join_stripped([shown, note.shown]) if note else shown
            whole = (
                rendered.text
                if measured_body is shown.text
                else join_stripped([Rendered(measured_body), Rendered(note.measured if note else "")]).text
            )
        length = len(measured_body)
        spare = SPARE + max(MIN_ROOM - length, 0) + (0 if length else len(BLOCK_SEPARATOR))
        if not self.rules.surely_fits(whole, spare, tweet, locale):
            return None
        return PartLayout(body, quote, note.pieces if note else ()), rendered

    def _planner(self, tweet: Tweet, locale: str, blocks: Blocks) -> LayoutPlanner:
        planner = self.rewriter.planner(
            blocks, _Fits(self.rules, tweet, locale), note_can_split=self.rules.settings.date_note_can_split
        )
        planner.check_room(self.rules.name.capitalize())
        return planner

    def _shrink_oversized(self, planner: LayoutPlanner, warnings: list[DraftWarning]) -> LayoutPlanner:
        """Every unit the splitter moves must fit a post on its own."""
        body = [self._shrink(piece, planner, warnings) for piece in planner.blocks.body]
        planner.blocks = replace(planner.blocks, body=body)
        return planner

    def _shrink(self, piece: Piece, planner: LayoutPlanner, warnings: list[DraftWarning]) -> Piece:
        if not piece.atomic:
            return _trim_heavy_clusters(piece, planner, warnings)
        if utf8_len(piece.measured) <= MIN_ROOM:
            return piece  # check_room() guarantees room for this much
        while piece.atomic and not planner.fits_alone(piece):
            piece = self.rules.degrade(piece)
            warnings.append(
                DraftWarning(
                    "entity_shortened",
                    _("{start}… is too long for one post and was shortened").format(start=piece.text[:40]),
                )
            )
        return piece

    def _drafts(
        self,
        tweet: Tweet,
        locale: str,
        layout: TweetLayout,
        media_plan: MediaPlan,
        parent: PostRef | None,
        warnings: list[DraftWarning],
    ) -> list[Draft]:
        groups = media_plan.groups
        total = len(layout.parts)
        text_posts = total - max(len(groups) - 1, 0)
        drafts = []
        for k, part in enumerate(layout.parts):
            media = groups[0] if k == 0 and groups else groups[k - text_posts + 1] if k >= text_posts else []
            part_warnings = list(warnings) if k == 0 else []
            if layout.overflow:
                part_warnings.append(
                    DraftWarning("over_limit", _("a part could not be cut small enough for the platform"))
                )
            previous = parent if k == 0 else PostRef(tweet.id, k - 1)
            drafts.append(
                self._draft(
                    tweet,
                    locale,
                    part,
                    k,
                    total,
                    previous,
                    media,
                    part_warnings,
                    media_plan=media_plan if k == 0 else None,
                )
            )
        return drafts

    def _draft(
        self,
        tweet: Tweet,
        locale: str,
        part: PartLayout,
        k: int,
        total: int,
        parent: PostRef | None,
        media: list[DraftMedia],
        warnings: list[DraftWarning],
        rendered: Rendered | None = None,
        media_plan: MediaPlan | None = None,
    ) -> Draft:
        rendered = rendered or part.render()
        root = self.root
        if root is None:
            root = self.root = PostRef(tweet.id, k)
        fields = DraftFields(
            tweet.id,
            k,
            total,
            parent,
            None if root.tweet_id == tweet.id and root.part == k else root,
            rendered.text,
            list(media),
            [],
            warnings,
            DraftSource(part, self.rules, tweet, locale),
            list(rendered.facets),
        )
        if media_plan is not None and media_plan.linked:  # the tweet's first post says what was linked
            fields.linked_media = [linked for linked, _video in media_plan.linked]
        pending = [p.pending for p in (*part.body, *part.quote, *part.meta) if p.pending is not None]
        if pending:
            fields.links_to_migrated = [LinkToMigrated(p.key, p.original) for p in pending if p.kind == "own_link"]
            fields.quote = _pending_quote(part)
            fields.pending_mentions = [PendingMention(p.original, p.key) for p in pending if p.kind == "mention"]
        return self.rules.new_draft(tweet, locale, fields)


@dataclass(slots=True)
class _Fits:
    """Whether a text fits in a post of this tweet (see layout.FitsText)."""

    rules: PlatformRules
    tweet: Tweet
    locale: str
    by_size: SizeVerdict = field(init=False)

    def __post_init__(self) -> None:
        self.by_size = self.rules.size_verdict(self.tweet, self.locale)

    def __call__(self, text: str) -> bool:
        return self.rules.fits(text, self.tweet, self.locale)

    def grows_stricter(self, body_text: str) -> bool:
        return self.rules.grows_stricter(body_text)


@dataclass(slots=True)
class _Note:
    """A date note, rendered once for every tweet of its day."""

    pieces: tuple[Piece, ...]
    shown: Rendered = field(init=False)
    measured: str = field(init=False)
    tidy: bool = field(init=False)  # no blank around it

    def __post_init__(self) -> None:
        self.shown = render(self.pieces).strip()
        raw = render(self.pieces, measured=True).text
        self.measured = raw.strip()
        self.tidy = raw == self.measured


_NOTHING = Rendered("")
_DATE_ONLY = frozenset({"date"})


def _trim_heavy_clusters(piece: Piece, planner: LayoutPlanner, warnings: list[DraftWarning]) -> Piece:
    if not _LONG_CLUSTER_HINT.search(piece.text):
        return piece
    clusters = []
    for cluster in _CLUSTER.findall(piece.text):
        if len(cluster) > _STREAM_SAFE_LENGTH and not planner.fits_alone(Piece(cluster)):
            warnings.append(
                DraftWarning("cluster_trimmed", _("a character carrying hundreds of accents was trimmed to fit"))
            )
            cluster = cluster[:_STREAM_SAFE_LENGTH]
        clusters.append(cluster)
    return replace(piece, text="".join(clusters))


def _pending_quote(part: PartLayout) -> QuoteEmbed | None:
    quotes = [p.pending for p in part.quote if p.pending and p.pending.kind == "quote"]
    return QuoteEmbed(quotes[0].key, quotes[0].original) if quotes else None


def finalize(draft: Draft, context: PublishContext) -> Draft:
    """`draft` as it must be posted now: links to migrated posts, quote embeds
    and Bluesky mention DIDs resolved through `context`. Call it right before
    posting, when every earlier post of the run is in the journal."""
    source = draft.layout
    if draft.final or not isinstance(source, DraftSource):
        return draft
    part, warnings = _resolve(source, context, links=True)
    if not source.fits(part.render().text):
        part, warnings = _resolve(source, context, links=False)
        warnings.append(DraftWarning("links_kept_on_x", "links to migrated posts did not fit: they point to X"))
    rendered = part.render()
    changes: dict = {"text": rendered.text, "final": True, "warnings": draft.warnings + warnings}
    changes.update(source.rules.final_fields(draft, part, rendered, context))
    return replace(draft, **changes)


def _resolve(source: DraftSource, context: PublishContext, *, links: bool) -> tuple[PartLayout, list[DraftWarning]]:
    warnings: list[DraftWarning] = []

    def resolve_block(block: tuple[Piece, ...]) -> tuple[Piece, ...]:
        resolved = []
        for piece in block:
            piece, warning = source.rules.resolve(piece, context, links=links)
            resolved.append(piece)
            if warning:
                warnings.append(warning)
        return tuple(resolved)

    part = source.part
    return PartLayout(resolve_block(part.body), resolve_block(part.quote), resolve_block(part.meta)), warnings
