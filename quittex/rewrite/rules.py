"""What every platform module provides, and what they share.

A platform module turns tokens into pieces (how a link, a mention, a hashtag
reads there), says whether a text fits, which fields its drafts carry, and
how pending pieces resolve at publish time.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import replace
from math import ceil
from typing import Any

from quittex.models import Tweet
from quittex.rewrite.draft import Draft, DraftFields
from quittex.rewrite.language import bluesky_langs
from quittex.rewrite.measure import grapheme_count, utf8_len
from quittex.rewrite.options import BlueskyOptions, MastodonOptions, MentionMode, Platform, RewriteOptions
from quittex.rewrite.pieces import Piece
from quittex.rewrite.tokens import UNMARKED_MENTION, QuoteTarget, Token

SizeVerdict = Callable[[int, int, int, bool], bool | None]
SAFE_AT = "＠"  # FULLWIDTH COMMERCIAL AT: reads as "@", never parsed as a mention


def safe_mention(name: str) -> str:
    return SAFE_AT + name


def dominating(texts: Sequence[str]) -> str:
    """A stand-in at least as long as each of `texts` in graphemes and in bytes."""
    clusters = max(grapheme_count(t) for t in texts)
    size = max(utf8_len(t) for t in texts)
    if clusters == 0:
        return ""
    last_cluster_bytes = max(size - (clusters - 1), 1)
    # "x" plus combining marks (2 bytes each) stays one cluster.
    return "x" * (clusters - 1) + "x" + "\u0301" * ceil((last_cluster_bytes - 1) / 2)


class PlatformRules(ABC):
    name: Platform

    def __init__(self, options: RewriteOptions) -> None:
        self.options = options
        self.settings: MastodonOptions | BlueskyOptions = options.platform(self.name)
        # The same hashtag or mention reads the same in every tweet.
        self._named: dict[tuple[str, str, str], Piece] = {}

    # -- mentions -----------------------------------------------------------
    @abstractmethod
    def mapped_handle(self, x_handle: str) -> str | None:
        """The account this X handle maps to here, from the handle map."""

    def drop_mention(self, x_handle: str) -> bool:
        return self.options.mentions == MentionMode.DROP and self.mapped_handle(x_handle) is None

    # -- pieces -------------------------------------------------------------
    def body_pieces(self, tokens: Sequence[Token]) -> list[Piece]:
        return neutralize_mentions([Piece(t.text) if t.kind == "text" else self.piece(t) for t in tokens])

    def piece(self, token: Token) -> Piece:
        kind = token.kind
        if kind == "text":
            return Piece(token.text)
        if kind == "link":
            return self.link_piece(token.value)
        if kind == "own_link":
            return self.own_link_piece(token.value, token.tweet_id or "")
        key = (kind, token.text, token.value)
        piece = self._named.get(key)
        if piece is None:
            piece = self._named[key] = self._named_piece(token)
        return piece

    def _named_piece(self, token: Token) -> Piece:
        if token.kind == "mention":
            return self.mention_piece(token)
        if token.kind == "hashtag":
            return self.hashtag_piece(token)
        return Piece(token.text, atomic=True)  # cashtags and unmarked #words

    @abstractmethod
    def link_piece(self, url: str) -> Piece: ...

    @abstractmethod
    def own_link_piece(self, url: str, tweet_id: str) -> Piece: ...

    @abstractmethod
    def mention_piece(self, token: Token) -> Piece: ...

    def hashtag_piece(self, token: Token) -> Piece:
        return Piece(token.text, atomic=True)

    def quote_pieces(self, quote: QuoteTarget | None) -> list[Piece]:
        if quote is None:
            return []
        if quote.own:
            return [self.own_link_piece(quote.url, quote.tweet_id)]
        return [self.link_piece(quote.url)]

    def note_pieces(self, tokens: Sequence[Token]) -> list[Piece]:
        return [self.link_piece(t.value) if t.kind == "link" else Piece(t.text) for t in tokens]

    def degrade(self, piece: Piece) -> Piece:
        """A piece too long for any post: keep its text, let it be cut."""
        return Piece(piece.text)

    # -- measuring, drafts, publishing -------------------------------------
    @abstractmethod
    def fits(self, text: str, tweet: Tweet, locale: str) -> bool: ...

    @abstractmethod
    def size_verdict(self, tweet: Tweet, locale: str) -> SizeVerdict:
        """verdict(length, joining, urls, ats): what `fits()` says of any text
        of `length` code points, of which `joining` may join a neighbour, with
        at most `urls` '://' and an '@' only if `ats`; None when that does
        not settle it."""

    @abstractmethod
    def grows_stricter(self, body_text: str) -> bool:
        """True when a post made of a stretch of `body_text`, then other text
        after a blank line, can only stop fitting as the stretch grows (never
        fit again): its count only grows with it."""

    @abstractmethod
    def surely_fits(self, text: str, spare: int, tweet: Tweet, locale: str) -> bool:
        """True only if any text made of `text`'s characters (or fewer) plus
        up to `spare` more characters, none of them part of a URL, fits:
        a bound that needs no counting. False: count with `fits()`."""

    @abstractmethod
    def media_per_post(self) -> int: ...

    @abstractmethod
    def alt_limit(self) -> int: ...

    @abstractmethod
    def new_draft(self, tweet: Tweet, locale: str, fields: DraftFields) -> Draft:
        """The draft of one post of `tweet`, with this platform's fields."""

    @abstractmethod
    def resolve(self, piece: Piece, context) -> Piece:
        """`piece` as it must be posted, given what the publish context knows."""

    @abstractmethod
    def announcement(self, post_id: str, text: str, links: Sequence[Any], lang: str, created_at: Any) -> Draft:
        """A public post of quittex's own (the farewell introduction), final as
        it is: `links` are rich-text link facets (the atproto SDK's) of `text`."""

    @staticmethod
    def announcement_fields(post_id: str, text: str, lang: str, created_at: Any) -> dict[str, Any]:
        """What an announcement's draft has on any platform: one final post."""
        return {
            "tweet_id": post_id, "part": 0, "parts": 1, "parent": None, "root": None, "created_at": created_at,
            "text": text, "langs": [lang], "final": True,
        }  # fmt: skip

    def final_fields(self, draft: Draft, part: Any, rendered: Any, context: Any) -> dict[str, Any]:
        """What else `finalize()` changes in a draft of this platform, once
        `part` (its resolved layout) is rendered: none by default."""
        return {}

    def draft_fields(self, tweet: Tweet, fields: DraftFields, sensitive: bool) -> dict[str, Any]:
        """What every platform's draft takes from the tweet and its fields."""
        return {
            "tweet_id": fields.tweet_id,
            "part": fields.part,
            "parts": fields.parts,
            "parent": fields.parent,
            "root": fields.root,
            "created_at": tweet.created_at,
            "text": fields.text,
            "media": fields.media,
            "linked_media": fields.linked_media,
            "langs": bluesky_langs(tweet.lang),
            "sensitive": sensitive,
            "is_retweet": tweet.is_retweet,
            "links_to_migrated": fields.links_to_migrated,
            "warnings": fields.warnings,
            "layout": fields.layout,
        }

    def sensitive(self, tweet: Tweet) -> bool:
        return tweet.possibly_sensitive and self.options.mark_sensitive

    def mention_name(self, token: Token) -> str:
        """The name as the tweet wrote it ("@LaQuadrature", not the lower-cased value)."""
        typed = token.text.lstrip("@＠")
        return typed if typed.lower() == token.value.lower() else token.value


def neutralize_mentions(pieces: list[Piece]) -> list[Piece]:
    """Turn any '@' that Mastodon would still read as a mention into '＠'.

    Tokens already cover every mention of the original text; this catches the
    ones that removing a token brought to life ("@a@bc" once "@a" is dropped).
    """
    for piece in pieces:
        if not piece.atomic and "@" in piece.text:
            break
    else:
        return pieces  # no '@' outside the mentions already made safe
    out: list[Piece] = []
    previous = ""
    for piece in pieces:
        if not piece.atomic and "@" in piece.text:
            piece = replace(piece, text=_neutralize(piece.text, previous))
        out.append(piece)
        previous = piece.text[-1:] or previous
    return out


def _neutralize(text: str, previous: str) -> str:
    context = previous + text
    chars = list(text)
    for match in UNMARKED_MENTION.finditer(context):
        at = match.start() - len(previous)
        if at >= 0 and chars[at] == "@":
            chars[at] = SAFE_AT
    return "".join(chars)
