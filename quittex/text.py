"""Text measures every stage shares, each written once: grapheme clusters
(counted, listed, clipped) and X's weighted length.

Grapheme clusters are what a reader sees as one character. Servers count
them with the Unicode data of their own runtime: Unicode 15.1 started joining
Indic conjuncts ("क्ष") into one cluster, and a server on older data still
counts two. We count them apart, so our count is never below a server's.
Segmenting is the costly part: only the stretches around characters that can
join a neighbour are segmented (see clusters.py).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from quittex.clusters import joining_islands

if TYPE_CHECKING:
    from twitter_text import ParsedResult

ELLIPSIS = "…"
_GRAPHEME = regex.compile(r"\X")
# A linker before a consonant: the regex module's \X may join the two into one
# cluster (Unicode 15.1's conjuncts), where an older server counts two.
_CONJUNCT_JOIN = regex.compile(r"\p{InCB=Linker}[\p{InCB=Extend}\p{InCB=Linker}]*(?=\p{InCB=Consonant})")


def graphemes(text: str) -> list[str]:
    """The grapheme clusters of `text`, in order."""
    if text.isascii() and "\r" not in text:
        return list(text)
    clusters: list[str] = []
    position = 0
    for start, end in joining_islands(text):
        clusters += text[position:start]
        clusters += _GRAPHEME.findall(text[start:end])
        position = end
    clusters += text[position:]
    return clusters


def grapheme_count(text: str) -> int:
    """Grapheme clusters, never fewer than any current server counts."""
    if text.isascii():
        # ASCII has no multi-character cluster except CR LF.
        return len(text) - text.count("\r\n")
    total = len(text)
    for start, end in joining_islands(text):
        island = text[start:end]
        total += len(_GRAPHEME.findall(island)) + len(_CONJUNCT_JOIN.findall(island)) - len(island)
    return total


def at_most_graphemes(text: str, limit: int) -> bool:
    """grapheme_count(text) <= limit, without counting when the answer is plain:
    a text never has more clusters (even counted our way) than code points."""
    return len(text) <= limit or grapheme_count(text) <= limit


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def truncate_graphemes(text: str, limit: int, ellipsis: str = "…") -> str:
    """`text` cut to at most `limit` clusters (ellipsis included), never inside one."""
    clusters = graphemes(text)
    if len(clusters) <= limit:
        return text
    return "".join(clusters[: max(limit - len(ellipsis), 0)]) + ellipsis


def clip_text(text: str, *, max_graphemes: int | None = None, max_characters: int | None = None) -> str:
    """`text` within both limits given (clusters, code points), cut between
    clusters and ended with "…" when cut (trailing spaces dropped before it):
    only "…" when not even one cluster fits beside it."""
    if _within(grapheme_count(text), len(text), max_graphemes, max_characters):
        return text
    kept: list[str] = []
    counted, size = 1, len(ELLIPSIS)  # the "…"
    for cluster in graphemes(text):
        # Counted as grapheme_count counts: a conjunct weighs what older servers see.
        weight = 1 if cluster.isascii() else grapheme_count(cluster)
        if not _within(counted + weight, size + len(cluster), max_graphemes, max_characters):
            break
        kept.append(cluster)
        counted, size = counted + weight, size + len(cluster)
    return "".join(kept).rstrip() + ELLIPSIS


def _within(clusters: int, characters: int, max_graphemes: int | None, max_characters: int | None) -> bool:
    return (max_graphemes is None or clusters <= max_graphemes) and (
        max_characters is None or characters <= max_characters
    )


def x_weighted_length(text: str) -> int:
    """The length X counts against 280: links 23, wide characters 2."""
    return parse_for_x(text).weightedLength


@lru_cache(maxsize=4096)
def parse_for_x(text: str) -> ParsedResult:
    # Parsing is slow (pure Python); the count and the validity check share it.
    # twitter_text takes half a second to import: only when an X text is measured.
    from twitter_text import parse_tweet

    return parse_tweet(text)
