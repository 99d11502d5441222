"""Splitting: where a long tweet is cut, and how the parts are numbered and chained."""

from __future__ import annotations

import pytest

from quittex.models import Thread
from quittex.rewrite import BlueskyOptions, MastodonOptions, PostRef, RewriteOptions, Rewriter

from .checks import assert_facets_exact, assert_restores, assert_within_limits
from .factories import WHEN, tweet

SMALL = {"mastodon": MastodonOptions(max_characters=100), "bluesky": BlueskyOptions(max_graphemes=100)}


def rewrite(source, platform="bluesky", **options):
    options.setdefault("date_note", False)
    return Rewriter("collectif", RewriteOptions(**options)).rewrite(source, platform).drafts


def bodies(drafts):
    return [d.text.rsplit("\n\n", 1)[0] for d in drafts]


def test_a_tweet_that_fits_is_not_numbered():
    [draft] = rewrite(tweet("Court."))
    assert draft.text == "Court." and draft.parts == 1


def test_cuts_fall_at_sentence_ends():
    text = "Première phrase qui parle de choses. " * 2 + "Deuxième phrase un peu plus longue encore ici. " * 2
    drafts = rewrite(tweet(text.strip()), **SMALL)
    assert all(body.endswith(".") for body in bodies(drafts))
    assert [d.text.rsplit("\n\n", 1)[1] for d in drafts] == [f"{i}/{len(drafts)}" for i in range(1, len(drafts) + 1)]
    assert_restores(text.strip(), drafts)


def test_a_paragraph_break_is_preferred_to_a_later_sentence_end():
    text = "Un paragraphe de texte assez long pour compter.\n\nEnsuite une phrase. Et une autre phrase ici."
    drafts = rewrite(tweet(text), **SMALL)
    assert bodies(drafts)[0] == "Un paragraphe de texte assez long pour compter."


def test_without_sentences_cuts_fall_between_words():
    text = " ".join(["mot"] * 60)
    drafts = rewrite(tweet(text), **SMALL)
    assert all(body.split(" ") == ["mot"] * len(body.split(" ")) for body in bodies(drafts))


def test_a_word_longer_than_a_post_is_cut_between_characters():
    text = "🏳️‍🌈" * 150
    drafts = rewrite(tweet(text), **SMALL)
    assert "".join(bodies(drafts)) == text  # no flag broken in half
    for draft in drafts:
        assert_within_limits(draft, max_graphemes=100)


def test_cjk_text_is_cut_after_its_full_stops():
    text = "東京都に住んでいます。" * 30
    drafts = rewrite(tweet(text), **SMALL)
    assert all(body.endswith("。") for body in bodies(drafts))


@pytest.mark.parametrize("entity", ["https://example.org/un/chemin/assez/long", "#UnHashtagAssezLong", "@quelquun"])
def test_an_entity_is_never_cut(entity):
    text = " ".join(["abcdefgh"] * 9 + [entity] * 6)
    for platform in ("mastodon", "bluesky"):
        drafts = rewrite(tweet(text), platform, **SMALL)
        shown = entity.replace("@", "＠") if platform == "mastodon" or entity[0] == "@" else entity
        if platform == "bluesky" and entity.startswith("https"):
            shown = "example.org/un/chemin/as…"
        for body in bodies(drafts):
            words = body.split(" ")
            assert all(w == shown or "abcdefgh" == w or w.isdigit() for w in words), body
        if platform == "bluesky":
            for draft in drafts:
                assert_facets_exact(draft)


def test_no_part_starts_with_an_at_sign_glued_to_the_word_before():
    text = "x" * 95 + "/@quelquun suite"
    for draft in rewrite(tweet(text, spans=[]), "mastodon", **SMALL):
        assert not draft.text.startswith("@")


def test_bluesky_counts_bytes_as_well_as_graphemes():
    text = "👩‍👩‍👧‍👦" * 200  # 200 graphemes, 5000 bytes
    drafts = rewrite(tweet(text))
    assert len(drafts) == 2
    for draft in drafts:
        assert_within_limits(draft)


