"""A Bluesky post's text as it will be shown, with the link facets it needs.

Bluesky does not turn URLs in a post into links by itself: the client sends
facets, each a UTF-8 byte range of the text and the URI it points to. Like the
Bluesky app, we show a link without its scheme (and shortened when long), so it
costs fewer of the 300 graphemes, while the facet keeps the full address.
A Mastodon address is linked to its profile page, since Bluesky cannot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from quittex.config import mastodon_profile_url

MAX_LINK_DISPLAY = 40


@dataclass(frozen=True)
class RichText:
    text: str
    # app.bsky.richtext.facet#main models, ready for a post record.
    facets: tuple[Any, ...]


def bluesky_rich_text(text: str, mastodon_address: str | None = None) -> RichText:
    from atproto import client_utils  # a second to import: only when a farewell is made

    builder = client_utils.TextBuilder()
    position = 0
    for start, end, uri, shown in _links(text, mastodon_address):
        builder.text(text[position:start])
        builder.link(shown, uri)
        position = end
    builder.text(text[position:])
    return RichText(builder.build_text(), tuple(builder.build_facets()))


def display_url(url: str) -> str:
    """`https://collectif.org/lettre/` shown as `collectif.org/lettre`."""
    shown = url.split("://", 1)[-1].rstrip("/")
    if len(shown) > MAX_LINK_DISPLAY:
        shown = shown[: MAX_LINK_DISPLAY - 1] + "…"
    return shown


Link = tuple[int, int, str, str]  # start, end (code points), uri, text shown


def _links(text: str, mastodon_address: str | None) -> list[Link]:
    """Every link to make, in order, never overlapping."""
    from twitter_text import extract_urls_with_indices  # slow to import: only when needed

    links = [
        (*found["indices"], found["url"], display_url(found["url"]))
        for found in extract_urls_with_indices(text, extract_urls_without_protocol=False)
    ]
    if mastodon_address:
        links += _occurrences(text, mastodon_address, mastodon_profile_url(mastodon_address))
    links.sort()
    kept: list[Link] = []
    for link in links:
        if not kept or link[0] >= kept[-1][1]:
            kept.append(link)
    return kept


def _occurrences(text: str, needle: str, uri: str) -> list[Link]:
    found, start = [], text.find(needle)
    while start != -1:
        found.append((start, start + len(needle), uri, needle))
        start = text.find(needle, start + len(needle))
    return found
