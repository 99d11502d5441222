"""Deterministic Bluesky record keys (TIDs) derived from the tweet.

A TID is 13 characters of base32-sortable text encoding a 64-bit integer,
`(microseconds since the epoch << 10) | clock id`, top bit 0. The same tweet
and part always give the same key, so writing with `putRecord` under it can
never create a second post, however often a run is retried or resumed:

- microseconds: the tweet's time to the millisecond (from the snowflake id),
  plus three digits taken from the id's low bits, which separate tweets posted
  within the same millisecond;
- clock id: the part index (a tweet split into several posts, at most 128:
  a 25,000-character note tweet makes about 90 Bluesky posts) in the low 7
  bits; the high 3 bits tell apart the generations of a post made again after
  `quittex undo` (0 the first time, then 1 to 7, over and over: by the time a
  key comes back, the post that had it was deleted long before).

The atproto SDK validates TIDs (`TID_RE`) but has no encoder for chosen values.
"""

from __future__ import annotations

from datetime import datetime

from atproto_client.models.string_formats import TID_RE

ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_SNOWFLAKE_EPOCH_MS = 1288834974657
_PART_BITS = 7
_MAX_PART = (1 << _PART_BITS) - 1
_GENERATIONS = 7  # besides the first


def encode_tid(value: int) -> str:
    if not 0 <= value < 1 << 63:
        raise ValueError("a TID encodes a 63-bit value")
    chars = []
    for _ in range(13):
        chars.append(ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def decode_tid(tid: str) -> int:
    value = 0
    for char in tid:
        value = (value << 5) | ALPHABET.index(char)
    return value


def tweet_tid(tweet_id: str, created_at: datetime, part: int, generation: int = 0) -> str:
    if not 0 <= part <= _MAX_PART:
        raise ValueError(f"part {part} is beyond the {_MAX_PART + 1} a TID can tell apart")
    if generation < 0:
        raise ValueError("a generation counts from 0")
    clock = part | ((generation - 1) % _GENERATIONS + 1) << _PART_BITS if generation else part
    number = int(tweet_id)
    if number >= 1 << 32:  # a snowflake id (after November 2010): time inside
        micros = ((number >> 22) + _SNOWFLAKE_EPOCH_MS) * 1000 + (number & 0x3FFFFF) % 1000
    else:  # an old sequential id: the second from created_at, the id below it
        micros = int(created_at.timestamp()) * 1_000_000 + number % 1_000_000
    tid = encode_tid((micros << 10) | clock)
    assert TID_RE.match(tid), tid
    return tid
