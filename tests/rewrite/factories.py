"""Tweets for the rewrite tests, with entity spans found the way the reader lists them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from quittex.models import Media, QuoteRef, Span, Thread, Tweet

WHEN = datetime(2019, 3, 4, 12, 14, 18, tzinfo=UTC)
ENTITY = re.compile(r"(?P<link>https?://\S+)|(?<![\w@])[@＠](?P<mention>\w{1,15})|(?<![\w&])[#＃](?P<hashtag>\w+)")


def spans_of(text: str) -> list[Span]:
    spans = []
    for match in ENTITY.finditer(text):
        kind = match.lastgroup
        value = match[kind]
        spans.append(Span(kind, match.start(), match.end(), value))
    return spans


def tweet(text: str, *, id: str = "1000", lang: str | None = "en", spans: list[Span] | None = None, **fields) -> Tweet:
    fields.setdefault("created_at", WHEN)
    return Tweet(id=id, text=text, lang=lang, spans=spans_of(text) if spans is None else spans, **fields)


def photo(name: str) -> Media:
    return Media("photo", name, f"data/tweets_media/{name}.jpg", f"https://pbs.twimg.com/media/{name}.jpg")


def video(name: str) -> Media:
    return Media("video", name, f"data/tweets_media/{name}.mp4", f"https://video.twimg.com/{name}.mp4")


def quote(tweet_id: str, screen_name: str) -> QuoteRef:
    return QuoteRef(tweet_id, screen_name, f"https://twitter.com/{screen_name}/status/{tweet_id}")


def thread(*tweets: Tweet) -> Thread:
    return Thread(list(tweets))
