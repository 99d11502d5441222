"""How one tweet becomes posts: its body in as many parts as needed, then
one post per extra media group.

A post reads: body, the quoted post (first post only), then a last line with
the part number ("2/3", only when there is more than one post) and the date
note (first post only), blank lines between them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate

from quittex.clusters import joining_count
from quittex.errors import BadInputError
from quittex.i18n import _
from quittex.rewrite.pieces import Piece, Rendered, join_stripped, render
from quittex.rewrite.split import Body, split_body

META_SEPARATOR = " · "
BLOCK_SEPARATOR = "\n\n"
# Text room a post must keep beside its date note, number and quote.
MIN_ROOM = 20


@dataclass(slots=True)
class PartLayout:
    body: tuple[Piece, ...]
    quote: tuple[Piece, ...] = ()
    meta: tuple[Piece, ...] = ()

    def render(self, *, measured: bool = False) -> Rendered:
        return join_stripped(self.blocks(measured=measured))

    def blocks(self, *, measured: bool = False) -> list[Rendered]:
        """Body, quote and meta, each rendered and stripped."""
        return [render(block, measured=measured).strip() for block in (self.body, self.quote, self.meta)]

    def pieces(self) -> tuple[Piece, ...]:
        return self.body + self.quote + self.meta


@dataclass(slots=True)
class TweetLayout:
    parts: list[PartLayout]  # text posts first, then media-only posts
    note_omitted: bool = False
    overflow: bool = False


@dataclass(slots=True)
class Blocks:
    body: Sequence[Piece]
    quote: Sequence[Piece]
    note: Sequence[Piece]
    media_posts: int  # media groups; all but the first need a post of their own


# Whether a text fits in a post. It may also have a `by_size(length,
# joining, urls, ats)` method, which says True or False when sizes alone
# settle it (see Size), and None when the text must be measured; and a
# `grows_stricter(body_text)` method (see PlatformRules.grows_stricter).
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
        probe = _PartProbe(self, Body(self.blocks.body))
        while True:
            probe.total = widest
            result = split_body(probe.body, probe)
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
                _("The date note or content warning is too long for a {platform} post.").format(platform=platform_name),
                hint=_("Shorten the date note template or the content warning, or turn the note off."),
            )

    def fits_alone(self, piece: Piece) -> bool:
        return self.fits(self.part(0, (piece,), 99))


@dataclass(frozen=True, slots=True)
class Size:
    """What bounds how a platform counts a text: code points, characters
    that may join a neighbour (each merges at most two clusters into one),
    '://' (URLs may weigh more than their length) and whether an '@' is in it."""

    length: int
    joining: int = 0
    urls: int = 0
    ats: bool = False

    @classmethod
    def of(cls, text: str) -> Size:
        return cls(len(text), joining_count(text), text.count("://"), "@" in text)


class _PartProbe:
    """Whether body text [start, end) fits as part k of `total`: the text
    `planner.fits(planner.part(k, body.slice(start, end), total))` measures,
    built from strings instead of pieces (the split search asks often).

    When the body reads as it measures, the sizes of the blocks often settle
    the answer (`fits_text.by_size`) before any text is built or counted."""

    def __init__(self, planner: LayoutPlanner, body: Body) -> None:
        self.planner, self.body = planner, body
        self.total = 1
        pieces = body.pieces
        self.exact = all(p.atomic or p.worst is None for p in pieces)
        self.measured = "".join(p.measured for p in pieces)
        self.measured_starts = [0, *accumulate(len(p.measured) for p in pieces)]
        self.quote = render(planner.blocks.quote, measured=True).text.strip()
        self.rests: dict[tuple[int, int], _Rest] = {}
        grows_stricter = getattr(planner.fits_text, "grows_stricter", None)
        self.monotone = self.exact and grows_stricter is not None and grows_stricter(self.measured)
        self.verdict = getattr(planner.fits_text, "by_size", None)
        if self.verdict is not None and all(p.worst is None for p in pieces):
            text = body.text
            self.tail = len(text.rstrip())
            self.urls, self.ats = text.count("://"), "@" in text  # no stretch has more
            self.joining_at = body.joining_at
        else:
            self.verdict = None

    def __call__(self, index: int, start: int, end: int) -> bool:
        if not self.exact:  # a piece a cut could split measures otherwise than it reads
            planner = self.planner
            return planner.fits(planner.part(index, self.body.slice(start, end), self.total))
        rest = self.rests.get((index, self.total)) or self._rest(index, self.total)
        if self.verdict is not None and not self.body.text[start : start + 1].isspace():
            # What the text would measure, from sizes: the body is text[start:stop]
            # (a cut never follows a blank: only the very end may).
            size, stop = rest.size, min(end, self.tail)
            if stop > start:
                length = stop - start + (size.length + len(BLOCK_SEPARATOR) if rest.text else 0)
                at = self.joining_at
                joining = size.joining + (bisect_left(at, stop) - bisect_left(at, start) if at else 0)
                verdict = self.verdict(length, joining, self.urls + size.urls, self.ats or size.ats)
            else:
                verdict = self.verdict(size.length, size.joining, size.urls, size.ats)
            if verdict is not None:
                return verdict
        body = self._body_text(start, end)
        return self.planner.fits_text(
            BLOCK_SEPARATOR.join([body, rest.text]) if body and rest.text else body or rest.text
        )

    def _body_text(self, start: int, end: int) -> str:
        """render(body.slice(start, end), measured=True).text.strip()"""
        body = self.body
        first, last = body.covering(start, end)
        if first > last:
            return ""
        head, tail = body.pieces[first], body.pieces[last]
        begin = self.measured_starts[first]
        if not head.atomic and body.starts[first] < start:
            begin += start - body.starts[first]
        stop = self.measured_starts[last + 1]
        if not tail.atomic and body.starts[last] + len(tail.text) > end:
            stop = self.measured_starts[last] + end - body.starts[last]
        return self.measured[begin:stop].strip()

    def _rest(self, index: int, total: int) -> _Rest:
        """What part `index` has after its body: the quote (first part), the number and note."""
        key = (index, total)
        if key not in self.rests:
            note = self.planner.blocks.note if index == 0 else ()
            meta = render(meta_pieces(index, total, note), measured=True).text.strip()
            text = BLOCK_SEPARATOR.join([b for b in (self.quote if index == 0 else "", meta) if b])
            self.rests[key] = _Rest(text, Size.of(text))
        return self.rests[key]


@dataclass(frozen=True, slots=True)
class _Rest:
    text: str
    size: Size
