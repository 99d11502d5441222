"""Mastodon's rules: URLs count 23, no facets, a content warning counts too,
and only an ASCII '@' followed by a name makes a mention."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from quittex.i18n import _
from quittex.models import Tweet
from quittex.rewrite.datenote import spoiler_text
from quittex.rewrite.draft import Draft, DraftFields, DraftWarning, MastodonDraft
from quittex.rewrite.language import mastodon_language
from quittex.rewrite.links import facet_uri, profile_url
from quittex.rewrite.measure import grapheme_count, mastodon_fits
from quittex.rewrite.options import MastodonOptions, MentionMode
from quittex.rewrite.pieces import Pending, Piece, with_text
from quittex.rewrite.publish import PublishContext
from quittex.rewrite.rules import PlatformRules, SizeVerdict, safe_mention
from quittex.rewrite.tokens import QuoteTarget, Token


class MastodonRules(PlatformRules):
    name = "mastodon"

    settings: MastodonOptions

    def mapped_handle(self, x_handle: str) -> str | None:
        entry = self.options.handle_map.get(x_handle.lower())
        return entry.mastodon if entry else None

    def link_piece(self, url: str) -> Piece:
        return Piece(facet_uri(url), atomic=True)

    def own_link_piece(self, url: str, tweet_id: str) -> Piece:
        # Any status URL counts 23 like this one: no stand-in needed.
        return Piece(facet_uri(url), atomic=True, pending=Pending("own_link", tweet_id, url))

    def quote_pieces(self, quote: QuoteTarget | None) -> list[Piece]:
        if quote is None or not quote.own or not self.settings.native_quotes:
            return super().quote_pieces(quote)
        # A native quote once the quoted post exists; until then (and if it
        # never does) a link, which counts 23 like the status URL it becomes.
        return [Piece(facet_uri(quote.url), atomic=True, pending=Pending("quote", quote.tweet_id, quote.url))]

    def mention_piece(self, token: Token) -> Piece:
        mapped = self.mapped_handle(token.value)
        if mapped:
            return Piece("@" + mapped, atomic=True)
        if self.options.mentions == MentionMode.LINK:
            return Piece(profile_url(token.value), atomic=True)
        return Piece(safe_mention(self.mention_name(token)), atomic=True)

    def spoiler(self, tweet: Tweet, locale: str) -> str:
        return spoiler_text(locale, self.settings.spoiler_text) if self.sensitive(tweet) else ""

    def fits(self, text: str, tweet: Tweet, locale: str) -> bool:
        settings = self.settings
        return mastodon_fits(
            text,
            self.spoiler(tweet, locale),
            url_weight=settings.characters_reserved_per_url,
            max_characters=settings.max_characters,
        )

    def size_verdict(self, tweet: Tweet, locale: str) -> SizeVerdict:
        spoiler = self.spoiler(tweet, locale)
        weight = self.settings.characters_reserved_per_url
        # The text may use what the content warning leaves: at least this...
        surely_left = self.settings.max_characters - len(spoiler)
        # ...and at most this.
        at_most_left = self.settings.max_characters - grapheme_count(spoiler)

        def verdict(length: int, joining: int, urls: int, ats: bool) -> bool | None:
            if length + urls * weight <= surely_left:
                return True
            if not urls and not ats and length - 2 * joining > at_most_left:
                return False  # nothing counts shorter than it is: only clusters
            return None

        return verdict

    def grows_stricter(self, body_text: str) -> bool:
        # Clusters only grow as text is added, but a longer stretch may turn
        # into a URL (counted 23) or a remote mention (counted without its
        # domain): only without '://' or '@' is the count its clusters.
        return "://" not in body_text and "@" not in body_text

    def surely_fits(self, text: str, spare: int, tweet: Tweet, locale: str) -> bool:
        # Each URL Mastodon finds holds a "://" and counts `url_weight` in
        # place of its own length; no count exceeds the code points.
        settings = self.settings
        urls = text.count("://") * settings.characters_reserved_per_url
        return len(text) + urls + len(self.spoiler(tweet, locale)) + spare <= settings.max_characters

    def media_per_post(self) -> int:
        return self.settings.max_media_attachments

    def alt_limit(self) -> int:
        return self.settings.description_limit

    def new_draft(self, tweet: Tweet, locale: str, fields: DraftFields) -> Draft:
        sensitive = self.sensitive(tweet)
        return MastodonDraft(
            **self.draft_fields(tweet, fields, sensitive),
            visibility=self.settings.visibility,
            language=mastodon_language(tweet.lang),
            spoiler_text=spoiler_text(locale, self.settings.spoiler_text) if sensitive else "",
            quote=fields.quote,
            quote_approval_policy=self.settings.quote_approval_policy,
        )

    def announcement(self, post_id: str, text: str, links: Sequence[Any], lang: str, created_at: datetime) -> Draft:
        # Mastodon finds the links in the text itself.
        return MastodonDraft(
            **self.announcement_fields(post_id, text, lang, created_at), visibility="public", language=lang
        )

    def resolve(
        self, piece: Piece, context: PublishContext, *, links: bool = True
    ) -> tuple[Piece, DraftWarning | None]:
        if piece.pending is None:
            return piece, None
        if not links:
            return with_text(piece, piece.text, None), None
        post = context.migrated_post(piece.pending.key)
        if piece.pending.kind == "quote" and post is not None and post.id:
            return with_text(piece, "", None), None  # quoted natively: no link in the text
        if post is None or not post.url:
            return with_text(piece, piece.text, None), _not_migrated(piece.pending.key)
        return with_text(piece, post.url, None), None

    def final_fields(self, draft: Draft, part: Any, rendered: Any, context: PublishContext) -> dict[str, Any]:
        """The quoted status, when the quote became a native one."""
        assert isinstance(draft, MastodonDraft)
        quote = draft.quote
        if quote is None or "".join(p.text for p in part.quote):
            return {"quote": None, "quoted_status_id": None}
        post = context.migrated_post(quote.tweet_id)
        return {"quoted_status_id": post.id if post else None}


def _not_migrated(tweet_id: str) -> DraftWarning:
    return DraftWarning(
        "link_not_migrated",
        _("your tweet {tweet_id} has no migrated post: the link points to X").format(tweet_id=tweet_id),
    )
