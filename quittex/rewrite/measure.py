"""How long a post is, counted the way each server counts it.

Both servers count grapheme clusters (what a reader sees as one character),
but each with the Unicode data of its own runtime. Unicode 15.1 started
joining Indic conjuncts ("क्ष") into one cluster; a server on older data still
counts two. We count them apart, so our count is never below a server's.
"""

from __future__ import annotations

import re
from functools import cache

from quittex.text import at_most_graphemes, grapheme_count, graphemes, truncate_graphemes, utf8_len

__all__ = [
    "at_most_graphemes",
    "bluesky_fits",
    "bluesky_size",
    "grapheme_count",
    "graphemes",
    "mastodon_fits",
    "mastodon_length",
    "truncate_graphemes",
    "utf8_len",
]

# Mastodon counts a remote mention "@user@domain" as "@user" (same pattern as
# Mastodon.py's get_status_length).
_MASTODON_REMOTE_MENTION = re.compile(r"(^|[^/\w])@(([a-z0-9_]+)@[a-z0-9\.\-]+[a-z0-9]+)", re.IGNORECASE)


@cache
def _mastodon_url() -> re.Pattern[str]:
    # Mastodon.py's port of the server's URL pattern; importing Mastodon.py
    # takes a quarter of a second, so only once a URL needs counting.
    from mastodon._url_regex import url_regex

    return url_regex


def bluesky_fits(text: str, *, max_graphemes: int, max_bytes: int) -> bool:
    return at_most_graphemes(text, max_graphemes) and utf8_len(text) <= max_bytes


def bluesky_size(text: str) -> tuple[int, int]:
    """(graphemes, UTF-8 bytes): Bluesky limits a post on both."""
    return grapheme_count(text), utf8_len(text)


def mastodon_length(text: str, spoiler_text: str = "", *, url_weight: int = 23) -> int:
    """The length Mastodon checks against `max_characters`.

    Every URL counts `url_weight` (the instance's `characters_reserved_per_url`),
    a remote mention counts without its domain, and the content warning counts
    too. Mastodon.py's `get_status_length()` does the same with a fixed 23 and
    needs an optional dependency, hence this port.
    """
    countable = text
    if "://" in countable:  # the URL pattern is costly; most posts have no URL
        countable = _mastodon_url().sub(lambda m: m.group(2) + "x" * url_weight, countable)
    if "@" in countable:
        countable = _MASTODON_REMOTE_MENTION.sub(r"\1@\3", countable)
    return grapheme_count(countable) + grapheme_count(spoiler_text)


def mastodon_fits(text: str, spoiler_text: str, *, url_weight: int, max_characters: int) -> bool:
    # Without a URL (which may weigh more than it is long), code points bound
    # the count from above: no need to count.
    if "://" not in text and len(text) + len(spoiler_text) <= max_characters:
        return True
    return mastodon_length(text, spoiler_text, url_weight=url_weight) <= max_characters
