"""The posts the rewriting produces: one `Draft` per post, in posting order.

A draft is complete for a dry run. Right before posting, `finalize()` (see
`quittex.rewrite.publish`) swaps in what only exists then: the URL or record
of an already migrated post, the DID behind a Bluesky handle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Literal

from quittex.models import Media, MediaKind
from quittex.rewrite.measure import grapheme_count, mastodon_length
from quittex.rewrite.options import Platform

WILL_LINK = "will link to the migrated post"
CARD_LATER = "a card of this page is fetched when the post is published"
FeatureKind = Literal["link", "tag", "mention"]


@dataclass(frozen=True, slots=True)
class PostRef:
    """One post of the migration: the `part`-th post made from tweet `tweet_id`."""

    tweet_id: str
    part: int

    def to_json(self) -> dict[str, Any]:
        return {"tweet_id": self.tweet_id, "part": self.part}


@dataclass(frozen=True, slots=True)
class DraftWarning:
    """Something a user should know about this post. `code` is stable (for
    machines), `message` is for people, in the run's language."""

    code: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class DraftMedia:
    path: str
    kind: MediaKind
    alt: str = ""
    # The archive's description of the file, for the media stage (size, aspect ratio).
    source: Media | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "alt": self.alt}


@dataclass(frozen=True, slots=True)
class LinkedMedia:
    """A video the platform cannot take: the post links to the original tweet instead."""

    path: str
    kind: MediaKind
    reason: str  # English: why the platform cannot take it

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "kind": self.kind, "reason": self.reason}


_FEATURE_KEYS = {"link": "uri", "tag": "tag", "mention": "did"}
_FEATURE_TYPES = {kind: f"app.bsky.richtext.facet#{kind}" for kind in _FEATURE_KEYS}


@dataclass(frozen=True, slots=True)
class Feature:
    """A Bluesky rich-text feature: a link URI, a tag without '#', or a mention DID."""

    kind: FeatureKind
    value: str

    def to_json(self) -> dict[str, str]:
        return {"$type": _FEATURE_TYPES[self.kind], _FEATURE_KEYS[self.kind]: self.value}


@dataclass(frozen=True, slots=True)
class Facet:
    """A feature over UTF-8 bytes [byte_start, byte_end) of the post text."""

    byte_start: int
    byte_end: int
    feature: Feature

    def to_json(self) -> dict[str, Any]:
        return {
            "index": {"byteStart": self.byte_start, "byteEnd": self.byte_end},
            "features": [self.feature.to_json()],
        }

    def shifted(self, by: int) -> Facet:
        return Facet(self.byte_start + by, self.byte_end + by, self.feature)


@dataclass(frozen=True, slots=True)
class LinkToMigrated:
    """The post links to one of the account's own tweets, migrated too."""

    tweet_id: str
    url: str  # the original URL on X, kept when the migrated post cannot be found

    def to_json(self) -> dict[str, str]:
        return {"tweet_id": self.tweet_id, "url": self.url, "note": WILL_LINK}


@dataclass(frozen=True, slots=True)
class QuoteEmbed:
    """Bluesky: the post quotes one of the account's own migrated tweets.

    `uri`/`cid` are filled by `finalize()`; until then the embed is pending.
    """

    tweet_id: str
    url: str
    uri: str | None = None
    cid: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": "record", "tweet_id": self.tweet_id, "url": self.url}
        if self.uri:
            data.update(uri=self.uri, cid=self.cid)
        else:
            data["note"] = WILL_LINK
        return data

    def record(self) -> dict[str, Any] | None:
        """The `app.bsky.embed.record` object, once resolved."""
        if not (self.uri and self.cid):
            return None
        return {"$type": "app.bsky.embed.record", "record": {"uri": self.uri, "cid": self.cid}}


@dataclass(frozen=True, slots=True)
class PendingMention:
    """Bluesky: a handle-map mention that becomes a mention facet once its DID is known."""

    x_handle: str
    handle: str

    def to_json(self) -> dict[str, str]:
        return {"x_handle": self.x_handle, "handle": self.handle}