def test_mastodon_counts_each_url_as_23():
    urls = " ".join(f"https://example.org/{'x' * 60}/{i}" for i in range(15))  # 1000+ characters
    [draft] = rewrite(tweet(urls), "mastodon")
    assert draft.text == urls


def test_the_url_weight_comes_from_the_instance():
    urls = " ".join(f"https://example.org/{i}" for i in range(15))
    options = {"mastodon": MastodonOptions(characters_reserved_per_url=40)}
    assert len(rewrite(tweet(urls), "mastodon", **options)) == 2


def test_a_long_note_tweet_numbers_its_parts_with_two_digits():
    text = " ".join(f"Phrase numéro {i} du long texte." for i in range(200))
    drafts = rewrite(tweet(text), "mastodon", date_note=True)
    assert len(drafts) >= 10
    assert drafts[0].text.endswith(f"1/{len(drafts)} · Posted on X on March 4, 2019")
    assert drafts[-1].text.endswith(f"{len(drafts)}/{len(drafts)}")
    for draft in drafts:
        assert_within_limits(draft)
    assert_restores(text, drafts)


def test_a_thread_continues_from_the_last_part_of_a_split_tweet():
    long = tweet(("Un texte long. " * 30).strip(), id="1")
    reply = tweet("La suite.", id="2", in_reply_to_id="1", created_at=WHEN)
    drafts = Rewriter("c").rewrite(Thread([long, reply]), "bluesky").drafts
    last_part = [d for d in drafts if d.tweet_id == "1"][-1]
    assert drafts[-1].parent == last_part.ref and drafts[-1].root == PostRef("1", 0)
    assert drafts[-1].text == "La suite."  # same day: the first post has the date


def test_a_branching_self_thread_replies_to_the_right_tweet():
    root = tweet("Racine", id="1")
    first = tweet("Branche A", id="2", in_reply_to_id="1")
    second = tweet("Branche B", id="3", in_reply_to_id="1")
    drafts = Rewriter("c").rewrite(Thread([root, first, second]), "mastodon").drafts
    assert [d.parent for d in drafts] == [None, PostRef("1", 0), PostRef("1", 0)]


def test_a_skipped_tweet_does_not_break_the_chain():
    root = tweet("Racine", id="1")
    empty = tweet("https://t.co/abcdef", id="2", in_reply_to_id="1", spans=[])
    child = tweet("Suite", id="3", in_reply_to_id="2")
    result = Rewriter("c").rewrite(Thread([root, empty, child]), "mastodon")
    assert [d.tweet_id for d in result.drafts] == ["1", "3"]
    assert result.drafts[1].parent == PostRef("1", 0)
    assert [s.tweet_id for s in result.skipped] == ["2"]


def test_a_retweet_is_a_link_post():
    [draft] = rewrite(tweet("RT @bob: Un texte coupé à 140 caract…", id="55", is_retweet=True), "bluesky")
    assert draft.text == "🔁 x.com/bob/status/55" and draft.is_retweet
    assert draft.facets[0].feature.value == "https://x.com/bob/status/55"


def test_rewrite_all_keeps_platforms_apart():
    threads = [tweet("Un", id="1"), Thread([tweet("Deux", id="2"), tweet("Trois", id="3", in_reply_to_id="2")])]
    results = Rewriter("c").rewrite_all(threads, ["mastodon", "bluesky"])
    assert [d.tweet_id for d in results["mastodon"].drafts] == ["1", "2", "3"]
    assert {d.platform for d in results["bluesky"].drafts} == {"bluesky"}
    assert results["bluesky"].drafts[0].parent is None and results["bluesky"].drafts[1].parent is None


def test_an_unknown_platform_is_a_clear_error():
    from quittex.errors import BadInputError

    with pytest.raises(BadInputError, match="Unknown platform"):
        Rewriter("c").rewrite(tweet("x"), "threads")
