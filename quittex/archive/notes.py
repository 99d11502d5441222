"""Merge long posts (`note-tweet.js`) into the truncated tweets they belong to.

Nothing links a note to its tweet: the tweet's snowflake time is 0–1000 ms
after the note's `createdAt`, and the tweet's text (without its leading reply
mentions, up to the "…") is a prefix of the note's text. Time alone is
ambiguous when a thread was posted in a burst, so both must agree, and each
note and each tweet is used at most once, best matches first.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from quittex.archive.raw import RawNote
from quittex.archive.tweets import parse_iso, snowflake_ms, splice_text, to_int, without_overlaps
from quittex.models import Span, Tweet

# The window is wider than the 0–1000 ms seen in real archives, to tolerate
# clock skew; the text prefix decides among candidates.
WINDOW_BEFORE_MS = 1000
WINDOW_AFTER_MS = 3000
_LEADING_MENTIONS = re.compile(r"^(?:\.?@\w+\s+)+")
_URL = re.compile(r"https?://\S+")


@dataclass(slots=True)
class Note:
    created_ms: int
    text: str
    spans: list[Span]


def build_notes(raw_notes: list[RawNote]) -> list[Note]:
    notes = []
    for raw in raw_notes:
        if raw.core is None or not raw.createdAt:
            continue
        try:
            created = parse_iso(raw.createdAt)
        except ValueError:
            continue
        text, spans = splice_text(raw.core.text, _note_cuts(raw), {}, unescape=False)
        notes.append(Note(int(created.timestamp() * 1000), text, spans))
    return notes


def _note_cuts(raw: RawNote) -> list[tuple[int, int, str, str]]:
    core = raw.core
    cuts = [(to_int(u.fromIndex), to_int(u.toIndex), "link", u.expandedUrl or u.shortUrl) for u in core.urls]
    cuts += [(to_int(h.fromIndex), to_int(h.toIndex), "hashtag", h.text) for h in core.hashtags]
    cuts += [(to_int(h.fromIndex), to_int(h.toIndex), "cashtag", h.text) for h in core.cashtags]
    cuts += [(to_int(m.fromIndex), to_int(m.toIndex), "mention", m.screenName) for m in core.mentions]
    return without_overlaps(cuts)


def truncated_prefix(tweet: Tweet) -> tuple[str, str] | None:
    """(leading mentions, body before the "…") of a tweet X truncated, else None."""
    text = tweet.text.rstrip()
    if not text.endswith("…"):
        return None
    match = _LEADING_MENTIONS.match(text)
    lead = match.group(0) if match else ""
    return lead, text[len(lead) : -1].rstrip()


def merge_notes(tweets: list[Tweet], notes: list[Note]) -> int:
    """Rewrite matched tweets in place from their note; return how many."""
    candidates = _candidates(tweets, notes)
    candidates.sort(key=lambda c: (-c[0], c[1]))
    used_notes: set[int] = set()
    used_tweets: set[int] = set()
    for _, _, note_index, tweet_index in candidates:
        if note_index in used_notes or tweet_index in used_tweets:
            continue
        used_notes.add(note_index)
        used_tweets.add(tweet_index)
        _apply(tweets[tweet_index], notes[note_index])
    return len(used_notes)


def _candidates(tweets: list[Tweet], notes: list[Note]) -> list[tuple[int, int, int, int]]:
    """(prefix length, time gap, note index, tweet index) of plausible pairs.
    `tweets` is sorted by id, hence by snowflake time: each note's window is
    found by bisection, without working out the time of every tweet."""
    found = []
    for note_index, note in enumerate(notes):
        low = bisect.bisect_left(tweets, note.created_ms - WINDOW_BEFORE_MS, key=_time_ms)
        high = bisect.bisect_right(tweets, note.created_ms + WINDOW_AFTER_MS, key=_time_ms)
        for tweet_index in range(low, high):
            prefix = truncated_prefix(tweets[tweet_index])
            if prefix and _is_prefix(prefix[1], note.text):
                gap = abs(_time_ms(tweets[tweet_index]) - note.created_ms)
                found.append((len(prefix[1]), gap, note_index, tweet_index))
    return found


def _time_ms(tweet: Tweet) -> int:
    return snowflake_ms(tweet.id) or 0


def _is_prefix(prefix: str, text: str) -> bool:
    if text.startswith(prefix):
        return True
    # A link cut by the truncation, or shown differently: compare without URLs.
    squeeze = lambda s: " ".join(_URL.sub("", s).split())  # noqa: E731
    short = squeeze(prefix)
    return bool(short) and squeeze(text).startswith(short)


def _apply(tweet: Tweet, note: Note) -> None:
    lead = truncated_prefix(tweet)[0]  # type: ignore[index]
    lead_spans = [s for s in tweet.spans if s.end <= len(lead)]
    shift = len(lead)
    tweet.text = lead + note.text
    tweet.spans = lead_spans + [Span(s.kind, s.start + shift, s.end + shift, s.value) for s in note.spans]
    tweet.from_note_tweet = True
