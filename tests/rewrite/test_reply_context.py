"""A reply to someone else says whom it answered, with a link to that tweet on
X, in the tweet's language; golden texts in the five languages."""

from __future__ import annotations

import pytest

from quittex.rewrite import SAFE_AT, MentionMode, RewriteOptions, Rewriter
from quittex.rewrite.measure import bluesky_size, mastodon_length

from .factories import tweet

ANSWERED = "https://x.com/voisine_1/status/1190000000000000000"
GOLDEN = {
    "fr": f"↩️ En réponse à {SAFE_AT}voisine_1 sur X : {ANSWERED}\n\nOui, c'est gratuit !",
    "en": f"↩️ In reply to {SAFE_AT}voisine_1 on X: {ANSWERED}\n\nOui, c'est gratuit !",
    "es": f"↩️ En respuesta a {SAFE_AT}voisine_1 en X: {ANSWERED}\n\nOui, c'est gratuit !",
    "it": f"↩️ In risposta a {SAFE_AT}voisine_1 su X: {ANSWERED}\n\nOui, c'est gratuit !",
    "de": f"↩️ Antwort an {SAFE_AT}voisine_1 auf X: {ANSWERED}\n\nOui, c'est gratuit !",
}


def _reply(text="@voisine_1 Oui, c'est gratuit !", lang="fr", **fields):
    fields.setdefault("in_reply_to_id", "1190000000000000000")
    fields.setdefault("in_reply_to_screen_name", "voisine_1")
    return tweet(text, id="1200000000000000000", lang=lang, **fields)


def _drafts(source, platform, **options):
    options.setdefault("date_note", False)
    return Rewriter("collectif", RewriteOptions(**options)).rewrite(source, platform).drafts


@pytest.mark.parametrize("lang", list(GOLDEN))
def test_golden_reply_context_on_mastodon(lang):
    [draft] = _drafts(_reply(lang=lang), "mastodon", locale=lang)
    assert draft.text == GOLDEN[lang]


@pytest.mark.parametrize("lang", list(GOLDEN))
def test_golden_reply_context_on_bluesky_links_the_tweet_with_a_facet(lang):
    [draft] = _drafts(_reply(lang=lang), "bluesky", locale=lang)
    shown = GOLDEN[lang].replace(ANSWERED, "x.com/voisine_1/st…")
    assert draft.text == shown
    assert [f.feature.value for f in draft.facets if f.feature.kind == "link"] == [ANSWERED]


def test_with_mentions_as_links_the_name_links_to_the_profile():
    [draft] = _drafts(_reply(), "mastodon", mentions=MentionMode.LINK)
    assert draft.text.startswith(f"↩️ En réponse à https://x.com/voisine_1 sur X : {ANSWERED}\n\n")


def test_self_replies_and_later_thread_tweets_have_no_context_line():
    own = _reply("suite du fil", in_reply_to_screen_name="collectif")
    assert "↩️" not in _drafts(own, "mastodon")[0].text
    assert "↩️" not in _drafts(_reply(), "mastodon", reply_context=False)[0].text


def test_the_line_counts_within_the_limit_of_a_long_reply():
    long_reply = _reply("@voisine_1 " + "mot " * 140)
    for draft in _drafts(long_reply, "mastodon"):
        assert mastodon_length(draft.text) <= 500
    bluesky = _drafts(long_reply, "bluesky")
    assert bluesky[0].text.startswith("↩️ En réponse à") and len(bluesky) >= 2
    assert all(bluesky_size(d.text)[0] <= 300 for d in bluesky)
