"""Link cards for Bluesky posts: a page's own description, fetched safely."""

from quittex.cards.card import LinkCard, LinkCards, PageCard, parse_page
from quittex.cards.fetch import CardFetchError, Fetched, Fetcher, private_links_allowed

__all__ = [
    "CardFetchError",
    "Fetched",
    "Fetcher",
    "LinkCard",
    "LinkCards",
    "PageCard",
    "parse_page",
    "private_links_allowed",
]
