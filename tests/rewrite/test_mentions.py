"""Mentions: safe by default, links or dropped on request, real only through the handle map."""

from __future__ import annotations

import pytest

from quittex.rewrite import (
    SAFE_AT,
    HandleEntry,
    MentionMode,
    RewriteOptions,
    Rewriter,
    StaticContext,
    finalize,
)
from quittex.rewrite.draft import Feature

from .checks import MASTODON_MENTION, assert_no_mastodon_mention, facet_text
from .factories import tweet

TEXT = "Merci @LaQuadrature et @bob pour tout !"


def drafts(source, platform, **options):
    options.setdefault("date_note", False)
    return Rewriter("collectif", RewriteOptions(**options)).rewrite(source, platform).drafts


@pytest.mark.parametrize("platform", ["mastodon", "bluesky"])
def test_default_mentions_stay_readable_and_mention_nobody(platform):
    [draft] = drafts(tweet(TEXT), platform)
    assert draft.text == f"Merci {SAFE_AT}LaQuadrature et {SAFE_AT}bob pour tout !"
    assert MASTODON_MENTION.search(draft.text) is None
    assert getattr(draft, "facets", []) == []


def test_an_at_name_the_archive_did_not_list_is_made_safe_too():
    # X lists no entity for a suspended account; Mastodon would still mention
    # whoever holds that name on the instance.
    [draft] = drafts(tweet("Coucou @suspendu et (@autre).", spans=[]), "mastodon")
    assert draft.text == f"Coucou {SAFE_AT}suspendu et ({SAFE_AT}autre)."


def test_emails_and_urls_with_at_are_left_alone():
    text = "Écrivez à contact@example.org ou voyez https://mastodon.social/@gargron"
    [draft] = drafts(tweet(text), "mastodon")
    assert draft.text == text
    assert_no_mastodon_mention(draft)


def test_link_mode_links_to_the_x_profile():
    [masto] = drafts(tweet(TEXT), "mastodon", mentions=MentionMode.LINK)
    assert masto.text == "Merci https://x.com/LaQuadrature et https://x.com/bob pour tout !"
    assert_no_mastodon_mention(masto)
    [sky] = drafts(tweet(TEXT), "bluesky", mentions="link")
    assert sky.text == TEXT
    assert [(facet_text(sky, f), f.feature) for f in sky.facets] == [
        ("@LaQuadrature", Feature("link", "https://x.com/LaQuadrature")),
        ("@bob", Feature("link", "https://x.com/bob")),
    ]


@pytest.mark.parametrize("platform", ["mastodon", "bluesky"])
def test_drop_mode_leaves_no_double_space(platform):
    [draft] = drafts(tweet("@bob Merci @alice, et @carol !"), platform, mentions="drop")
    assert draft.text == "Merci, et !"


def test_dropping_a_mention_does_not_bring_another_to_life():
    [draft] = drafts(tweet("Voir @alice@bcd.example", spans=None), "mastodon", mentions="drop")
    assert_no_mastodon_mention(draft)


HANDLES = {"bob": HandleEntry(mastodon="bob@mamot.fr", bluesky="bob.bsky.social")}


def test_handle_map_makes_a_real_mastodon_mention():
    [draft] = drafts(tweet(TEXT), "mastodon", handle_map=HANDLES)
    assert draft.text == f"Merci {SAFE_AT}LaQuadrature et @bob@mamot.fr pour tout !"
    assert [m[1] for m in MASTODON_MENTION.finditer(draft.text)] == ["bob@mamot.fr"]


def test_handle_map_on_bluesky_waits_for_the_did():
    [draft] = drafts(tweet(TEXT), "bluesky", handle_map=HANDLES)
    assert "@bob.bsky.social" in draft.text
    assert draft.facets == []  # no DID in a dry run, so no mention facet
    assert [m.handle for m in draft.pending_mentions] == ["bob.bsky.social"]
    final = finalize(draft, StaticContext(dids={"bob.bsky.social": "did:plc:abcdefghijklmnopqrstuvwx"}))
    [facet] = final.facets
    assert facet_text(final, facet) == "@bob.bsky.social"
    assert facet.feature == Feature("mention", "did:plc:abcdefghijklmnopqrstuvwx")
    assert final.pending_mentions == [] and final.final


@pytest.mark.parametrize("did", [None, "not-a-did", "did:plc:"])
def test_an_unresolved_handle_falls_back_to_the_safe_form(did):
    [draft] = drafts(tweet(TEXT), "bluesky", handle_map=HANDLES)
    final = finalize(draft, StaticContext(dids={"bob.bsky.social": did} if did else {}))
    assert f"{SAFE_AT}bob pour" in final.text
    assert not any(f.feature.kind == "mention" for f in final.facets)
    assert "mention_unresolved" in [w.code for w in final.warnings]


def test_a_handle_mapped_on_one_side_only_is_safe_on_the_other():
    handles = {"bob": HandleEntry(bluesky="bob.bsky.social")}
    [draft] = drafts(tweet(TEXT), "mastodon", handle_map=handles)
    assert f"{SAFE_AT}bob" in draft.text


def test_a_mapped_handle_beats_drop_mode():
    [draft] = drafts(tweet(TEXT), "mastodon", mentions="drop", handle_map=HANDLES)
    assert draft.text == "Merci et @bob@mamot.fr pour tout !"


def test_a_self_reply_loses_its_leading_self_mention():
    source = tweet("@collectif @Collectif suite du fil @bob", in_reply_to_id="1", in_reply_to_screen_name="collectif")
    [draft] = drafts(source, "mastodon")
    assert draft.text == f"suite du fil {SAFE_AT}bob"


def test_a_reply_to_someone_else_keeps_its_leading_mention_safely():
    source = tweet("@bob je ne suis pas d'accord", in_reply_to_id="1", in_reply_to_screen_name="bob")
    [draft] = drafts(source, "mastodon", reply_context=False)
    assert draft.text == f"{SAFE_AT}bob je ne suis pas d'accord"
    [draft] = drafts(source, "mastodon")  # by default the context line names bob instead
    assert draft.text.endswith(f"{SAFE_AT}bob on X: https://x.com/bob/status/1\n\nje ne suis pas d'accord")
