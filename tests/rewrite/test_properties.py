"""Property tests: random texts mixing scripts, emoji, combining marks, URLs,
hashtags and mentions, at random limits, must always give valid posts."""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quittex.models import Span, Thread
from quittex.rewrite import BlueskyDraft, BlueskyOptions, MastodonDraft, MastodonOptions, RewriteOptions, Rewriter

from .checks import (
    MASTODON_MENTION,
    assert_facets_exact,
    assert_no_mastodon_mention,
    assert_restores,
    assert_within_limits,
)
from .factories import WHEN, tweet

WORD_PIECES = [
    "liberté",
    "e\u0301te\u0301",
    "n\u0303o\u0308",
    "Z\u0334\u0335\u0336a",
    "état",
    "ünïcödé",
    "👩‍👩‍👧‍👦",
    "👍🏽",
    "🇫🇷",
    "🏳️‍🌈",
    "❤️",
    "😀",
    "🤌",
    "漢字",
    "東京都",
    "中文字符",
    "한국어",
    "カタカナ",
    "مرحبا",
    "שלום",
    "\u200fعربي\u200f",
    "क्षत्रिय",
    "नमस्ते",
    "word",
    "the",
    "a",
    "ok",
    "123",
]
SEPARATORS = [" ", " ", " ", ", ", ". ", "! ", "? ", "\n", "\n\n", "。", " — ", "… "]
DOMAINS = ["example.com", "laquadrature.net", "exämple.org", "a.co", "very-long-domain-name-for-tests.example.org"]


@st.composite
def entities(draw):
    kind = draw(st.sampled_from(["link", "hashtag", "mention"]))
    if kind == "link":
        path = draw(st.text(alphabet="abcdefghij0123456789-_/", max_size=80))
        query = draw(st.sampled_from(["", "?q=1", "?utm_source=x&id=42", "#frag"]))
        url = f"https://{draw(st.sampled_from(DOMAINS))}/{path}{query}"
        return kind, url, url
    if kind == "hashtag":
        tag = draw(st.sampled_from(["Libertés", "RGPD", "直播", "مرحبا", "Résistance2019", "x" * 70]))
        return kind, "#" + tag, tag
    name = draw(st.from_regex(r"[A-Za-z0-9_]{1,15}", fullmatch=True))
    return kind, "@" + name, name


@st.composite
def tweet_texts(draw, *, tco: bool = False):
    """(text, spans): words and entities, entities set apart by spaces as on X."""
    text, spans = "", []
    for _ in range(draw(st.integers(1, 100))):
        choice = draw(st.integers(0, 9))
        if choice < 3:
            kind, shown, value = draw(entities())
            text += " " if text and not text[-1].isspace() else ""
            text += draw(st.sampled_from(["", "", "(", "« ", "\n"]))
            spans.append(Span(kind, len(text), len(text) + len(shown), value))
            text += shown + draw(st.sampled_from([" ", " ", ") ", ". ", ", ", "! ", " »", "\n\n"]))
        elif tco and choice == 3:
            text += " https://t.co/" + draw(st.from_regex(r"[A-Za-z0-9]{10}", fullmatch=True)) + " "
        else:
            text += draw(st.sampled_from(WORD_PIECES)) + draw(st.sampled_from(SEPARATORS))
    return text, spans


def options_for(draw_limits) -> RewriteOptions:
    max_characters, max_graphemes, max_bytes, note = draw_limits
    return RewriteOptions(
        locale="en",
        date_note=note,
        mastodon=MastodonOptions(max_characters=max_characters),
        bluesky=BlueskyOptions(max_graphemes=max_graphemes, max_bytes=max_bytes),
    )


