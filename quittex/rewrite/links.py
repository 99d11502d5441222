"""What a URL in a tweet is (a t.co leftover, a status on X, anything else) and how it reads."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from quittex.rewrite.measure import graphemes

_STATUS = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(?:i/web|(\w{1,50}))/status(?:es)?/(\d{1,25})(?:[/?#].*)?$",
    re.IGNORECASE,
)
# A t.co link the reader could not expand (cut retweet text, old tweets).
TCO = re.compile(r"(?<![\w.@/-])(?:https?://)?t\.co/[A-Za-z0-9]+", re.IGNORECASE)
# Shown path length on Bluesky, as its own app shortens links.
DISPLAY_PATH_GRAPHEMES = 15
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
# A URL urlsplit() reads the plain way: lower-case http(s), no tab or line
# break (urlsplit() drops them), a printable ASCII host without brackets
# (group 2 is what urlsplit() calls the netloc).
_PLAIN_URL = re.compile(r"(https?)://((?:(?![/?#\[\]])[\x21-\x7e])*)(?:[/?#][^\t\r\n]*)?\Z")


def is_tco(url: str) -> bool:
    return TCO.fullmatch(url.strip()) is not None


def status_target(url: str) -> tuple[str | None, str] | None:
    """(screen name or None, tweet id) when `url` points at a post on X."""
    match = _STATUS.match(url.strip())
    if not match:
        return None
    return match[1], match[2]


def status_url(screen_name: str, tweet_id: str) -> str:
    return f"https://x.com/{screen_name}/status/{tweet_id}"


def profile_url(screen_name: str) -> str:
    return f"https://x.com/{screen_name}"


def facet_uri(url: str) -> str:
    """A link facet needs a full URI; X sometimes expands to a bare domain."""
    return url if _SCHEME.match(url) else f"https://{url}"


def display_url(url: str) -> str:
    """Host and the start of the path: "example.org/2019/03/mani…"."""
    plain = _PLAIN_URL.match(url)
    if plain:  # most links: the same answer as urlsplit() gives, sooner
        netloc = plain[2]
    else:
        try:
            parts = urlsplit(url)
        except ValueError:
            return url
        if parts.scheme.lower() not in ("http", "https"):
            return url
        netloc = parts.netloc
    if not netloc:
        return url
    host = netloc.rsplit("@", 1)[-1]
    rest = url.split("://", 1)[1][len(netloc) :]
    if rest == "/":
        rest = ""
    if len(rest) <= DISPLAY_PATH_GRAPHEMES:
        return host + rest  # no more clusters than code points: short enough
    clusters = graphemes(rest)
    if len(clusters) > DISPLAY_PATH_GRAPHEMES:
        rest = "".join(clusters[: DISPLAY_PATH_GRAPHEMES - 2]) + "…"
    return host + rest
