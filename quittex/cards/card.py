"""Link cards: what a page says of itself (OpenGraph, then Twitter-card tags,
then its <title> and description), made into Bluesky's
`app.bsky.embed.external`, with its picture through the media pipeline.

    cards = LinkCards(Fetcher(), cache=journal)
    card = cards.card("https://example.org/article")   # None: no card (cards.failures says why)

A card is fetched once per URL and kept in the journal (text and prepared
thumbnail): a resumed run, or another post with the same link, publishes the
very same card without fetching again. A page that cannot be used (dead,
slow, not HTML, hostile) gives no card, never an error.
"""

from __future__ import annotations

import json
import threading
import warnings
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urljoin

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

from quittex.cards.fetch import CardFetchError, Fetched, Fetcher
from quittex.i18n import _
from quittex.media import BlueskyLimits, MediaError, prepare_image
from quittex.text import clip_text

MAX_TITLE_GRAPHEMES = 300
MAX_DESCRIPTION_GRAPHEMES = 1000
# Placeholders a page leaves when it says nothing of itself.
_EMPTY_TITLES = {"", "untitled", "home", "index"}


@dataclass(frozen=True)
class LinkCard:
    uri: str  # the link of the post, as it was written
    title: str
    description: str
    thumb: bytes | None = None  # prepared: within Bluesky's limits, no metadata
    thumb_mime: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "uri": self.uri,
            "title": self.title,
            "description": self.description,
            "thumb": {"mime_type": self.thumb_mime, "bytes": len(self.thumb)} if self.thumb else None,
        }


@dataclass(frozen=True)
class PageCard:
    title: str
    description: str
    image: str | None  # absolute URL


class CardCache(Protocol):
    def card(self, url: str) -> tuple[str, bytes | None] | None: ...

    def save_card(self, url: str, card: str, thumb: bytes | None) -> None: ...


@dataclass
class LinkCards:
    fetcher: Fetcher
    cache: CardCache | None = None
    failures: dict[str, str] = field(default_factory=dict)  # url → why it has no card
    # Pictures by URL: a site gives most of its pages the same one (its logo).
    _pictures: dict[str, tuple[bytes | None, str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def card(self, url: str) -> LinkCard | None:
        with self._lock:  # one fetch per URL, whichever thread asks first
            cached = self.cache.card(url) if self.cache is not None else None
            if cached is not None:
                card, reason = _from_cache(url, *cached)
                if card is None:
                    self.failures[url] = reason
                return card
            card, reason = self._fetch(url)
            if self.cache is not None:
                self.cache.save_card(url, _to_cache(card, reason), card.thumb if card else None)
            if card is None:
                self.failures[url] = reason
            return card

    def _fetch(self, url: str) -> tuple[LinkCard | None, str]:
        try:
            page = parse_page(self.fetcher.page(url))
        except CardFetchError as error:
            return None, error.reason
        if not page.title:
            return None, _("the page gives no title")
        thumb, mime = self._thumb(page.image)
        return LinkCard(url, page.title, page.description, thumb, mime), ""

    def _thumb(self, image: str | None) -> tuple[bytes | None, str]:
        if not image:
            return None, ""
        if image not in self._pictures:
            try:
                fetched = self.fetcher.picture(image)
                prepared = prepare_image(fetched.data, BlueskyLimits(), name=image)
                self._pictures[image] = prepared.data, prepared.mime_type
            except (CardFetchError, MediaError):
                self._pictures[image] = None, ""  # the card goes out without its picture
        return self._pictures[image]


def parse_page(page: Fetched) -> PageCard:
    """The card a page describes, from its tags (relative image URLs made absolute)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(page.data, "html.parser", from_encoding=page.charset)
    tags: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        content = meta.get("content")
        if key and isinstance(content, str) and content.strip() and key not in tags:
            tags[key] = " ".join(content.split())
    title_tag = soup.find("title")
    title = _first(tags, "og:title", "twitter:title") or (" ".join(title_tag.get_text().split()) if title_tag else "")
    if title.lower() in _EMPTY_TITLES:
        title = ""
    description = _first(tags, "og:description", "twitter:description", "description")
    image = _first(tags, "og:image:secure_url", "og:image", "og:image:url", "twitter:image", "twitter:image:src")
    return PageCard(
        clip_text(title, max_graphemes=MAX_TITLE_GRAPHEMES),
        clip_text(description, max_graphemes=MAX_DESCRIPTION_GRAPHEMES),
        urljoin(page.url, image) if image else None,
    )


def _first(tags: dict[str, str], *keys: str) -> str:
    return next((tags[key] for key in keys if tags.get(key)), "")


def _to_cache(card: LinkCard | None, reason: str) -> str:
    if card is None:
        return json.dumps({"none": reason})
    return json.dumps({"title": card.title, "description": card.description, "thumb_mime": card.thumb_mime})


def _from_cache(url: str, data: str, thumb: bytes | None) -> tuple[LinkCard | None, str]:
    saved = json.loads(data)
    if "none" in saved:
        return None, saved["none"]
    mime = saved.get("thumb_mime", "") if thumb else ""
    return LinkCard(url, saved["title"], saved["description"], thumb, mime), ""
