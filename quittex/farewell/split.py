"""Cutting a message into a numbered thread whose every post fits its limit.

The message is cut at the largest boundary that works: between paragraphs,
then lines, then sentences, then words, and only as a last resort inside a
word. Pieces are then packed into posts, as many as fit in each, each post followed
by "n/total".
"""

from __future__ import annotations

import re
from collections.abc import Callable

import regex

from quittex.errors import BadInputError
from quittex.farewell.limits import Limit
from quittex.i18n import _

# (what joins two pieces again, where to cut), largest boundary first.
_BOUNDARIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("\n\n", re.compile(r"\n[ \t]*\n\s*")),
    ("\n", re.compile(r"[ \t]*\n[ \t]*")),
    (" ", re.compile(r"(?<=[.!?…;:])[ \t]+")),
    (" ", re.compile(r"[ \t]+")),
)
_GRAPHEME = regex.compile(r"\X")
MAX_POSTS = 1000

Piece = tuple[str, str]  # (separator before it, its text)


def split_thread(text: str, limit: Limit) -> list[str]:
    """Posts that each fit `limit` once numbered; one post needs no number."""
    text = text.strip()
    if limit.fits(text):
        return [text]
    digits = 1
    while True:
        reserve = "\n\n" + "9" * digits + "/" + "9" * digits
        posts = _pack(text, lambda post, reserve=reserve: limit.fits(post + reserve))
        if len(str(len(posts))) <= digits:
            return _numbered(posts, limit)
        digits += 1


def _numbered(posts: list[str], limit: Limit) -> list[str]:
    numbered = [f"{post}\n\n{n}/{len(posts)}" for n, post in enumerate(posts, start=1)]
    # Only a limit too small for one character and a number could fail here.
    if not all(limit.fits(post) for post in numbered):
        raise BadInputError(_("This message cannot be cut into posts within {limit}.").format(limit=limit.describe()))
    return numbered


def _pack(text: str, fits: Callable[[str], bool]) -> list[str]:
    pieces = _pieces(text, 0, fits)
    posts: list[str] = []
    while pieces:
        count = _most_pieces_that_fit(pieces, fits)
        posts.append(_join(pieces[:count]))
        pieces = pieces[count:]
        if len(posts) > MAX_POSTS:
            raise BadInputError(f"This message would need more than {MAX_POSTS} posts.")
    return posts


def _most_pieces_that_fit(pieces: list[Piece], fits: Callable[[str], bool]) -> int:
    """Galloping then binary search: X's counting is slow, so count as few
    candidate posts as possible (about 2·log2 of the pieces in a post)."""
    low, high = 1, 2
    while high <= len(pieces) and fits(_join(pieces[:high])):
        low, high = high, high * 2
    high = min(high, len(pieces) + 1)
    while high - low > 1:
        middle = (low + high) // 2
        if fits(_join(pieces[:middle])):
            low = middle
        else:
            high = middle
    return low


def _join(pieces: list[Piece]) -> str:
    # A post never starts with the separator that came before its first piece.
    return pieces[0][1] + "".join(separator + text for separator, text in pieces[1:])


def _pieces(text: str, level: int, fits: Callable[[str], bool]) -> list[Piece]:
    """`text` cut at boundaries from `level` down until every piece fits."""
    if fits(text):
        return [("", text)]
    if level == len(_BOUNDARIES):
        return _cut_inside_word(text, fits)
    joiner, pattern = _BOUNDARIES[level]
    pieces: list[Piece] = []
    for part in (part for part in pattern.split(text) if part.strip()):
        sub = _pieces(part, level + 1, fits)
        pieces.append((joiner if pieces else "", sub[0][1]))
        pieces.extend(sub[1:])
    return pieces


def _cut_inside_word(word: str, fits: Callable[[str], bool]) -> list[Piece]:
    graphemes = _GRAPHEME.findall(word)
    chunks = []
    while graphemes:
        size = _longest_fitting_prefix(graphemes, fits)
        chunks.append("".join(graphemes[:size]))
        graphemes = graphemes[size:]
    return [("", chunk) for chunk in chunks]


def _longest_fitting_prefix(graphemes: list[str], fits: Callable[[str], bool]) -> int:
    """Binary search: counting is slow, and a word can be thousands of characters.
    (A prefix that becomes a URL can count less than a shorter one, so this finds
    a long prefix that fits, not always the longest; it never returns one that
    does not fit, and always at least one grapheme.)"""
    low, high = 1, len(graphemes)
    while low < high:
        middle = (low + high + 1) // 2
        if fits("".join(graphemes[:middle])):
            low = middle
        else:
            high = middle - 1
    return low
