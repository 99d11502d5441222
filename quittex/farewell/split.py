"""Cutting a message into a numbered thread whose every post fits its limit.

The message is cut at the largest boundary that works: between paragraphs,
then lines, then sentences, then words, and only as a last resort inside a
word. Pieces are then packed greedily into posts, each followed by "n/total".
"""

from __future__ import annotations

import re
from collections.abc import Callable

import regex

from quittex.errors import BadInputError
from quittex.farewell.limits import Limit

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
        posts = _pack(text, lambda post: limit.fits(post + reserve))
        if len(str(len(posts))) <= digits:
            return _numbered(posts, limit)
        digits += 1


def _numbered(posts: list[str], limit: Limit) -> list[str]:
    numbered = [f"{post}\n\n{n}/{len(posts)}" for n, post in enumerate(posts, start=1)]
    # Only a limit too small for one character and a number could fail here.
    if not all(limit.fits(post) for post in numbered):
        raise BadInputError(f"This message cannot be cut into posts of {limit.maximum} {limit.unit}.")
    return numbered


def _pack(text: str, fits: Callable[[str], bool]) -> list[str]:
    posts: list[str] = []
    current = ""
    for separator, piece in _pieces(text, 0, fits):
        candidate = current + separator + piece if current else piece
        if fits(candidate):
            current = candidate
        else:
            posts.append(current)
            current = piece
        if len(posts) > MAX_POSTS:
            raise BadInputError(f"This message would need more than {MAX_POSTS} posts.")
    return [post for post in [*posts, current] if post]


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
    chunks = [""]
    for grapheme in _GRAPHEME.findall(word):
        if chunks[-1] and not fits(chunks[-1] + grapheme):
            chunks.append("")
        chunks[-1] += grapheme
    return [("", chunk) for chunk in chunks]
