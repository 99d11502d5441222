"""Per-platform rewriting: tweets → the Mastodon and Bluesky posts that carry them.

Typical use (dry run)::

    rewriter = Rewriter(account.username, RewriteOptions(...), migrated_ids=selected_ids)
    for thread in threads:
        result = rewriter.rewrite(thread, "bluesky")
        for draft in result.drafts:
            print(json.dumps(draft.to_json()))

At publish time, right before posting each draft::

    post = finalize(draft, context)   # context: a PublishContext (journal + DID resolver)

Modules: tokens (platform-neutral reading of a tweet), mastodon / bluesky (each
platform's rules), layout + split (parts and cutting), datenote, attachments
(media per post), measure (lengths as the servers count them), publish (the
publish-time hook).
"""

from quittex.rewrite.draft import (
    BlueskyDraft,
    Draft,
    DraftMedia,
    DraftWarning,
    Facet,
    Feature,
    LinkToMigrated,
    MastodonDraft,
    PendingMention,
    PostRef,
    QuoteEmbed,
)
from quittex.rewrite.handle_map import load_handle_map, parse_handle_map
from quittex.rewrite.measure import bluesky_size, grapheme_count, mastodon_length
from quittex.rewrite.options import (
    LOCALES,
    PLATFORMS,
    BlueskyOptions,
    HandleEntry,
    MastodonOptions,
    MentionMode,
    Platform,
    RewriteOptions,
)
from quittex.rewrite.pipeline import Rewriter, RewriteResult, Skipped, finalize, rewrite_thread
from quittex.rewrite.publish import MigratedPost, PublishContext, StaticContext
from quittex.rewrite.rules import SAFE_AT

__all__ = [
    "LOCALES",
    "PLATFORMS",
    "SAFE_AT",
    "BlueskyDraft",
    "BlueskyOptions",
    "Draft",
    "DraftMedia",
    "DraftWarning",
    "Facet",
    "Feature",
    "HandleEntry",
    "LinkToMigrated",
    "MastodonDraft",
    "MastodonOptions",
    "MentionMode",
    "MigratedPost",
    "PendingMention",
    "Platform",
    "PostRef",
    "PublishContext",
    "QuoteEmbed",
    "RewriteOptions",
    "RewriteResult",
    "Rewriter",
    "Skipped",
    "StaticContext",
    "bluesky_size",
    "finalize",
    "grapheme_count",
    "load_handle_map",
    "mastodon_length",
    "parse_handle_map",
    "rewrite_thread",
]
