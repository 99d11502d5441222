"""Selection: defaults a collective wants, and every filter."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from quittex.archive.threads import build_threads
from quittex.errors import BadInputError
from quittex.migrate.select import SelectOptions, parse_day, parse_langs, read_id_list, select
from quittex.models import Tweet

OWN = "1"
BASE = datetime(2022, 1, 1, tzinfo=UTC)


def tweet(n: int, *, parent: int | None = None, to: str | None = None, likes: int = 0, **kw) -> Tweet:
    return Tweet(
        id=str(1000 + n),
        created_at=BASE + timedelta(days=n),
        text=f"tweet {n}",
        in_reply_to_id=str(1000 + parent) if parent is not None else None,
        in_reply_to_user_id=to if to else (OWN if parent is not None else None),
        favorite_count=likes,
        **kw,
    )


def threads_of(*tweets: Tweet):
    return build_threads({t.id: t for t in tweets}, OWN)


def ids(selection) -> list[list[int]]:
    return [[int(t.id) - 1000 for t in thread.tweets] for thread in selection.threads]


ARCHIVE = [
    tweet(0, likes=5),
    tweet(1, parent=0, likes=50),
    tweet(2, parent=1),
    tweet(3, to="42", parent=None),  # a reply to someone else
    tweet(4, parent=3),  # continues that conversation
    tweet(5, is_retweet=True, likes=900),
    tweet(6, parent=-900),  # self-reply whose parent is not in the archive
    tweet(7, lang="en", possibly_sensitive=True, likes=7),
]


def test_defaults_keep_own_tweets_and_self_threads():
    selection = select(threads_of(*ARCHIVE), SelectOptions(), OWN)
    assert ids(selection) == [[0, 1, 2], [6], [7]]
    assert selection.skipped == {"reply to someone else": 2, "retweet": 1}
    assert selection.threads[1].fragment is True


def test_include_replies_and_retweets():
    selection = select(threads_of(*ARCHIVE), SelectOptions(include_replies=True, include_retweets=True), OWN)
    assert ids(selection) == [[0, 1, 2], [3, 4], [5], [6], [7]]


def test_dates_are_inclusive_and_a_dropped_middle_tweet_hands_on_its_replies():
    options = SelectOptions(since=date(2022, 1, 2), until=date(2022, 1, 3))
    selection = select(threads_of(*ARCHIVE), options, OWN)
    assert ids(selection) == [[1, 2]]
    thread = selection.threads[0]
    assert thread.parent_id(thread.tweets[1]) == "1001" and thread.fragment
    skip_middle = select(threads_of(*ARCHIVE), SelectOptions(skip=frozenset({"1001"})), OWN)
    first = skip_middle.threads[0]
    assert [t.id for t in first.tweets] == ["1000", "1002"] and first.parent_id(first.tweets[1]) == "1000"


def test_min_likes_and_top_keep_whole_threads():
    assert ids(select(threads_of(*ARCHIVE), SelectOptions(min_likes=10), OWN)) == [[0, 1, 2]]
    top = select(threads_of(*ARCHIVE), SelectOptions(top=1, include_retweets=True), OWN)
    assert ids(top) == [[5]]
    top2 = select(threads_of(*ARCHIVE), SelectOptions(top=2), OWN)
    assert ids(top2) == [[0, 1, 2], [7]]


def test_language_sensitive_only_and_skip():
    assert ids(select(threads_of(*ARCHIVE), SelectOptions(langs=frozenset({"en"})), OWN)) == [[7]]
    assert ids(select(threads_of(*ARCHIVE), SelectOptions(exclude_sensitive=True), OWN)) == [[0, 1, 2], [6]]
    only = select(threads_of(*ARCHIVE), SelectOptions(only=frozenset({"1000", "1002"})), OWN)
    assert ids(only) == [[0, 2]] and only.threads[0].parent_id(only.threads[0].tweets[1]) == "1000"


def test_id_list_accepts_ids_urls_and_comments(tmp_path):
    path = tmp_path / "ids.txt"
    path.write_text(
        "# déjà publiés\n1234\n\nhttps://x.com/velo/status/5678?s=20\nhttps://twitter.com/velo/status/91011/photo/1\n",
        encoding="utf-8",
    )
    assert read_id_list(path) == {"1234", "5678", "91011"}
    path.write_text("1234\nnot-an-id\n")
    with pytest.raises(BadInputError, match="line 2"):
        read_id_list(path)
    with pytest.raises(BadInputError, match="Cannot read"):
        read_id_list(tmp_path / "absent.txt")


def test_option_parsers_give_clear_messages():
    assert parse_langs("fr, EN") == {"fr", "en"}
    with pytest.raises(BadInputError, match="--lang"):
        parse_langs("french!")
    assert parse_day("2023-01-31", "--since") == date(2023, 1, 31)
    with pytest.raises(BadInputError, match="--since takes a date"):
        parse_day("31/01/2023", "--since")