@dataclass(slots=True)
class DraftFields:
    """What the post of a tweet has on any platform; each platform's rules
    turn it into their draft (`PlatformRules.new_draft`)."""

    tweet_id: str
    part: int
    parts: int
    parent: PostRef | None
    root: PostRef | None
    text: str
    media: list[DraftMedia]
    links_to_migrated: list[LinkToMigrated]
    warnings: list[DraftWarning]
    layout: Any
    facets: list[Facet]  # Bluesky only, like the two below
    quote: QuoteEmbed | None = None
    pending_mentions: list[PendingMention] = field(default_factory=list)
    linked_media: list[LinkedMedia] = field(default_factory=list)


SNOWFLAKE_EPOCH_MS = 1288834974657


def precise_time(tweet_id: str, created_at: datetime) -> datetime:
    """The archive gives whole seconds; a tweet id since late 2010 holds the millisecond."""
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    if not tweet_id.isdigit():
        return created_at
    moment = datetime.fromtimestamp(((int(tweet_id) >> 22) + SNOWFLAKE_EPOCH_MS) / 1000, tz=UTC)
    return moment if _NO_TIME <= moment - created_at < _ONE_SECOND else created_at


_NO_TIME, _ONE_SECOND = timedelta(0), timedelta(seconds=1)


def iso_utc(moment: datetime, *, millis: bool = False) -> str:
    """ISO 8601 in UTC with a "Z": isoformat(timespec="seconds" or
    "milliseconds"), spelt out (three times faster, and written for every post)."""
    if moment.tzinfo is not UTC:  # the archive reader's times already are
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    text = "%04d-%02d-%02dT%02d:%02d:%02d" % (  # noqa: UP031 - the fastest way, for every post
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
    )
    return f"{text}.{moment.microsecond // 1000:03d}Z" if millis else text + "Z"


@dataclass(kw_only=True, slots=True)
class Draft:
    """One post to create. `parent` is the post it replies to (None: top level)."""

    platform: ClassVar[Platform]
    tweet_id: str
    part: int
    parts: int
    parent: PostRef | None
    root: PostRef | None
    created_at: datetime
    text: str
    media: list[DraftMedia] = field(default_factory=list)
    # Videos replaced by a link to the original tweet (first post of a tweet).
    linked_media: list[LinkedMedia] = field(default_factory=list)
    langs: list[str] = field(default_factory=list)
    sensitive: bool = False
    is_retweet: bool = False
    links_to_migrated: list[LinkToMigrated] = field(default_factory=list)
    warnings: list[DraftWarning] = field(default_factory=list)
    final: bool = False
    # The text's building blocks, so finalize() can rebuild it (see pieces.py).
    layout: Any = field(default=None, repr=False, compare=False)

    @property
    def ref(self) -> PostRef:
        return PostRef(self.tweet_id, self.part)

    def shown_length(self) -> int:
        """The post's length as its platform counts it against its limit."""
        raise NotImplementedError

    # What a preview shows beside the text, where the platform has it.
    @property
    def content_warning(self) -> str:
        return ""

    @property
    def self_labels(self) -> list[str]:
        return []

    @property
    def embedded_quote(self) -> QuoteEmbed | None:
        return None

    def to_json(self) -> dict[str, Any]:
        created = iso_utc(self.created_at)
        data: dict[str, Any] = {
            "platform": self.platform,
            "tweet_id": self.tweet_id,
            "part": self.part,
            "parts": self.parts,
            "parent": {"tweet_id": self.parent.tweet_id, "part": self.parent.part}
            if self.parent
            else None,  # PostRef.to_json()
            "root": {"tweet_id": self.root.tweet_id, "part": self.root.part} if self.root else None,
            "created_at": created,
            "text": self.text,
            "media": [m.to_json() for m in self.media] if self.media else [],
            "linked_media": [m.to_json() for m in self.linked_media] if self.linked_media else [],
            "langs": list(self.langs),
            "sensitive": self.sensitive,
            "links_to_migrated": [link.to_json() for link in self.links_to_migrated] if self.links_to_migrated else [],
            "warnings": [w.to_json() for w in self.warnings] if self.warnings else [],
        }
        data.update(self._platform_json(created))
        return data

    def _platform_json(self, created: str) -> dict[str, Any]:
        return {}


