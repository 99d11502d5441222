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
from functools import cached_property
from itertools import accumulate, compress

import regex

from quittex.clusters import islands_of, joining_positions
from quittex.rewrite.pieces import Piece

PARAGRAPH, LINE, SENTENCE, WORD, GRAPHEME = 4, 3, 2, 1, 0
# A sentence end, and the closing marks after it ("word.)"): ends where a cut may go.
_SENTENCE_END = re.compile("[.!?…‼⁇⁈⁉。！？｡؟۔।॥][)\\]}\"'»”’」』】›]*")
_CLUSTER = regex.compile(r"\X")
_WIDE_STOPS = "。！？｡"  # end a sentence without a following space
# `\s` is exactly what str.isspace() accepts.
_SPACE_RUN = re.compile(r"\s+")
# A blank (str.isspace()) that is not ASCII.
_WIDE_BLANK = re.compile(r"[^\S\x00-\x7f]")
# Each ASCII byte: 0 if it is blank, else 1 (any other character encodes as "?").
_BLANK_BYTES = bytes(0 if chr(byte).isspace() else 1 for byte in range(256))
_ZERO_RUN = re.compile(b"\x00+")
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
        self.runs = _blank_runs(self.text)
        self.allowed = self._allowed(self.runs)  # 1 where a cut may go

    @cached_property
    def positions(self) -> list[int]:
        return list(compress(range(len(self.text)), self.allowed))

    @cached_property
    def ranked(self) -> list[tuple[int, int]]:
        return self._ranked()

    @cached_property
    def ranked_positions(self) -> list[int]:
        return [position for position, _ in self.ranked]

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
        `inner`: the positions inside them, where nothing may be cut;
        `joining_at`: where the characters that may join a neighbour are."""
        self.joined: dict[int, int] = {}
        self.inner: set[int] = set()
        self.joining_at = joining_positions(self.text)
        for start, end in islands_of(self.joining_at, len(self.text)):
            for cluster in _CLUSTER.findall(self.text[start:end]):
                if len(cluster) > 1:
                    self.joined[start] = start + len(cluster)
                    self.inner.update(range(start + 1, start + len(cluster)))
                start += len(cluster)

    def _ranked(self) -> list[tuple[int, int]]:
        text, size, allowed = self.text, len(self.text), self.allowed
        ranks = {m.end(): SENTENCE for m in _SENTENCE_END.finditer(text)}
        if "\n" in text:
            # A blank run holding newlines: a line or paragraph break. (Counted on
            # code points: a blank that starts a cluster of several is never a
            # newline, and ends its run, so clusters would count the same.)
            for start, end in self.runs:
                newlines = text.count("\n", start, end)
                if newlines:
                    ranks[start] = PARAGRAPH if newlines >= 2 else LINE
        ranked = [(start, ranks.get(start, WORD)) for start, _ in self.runs if allowed[start]]
        if any(stop in text for stop in _WIDE_STOPS):
            stops = [m.start() for m in _AFTER_WIDE_STOP.finditer(text)]
            ranked += [(p, SENTENCE) for p in stops if p < size and allowed[p] and not text[p].isspace()]
            ranked.sort()
        return ranked

    def _allowed(self, runs: list[tuple[int, int]]) -> bytearray:
        """1 where a cut may go: a cluster start, not inside an atomic piece,
        not right before '@' or '#', and not after a blank (a blank run's
        first position is the cut)."""
        size = len(self.text)
        allowed, zeros = _after_non_blank(self.text, runs), bytes(size)
        blocked = [(p, p + 1) for p in self.inner]
        for piece, start in zip(self.pieces, self.starts, strict=False):
            if piece.atomic:
                blocked.append((start + 1, start + len(piece.text)))
            elif "@" in piece.text or "#" in piece.text or "＠" in piece.text or "＃" in piece.text:
                blocked += [(start + m.start(), start + m.end()) for m in _NO_CUT_BEFORE.finditer(piece.text)]
        for start, end in blocked:
            allowed[start:end] = zeros[start:end]
        return allowed


def _blank_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each run of blanks, in order."""
    if _WIDE_BLANK.search(text) or not text:
        return [m.span() for m in _SPACE_RUN.finditer(text)]
    # From the lengths of the stretches between blanks (no regex match per run):
    # the blank after stretch i is at ends[i]; it starts a run when stretch i
    # is not empty (or it is the very first character).
    lengths = list(map(len, _blank_mask(text).split(b"\x00")))
    blanks = list(accumulate(map((1).__add__, lengths[:-1]), initial=-1))[1:]  # position of each blank
    firsts = list(compress(range(len(blanks)), map(bool, lengths[:-1])))
    if lengths[0] == 0 and blanks:
        firsts.insert(0, 0)
    bounds = firsts[1:] + [len(blanks)]
    return [(blanks[i], blanks[j - 1] + 1) for i, j in zip(firsts, bounds, strict=False)]


