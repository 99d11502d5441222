"""Links: t.co leftovers removed, long links shortened on Bluesky only, links
and quotes of the account's own tweets pointed at the migrated posts."""

from __future__ import annotations

import pytest

from quittex.rewrite import MigratedPost, RewriteOptions, Rewriter, StaticContext, finalize
from quittex.rewrite.draft import Feature, QuoteEmbed

from .checks import assert_facets_exact, facet_text
from .factories import quote, tweet

LONG = "https://www.laquadrature.net/2019/03/04/loi-renseignement-recours/?utm_source=twitter"


def rewrite(source, platform, migrated_ids=None, **options):
    options.setdefault("date_note", False)
    return Rewriter("collectif", RewriteOptions(**options), migrated_ids).rewrite(source, platform).drafts


def test_mastodon_keeps_the_full_url():
    [draft] = rewrite(tweet(f"Lire {LONG} vite"), "mastodon")
    assert draft.text == f"Lire {LONG} vite"


def test_bluesky_shows_a_short_link_whose_facet_holds_the_full_url():
    [draft] = rewrite(tweet(f"Lire {LONG} vite"), "bluesky")
    assert draft.text == "Lire www.laquadrature.net/2019/03/04/l… vite"
    [facet] = draft.facets
    assert facet_text(draft, facet) == "www.laquadrature.net/2019/03/04/l…"
    assert facet.feature == Feature("link", LONG)


def test_bluesky_can_show_full_links():
    [draft] = rewrite(tweet(f"Lire {LONG}"), "bluesky", bluesky={"shorten_links": False})
    assert draft.text == f"Lire {LONG}"
    assert facet_text(draft, draft.facets[0]) == LONG


def test_facets_count_bytes_not_characters():
    [draft] = rewrite(tweet("Été 🇫🇷 #Libertés https://example.org/é"), "bluesky")
    assert_facets_exact(draft)
    assert [facet_text(draft, f) for f in draft.facets] == ["#Libertés", "example.org/é"]
    assert draft.facets[0].byte_start == len("Été 🇫🇷 ".encode())


def test_hashtags_are_facets_without_the_sign_on_bluesky_and_text_on_mastodon():
    [sky] = rewrite(tweet("Vive les #Communs !"), "bluesky")
    assert sky.facets[0].feature == Feature("tag", "Communs")
    [masto] = rewrite(tweet("Vive les #Communs !"), "mastodon")
    assert masto.text == "Vive les #Communs !"


def test_a_hashtag_too_long_for_bluesky_stays_plain_text():
    tag = "x" * 65
    [draft] = rewrite(tweet(f"#{tag} fin"), "bluesky")
    assert draft.text == f"#{tag} fin" and draft.facets == []


@pytest.mark.parametrize("platform", ["mastodon", "bluesky"])
def test_unexpanded_tco_links_are_removed_with_a_warning(platform):
    source = tweet("Voir https://t.co/AbC123xyz et t.co/zzz999 fin", spans=[])
    [draft] = rewrite(source, platform)
    assert draft.text == "Voir et fin"
    assert [w.code for w in draft.warnings] == ["tco_removed", "tco_removed"]


def test_a_tco_link_listed_as_an_entity_is_removed_too():
    source = tweet("Voir https://t.co/AbC123xyz")
    [draft] = rewrite(source, "bluesky")
    assert draft.text == "Voir" and draft.facets == []


def test_a_tweet_that_was_only_a_tco_link_is_skipped():
    result = Rewriter("c").rewrite(tweet("https://t.co/AbC123xyz"), "mastodon")
    assert result.drafts == []
    assert [(s.tweet_id, s.code) for s in result.skipped] == [("1000", "empty")]


def test_an_unmarked_url_is_still_a_link():
    [draft] = rewrite(tweet("Voir https://example.org/page ici", spans=[]), "bluesky")
    assert draft.facets[0].feature == Feature("link", "https://example.org/page")


OWN = "https://twitter.com/Collectif/status/111"


def test_a_link_to_an_own_tweet_will_link_to_the_migrated_post():
    for platform in ("mastodon", "bluesky"):
        [draft] = rewrite(tweet(f"Relire {OWN}"), platform)
        assert [(link.tweet_id, link.url) for link in draft.links_to_migrated] == [("111", OWN)]
        assert draft.to_json()["links_to_migrated"][0]["note"] == "will link to the migrated post"


def test_a_link_to_an_own_tweet_outside_the_migration_stays_on_x():
    [draft] = rewrite(tweet(f"Relire {OWN}"), "mastodon", migrated_ids={"222"})
    assert draft.links_to_migrated == []
    assert draft.text == f"Relire {OWN}"
    assert [w.code for w in draft.warnings] == ["own_link_not_migrated"]


def test_a_renamed_account_is_recognised_by_the_tweet_id():
    [draft] = rewrite(tweet("Relire https://x.com/ancien_nom/status/222"), "mastodon", migrated_ids={"222"})
    assert [link.tweet_id for link in draft.links_to_migrated] == ["222"]