@dataclass(kw_only=True, slots=True)
class MastodonDraft(Draft):
    platform: ClassVar[Platform] = "mastodon"
    visibility: str = "unlisted"
    language: str | None = None
    spoiler_text: str = ""
    quote: QuoteEmbed | None = None  # a native quote of an own migrated tweet (Mastodon 4.5+)
    quoted_status_id: str | None = None  # set by finalize() from the quoted tweet's status
    quote_approval_policy: str | None = None

    @property
    def embedded_quote(self) -> QuoteEmbed | None:
        return self.quote

    def _platform_json(self, created: str) -> dict[str, Any]:
        data = {"visibility": self.visibility, "language": self.language, "spoiler_text": self.spoiler_text}
        if self.quote is not None:
            data["embed"] = {**self.quote.to_json(), "type": "quote", "status_id": self.quoted_status_id}
        if self.quote_approval_policy:
            data["quote_approval_policy"] = self.quote_approval_policy
        return data

    def shown_length(self) -> int:
        return mastodon_length(self.text, self.spoiler_text or "")

    @property
    def content_warning(self) -> str:
        return self.spoiler_text


@dataclass(kw_only=True, slots=True)
class BlueskyDraft(Draft):
    platform: ClassVar[Platform] = "bluesky"
    facets: list[Facet] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    quote: QuoteEmbed | None = None
    pending_mentions: list[PendingMention] = field(default_factory=list)
    reply_gate: str | None = None  # who may reply (a threadgate on the thread's first post); None: everyone
    quotes_allowed: bool = True  # False: a postgate turns quoting off
    card_url: str | None = None  # the link whose card the post shows, fetched when published
    card_preview: dict[str, Any] | None = None  # a dry run with --link-cards: the card fetched, or why none
    card_thumb: bytes | None = None  # its picture, for the HTML preview (not in the JSON)

    def shown_length(self) -> int:
        return grapheme_count(self.text)

    @property
    def self_labels(self) -> list[str]:
        return self.labels

    @property
    def embedded_quote(self) -> QuoteEmbed | None:
        return self.quote

    @property
    def record_created_at(self) -> str:
        """`createdAt` for the record: the tweet's time to the millisecond (from
        its id), plus a millisecond per part so the posts of one tweet keep
        their order in feeds."""
        return self._record_created_at(iso_utc(self.created_at))

    def _record_created_at(self, created: str) -> str:
        # `created` is iso_utc(self.created_at). The usual case (a whole
        # second, UTC, a numeric id) in integers; the same as the general one.
        moment = self.created_at
        if moment.tzinfo is UTC and not moment.microsecond and self.tweet_id.isdigit():
            offset = (int(self.tweet_id) >> 22) + SNOWFLAKE_EPOCH_MS - int(moment.timestamp()) * 1000
            millis = (offset if 0 <= offset < 1000 else 0) + self.part  # precise_time()
            if millis < 1000:
                return "%s.%03dZ" % (created[:-1], millis)  # noqa: UP031 - the fastest way, for every post
        return iso_utc(precise_time(self.tweet_id, self.created_at) + timedelta(milliseconds=self.part), millis=True)

    def record_facets(self) -> list[dict[str, Any]]:
        # Facet.to_json() of each, spelt out: written for every post.
        return [
            {
                "index": {"byteStart": f.byte_start, "byteEnd": f.byte_end},
                "features": [{"$type": _FEATURE_TYPES[f.feature.kind], _FEATURE_KEYS[f.feature.kind]: f.feature.value}],
            }
            for f in self.facets
        ]

    def _card_json(self) -> dict[str, Any]:
        if self.card_preview is None:
            return {"url": self.card_url, "note": CARD_LATER}
        return {"url": self.card_url, **self.card_preview}

    def record_labels(self) -> dict[str, Any] | None:
        if not self.labels:
            return None
        return {"$type": "com.atproto.label.defs#selfLabels", "values": [{"val": v} for v in self.labels]}

    def _platform_json(self, created: str) -> dict[str, Any]:
        return {
            "facets": self.record_facets() if self.facets else [],
            "labels": list(self.labels),
            "record_created_at": self._record_created_at(created),
            "embed": self.quote.to_json() if self.quote else None,
            "pending_mentions": [m.to_json() for m in self.pending_mentions] if self.pending_mentions else [],
            **({"reply_gate": self.reply_gate} if self.reply_gate else {}),
            **({"quotes_allowed": False} if not self.quotes_allowed else {}),
            **({"link_card": self._card_json()} if self.card_url else {}),
        }
