"""Cut a body too long for one post into parts.

Where: at a paragraph, line or sentence end if one lies in the second half of
what fits, else at the last space, else between two characters; never inside
a URL, hashtag, mention or grapheme cluster, and never right before an '@'
or '#' (the next post would start with a new mention or hashtag).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import regex

from quittex.rewrite.pieces import Piece

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
        for piece, start in zip(self.pieces, self.starts):
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
