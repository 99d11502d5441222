"""Cut a body too long for one post into parts.

Where: at a paragraph, line or sentence end if one lies in the second half of
what fits, else at the last space, else between two characters; never inside
a URL, hashtag, mention or grapheme cluster, and never right before an '@'
or '#' (the next post would start with a new mention or hashtag).

The search asks `fits(part_index, start, end)` about stretches of the body
text; the caller measures them (layout.py builds the text a part would have).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import accumulate, compress

import regex

from quittex.rewrite.clusters import joining_islands
from quittex.rewrite.pieces import Piece

PARAGRAPH, LINE, SENTENCE, WORD, GRAPHEME = 4, 3, 2, 1, 0
# A sentence end, and the closing marks after it ("word.)"): ends where a cut may go.
_SENTENCE_END = re.compile("[.!?…‼⁇⁈⁉。！？｡؟۔।॥][)\\]}\"'»”’」』】›]*")
_CLUSTER = regex.compile(r"\X")
_WIDE_STOPS = "。！？｡"  # end a sentence without a following space
# `\s` is exactly what str.isspace() accepts.
_SPACE_RUN = re.compile(r"\s+")
_NEWLINE_RUN = re.compile(r"\s*\n\s*")
_NOT_SPACE = re.compile(r"\S")
_NO_CUT_BEFORE = re.compile(r"[@＠#＃]")
_AFTER_WIDE_STOP = re.compile(f"(?<=[{_WIDE_STOPS}])")

Fits = Callable[[int, int, int], bool]


@dataclass(slots=True)
class Split:
    parts: list[list[Piece]]
    # True when some unit could not fit even alone (callers prevent it).
    overflow: bool = False


class Body:
    """The body of one tweet, flattened, with every place it may be cut.

    `positions` lists the cuts in order; `ranked` the better ones (a space,
    a sentence end, a line or paragraph break) as (position, rank).
    """

    def __init__(self, pieces: Sequence[Piece]) -> None:
        self.pieces = list(pieces)
        self.starts = [0, *accumulate(len(p.text) for p in self.pieces)][:-1] if self.pieces else []
        self.text = "".join(p.text for p in self.pieces)
        self._clusters()
        self.positions, self.ranked = self._cuts()
        self.ranked_positions = [position for position, _ in self.ranked]

    def slice(self, start: int, end: int) -> list[Piece]:
        """The pieces covering text[start:end]; only plain text pieces are ever cut."""
        first, last = self.covering(start, end)
        out = []
        for index in range(first, last + 1):
            piece, piece_start = self.pieces[index], self.starts[index]
            piece_end = piece_start + len(piece.text)
            if piece.atomic or (piece_start >= start and piece_end <= end):
                out.append(piece)
            else:
                out.append(replace(piece, text=piece.text[max(start - piece_start, 0) : end - piece_start]))
        return out

    def covering(self, start: int, end: int) -> tuple[int, int]:
        """Indices of the first and last piece `slice(start, end)` takes (first > last: none)."""
        starts, pieces = self.starts, self.pieces
        first = max(bisect_right(starts, start) - 1, 0)
        last = bisect_left(starts, end) - 1
        while first <= last and starts[first] + len(pieces[first].text) <= start:
            first += 1
        return first, last

    def skip_space(self, position: int) -> int:
        """The first position at or after `position` that is not blank."""
        if not self.joined:
            found = _NOT_SPACE.search(self.text, position)
            return found.start() if found else max(position, len(self.text))
        while position < len(self.text):
            end = self.joined.get(position, position + 1)
            if not self.text[position:end].isspace():
                break
            position = end
        return position

    def _clusters(self) -> None:
        """`joined`: start → end of each cluster of several code points;
        `inner`: the positions inside them, where nothing may be cut."""
        self.joined: dict[int, int] = {}
        self.inner: set[int] = set()
        for start, end in joining_islands(self.text):
            for cluster in _CLUSTER.findall(self.text[start:end]):
                if len(cluster) > 1:
                    self.joined[start] = start + len(cluster)
                    self.inner.update(range(start + 1, start + len(cluster)))
                start += len(cluster)

    def _cuts(self) -> tuple[list[int], list[tuple[int, int]]]:
        text, size = self.text, len(self.text)
        runs = [m.span() for m in _SPACE_RUN.finditer(text)]
        allowed = self._allowed(runs)
        positions = list(compress(range(size), allowed))
        ranks = {m.end(): SENTENCE for m in _SENTENCE_END.finditer(text)}
        # A blank run holding newlines: a line or paragraph break. (Counted on
        # code points: a blank that starts a cluster of several is never a
        # newline, and ends its run, so clusters would count the same.)
        ranks.update((m.start(), PARAGRAPH if m[0].count("\n") >= 2 else LINE) for m in _NEWLINE_RUN.finditer(text))
        ranked = [(start, ranks.get(start, WORD)) for start, _ in runs if allowed[start]]
        stops = [m.start() for m in _AFTER_WIDE_STOP.finditer(text)]
        ranked += [(p, SENTENCE) for p in stops if p < size and allowed[p] and not text[p].isspace()]
        ranked.sort()
        return positions, ranked

    def _allowed(self, runs: list[tuple[int, int]]) -> bytearray:
        """1 where a cut may go: a cluster start, not inside an atomic piece,
        not right before '@' or '#', and not after a blank (a blank run's
        first position is the cut)."""
        size = len(self.text)
        allowed, zeros = bytearray(b"\x01") * size, bytes(size)
        blocked = [(0, 1), *((start + 1, end + 1) for start, end in runs)]
        for piece, start in zip(self.pieces, self.starts):
            if piece.atomic:
                blocked.append((start + 1, start + len(piece.text)))
            elif "@" in piece.text or "#" in piece.text or "＠" in piece.text or "＃" in piece.text:
                blocked += [(start + m.start(), start + m.end()) for m in _NO_CUT_BEFORE.finditer(piece.text)]
        blocked += [(p, p + 1) for p in self.inner]
        for start, end in blocked:
            allowed[start:end] = zeros[start:end]
        return allowed


def split_body(body: Body, fits: Fits) -> Split:
    """Parts of `body`, each stretch [start, end) of its text accepted by `fits(part_index, start, end)`."""
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
            end = _preferred_cut(body, start, furthest)
        result.parts.append(body.slice(start, end))
        start = body.skip_space(end)
    return result


def _furthest_fitting_end(body: Body, start: int, index: int, fits: Fits) -> int | None:
    """The furthest cut (or the very end) that `fits`, None if even the first does not."""
    first = bisect_right(body.positions, start)
    count = len(body.positions) - first + 1
    size = len(body.text)

    def end_at(i: int) -> int:
        return body.positions[first + i] if i < count - 1 else size

    def ok(i: int) -> bool:
        return fits(index, start, end_at(i))

    good, bad = _gallop(count, ok)
    while good + 1 < bad:  # halve between the last fit and the first misfit
        middle = (good + bad) // 2
        good, bad = (middle, bad) if ok(middle) else (good, middle)
    return None if good < 0 else end_at(good)


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


def _preferred_cut(body: Body, start: int, furthest: int) -> int:
    """The best-ranked cut in (start, furthest]: a late paragraph, line or
    sentence end (in the second half), else the last space, else `furthest`."""
    halfway = start + (furthest - start) / 2
    low = bisect_right(body.ranked_positions, start)
    high = bisect_right(body.ranked_positions, furthest)
    window = body.ranked[low:high]
    for rank in (PARAGRAPH, LINE, SENTENCE):
        for position, found in reversed(window):
            if position < halfway:
                break
            if found == rank:
                return position
    return window[-1][0] if window else furthest


def _smallest_cut(body: Body, start: int) -> int:
    index = bisect_right(body.positions, start)
    return body.positions[index] if index < len(body.positions) else len(body.text)
