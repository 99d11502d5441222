"""Raw tweet structs → clean, platform-neutral `Tweet` models.

Entity indices are code points into the raw, still HTML-escaped `full_text`:
entities are spliced on the raw text first, and only the plain segments
between them are unescaped afterwards.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import UTC, datetime

from quittex.archive.media_files import MediaIndex, media_from_raw
from quittex.archive.raw import RawEntities, RawTweet
from quittex.i18n import N_, _
from quittex.models import QuoteRef, Span, Tweet

_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
STATUS_URL = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(\w{1,50})/status(?:es)?/(\d+)/?(?:[?#].*)?$",
    re.IGNORECASE,
)
TCO_URL = re.compile(r"https?://t\.co/\w+")
_SNOWFLAKE_EPOCH_MS = 1288834974657


def parse_created_at(value: str) -> datetime:
    """`Sat Nov 09 12:14:18 +0000 2024`, always UTC. Runs once per tweet:
    rearranged for `fromisoformat` (the day part remembered, as tweets share
    days), five times faster than slicing out six ints, `strptime` as the
    fallback."""
    if len(value) == 30 and value[20:25] == "+0000":
        day = value[4:10] + value[26:30]  # "Nov 092024"
        try:
            return datetime.fromisoformat((_ISO_DAYS.get(day) or _iso_day(day)) + value[11:19] + "+00:00")
        except (KeyError, ValueError):
            pass
    try:
        return datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y").astimezone(UTC)
    except ValueError:
        return parse_iso(value)


_ISO_DAYS: dict[str, str] = {}


def _iso_day(day: str) -> str:
    """ "Nov 092024" → "2024-11-09T" (KeyError for a month X never writes),
    remembered: one dictionary look-up per tweet, on one string."""
    iso = f"{day[6:]}-{_MONTHS[day[:3]]:02d}-{day[4:6]}T"
    if len(_ISO_DAYS) < 100_000:  # what hostile dates could add stays bounded
        _ISO_DAYS[day] = iso
    return iso


def parse_iso(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def snowflake_ms(tweet_id: str) -> int | None:
    """Milliseconds since the Unix epoch encoded in a post-2010 tweet id."""
    value = int(tweet_id)
    return (value >> 22) + _SNOWFLAKE_EPOCH_MS if value > (1 << 40) else None


def to_int(value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


def _entity_cuts(entities: RawEntities | None, media_urls: set[str]) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, value) for every entity, sorted, overlaps dropped.
    kind "media" marks the t.co link of attached media, which is removed."""
    if entities is None:
        return []
    cuts: list[tuple[int, int, str, str]] = []
    for url in entities.urls:
        kind = "media" if url.url in media_urls else "link"
        cuts.append(_cut(url.indices, kind, url.expanded_url or url.url))
    for tag in entities.hashtags:
        cuts.append(_cut(tag.indices, "hashtag", tag.text))
    for tag in entities.symbols:
        cuts.append(_cut(tag.indices, "cashtag", tag.text))
    for mention in entities.user_mentions:
        cuts.append(_cut(mention.indices, "mention", mention.screen_name))
    return without_overlaps(cuts)


