"""Cut a tweet's text into tokens: plain text and the entities that must stay whole.

This step knows nothing of either platform. It removes what must never be
posted (t.co leftovers, control characters), recognises links to the
account's own tweets, and also marks the @mentions, URLs and #words that X
did not list as entities, so that no later step cuts or re-parses them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Literal

from quittex.models import QuoteRef, Span, Tweet
from quittex.rewrite.draft import DraftWarning
from quittex.rewrite.links import TCO, is_tco, status_target, status_url

TokenKind = Literal["text", "link", "own_link", "hashtag", "cashtag", "mention", "protected", "gap"]

# What Mastodon would take for a mention: an @ not after a word character,
# '/' or '=' (its Account::MENTION_RE), followed by a username character.
UNMARKED_MENTION = re.compile(r"(?<![=/\w])[@＠](?=[A-Za-z0-9_])")
_MENTION_NAME = re.compile(r"[A-Za-z0-9_]{1,50}")
_UNMARKED_HASHTAG = re.compile(r"(?<![\w&/])[#＃]\w+")
_RETWEET_PREFIX = re.compile(r"^RT @(\w{1,50}):")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_GAP_SPACE = re.compile(r"[ \t]+")
_CLOSING = (",", ".", ";", ")", "]", "…")
_SPAN_ORDER = attrgetter("start", "end")


@dataclass(slots=True)
class Token:
    """Never changed once built; not frozen for speed (see pieces.Piece)."""

    kind: TokenKind
    text: str  # as written in the tweet
    value: str = ""  # URL, tag without '#', or screen name without '@'
    tweet_id: str | None = None  # own_link: the tweet it points at


@dataclass(frozen=True, slots=True)
class QuoteTarget:
    tweet_id: str
    url: str
    own: bool  # one of the account's own tweets that is migrated too


@dataclass(slots=True)
class TweetContent:
    tokens: list[Token]
    quote: QuoteTarget | None = None
    warnings: list[DraftWarning] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TokenContext:
    username: str
    migrated_ids: Collection[str] | None = None
    self_reply: bool = False
    drop_mention: Callable[[str], bool] = lambda handle: False

    def own_target(self, url: str) -> str | None:
        """The tweet id when `url` is one of the account's own posts on X."""
        target = status_target(url)
        if target is None:
            return None
        name, tweet_id = target
        named_self = name is not None and name.lower() == self.username.lower()
        known = self.migrated_ids is not None and tweet_id in self.migrated_ids
        return tweet_id if named_self or known else None

    def migrating(self, tweet_id: str) -> bool:
        return self.migrated_ids is None or tweet_id in self.migrated_ids


def tokenize(tweet: Tweet, ctx: TokenContext) -> TweetContent:
    if tweet.is_retweet:
        return _retweet(tweet)
    reader = _Reader(tweet.text, ctx)
    tokens, position = reader.content.tokens, 0
    for span in _valid_spans(tweet, reader.content.warnings):
        tokens += reader.scan(tweet.text[position : span.start])
        tokens.append(reader.span_token(span, tweet.text[span.start : span.end]))
        position = span.end
    tokens += reader.scan(tweet.text[position:])
    if ctx.self_reply:
        tokens = _strip_leading_self_mentions(tokens, ctx.username)
    for token in tokens:
        if token.kind == "gap" or not token.text:
            tokens = _close_gaps(tokens)
            break
    reader.content.tokens = _trim(tokens)
    reader.content.quote = _quote(tweet.quote, ctx, reader.content.warnings)
    return reader.content


def _retweet(tweet: Tweet) -> TweetContent:
    match = _RETWEET_PREFIX.match(tweet.text)
    url = status_url(match[1], tweet.id) if match else f"https://x.com/i/web/status/{tweet.id}"
    return TweetContent(tokens=[Token("text", "🔁 "), Token("link", url, url)])


def _valid_spans(tweet: Tweet, warnings: list[DraftWarning]) -> list[Span]:
    spans, end = [], 0
    for span in sorted(tweet.spans, key=_SPAN_ORDER):
        if 0 <= span.start < span.end <= len(tweet.text) and span.start >= end:
            spans.append(span)
            end = span.end
        else:
            warnings.append(
                DraftWarning("bad_entity", f"ignored a {span.kind} the archive placed at {span.start}–{span.end}")
            )
    return spans


class _Reader:
    """Reads the stretches of one tweet's text into tokens."""

    def __init__(self, text: str, ctx: TokenContext) -> None:
        self.ctx = ctx
        self.content = TweetContent(tokens=[])
        # Checked once on the whole text: most tweets need neither step.
        self.clean = "\r" not in text and _CONTROL.search(text) is None
        self.tco = not self.clean or "t.co/" in text.lower()

    def sanitize(self, text: str) -> str:
        return text if self.clean else _sanitize(text, self.content)

    def span_token(self, span: Span, text: str) -> Token:
        text, ctx = self.sanitize(text), self.ctx
        if span.kind == "link":
            return _link_token(span.value or text, ctx, self.content)
        if span.kind == "mention":
            name = span.value or text.lstrip("@＠")
            return Token("gap", text) if ctx.drop_mention(name) else Token("mention", text, name)
        if span.kind in ("hashtag", "cashtag"):
            return Token(span.kind, text, span.value or text[1:])
        return Token("text", text)

    def scan(self, text: str) -> list[Token]:
        """Tokens of a stretch of text X marked no entity in."""
        text = self.sanitize(text)
        if self.tco:
            text = _remove_tco(text, self.content)
        found = _unmarked(text, self.ctx, self.content)
        if not found:
            return [Token("text", text)] if text else []
        tokens, position = [], 0
        for start, end, token in found:
            if start < position:
                continue  # inside something already taken (a URL holding an @)
            tokens += [Token("text", text[position:start]), token]
            position = end
        tokens.append(Token("text", text[position:]))
        return [t for t in tokens if t.text]


