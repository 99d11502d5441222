"""The layout planner and splitter as they were before they were made fast
(commit d5f4165), kept verbatim as an oracle: the property tests check that
the pipeline gives the very same drafts with today's planner and shortcut
as with these.

Only the names were prefixed where they would clash; the logic is untouched.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

import regex

from quittex.errors import BadInputError
from quittex.rewrite.draft import Facet
from quittex.rewrite.measure import utf8_len
from quittex.rewrite.pieces import Piece

# --- pieces.py: rendering ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rendered:
    text: str
    facets: tuple[Facet, ...] = ()

    def strip(self) -> Rendered:
        stripped = self.text.lstrip()
        if not self.facets:
            return Rendered(stripped.rstrip())
        shift = utf8_len(self.text) - utf8_len(stripped)
        facets = tuple(f.shifted(-shift) for f in self.facets)
        return Rendered(stripped.rstrip(), facets)


def render(pieces: Iterable[Piece], *, measured: bool = False) -> Rendered:
    """The text of `pieces` with facets over their byte ranges."""
    if measured:
        return Rendered("".join(p.measured for p in pieces))
    chunks, facets, offset = [], [], 0
    for piece in pieces:
        size = utf8_len(piece.text)
        if piece.feature is not None and size:
            facets.append(Facet(offset, offset + size, piece.feature))
        chunks.append(piece.text)
        offset += size
    return Rendered("".join(chunks), tuple(facets))


def join_blocks(blocks: Sequence[Rendered], separator: str = "\n\n") -> Rendered:
    """Non-empty blocks one after the other, a blank line between them."""
    text, facets = "", []
    for block in (b.strip() for b in blocks):
        if not block.text:
            continue
        if text:
            text += separator
        if block.facets:
            offset = utf8_len(text)
            facets += [f.shifted(offset) for f in block.facets]
        text += block.text
    return Rendered(text, tuple(facets))


# --- split.py ---------------------------------------------------------------

PARAGRAPH, LINE, SENTENCE, WORD, GRAPHEME = 4, 3, 2, 1, 0
_CLUSTER = regex.compile(r"\X")
_SENTENCE_END = set(".!?…‼⁇⁈⁉。！？｡؟۔।॥")
_CLOSERS = set(")]}\"'»”’」』】›")
_NO_CUT_BEFORE = set("@＠#＃")
_WIDE_STOPS = set("。！？｡")  # end a sentence without a following space

Fits = Callable[[int, list[Piece]], bool]


@dataclass(frozen=True, slots=True)
class Cut:
    position: int
    rank: int


@dataclass(slots=True)
class Split:
    parts: list[list[Piece]]
    # True when some unit could not fit even alone (callers prevent it).
    overflow: bool = False


class Body:
    """The body of one tweet, flattened, with every place it may be cut."""

    def __init__(self, pieces: Sequence[Piece]) -> None:
        self.pieces = list(pieces)
        self.starts: list[int] = []
        offset = 0
        for piece in self.pieces:
            self.starts.append(offset)
            offset += len(piece.text)
        self.text = "".join(p.text for p in self.pieces)
        self.cluster_ends = {m.start(): m.end() for m in _CLUSTER.finditer(self.text)}
        self.cuts = self._cuts()
        self.positions = [c.position for c in self.cuts]

    def slice(self, start: int, end: int) -> list[Piece]:
        """The pieces covering text[start:end]; only plain text pieces are ever cut."""
        first = max(bisect_right(self.starts, start) - 1, 0)
        out = []
        for index in range(first, len(self.pieces)):
            piece, piece_start = self.pieces[index], self.starts[index]
            if piece_start >= end:
                break
            piece_end = piece_start + len(piece.text)
            if piece_end <= start:
                continue
            if piece.atomic or (piece_start >= start and piece_end <= end):
                out.append(piece)
            else:
                out.append(replace(piece, text=piece.text[max(start - piece_start, 0) : end - piece_start]))
        return out

    def skip_space(self, position: int) -> int:
        """The first position at or after `position` that is not blank."""
        while position < len(self.text):
            end = self.cluster_ends.get(position, position + 1)
            if not self.text[position:end].isspace():
                break
            position = end
        return position

    def _cuts(self) -> list[Cut]:
        blocked = self._inside_atomic()
        cuts = []
        for position in self.cluster_ends:
            if position == 0 or position in blocked:
                continue
            rank = self._rank(position)
            if rank is not None:
                cuts.append(Cut(position, rank))
        return cuts

    def _inside_atomic(self) -> set[int]:
        blocked: set[int] = set()
        for piece, start in zip(self.pieces, self.starts, strict=False):
            if piece.atomic:
                blocked.update(range(start + 1, start + len(piece.text)))
            else:
                text = piece.text
                blocked.update(start + i for i, ch in enumerate(text) if ch in _NO_CUT_BEFORE)
        return blocked

    def _rank(self, position: int) -> int | None:
        text, here, before = self.text, self.text[position], self.text[position - 1]
        if before.isspace():
            return None  # the blank run's first position is the cut
        if here.isspace():
            run_end = self.skip_space(position)
            newlines = text.count("\n", position, run_end)
            if newlines >= 2:
                return PARAGRAPH
            if newlines == 1:
                return LINE
            return SENTENCE if self._ends_sentence(position) else WORD
        if before in _WIDE_STOPS:
            return SENTENCE
        return GRAPHEME

    def _ends_sentence(self, position: int) -> bool:
        index = position - 1
        while index > 0 and self.text[index] in _CLOSERS:
            index -= 1
        return self.text[index] in _SENTENCE_END


def split_body(pieces: Sequence[Piece], fits: Fits) -> Split:
    """Parts of `pieces`, each accepted by `fits(part_index, part_pieces)`."""
    body = Body(pieces)
    result = Split(parts=[])
    start = body.skip_space(0)
    while start < len(body.text):
        index = len(result.parts)
        furthest = _furthest_fitting_end(body, start, index, fits)
        if furthest is None:
            end, result.overflow = _smallest_cut(body, start), True
        elif furthest == len(body.text):
            end = furthest
        else:
            end = _preferred_cut(body, start, bisect_left(body.positions, furthest))
        result.parts.append(body.slice(start, end))
        start = body.skip_space(end)
    return result


def _furthest_fitting_end(body: Body, start: int, index: int, fits: Fits) -> int | None:
    """The furthest cut (or the very end) that `fits`, None if even the first does not."""
    ends = body.positions[bisect_right(body.positions, start) :] + [len(body.text)]

    def ok(i: int) -> bool:
        return fits(index, body.slice(start, ends[i]))

    good, bad = _gallop(len(ends), ok)
    while good + 1 < bad:  # halve between the last fit and the first misfit
        middle = (good + bad) // 2
        good, bad = (middle, bad) if ok(middle) else (good, middle)
    return None if good < 0 else ends[good]


def _gallop(count: int, ok: Callable[[int], bool]) -> tuple[int, int]:
    """(an index that fits or -1, a later one that does not or `count`).

    Steps double, so the cost follows the size of one post, not the length of
    what is left: a 25,000-character note costs little more per post than a tweet.
    """
    good, step = -1, 1
    while good + step < count - 1:
        if not ok(good + step):
            return good, good + step
        good, step = good + step, step * 2
    last = count - 1
    return (last, count) if ok(last) else (good, last)


def _preferred_cut(body: Body, start: int, best: int) -> int:
    first = bisect_right(body.positions, start)
    window = body.cuts[first : best + 1]
    halfway = start + (body.positions[best] - start) / 2
    for rank in (PARAGRAPH, LINE, SENTENCE):
        late = [c for c in window if c.rank == rank and c.position >= halfway]
        if late:
            return late[-1].position
    words = [c for c in window if c.rank >= WORD]
    return words[-1].position if words else body.positions[best]


def _smallest_cut(body: Body, start: int) -> int:
    index = bisect_right(body.positions, start)
    return body.positions[index] if index < len(body.positions) else len(body.text)


# --- layout.py --------------------------------------------------------------

META_SEPARATOR = " · "
# Text room a post must keep beside its date note, number and quote.
MIN_ROOM = 20


@dataclass(frozen=True, slots=True)
class PartLayout:
    body: tuple[Piece, ...]
    quote: tuple[Piece, ...] = ()
    meta: tuple[Piece, ...] = ()

    def render(self, *, measured: bool = False) -> Rendered:
        blocks = (self.body, self.quote, self.meta)
        return join_blocks([render(block, measured=measured) for block in blocks])

    def pieces(self) -> tuple[Piece, ...]:
        return self.body + self.quote + self.meta


@dataclass(slots=True)
class TweetLayout:
    parts: list[PartLayout]  # text posts first, then media-only posts
    note_omitted: bool = False
    overflow: bool = False


@dataclass(frozen=True, slots=True)
class Blocks:
    body: Sequence[Piece]
    quote: Sequence[Piece]
    note: Sequence[Piece]
    media_posts: int  # media groups; all but the first need a post of their own


FitsText = Callable[[str], bool]


def numbering(index: int, total: int) -> str:
    return f"{index + 1}/{total}"


def meta_pieces(index: int, total: int, note: Sequence[Piece]) -> tuple[Piece, ...]:
    meta = [Piece(numbering(index, total))] if total > 1 else []
    if note and meta:
        meta.append(Piece(META_SEPARATOR))
    return tuple(meta + list(note))


class LayoutPlanner:
    def __init__(self, blocks: Blocks, fits_text: FitsText, *, note_can_split: bool) -> None:
        self.blocks = blocks
        self.fits_text = fits_text
        self.note_can_split = note_can_split
        self.extra_posts = max(blocks.media_posts - 1, 0)

    def part(self, index: int, body: Sequence[Piece], total: int, *, note: bool = True) -> PartLayout:
        first = index == 0
        note_pieces = self.blocks.note if first and note else ()
        quote = tuple(self.blocks.quote) if first else ()
        return PartLayout(tuple(body), quote, meta_pieces(index, total, note_pieces))

    def fits(self, layout: PartLayout) -> bool:
        return self.fits_text(layout.render(measured=True).text)

    def plan(self) -> TweetLayout:
        if self.extra_posts == 0:
            single = self._single()
            if single is not None:
                return single
        return self._split()

    def _single(self) -> TweetLayout | None:
        whole = self.part(0, self.blocks.body, 1)
        if self.fits(whole):
            return TweetLayout([whole])
        bare = self.part(0, self.blocks.body, 1, note=False)
        if self.blocks.note and not self.note_can_split and self.fits(bare):
            return TweetLayout([bare], note_omitted=True)
        return None

    def _split(self) -> TweetLayout:
        # Part numbers are measured at their widest ("k/9", "k/99"…) and the
        # split redone if the count turns out to need another digit.
        widest = 9
        while True:
            result = split_body(self.blocks.body, lambda k, body, widest=widest: self.fits(self.part(k, body, widest)))
            text_posts = max(len(result.parts), 1)
            total = text_posts + self.extra_posts
            if total <= widest:
                break
            widest = widest * 10 + 9
        bodies = result.parts or [[]]
        parts = [self.part(k, body, total) for k, body in enumerate(bodies)]
        parts += [self.part(text_posts + j, (), total) for j in range(self.extra_posts)]
        return TweetLayout(parts, overflow=result.overflow)

    def check_room(self, platform_name: str) -> None:
        """The date note, content warning and numbering must leave room for text."""
        if not self.fits(self.part(0, (Piece("x" * MIN_ROOM),), 99)):
            raise BadInputError(
                f"The date note or content warning is too long for a {platform_name} post.",
                hint="Shorten the date note template or the content warning, or turn the note off.",
            )

    def fits_alone(self, piece: Piece) -> bool:
        return self.fits(self.part(0, (piece,), 99))