def without_overlaps(cuts: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Sorted, with empty entities and any that overlap an earlier one dropped
    (corrupt or hostile indices must not garble the text)."""
    cuts.sort()
    kept, last_end = [], -1
    for cut in cuts:
        if cut[0] >= last_end and cut[0] < cut[1]:
            kept.append(cut)
            last_end = cut[1]
    return kept


def _cut(indices: list, kind: str, value: str) -> tuple[int, int, str, str]:
    try:
        start, end = indices
        return (int(start), int(end), kind, value)
    except (TypeError, ValueError):
        return (0, 0, kind, value)  # dropped by the overlap filter (empty)


def _unescape(segment: str) -> str:
    return html.unescape(segment) if "&" in segment else segment


def splice_text(
    raw_text: str, cuts: list[tuple[int, int, str, str]], tco: dict[str, str], unescape: bool = True
) -> tuple[str, list[Span]]:
    """Rebuild the clean text: links expanded, media links removed, plain
    segments unescaped; spans give each entity's place in the result."""
    clean = _unescape if unescape else (lambda segment: segment)
    if not cuts and "t.co/" not in raw_text:
        return clean(raw_text), []
    pieces: list[str] = []
    spans: list[Span] = []
    length = position = 0
    for start, end, kind, value in cuts:
        if end > len(raw_text):
            continue  # retweets carry entities past their truncated text
        plain = clean(raw_text[position:start])
        pieces.append(plain)
        length += len(plain)
        position = end
        if kind == "media":
            continue
        shown = value if kind == "link" else raw_text[start:end]
        spans.append(Span(kind, length, length + len(shown), value))  # type: ignore[arg-type]
        pieces.append(shown)
        length += len(shown)
    tail = clean(raw_text[position:])
    if "t.co/" in tail and tco:
        tail = TCO_URL.sub(lambda m: tco.get(m.group(0), m.group(0)), tail)
    pieces.append(tail)
    return "".join(pieces), spans


def split_quote(text: str, spans: list[Span]) -> tuple[str, list[Span], QuoteRef | None]:
    """A status link ending the text is a quote tweet: take it out of the text."""
    if not spans or spans[-1].kind != "link":
        return text, spans, None
    last = spans[-1]
    if text[last.end :].strip():
        return text, spans, None
    match = STATUS_URL.match(last.value)
    if not match:
        return text, spans, None
    quote = QuoteRef(tweet_id=match.group(2), screen_name=match.group(1), url=last.value)
    return text[: last.start].rstrip(), spans[:-1], quote


def tweet_id_of(raw: RawTweet) -> str | None:
    if raw.id_str:
        return raw.id_str
    return str(raw.id) if raw.id is not None else None


NO_TEXT = N_("the archive gives this tweet no text (no full_text)")


def has_text(raw: RawTweet) -> bool:
    """Whether the archive gives the tweet a text at all (an empty one counts)."""
    return raw.full_text is not None or raw.text is not None


def build_tweet(raw: RawTweet, media_index: MediaIndex) -> Tweet | None:
    """The tweet of `raw`, or None without a usable id. Its text, spans and
    quote are spliced when first read (see `LazyTweet`)."""
    tweet_id = tweet_id_of(raw)
    if tweet_id is None or not tweet_id.isdigit():
        return None
    raw_text = raw.full_text if raw.full_text is not None else (raw.text or "")
    media_raw = _media_list(raw)
    warnings: list[str] = [] if has_text(raw) else [_(NO_TEXT)]
    media = media_from_raw(tweet_id, media_raw, media_index, warnings) if media_raw else []
    tweet = Tweet(
        id=tweet_id,
        created_at=_created_at(raw.created_at, tweet_id),
        text=Unspliced(raw_text, raw.entities, media_raw),  # type: ignore[arg-type]
        lang=raw.lang,
        media=media,
        in_reply_to_id=raw.in_reply_to_status_id_str or None,
        in_reply_to_user_id=raw.in_reply_to_user_id_str or None,
        in_reply_to_screen_name=raw.in_reply_to_screen_name or None,
        is_retweet=raw_text.startswith("RT @"),
        favorite_count=to_int(raw.favorite_count),
        retweet_count=to_int(raw.retweet_count),
        possibly_sensitive=raw.possibly_sensitive in (True, "true"),
        warnings=warnings,
    )
    tweet.__class__ = LazyTweet  # same slots: Tweet's __init__, then the lazy accessors
    return tweet


class Unspliced:
    """What splicing a tweet's text needs, kept in its `text` slot until read.

    The entity cuts are worked out at once, while the raw tweet is fresh in
    the CPU cache (later they would cost several times more): hashtags and
    quotes are answered from them without splicing."""

    __slots__ = ("raw_text", "cuts", "urls", "media_urls", "has_media", "tags")

    def __init__(self, raw_text: str, entities: RawEntities | None, media_raw: list) -> None:
        self.raw_text = raw_text
        self.media_urls = {m.url for m in media_raw if m.url} if media_raw else _NO_URLS
        self.cuts = _entity_cuts(entities, self.media_urls)
        self.urls = entities.urls if entities is not None and entities.urls else None
        self.has_media = bool(media_raw)
        limit = len(raw_text)  # as splice_text, which drops entities past the text
        self.tags = (
            [value for _start, end, kind, value in self.cuts if kind == "hashtag" and end <= limit]
            if self.cuts
            else _NO_TAGS
        )

    def splice(self) -> tuple[str, list[Span], QuoteRef | None]:
        tco = {u.url: (u.expanded_url or u.url) for u in self.urls} if self.urls else {}
        text, spans = splice_text(self.raw_text, self.cuts, tco)
        if self.media_urls:
            text = _strip_media_links(text, self.media_urls)
        text, spans, quote = split_quote(text, spans)
        return (text.rstrip() if self.has_media else text), spans, quote

    def hashtags(self) -> list[str]:
        """The hashtags the spans will hold."""
        return list(self.tags)

    def may_quote(self) -> bool:
        """False when no link could be a quoted status (the quote is then None)."""
        return any(kind == "link" and STATUS_URL.match(value) for _start, _end, kind, value in self.cuts)


_NO_URLS: frozenset[str] = frozenset()
_NO_TAGS: tuple[str, ...] = ()
_TEXT_SLOT = Tweet.__dict__["text"]
_SPANS_SLOT = Tweet.__dict__["spans"]
_QUOTE_SLOT = Tweet.__dict__["quote"]


class LazyTweet(Tweet):
    """A `Tweet` whose text, spans and quote are spliced on first use.

    `inspect` never reads them (it counts hashtags from the entity cuts), and
    a dry run's worker processes each splice their own share. Its `text` slot
    holds an `Unspliced` until then; the first read or write of text, spans
    or quote splices them and turns the object into a plain `Tweet` (same
    slots), so that later reads cost nothing extra. Made by `build_tweet`
    only; to every caller it behaves exactly as the eagerly built Tweet."""

    __slots__ = ()

    def settle(self) -> Tweet:
        """Splice now (if not done yet) and become a plain Tweet."""
        try:
            pending = _TEXT_SLOT.__get__(self, Tweet)
        except AttributeError:  # slots not written yet (dataclasses.replace, unpickling)
            pending = None
        if isinstance(pending, Unspliced):
            text, spans, quote = pending.splice()
            _SPANS_SLOT.__set__(self, spans)
            _QUOTE_SLOT.__set__(self, quote)
            # Last: another thread that finds the text spliced finds the rest too.
            _TEXT_SLOT.__set__(self, text)
        self.__class__ = Tweet
        return self

    @property  # type: ignore[override]
    def text(self) -> str:
        return self.settle().text

    @text.setter
    def text(self, value: str) -> None:
        self.settle().text = value

    @property  # type: ignore[override]
    def spans(self) -> list[Span]:
        return self.settle().spans

    @spans.setter
    def spans(self, value: list[Span]) -> None:
        self.settle().spans = value

    @property  # type: ignore[override]
    def quote(self) -> QuoteRef | None:
        return self.settle().quote

    @quote.setter
    def quote(self, value: QuoteRef | None) -> None:
        self.settle().quote = value

    @property
    def hashtags(self) -> list[str]:
        pending = _TEXT_SLOT.__get__(self, Tweet)  # spliced meanwhile by another thread?
        return pending.hashtags() if isinstance(pending, Unspliced) else Tweet.hashtags.fget(self)

    def may_quote(self) -> bool:
        pending = _TEXT_SLOT.__get__(self, Tweet)
        return not isinstance(pending, Unspliced) or pending.may_quote()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyTweet):
            other.settle()
        return self.settle() == other

    __hash__ = None  # type: ignore[assignment]  # as the dataclass: mutable, unhashable

    def __repr__(self) -> str:
        return repr(self.settle())

    def __reduce_ex__(self, protocol):  # type: ignore[override]
        return self.settle().__reduce_ex__(protocol)