def _link_token(url: str, ctx: TokenContext, content: TweetContent) -> Token:
    if is_tco(url):
        content.warnings.append(
            DraftWarning("tco_removed", f"removed a t.co link the archive could not expand ({url})")
        )
        return Token("gap", url)
    target = ctx.own_target(url)
    if target is None:
        return Token("link", url, url)
    if ctx.migrating(target):
        return Token("own_link", url, url, tweet_id=target)
    content.warnings.append(
        DraftWarning(
            "own_link_not_migrated", f"links to your tweet {target}, which is not migrated: the link stays on X"
        )
    )
    return Token("link", url, url)


def _unmarked(text: str, ctx: TokenContext, content: TweetContent) -> list[tuple[int, int, Token]]:
    found = []
    if "://" in text:
        # Imported here: twitter-text compiles large patterns on import.
        from twitter_text import extract_urls_with_indices

        for url in extract_urls_with_indices(text, extract_urls_without_protocol=False):
            start, end = url["indices"]
            found.append((start, end, _link_token(text[start:end], ctx, content)))
    if "@" in text or "＠" in text:
        for match in UNMARKED_MENTION.finditer(text):
            name = _MENTION_NAME.match(text, match.end())
            token = (
                Token("gap", "")
                if ctx.drop_mention(name[0])
                else Token("mention", text[match.start() : name.end()], name[0])
            )
            found.append((match.start(), name.end(), token))
    if "#" in text or "＃" in text:
        for match in _UNMARKED_HASHTAG.finditer(text):
            found.append((match.start(), match.end(), Token("protected", match[0])))
    return sorted(found, key=lambda item: item[0]) if len(found) > 1 else found


def _sanitize(text: str, content: TweetContent) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    clean = _CONTROL.sub(lambda m: "\ufffd" if unicodedata.category(m[0]) == "Cs" else "", text)
    if clean != text:
        content.warnings.append(
            DraftWarning("text_cleaned", "removed control characters or broken characters from the text")
        )
    return clean


def _remove_tco(text: str, content: TweetContent) -> str:
    if "t.co/" not in text.lower():
        return text
    for match in TCO.finditer(text):
        content.warnings.append(
            DraftWarning("tco_removed", f"removed a t.co link the archive could not expand ({match[0]})")
        )
    # Take the space before a removed link along when nothing but space follows.
    text = re.sub(r"[ \t]*(?:" + TCO.pattern + r")(?=\s|$)", "", text, flags=re.IGNORECASE)
    return TCO.sub("", text)


def _close_gaps(tokens: list[Token]) -> list[Token]:
    """Drop removed tokens without leaving doubled spaces behind."""
    out: list[Token] = []
    pending_gap = False
    for token in tokens:
        if token.kind == "gap":
            pending_gap = True
            continue
        if pending_gap and token.kind == "text":
            token = _join_after_gap(out, token)
        pending_gap = False
        if token.text:
            out.append(token)
    return out


def _join_after_gap(out: list[Token], token: Token) -> Token:
    before = out[-1].text if out else ""
    if before[-1:] in (" ", "\t") and token.text[:1] in _CLOSING:
        out[-1] = Token(out[-1].kind, before.rstrip(" \t"), out[-1].value, out[-1].tweet_id)
        return token
    if not before or before[-1].isspace():
        return Token("text", _GAP_SPACE.sub("", token.text[:1]) + token.text[1:])
    if token.text[:1] in " \t" and token.text[1:2] in (*_CLOSING, ""):
        return Token("text", token.text[1:])
    return token


def _strip_leading_self_mentions(tokens: list[Token], username: str) -> list[Token]:
    """A reply to oneself starts with "@self" on X; the reply chain says it now."""
    for index, token in enumerate(tokens):
        if token.kind == "mention" and token.value.lower() == username.lower():
            continue
        if token.kind == "text" and not token.text.strip():
            continue
        return tokens[index:]
    return []


def _trim(tokens: list[Token]) -> list[Token]:
    while tokens and tokens[0].kind == "text" and not tokens[0].text.strip():
        tokens = tokens[1:]
    while tokens and tokens[-1].kind == "text" and not tokens[-1].text.strip():
        tokens = tokens[:-1]
    if tokens and tokens[0].kind == "text" and tokens[0].text[:1].isspace():
        tokens = [Token("text", tokens[0].text.lstrip()), *tokens[1:]]
    if tokens and tokens[-1].kind == "text" and tokens[-1].text[-1:].isspace():
        tokens = [*tokens[:-1], Token("text", tokens[-1].text.rstrip())]
    return tokens


def _quote(quote: QuoteRef | None, ctx: TokenContext, warnings: list[DraftWarning]) -> QuoteTarget | None:
    if quote is None:
        return None
    url = quote.url if quote.url and not is_tco(quote.url) else status_url(quote.screen_name, quote.tweet_id)
    own = quote.screen_name.lower() == ctx.username.lower() or ctx.own_target(url) is not None
    if own and not ctx.migrating(quote.tweet_id):
        warnings.append(
            DraftWarning(
                "own_link_not_migrated",
                f"quotes your tweet {quote.tweet_id}, which is not migrated: it stays a link to X",
            )
        )
        own = False
    return QuoteTarget(quote.tweet_id, url, own)
