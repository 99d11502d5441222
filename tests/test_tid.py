from datetime import UTC, datetime

import pytest
from atproto_client.models.string_formats import TID_RE
from hypothesis import given
from hypothesis import strategies as st

from quittex.publish.tid import decode_tid, encode_tid, tweet_tid
from tests.archive_builder import snowflake

WHEN = datetime(2019, 3, 4, 18, 30, tzinfo=UTC)


def test_same_tweet_same_key_and_parts_differ():
    tweet_id = snowflake(WHEN, 5)
    assert tweet_tid(tweet_id, WHEN, 0) == tweet_tid(tweet_id, WHEN, 0)
    assert tweet_tid(tweet_id, WHEN, 0) != tweet_tid(tweet_id, WHEN, 1)
    assert TID_RE.match(tweet_tid(tweet_id, WHEN, 3))


def test_keys_sort_like_the_tweets():
    ids = [
        snowflake(datetime(2015, 1, 1, tzinfo=UTC)),
        snowflake(WHEN, 1),
        snowflake(WHEN, 2),
        snowflake(datetime(2024, 1, 1, tzinfo=UTC)),
    ]
    keys = [tweet_tid(i, WHEN, 0) for i in ids]
    assert len(set(keys)) == 4
    assert tweet_tid(ids[1], WHEN, 0) < tweet_tid(ids[3], WHEN, 0)


def test_old_sequential_ids_use_the_created_at_second():
    old = datetime(2008, 6, 1, 10, 0, 5, tzinfo=UTC)
    assert tweet_tid("830000", old, 0) != tweet_tid("830001", old, 0)
    assert decode_tid(tweet_tid("830000", old, 0)) >> 10 == int(old.timestamp()) * 1_000_000 + 830000


@given(st.integers(min_value=0, max_value=(1 << 63) - 1))
def test_encoding_round_trips_and_is_valid(value):
    tid = encode_tid(value)
    assert len(tid) == 13 and decode_tid(tid) == value and TID_RE.match(tid)


def test_each_generation_after_undo_gets_its_own_key_and_the_first_is_unchanged():
    when = datetime(2020, 1, 1, tzinfo=UTC)
    first = tweet_tid("1212121212121212121", when, 2)
    keys = [tweet_tid("1212121212121212121", when, 2, generation) for generation in range(8)]
    assert keys[0] == first and len(set(keys)) == 8
    assert tweet_tid("1212121212121212121", when, 2, 8) == keys[1]  # seven generations, over and over
    other_parts = {tweet_tid("1212121212121212121", when, part, g) for part in range(128) for g in range(8)}
    assert len(other_parts) == 128 * 8  # a part of one generation never takes another's key
    with pytest.raises(ValueError):
        tweet_tid("1212121212121212121", when, 128)
