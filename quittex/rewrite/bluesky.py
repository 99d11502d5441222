"""Bluesky's rules: 300 graphemes and 3000 bytes, facets over UTF-8 bytes,
links shown short with the full URL in the facet, mentions only by DID."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from quittex.i18n import _
from quittex.models import Tweet
from quittex.rewrite.draft import BlueskyDraft, Draft, DraftFields, DraftWarning, Facet, Feature, QuoteEmbed
from quittex.rewrite.links import display_url, facet_uri, profile_url
from quittex.rewrite.measure import at_most_graphemes, bluesky_fits, grapheme_count, truncate_graphemes, utf8_len
from quittex.rewrite.options import BlueskyOptions, MentionMode
from quittex.rewrite.pieces import Pending, Piece, with_text
from quittex.rewrite.publish import PublishContext, valid_did
from quittex.rewrite.rules import PlatformRules, SizeVerdict, dominating, safe_mention
from quittex.rewrite.tokens import QuoteTarget, Token

# How a link to a migrated post reads once known; measured in advance.
SAMPLE_POST_URL = "https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx/post/3kabcdefghijk"
_POST_URI = re.compile(r"^at://([^/]+)/app\.bsky\.feed\.post/([^/?#]+)$")
_BLANK = re.compile(r"\s")  # what str.isspace() accepts
MAX_TAG_GRAPHEMES = 64
MAX_TAG_BYTES = 640


class BlueskyRules(PlatformRules):
    name = "bluesky"

    settings: BlueskyOptions

    def mapped_handle(self, x_handle: str) -> str | None:
        entry = self.options.handle_map.get(x_handle.lower())
        return entry.bluesky if entry else None

    def display(self, url: str) -> str:
        return display_url(facet_uri(url)) if self.settings.shorten_links else url

    def link_piece(self, url: str) -> Piece:
        uri = facet_uri(url)
        shown = display_url(uri) if self.settings.shorten_links else url  # self.display(url)
        return Piece(shown, atomic=True, feature=Feature("link", uri))

    def own_link_piece(self, url: str, tweet_id: str) -> Piece:
        shown = self.display(url)
        worst = dominating([shown, display_url(SAMPLE_POST_URL)])
        pending = Pending("own_link", tweet_id, url)
        return Piece(shown, atomic=True, feature=Feature("link", facet_uri(url)), worst=worst, pending=pending)

    def mention_piece(self, token: Token) -> Piece:
        name = self.mention_name(token)
        mapped = self.mapped_handle(token.value)
        if mapped:
            text = "@" + mapped
            worst = dominating([text, safe_mention(name)])
            return Piece(text, atomic=True, worst=worst, pending=Pending("mention", mapped, name))
        if self.options.mentions == MentionMode.LINK:
            return Piece("@" + name, atomic=True, feature=Feature("link", profile_url(token.value)))
        return Piece(safe_mention(name), atomic=True)

    def hashtag_piece(self, token: Token) -> Piece:
        tag = token.value
        valid = tag and _BLANK.search(tag) is None
        if valid and at_most_graphemes(tag, MAX_TAG_GRAPHEMES) and utf8_len(tag) <= MAX_TAG_BYTES:
            return Piece(token.text, atomic=True, feature=Feature("tag", tag))
        return Piece(token.text, atomic=True)

    def quote_pieces(self, quote: QuoteTarget | None) -> list[Piece]:
        if quote is None or not quote.own:
            return super().quote_pieces(quote)
        # Becomes a record embed: no text, unless the quoted post is missing
        # at publish time and a link has to stand in for it.
        worst = dominating([self.display(quote.url), display_url(SAMPLE_POST_URL)])
        return [Piece("", atomic=True, worst=worst, pending=Pending("quote", quote.tweet_id, quote.url))]

    def degrade(self, piece: Piece) -> Piece:
        if piece.feature is None or piece.feature.kind != "link" or grapheme_count(piece.text) <= 4:
            return super().degrade(piece)
        shorter = display_url(piece.feature.value)
        if grapheme_count(shorter) >= grapheme_count(piece.text):
            shorter = truncate_graphemes(piece.text, grapheme_count(piece.text) // 2)
        worst = dominating([shorter, display_url(SAMPLE_POST_URL)]) if piece.pending else None
        return replace(piece, text=shorter, worst=worst)

    def fits(self, text: str, tweet: Tweet, locale: str) -> bool:
        return bluesky_fits(text, max_graphemes=self.settings.max_graphemes, max_bytes=self.settings.max_bytes)

    def size_verdict(self, tweet: Tweet, locale: str) -> SizeVerdict:
        graphemes, size = self.settings.max_graphemes, self.settings.max_bytes

        def verdict(length: int, joining: int, urls: int, ats: bool) -> bool | None:
            if length <= graphemes and 4 * length <= size:
                return True  # no more clusters than code points, no more than 4 bytes each
            if length > size or length - 2 * joining > graphemes:
                return False
            return None

        return verdict

    def grows_stricter(self, body_text: str) -> bool:
        # Bytes and clusters (even counted our way) only grow as text is added.
        return True

    def surely_fits(self, text: str, spare: int, tweet: Tweet, locale: str) -> bool:
        # Never more clusters than code points (see measure.at_most_graphemes);
        # `spare` is given in bytes, so it bounds the extra code points too.
        settings = self.settings
        return len(text) + spare <= settings.max_graphemes and utf8_len(text) + spare <= settings.max_bytes

    def media_per_post(self) -> int:
        return self.settings.max_images

    def alt_limit(self) -> int:
        return self.settings.max_alt_graphemes

    def new_draft(self, tweet: Tweet, locale: str, fields: DraftFields) -> Draft:
        labels = [self.settings.sensitive_label] if self.sensitive(tweet) else []
        return BlueskyDraft(
            **self.draft_fields(tweet, fields, bool(labels)),
            facets=fields.facets,
            labels=labels,
            quote=fields.quote,
            pending_mentions=fields.pending_mentions,
            reply_gate=self.settings.reply_gate,
            quotes_allowed=self.settings.quotes_allowed,
            card_url=card_link(fields) if self.settings.link_cards else None,
        )

    def announcement(self, post_id: str, text: str, links: Sequence[Any], lang: str, created_at: datetime) -> Draft:
        facets = [Facet(f.index.byte_start, f.index.byte_end, Feature("link", f.features[0].uri)) for f in links]
        return BlueskyDraft(**self.announcement_fields(post_id, text, lang, created_at), facets=facets)

    def final_fields(self, draft: Draft, part: Any, rendered: Any, context: PublishContext) -> dict[str, Any]:
        """Facets of the final text, mentions resolved, the quote embedded."""
        assert isinstance(draft, BlueskyDraft)
        return {
            "facets": list(rendered.facets),
            "pending_mentions": [],
            "quote": _embedded_quote(draft.quote, part, context),
        }

    def resolve(
        self, piece: Piece, context: PublishContext, *, links: bool = True
    ) -> tuple[Piece, DraftWarning | None]:
        pending = piece.pending
        if pending is None:
            return piece, None
        if pending.kind == "mention":
            return self._resolve_mention(piece, context)
        # links=False: the resolved links did not fit; the X ones always do.
        post = context.migrated_post(pending.key) if links else None
        if pending.kind == "quote" and post is not None and post.uri and post.cid:
            return with_text(piece, "", None), None
        if post is None or not post.url:
            shown = self.display(pending.original)
            warning = _not_migrated(pending.key) if links else None
            return with_text(piece, shown, Feature("link", facet_uri(pending.original))), warning
        url = web_url(post.url)
        return with_text(piece, display_url(url), Feature("link", url)), None

    def _resolve_mention(self, piece: Piece, context: PublishContext) -> tuple[Piece, DraftWarning | None]:
        handle = piece.pending.key
        did = valid_did(context.resolve_did(handle))
        if did:
            return with_text(piece, piece.text, Feature("mention", did)), None
        warning = DraftWarning(
            "mention_unresolved",
            _("@{handle} did not resolve to an account: written as {written}").format(
                handle=handle, written=safe_mention(piece.pending.original)
            ),
        )
        return with_text(piece, safe_mention(piece.pending.original), None), warning


# Links a card is never made for: X itself (its pages show nothing to a
# logged-out reader), and the account's own posts (they become quotes or links).
_NO_CARD_HOSTS = re.compile(r"^https?://(?:[\w-]+\.)?(?:x\.com|twitter\.com|t\.co)(?:[/:?#]|$)", re.IGNORECASE)


def card_link(fields: DraftFields) -> str | None:
    """The link a post's card shows: its first link to the web at large, when
    the post carries no media and no quote (a post has one embed at most)."""
    if fields.media or fields.quote is not None:
        return None
    own = {link.url for link in fields.links_to_migrated}
    for facet in fields.facets:
        uri = facet.feature.value
        if facet.feature.kind == "link" and uri not in own and not _NO_CARD_HOSTS.match(uri):
            return uri
    return None


def _not_migrated(tweet_id: str) -> DraftWarning:
    return DraftWarning(
        "link_not_migrated",
        _("your tweet {tweet_id} has no migrated post: the link points to X").format(tweet_id=tweet_id),
    )


def web_url(url: str) -> str:
    """A post's address a browser opens: an at:// post URI becomes its bsky.app page."""
    match = _POST_URI.match(url)
    return f"https://bsky.app/profile/{match[1]}/post/{match[2]}" if match else url


def _embedded_quote(quote: QuoteEmbed | None, part: Any, context: PublishContext) -> QuoteEmbed | None:
    """The resolved record embed, or None when a link took its place."""
    if quote is None or "".join(p.text for p in part.quote):
        return None
    post = context.migrated_post(quote.tweet_id)
    return replace(quote, uri=post.uri, cid=post.cid) if post else None
