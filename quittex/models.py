"""The normalised, platform-neutral models every later stage works on.

They are plain slotted dataclasses rather than pydantic models: an archive can
hold hundreds of thousands of tweets, and these are built once per tweet on
the hot path of `inspect` and `migrate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

MediaKind = Literal["photo", "video", "animated_gif"]
SpanKind = Literal["link", "hashtag", "mention", "cashtag"]


@dataclass(slots=True)
class Span:
    """Where an entity sits in `Tweet.text`, in code points (end exclusive).

    `value` is the URL for a link, the tag without `#` for a hashtag or
    cashtag, the screen name without `@` for a mention.
    """

    kind: SpanKind
    start: int
    end: int
    value: str


@dataclass(slots=True)
class Media:
    kind: MediaKind
    media_id: str
    # Path of the file inside the archive ("data/tweets_media/123-abc.jpg"),
    # or None when the file is missing from the archive.
    path: str | None
    # Where X served it (photo URL or best mp4 variant), for reference only.
    source_url: str
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
    size_bytes: int | None = None


@dataclass(slots=True)
class QuoteRef:
    """A quote tweet: X stores it as a status link at the end of the text."""

    tweet_id: str
    screen_name: str
    url: str


@dataclass(slots=True)
class Tweet:
    id: str
    created_at: datetime  # aware, UTC
    # Clean text: HTML entities decoded, t.co links replaced by their expanded
    # URL, media links removed, a trailing quote link removed (see `quote`).
    text: str
    lang: str | None = None
    spans: list[Span] = field(default_factory=list)
    media: list[Media] = field(default_factory=list)
    in_reply_to_id: str | None = None
    in_reply_to_user_id: str | None = None
    in_reply_to_screen_name: str | None = None
    quote: QuoteRef | None = None
    is_retweet: bool = False
    favorite_count: int = 0
    retweet_count: int = 0
    possibly_sensitive: bool = False
    from_note_tweet: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def links(self) -> list[str]:
        return [s.value for s in self.spans if s.kind == "link"]

    @property
    def hashtags(self) -> list[str]:
        return [s.value for s in self.spans if s.kind == "hashtag"]

    @property
    def mentions(self) -> list[str]:
        return [s.value for s in self.spans if s.kind == "mention"]

    @property
    def is_reply(self) -> bool:
        return self.in_reply_to_user_id is not None or self.in_reply_to_id is not None

    def url(self, username: str) -> str:
        return f"https://x.com/{username}/status/{self.id}"


@dataclass(slots=True)
class Account:
    account_id: str
    username: str
    display_name: str | None = None
    bio: str | None = None
    website: str | None = None  # a t.co link: the archive does not say where it leads
    location: str | None = None
    avatar_url: str | None = None  # on X's servers: names the file in profile_media/
    header_url: str | None = None
    created_at: datetime | None = None


@dataclass(slots=True)
class Thread:
    """Tweets connected by self-replies, oldest first.

    `fragment` is True when the first tweet replies to the account's own tweet
    that is not in the archive (deleted, or cut from a partial archive).
    """

    tweets: list[Tweet]
    fragment: bool = False
    # tweet id → id of the tweet it continues in this thread. The first tweet
    # has none. After selection a tweet whose parent was left out continues
    # from its nearest kept ancestor.
    parents: dict[str, str] = field(default_factory=dict)

    @property
    def root(self) -> Tweet:
        return self.tweets[0]

    def parent_id(self, tweet: Tweet) -> str | None:
        return self.parents.get(tweet.id)