limits = st.tuples(
    st.sampled_from([100, 280, 500, 500]),
    st.sampled_from([80, 300, 300]),
    st.sampled_from([400, 3000, 3000]),
    st.booleans(),
)
# QUITTEX_PROPERTY_EXAMPLES=2000 for a deeper run than the everyday 100.
SETTINGS = settings(
    max_examples=int(os.environ.get("QUITTEX_PROPERTY_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def limits_of(options: RewriteOptions) -> dict:
    return {
        "max_characters": options.mastodon.max_characters,
        "max_graphemes": options.bluesky.max_graphemes,
        "max_bytes": options.bluesky.max_bytes,
    }


@SETTINGS
@given(tweet_texts(), limits)
def test_every_post_fits_and_the_parts_restore_the_text(text_and_spans, drawn_limits):
    text, spans = text_and_spans
    options = options_for(drawn_limits)
    source = tweet(text, spans=spans, lang="fr")
    rewriter = Rewriter("collectif", options)
    for platform in ("mastodon", "bluesky"):
        drafts = rewriter.rewrite(source, platform).drafts
        for draft in drafts:
            assert_within_limits(draft, **limits_of(options))
            if isinstance(draft, BlueskyDraft):
                assert_facets_exact(draft)
                assert not any(f.feature.kind == "mention" for f in draft.facets)
            else:
                assert_no_mastodon_mention(draft)
        numbered = len(drafts) > 1
        assert all((f"{d.part + 1}/{d.parts}" in d.text) == numbered for d in drafts)
        assert_restores(text.strip(), drafts)


@SETTINGS
@given(tweet_texts(tco=True), limits)
def test_no_tco_link_survives(text_and_spans, drawn_limits):
    text, spans = text_and_spans
    source = tweet(text + " https://t.co/AbCdEf1234", spans=spans)
    for platform in ("mastodon", "bluesky"):
        for draft in Rewriter("collectif", options_for(drawn_limits)).rewrite(source, platform).drafts:
            assert "t.co/" not in draft.text.lower()
            assert_within_limits(draft, **limits_of(options_for(drawn_limits)))
            if isinstance(draft, BlueskyDraft):
                assert all("t.co/" not in f.feature.value for f in draft.facets)


@SETTINGS
@given(st.lists(tweet_texts(), min_size=1, max_size=4), limits)
def test_a_thread_becomes_one_reply_chain(texts, drawn_limits):
    tweets = []
    for index, (text, spans) in enumerate(texts):
        parent = tweets[-1].id if tweets else None
        tweets.append(
            tweet(
                text,
                spans=spans,
                id=str(500 + index),
                in_reply_to_id=parent,
                created_at=WHEN + timedelta(minutes=index),
            )
        )
    for platform in ("mastodon", "bluesky"):
        drafts = Rewriter("collectif", options_for(drawn_limits)).rewrite(Thread(tweets), platform).drafts
        assert drafts[0].parent is None and drafts[0].root is None
        for previous, draft in zip(drafts, drafts[1:], strict=False):
            assert draft.parent == previous.ref
            assert draft.root == drafts[0].ref
        assert [d.tweet_id for d in drafts] == sorted(d.tweet_id for d in drafts)


@SETTINGS
@given(tweet_texts(), st.sampled_from(["plain", "link", "drop"]))
def test_no_mention_in_any_mode(text_and_spans, mode):
    text, spans = text_and_spans
    options = RewriteOptions(mentions=mode, locale="en")
    source = tweet(text + " @unlisted_on_x @a@bc.example", spans=spans)
    for platform in ("mastodon", "bluesky"):
        for draft in Rewriter("collectif", options).rewrite(source, platform).drafts:
            if isinstance(draft, MastodonDraft):
                assert_no_mastodon_mention(draft)
            else:
                assert not any(f.feature.kind == "mention" for f in draft.facets)


@st.composite
def own_entities(draw):
    choice = draw(st.sampled_from(["own", "mapped", "plain"]))
    if choice == "own":
        url = f"https://x.com/collectif/status/{draw(st.integers(1, 10**18))}"
        return "link", url, url
    if choice == "mapped":
        return "mention", "@mapped", "mapped"
    return draw(entities())


@st.composite
def texts_with_own_links(draw):
    text, spans = "", []
    for _ in range(draw(st.integers(1, 60))):
        if draw(st.booleans()):
            kind, shown, value = draw(own_entities())
            text += " " if text and not text[-1].isspace() else ""
            spans.append(Span(kind, len(text), len(text) + len(shown), value))
            text += shown + " "
        else:
            text += draw(st.sampled_from(WORD_PIECES)) + draw(st.sampled_from(SEPARATORS))
    return text, spans


realistic_limits = st.tuples(
    st.sampled_from([280, 500]), st.sampled_from([150, 300]), st.sampled_from([600, 3000]), st.booleans()
)


@SETTINGS
@given(texts_with_own_links(), realistic_limits, st.booleans(), st.booleans(), st.booleans())
def test_finalized_posts_still_fit(text_and_spans, drawn_limits, posts_exist, did_resolves, quotes_self):
    from quittex.rewrite import HandleEntry, MigratedPost, StaticContext, finalize

    from .factories import quote

    text, spans = text_and_spans
    handles = {
        "mapped": HandleEntry(mastodon="someone@instance.example", bluesky="a-rather-long-handle-name.bsky.social")
    }
    options = options_for(drawn_limits).model_copy(update={"handle_map": handles})
    source = tweet(text, spans=spans, quote=quote("77", "collectif") if quotes_self else None)

    class Context(StaticContext):
        def migrated_post(self, tweet_id):
            if not posts_exist:
                return None
            return MigratedPost(
                f"https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx/post/{tweet_id[:13]}",
                "at://did:plc:a/app.bsky.feed.post/3k",
                "bafy",
            )

    context = Context(
        dids={"a-rather-long-handle-name.bsky.social": "did:plc:abcdefghijklmnopqrstuvwx"} if did_resolves else {}
    )
    for platform in ("mastodon", "bluesky"):
        for draft in Rewriter("collectif", options).rewrite(source, platform).drafts:
            final = finalize(draft, context)
            assert_within_limits(final, **limits_of(options))
            if isinstance(final, BlueskyDraft):
                for facet in final.facets:
                    if facet.feature.kind == "mention":
                        assert (
                            final.text.encode()[facet.byte_start : facet.byte_end]
                            == b"@a-rather-long-handle-name.bsky.social"
                        )
                assert final.quote is None or final.quote.uri
            else:
                mentions = [m[1] for m in MASTODON_MENTION.finditer(final.text)]
                assert set(mentions) <= {"someone@instance.example"}