def _after_non_blank(text: str, runs: list[tuple[int, int]]) -> bytearray:
    """1 at each position but the first whose previous character is not blank."""
    if not text:
        return bytearray()
    if _WIDE_BLANK.search(text) is None:
        return bytearray(b"\x00") + _blank_mask(text)[:-1]
    allowed, zeros = bytearray(b"\x01") * len(text), bytes(len(text))
    for start, end in [(0, 1), *((start + 1, end + 1) for start, end in runs)]:
        allowed[start:end] = zeros[start:end]
    return allowed


def _blank_mask(text: str) -> bytes:
    """0 at each character of `text` that is blank, 1 at any other, for a
    text whose blanks are all ASCII: one byte per character."""
    return text.encode("ascii", "replace").translate(_BLANK_BYTES)


def split_body(body: Body, fits: Fits) -> Split:
    """Parts of `body`, each stretch [start, end) of its text accepted by `fits(part_index, start, end)`.

    When `fits.monotone` is true (a stretch that does not fit never fits
    once longer), the furthest fitting end is found by halving on the text
    itself; the galloping search over every cut finds the same end, it just
    needs the list of all of them.
    """
    result = Split(parts=[])
    furthest_end = _furthest_monotone if getattr(fits, "monotone", False) else _furthest_fitting_end
    start = body.skip_space(0)
    while start < len(body.text):
        index = len(result.parts)
        furthest = furthest_end(body, start, index, fits)
        if furthest is None:
            end, result.overflow = _smallest_cut(body, start), True
        elif furthest == len(body.text):
            end = furthest
        else:
            end = _preferred_cut(body, start, furthest)
        result.parts.append(body.slice(start, end))
        start = body.skip_space(end)
    return result


def _furthest_monotone(body: Body, start: int, index: int, fits: Fits) -> int | None:
    """_furthest_fitting_end() for a monotone `fits`: the last cut (or the very
    end) that fits is the last cut at or before the furthest offset whose last
    cut fits."""
    size, allowed = len(body.text), body.allowed

    def cut_before(offset: int) -> int:  # the last cut (or the end) at or before offset, after start
        return size if offset >= size else allowed.rfind(1, start + 1, offset + 1)

    first = _smallest_cut(body, start)
    if not fits(index, start, first):
        return None
    if fits(index, start, size):
        return size
    low, high = first, size  # the cut before `low` fits, the one before `high` does not
    while high - low > 1:
        middle = (low + high) // 2
        if fits(index, start, cut_before(middle)):
            low = middle
        else:
            high = middle
    return cut_before(low)


def _furthest_fitting_end(body: Body, start: int, index: int, fits: Fits) -> int | None:
    """The furthest cut (or the very end) that `fits`, None if even the first does not."""
    ends = body.positions[bisect_right(body.positions, start) :]
    ends.append(len(body.text))
    good, bad = _gallop(ends, start, index, fits)
    while good + 1 < bad:  # halve between the last fit and the first misfit
        middle = (good + bad) // 2
        if fits(index, start, ends[middle]):
            good = middle
        else:
            bad = middle
    return None if good < 0 else ends[good]


def _gallop(ends: list[int], start: int, index: int, fits: Fits) -> tuple[int, int]:
    """(an index of `ends` that fits or -1, a later one that does not or len(ends)).

    Steps double, so the cost follows the size of one post, not the length of
    what is left: a 25,000-character note costs little more per post than a tweet.
    """
    count = len(ends)
    good, step = -1, 1
    while good + step < count - 1:
        if not fits(index, start, ends[good + step]):
            return good, good + step
        good, step = good + step, step * 2
    last = count - 1
    return (last, count) if fits(index, start, ends[last]) else (good, last)


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
    """The first cut after `start`, or the very end."""
    found = body.allowed.find(1, start + 1)
    return found if found != -1 else len(body.text)
