"""How each platform counts a text, and how far it lets it go.

Counting is done by the platforms' own rules through well-kept libraries:
X's weighted count by twitter-text-parser (URLs 23, wide characters 2, emoji
sequences 2), Mastodon's by Mastodon.py (URLs 23, `@user@domain` as `@user`,
graphemes), Bluesky's as grapheme clusters (the `regex` module's `\\X`) plus its
3000-byte cap.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from quittex.errors import QuittexError
from quittex.i18n import Nn_, _, counted, format_number
from quittex.text import grapheme_count, parse_for_x, x_weighted_length

X_POST_MAX = 280
X_BIO_MAX = 160
BLUESKY_MAX_GRAPHEMES = 300
BLUESKY_MAX_BYTES = 3000
MASTODON_DEFAULT_MAX = 500

if TYPE_CHECKING:
    pass


def mastodon_length(text: str) -> int:
    from mastodon import Mastodon

    try:
        return Mastodon.get_status_length(text)
    except NotImplementedError:  # Mastodon.py counts graphemes only with its "grapheme" extra
        raise QuittexError(
            "Counting Mastodon lengths needs Mastodon.py's grapheme support.",
            hint="pip install 'Mastodon.py[grapheme]'",
        ) from None


def bio_length(text: str) -> int:
    # X counts a bio in characters and shows its links in full: no 23-for-a-URL here.
    return len(unicodedata.normalize("NFC", text))


def _x_accepts(text: str) -> bool:
    # `valid` also rejects characters X refuses (U+FFFE, U+FEFF, U+FFFF).
    return parse_for_x(text).valid


def _bluesky_bytes_fit(text: str) -> bool:
    return len(text.encode("utf-8")) <= BLUESKY_MAX_BYTES


@dataclass(frozen=True)
class Measure:
    """A text's length as its platform counts it, against that platform's limit."""

    count: int
    limit: int | None
    unit: str
    fits: bool

    def describe(self) -> str:
        """ "272/280 X weighted characters", in the language of the run."""
        if self.limit is None:
            return counted_unit(self.unit, self.count)
        return f"{format_number(self.count)}/{counted_unit(self.unit, self.limit)}"


@dataclass(frozen=True)
class Limit:
    """One platform's rule: how to count, the maximum, and any further check."""

    platform: str
    maximum: int | None
    unit: str
    count: Callable[[str], int]
    also_accepts: Callable[[str], bool] = lambda text: True

    def measure(self, text: str) -> Measure:
        count = self.count(text)
        within = self.maximum is None or count <= self.maximum
        return Measure(count, self.maximum, self.unit, within and self.also_accepts(text))

    def fits(self, text: str) -> bool:
        return self.measure(text).fits

    def describe(self) -> str:
        """ "280 X weighted characters", in the language of the run."""
        return counted_unit(self.unit, self.maximum) if self.maximum is not None else _("no limit")


# What each limit counts, for people (the `unit` itself stays English: it is in --json).
UNIT_TEXTS = {
    "X weighted characters": Nn_("{count} X weighted character", "{count} X weighted characters"),
    "characters": Nn_("{count} character", "{count} characters"),
    "graphemes": Nn_("{count} grapheme", "{count} graphemes"),
}


def counted_unit(unit: str, count: int) -> str:
    return counted(UNIT_TEXTS[unit], count)


X_POST = Limit("x", X_POST_MAX, "X weighted characters", x_weighted_length, _x_accepts)
X_BIO = Limit("x", X_BIO_MAX, "characters", bio_length)
BLUESKY_POST = Limit("bluesky", BLUESKY_MAX_GRAPHEMES, "graphemes", grapheme_count, _bluesky_bytes_fit)
UNLIMITED = Limit("any", None, "characters", grapheme_count)


def mastodon_post(maximum: int = MASTODON_DEFAULT_MAX) -> Limit:
    """Mastodon's limit is the instance's own; 500 unless it says otherwise."""
    return Limit("mastodon", maximum, "characters", mastodon_length)


def mastodon_intro_limit(farewell: Any) -> Limit:
    """The intro post's limit on Mastodon: the project file's `[farewell] mastodon_limit`."""
    return mastodon_post(farewell.mastodon_limit)


def bluesky_intro_limit(farewell: Any) -> Limit:
    return BLUESKY_POST
