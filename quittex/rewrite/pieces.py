"""Pieces: tokens rendered for one platform, the unit the splitter cuts between.

A piece knows its text in the dry run, the longest text it may take once
resolved at publish time (so that a post measured now still fits then), the
Bluesky facet feature over it, and what is left to resolve.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from quittex.rewrite.draft import Facet, Feature
from quittex.rewrite.measure import utf8_len

PendingKind = Literal["own_link", "mention", "quote"]


@dataclass(frozen=True, slots=True)
class Pending:
    """What a piece waits for: a migrated post (by tweet id) or a DID (by handle)."""

    kind: PendingKind
    key: str
    original: str  # own_link/quote: the X URL; mention: the X screen name


@dataclass(slots=True)
class Piece:
    """Never changed once built (`dataclasses.replace` makes another). Not a
    frozen dataclass only because those cost several times more to build,
    and every tweet makes a dozen pieces per platform."""

    text: str
    atomic: bool = False
    feature: Feature | None = None
    worst: str | None = None
    pending: Pending | None = None

    @property
    def measured(self) -> str:
        return self.text if self.worst is None else self.worst


def text_piece(text: str) -> Piece:
    return Piece(text)


@dataclass(slots=True)
class Rendered:
    text: str
    facets: tuple[Facet, ...] = ()

    def strip(self) -> Rendered:
        if not (self.text[:1].isspace() or self.text[-1:].isspace()):
            return self  # never changed once built: no need for a copy
        stripped = self.text.lstrip()
        if not self.facets:
            return Rendered(stripped.rstrip())
        shift = utf8_len(self.text[: len(self.text) - len(stripped)])
        facets = tuple(f.shifted(-shift) for f in self.facets) if shift else self.facets
        return Rendered(stripped.rstrip(), facets)


def render(pieces: Iterable[Piece], *, measured: bool = False) -> Rendered:
    """The text of `pieces` with facets over their byte ranges."""
    if not isinstance(pieces, (list, tuple)):
        pieces = tuple(pieces)
    if measured:
        return Rendered("".join([p.text if p.worst is None else p.worst for p in pieces]))
    texts = [p.text for p in pieces]
    for piece in pieces:
        if piece.feature is not None:
            break
    else:  # Mastodon, and most Bluesky blocks
        return Rendered("".join(texts))
    text = "".join(texts)
    ascii = text.isascii()  # then a byte is a character
    facets, offset = [], 0
    for piece in pieces:
        size = len(piece.text) if ascii else len(piece.text.encode())
        if piece.feature is not None and size:
            facets.append(Facet(offset, offset + size, piece.feature))
        offset += size
    return Rendered(text, tuple(facets))


def join_blocks(blocks: Sequence[Rendered], separator: str = "\n\n") -> Rendered:
    """Non-empty blocks one after the other, a blank line between them."""
    return join_stripped([b.strip() for b in blocks], separator)


def join_stripped(blocks: Sequence[Rendered], separator: str = "\n\n") -> Rendered:
    """`join_blocks` of blocks already stripped."""
    kept = [b for b in blocks if b.text]
    for block in kept:
        if block.facets:
            break
    else:
        return Rendered(separator.join([b.text for b in kept]))
    text, facets = "", []
    for block in kept:
        if text:
            text += separator
        if block.facets:
            offset = utf8_len(text)
            facets += [f.shifted(offset) for f in block.facets] if offset else block.facets
        text += block.text
    return Rendered(text, tuple(facets))


def map_pieces(pieces: Sequence[Piece], change: Callable[[Piece], Piece]) -> tuple[Piece, ...]:
    return tuple(change(p) for p in pieces)


def with_text(piece: Piece, text: str, feature: Feature | None) -> Piece:
    return replace(piece, text=text, feature=feature, worst=None, pending=None)
