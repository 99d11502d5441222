"""Input from an archive is hostile until checked: odd data gives a warning, never a crash."""

from __future__ import annotations

from datetime import datetime

import pytest

from quittex.errors import BadInputError
from quittex.models import Media, Span
from quittex.rewrite import Rewriter

from .factories import tweet


def rewrite(source, platform="bluesky"):
    return Rewriter("collectif").rewrite(source, platform)


def codes(draft):
    return [w.code for w in draft.warnings]


def test_entities_out_of_range_or_overlapping_are_ignored():
    spans = [Span("link", 5, 500, "https://x.example"), Span("hashtag", 0, 4, "Tag"), Span("mention", 2, 6, "bob")]
    [draft] = rewrite(tweet("#Tag et la suite", spans=spans)).drafts
    assert draft.text.startswith("#Tag et la suite")
    assert codes(draft).count("bad_entity") == 2


@pytest.mark.parametrize("platform", ["mastodon", "bluesky"])
def test_control_and_broken_characters_are_cleaned(platform):
    [draft] = rewrite(tweet("a\x00b\x07c \ud83d fin\r\nligne"), platform).drafts
    assert draft.text.startswith("abc \ufffd fin\nligne")
    draft.text.encode("utf-8")
    assert "text_cleaned" in codes(draft)


def test_a_naive_date_is_taken_as_utc():
    [draft] = rewrite(tweet("x", created_at=datetime(2019, 3, 4, 12, 0))).drafts
    assert draft.to_json()["created_at"] == "2019-03-04T12:00:00Z"


def test_an_unknown_media_kind_is_left_out_with_a_warning():
    odd = Media("hologram", "h1", "data/h1.bin", "https://example.org/h1")  # type: ignore[arg-type]
    [draft] = rewrite(tweet("x", media=[odd])).drafts
    assert draft.media == [] and "media_unknown" in codes(draft)


def test_a_blank_tweet_is_skipped():
    result = rewrite(tweet(" \n\t "))
    assert result.drafts == [] and result.skipped[0].code == "empty"


def test_the_reader_warnings_travel_with_the_first_post():
    [draft] = rewrite(tweet("x", warnings=["note-tweet text could not be matched"])).drafts
    assert draft.warnings[0].message == "note-tweet text could not be matched"


def test_a_username_is_required():
    with pytest.raises(BadInputError):
        Rewriter(" ")