def hashtags_of(tweet: Tweet) -> Sequence[str]:
    """The hashtags of `tweet`, as `tweet.hashtags` gives them, without
    splicing a lazy tweet's text and without a copy: read it, never change it."""
    if type(tweet) is LazyTweet:
        pending = _TEXT_SLOT.__get__(tweet, Tweet)
        if type(pending) is Unspliced:
            return pending.tags
    return tweet.hashtags


def quoted_id(tweet: Tweet) -> str | None:
    """The id of the tweet `tweet` quotes; splices a lazy tweet only if it may quote."""
    if type(tweet) is LazyTweet and not tweet.may_quote():
        return None
    return tweet.quote.tweet_id if tweet.quote else None


def _media_list(raw: RawTweet):
    if raw.extended_entities and raw.extended_entities.media:
        return raw.extended_entities.media
    return raw.entities.media if raw.entities else []


def _strip_media_links(text: str, media_urls: set[str]) -> str:
    # Media links normally sit in an entity and are already gone; this catches
    # a trailing one whose indices were off (cutting the end keeps spans valid).
    for url in media_urls:
        if text.rstrip().endswith(url):
            text = text.rstrip()[: -len(url)]
    return text


def _created_at(value: str, tweet_id: str) -> datetime:
    try:
        return parse_created_at(value) if value else _time_from_id(tweet_id)
    except ValueError:  # a damaged date: the id tells the time too
        return _time_from_id(tweet_id)


def _time_from_id(tweet_id: str) -> datetime:
    ms = snowflake_ms(tweet_id) or 0
    return datetime.fromtimestamp(ms / 1000, tz=UTC)
