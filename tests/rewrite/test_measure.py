"""Measuring (and writing times) fast gives what doing it plainly gives."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quittex.clusters import JOINING_PROPERTIES, JOINING_RANGES, joining_islands
from quittex.models import Tweet
from quittex.rewrite import RewriteOptions
from quittex.rewrite.bluesky import BlueskyRules
from quittex.rewrite.draft import SNOWFLAKE_EPOCH_MS, BlueskyDraft, iso_utc, precise_time
from quittex.rewrite.links import display_url
from quittex.rewrite.mastodon import MastodonRules
from quittex.rewrite.measure import grapheme_count, graphemes

from .factories import WHEN

SETTINGS = settings(
    max_examples=int(os.environ.get("QUITTEX_PROPERTY_EXAMPLES", "100")) * 5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
CLUSTER = regex.compile(r"\X")
CONJUNCT = regex.compile(r"\p{InCB=Linker}[\p{InCB=Extend}\p{InCB=Linker}]*(?=\p{InCB=Consonant})")
# Characters from every grapheme rule: marks, ZWJ emoji, flags, Hangul jamo,
# Indic conjuncts, prepend, spacing marks, CR LF, and plain letters between.
TRICKY = [
    "a",
    "é",
    "e",
    "\u0301",
    "\u0308",
    " ",
    "\n",
    "\r",
    "\t",
    "😀",
    "👩",
    "🏽",
    "\u200d",
    "🌾",
    "❤",
    "\ufe0f",
    "🇫",
    "🇷",
    "🇩",
    "🏳",
    "🌈",
    "\u1100",
    "\u1161",
    "\u11a8",
    "\uac00",
    "क",
    "ष",
    "\u094d",
    "\u093f",
    "ा",
    "\u0600",
    "\u0e33",
    "ก",
    "漢",
    "ع",
    "\u200f",
    "#",
    "@",
    "x",
]
tricky_texts = st.lists(st.sampled_from(TRICKY), max_size=40).map("".join)


def test_the_joining_table_is_what_regex_knows():
    """Regenerated from the installed `regex`: a newer Unicode must update clusters.py."""
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    found = sorted(ord(c) for c in regex.findall(JOINING_PROPERTIES, everything))
    ranges: list[list[int]] = []
    for code in found:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    assert [tuple(r) for r in ranges] == list(JOINING_RANGES)


@SETTINGS
@given(tricky_texts)
def test_clusters_are_counted_as_a_plain_segmentation_counts_them(text):
    assert graphemes(text) == CLUSTER.findall(text)
    assert grapheme_count(text) == len(CLUSTER.findall(text)) + len(CONJUNCT.findall(text))
    # What the shortcuts rely on: never more clusters than code points.
    assert grapheme_count(text) <= len(text)


@SETTINGS
@given(tricky_texts, tricky_texts)
def test_a_cut_between_two_plain_characters_splits_the_count(left, right):
    text = left + "ab" + right
    assert grapheme_count(text) == grapheme_count(left + "a") + grapheme_count("b" + right)
    for start, end in joining_islands(text):
        assert start >= 0 and end <= len(text)


def plain_display_url(url: str) -> str:
    """display_url() as it was, always through urlsplit()."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    rest = url.split("://", 1)[1][len(parts.netloc) :]
    if rest == "/":
        rest = ""
    clusters = CLUSTER.findall(rest)
    if len(clusters) > 15:
        rest = "".join(clusters[:13]) + "…"
    return host + rest


url_texts = st.tuples(
    st.sampled_from(["http://", "https://", "HTTPS://", "ftp://", "", "https:", "//"]),
    st.lists(
        st.sampled_from([*"abcAB:/?#@[]. %-_=&", "\t", "\n", "\x00", "é", "😀", "://", "example.org", "a.b:80"]),
        max_size=14,
    ),
).map(lambda parts: parts[0] + "".join(parts[1]))


@SETTINGS
@given(url_texts)
def test_links_read_short_as_urlsplit_reads_them(url):
    assert display_url(url) == plain_display_url(url)


@SETTINGS
@given(
    st.lists(st.sampled_from([*TRICKY, "https://example.org/a", " ", "x" * 30]), max_size=60).map("".join),
    st.integers(0, 40),
    st.booleans(),
)
def test_a_sure_fit_is_a_fit(text, spare, sensitive):
    source = Tweet(id="1", created_at=WHEN, text=text, possibly_sensitive=sensitive)
    options = RewriteOptions()
    for rules in (MastodonRules(options), BlueskyRules(options)):
        if rules.surely_fits(text, spare, source, "fr"):
            assert rules.fits(text + "x" * spare, source, "fr")


@SETTINGS
@given(
    st.datetimes(timezones=st.sampled_from([None, UTC, ZoneInfo("Europe/Paris"), timezone(timedelta(hours=-3))])),
    st.booleans(),
)
def test_times_read_as_isoformat_writes_them(moment, millis):
    plain = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    try:
        expected = plain.astimezone(UTC).isoformat(timespec="milliseconds" if millis else "seconds")
    except OverflowError:
        return
    assert iso_utc(moment, millis=millis) == expected.replace("+00:00", "Z")


def plain_record_created_at(draft: BlueskyDraft) -> str:
    """record_created_at as it was: precise_time(), plus the part, isoformat."""
    moment = precise_time(draft.tweet_id, draft.created_at) + timedelta(milliseconds=draft.part)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@SETTINGS
@given(
    st.datetimes(
        min_value=datetime(2011, 1, 1),
        max_value=datetime(2040, 1, 1),
        timezones=st.sampled_from([UTC, ZoneInfo("Europe/Paris")]),
    ),
    st.integers(-3000, 3000),
    st.sampled_from([0, 0, 1, 2, 998, 999, 1000, 5000]),
    st.booleans(),
    st.booleans(),
)
def test_record_times_read_as_before(created, shift_ms, part, whole_second, numeric):
    if whole_second:
        created = created.replace(microsecond=0)
    milliseconds = int(created.timestamp() * 1000) + shift_ms - SNOWFLAKE_EPOCH_MS
    tweet_id = str(max(milliseconds, 0) << 22 | 12345) if numeric else "x1"
    draft = BlueskyDraft(
        tweet_id=tweet_id, part=part, parts=part + 1, parent=None, root=None, created_at=created, text=""
    )
    assert draft.record_created_at == plain_record_created_at(draft)
