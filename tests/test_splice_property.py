"""Property: expanded links, hashtags and mentions land exactly where the
indices say, whatever emoji, combining marks and escapes come before them."""

from __future__ import annotations

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from quittex.archive.media_files import MediaIndex
from quittex.archive.raw import RawTweet
from quittex.archive.tweets import LazyTweet, build_tweet, hashtags_of, quoted_id
from quittex.models import Tweet
from tests.archive_builder import escape

PLAIN_ALPHABET = st.sampled_from(
    list("abc xyz<>&;\"' ") + ["😀", "👩🏽‍🌾", "é", "e\u0301", "中", "ש", "\u200d", "🇫🇷", "&amp;", "\n"]
)
plain = st.lists(PLAIN_ALPHABET, max_size=12).map("".join)


@st.composite
def entity(draw):
    kind = draw(st.sampled_from(["link", "hashtag", "mention"]))
    word = draw(st.text(alphabet="abcdefXYZ0123_é", min_size=1, max_size=10))
    if kind == "link":
        code = draw(st.text(alphabet="abcdefXYZ0123", min_size=4, max_size=10))
        expanded = f"https://example.org/{word}?q=1&r=<{code}>"
        return kind, f"https://t.co/{code}", expanded
    return kind, ("#" if kind == "hashtag" else "@") + word, word


@st.composite
def tweet_text(draw):
    """(raw escaped text, entities with code-point indices, expected clean text, expected spans)."""
    pieces = draw(st.lists(st.tuples(plain, entity()), max_size=5))
    tail = draw(plain)
    raw, clean, entities, expected = "", "", {"urls": [], "hashtags": [], "user_mentions": []}, []
    used_tco = set()
    for before, (kind, shown, value) in pieces:
        if kind == "link" and shown in used_tco:
            continue
        used_tco.add(shown)
        raw += escape(before) + " "
        clean += before + " "
        start = len(raw)
        raw += shown
        indices = [str(start), str(len(raw))]
        visible = value if kind == "link" else shown
        expected.append((kind, len(clean), len(clean) + len(visible), value))
        clean += visible
        if kind == "link":
            entities["urls"].append({"url": shown, "expanded_url": value, "indices": indices})
        elif kind == "hashtag":
            entities["hashtags"].append({"text": value, "indices": indices})
        else:
            entities["user_mentions"].append({"screen_name": value, "indices": indices})
        raw += " "
        clean += " "
    raw += escape(tail)
    clean += tail
    return raw, entities, clean, expected


@settings(max_examples=300, deadline=None)
@given(tweet_text())
def test_entities_land_where_the_indices_say(case):
    raw_text, entities, clean, expected = case
    raw = msgspec.convert(
        {
            "id_str": "1631950105605046272",
            "created_at": "Sat Mar 04 09:30:00 +0000 2023",
            "full_text": raw_text,
            "entities": entities,
        },
        RawTweet,
    )
    tweet = build_tweet(raw, MediaIndex.build("data/tweets_media", {}))
    assert tweet.text == clean
    assert [(s.kind, s.start, s.end, s.value) for s in tweet.spans] == expected
    for span in tweet.spans:
        assert tweet.text[span.start : span.end] == (
            span.value if span.kind == "link" else tweet.text[span.start] + span.value
        )
    assert "t.co/" not in tweet.text


@st.composite
def raw_tweet(draw):
    """A raw tweet whose links may be quoted statuses, entities in any order,
    some overlapping, empty or past the end of the text (as in damaged archives)."""
    raw_text, entities, _, _ = draw(tweet_text())
    for url in entities["urls"]:
        if draw(st.booleans()):
            url["expanded_url"] = (
                f"https://twitter.com/{draw(st.sampled_from(['autre', 'X_y']))}/status/{draw(st.integers(1, 10**18))}"
            )
    if draw(st.booleans()):
        start = draw(st.integers(-2, len(raw_text) + 3))
        entities["hashtags"].append({"text": "bizarre", "indices": [str(start), str(start + draw(st.integers(-1, 8)))]})
    for kind in ("urls", "hashtags", "user_mentions"):
        entities[kind] = draw(st.permutations(entities[kind]))
    return msgspec.convert(
        {
            "id_str": "1631950105605046272",
            "created_at": "Sat Mar 04 09:30:00 +0000 2023",
            "full_text": raw_text,
            "entities": entities,
        },
        RawTweet,
    )


def eager(tweet):
    """The tweet with its text spliced, as a plain Tweet."""
    return tweet.settle() if isinstance(tweet, LazyTweet) else tweet


@settings(max_examples=300, deadline=None)
@given(raw_tweet())
def test_a_tweet_read_lazily_answers_as_the_spliced_one(raw):
    index = MediaIndex.build("data/tweets_media", {})
    lazy, spliced = build_tweet(raw, index), eager(build_tweet(raw, index))
    assert type(lazy) is LazyTweet and type(spliced) is Tweet
    assert lazy.hashtags == spliced.hashtags == [s.value for s in spliced.spans if s.kind == "hashtag"]
    assert list(hashtags_of(lazy)) == spliced.hashtags == list(hashtags_of(spliced))
    assert type(lazy) is LazyTweet  # hashtags_of did not splice it
    quoted = quoted_id(lazy)  # answered without splicing when no link may be a quote
    assert quoted == (spliced.quote.tweet_id if spliced.quote else None)
    assert lazy == spliced and type(lazy) is Tweet  # comparing splices