def test_a_link_to_someone_else_is_a_plain_link():
    [draft] = rewrite(tweet("Lire https://x.com/bob/status/333"), "mastodon")
    assert draft.links_to_migrated == []


def test_the_publisher_swaps_in_the_new_post_url():
    context = StaticContext(posts={"111": MigratedPost("https://mamot.fr/@collectif/1099")})
    [draft] = rewrite(tweet(f"Relire {OWN} !"), "mastodon")
    assert finalize(draft, context).text == "Relire https://mamot.fr/@collectif/1099 !"
    new_sky = "https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx/post/3kabcdefghijk"
    [sky] = rewrite(tweet(f"Relire {OWN} !"), "bluesky")
    final = finalize(sky, StaticContext(posts={"111": MigratedPost(new_sky, "at://x", "bafy")}))
    assert final.text == "Relire bsky.app/profile/did:… !"
    assert final.facets[0].feature == Feature("link", new_sky)
    assert_facets_exact(final)


def test_a_missing_migrated_post_leaves_the_link_on_x():
    for platform in ("mastodon", "bluesky"):
        [draft] = rewrite(tweet(f"Relire {OWN}"), platform)
        final = finalize(draft, StaticContext())
        assert final.text == draft.text
        assert "link_not_migrated" in [w.code for w in final.warnings]


def test_quoting_someone_else_keeps_a_link_to_the_original():
    source = tweet("Bien dit", quote=quote("444", "bob"))
    [masto] = rewrite(source, "mastodon")
    assert masto.text == "Bien dit\n\nhttps://twitter.com/bob/status/444"
    [sky] = rewrite(source, "bluesky")
    assert sky.text == "Bien dit\n\ntwitter.com/bob/status/444" and sky.quote is None


def test_quoting_an_own_tweet_links_to_the_new_post_on_mastodon():
    [draft] = rewrite(tweet("Je remonte ça", quote=quote("111", "collectif")), "mastodon")
    assert draft.text == "Je remonte ça\n\nhttps://twitter.com/collectif/status/111"
    assert [link.tweet_id for link in draft.links_to_migrated] == ["111"]
    final = finalize(draft, StaticContext(posts={"111": MigratedPost("https://mamot.fr/@c/9")}))
    assert final.text == "Je remonte ça\n\nhttps://mamot.fr/@c/9"


def test_quoting_an_own_tweet_becomes_a_record_embed_on_bluesky():
    [draft] = rewrite(tweet("Je remonte ça", quote=quote("111", "collectif")), "bluesky")
    assert draft.text == "Je remonte ça"
    assert draft.quote == QuoteEmbed("111", "https://twitter.com/collectif/status/111")
    assert draft.to_json()["embed"]["note"] == "will link to the migrated post"
    final = finalize(
        draft,
        StaticContext(
            posts={"111": MigratedPost("https://bsky.app/x", "at://did:plc:a/app.bsky.feed.post/3k", "bafyrei")}
        ),
    )
    assert final.text == "Je remonte ça"
    assert final.quote.record() == {
        "$type": "app.bsky.embed.record",
        "record": {"uri": "at://did:plc:a/app.bsky.feed.post/3k", "cid": "bafyrei"},
    }


def test_an_own_quote_whose_post_is_missing_becomes_a_link():
    [draft] = rewrite(tweet("Je remonte ça", quote=quote("111", "collectif")), "bluesky")
    final = finalize(draft, StaticContext())
    assert final.text == "Je remonte ça\n\ntwitter.com/collectif/st…"
    assert final.quote is None and final.facets[0].feature.value == "https://twitter.com/collectif/status/111"


def test_an_own_quote_outside_the_migration_is_a_link():
    [draft] = rewrite(tweet("Ça", quote=quote("111", "collectif")), "bluesky", migrated_ids=set())
    assert draft.quote is None and draft.text == "Ça\n\ntwitter.com/collectif/st…"


def test_finalize_keeps_a_full_post_within_limits():
    # Text measured with room for the fallback link: still fits once it is there.
    text = ("mot " * 80).strip()
    [first, *_] = rewrite(tweet(text, quote=quote("111", "collectif")), "bluesky")
    final = finalize(first, StaticContext())
    assert len(final.text) <= 300


def test_finalize_runs_once():
    [draft] = rewrite(tweet(f"Relire {OWN}"), "mastodon")
    final = finalize(draft, StaticContext(posts={"111": MigratedPost("https://a.example/1")}))
    assert finalize(final, StaticContext(posts={"111": MigratedPost("https://b.example/2")})) is final


def test_an_at_uri_from_the_journal_becomes_a_bsky_app_link():
    uri = "at://did:plc:abcdefghijklmnopqrstuvwx/app.bsky.feed.post/3kabcdefghijk"
    [draft] = rewrite(tweet(f"Relire {OWN}"), "bluesky")
    final = finalize(draft, StaticContext(posts={"111": MigratedPost(uri, uri, "bafy")}))
    assert (
        final.facets[0].feature.value == "https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx/post/3kabcdefghijk"
    )
    assert final.text == "Relire bsky.app/profile/did:…"
