"""Per-post fields: media per post, language, sensitivity, visibility, JSON."""

from __future__ import annotations

import json
from datetime import UTC

import pytest
from atproto import models

from quittex.models import Media
from quittex.rewrite import MastodonOptions, RewriteOptions, Rewriter

from .factories import photo, tweet, video


def rewrite(source, platform, **options):
    options.setdefault("date_note", False)
    return Rewriter("collectif", RewriteOptions(**options)).rewrite(source, platform).drafts


def media_of(drafts):
    return [[m.path.split("/")[-1] for m in d.media] for d in drafts]


@pytest.mark.parametrize("platform", ["mastodon", "bluesky"])
def test_four_photos_go_together(platform):
    drafts = rewrite(tweet("Album", media=[photo(f"p{i}") for i in range(4)]), platform)
    assert media_of(drafts) == [["p0.jpg", "p1.jpg", "p2.jpg", "p3.jpg"]]
    assert drafts[0].media[0].kind == "photo" and drafts[0].media[0].alt == ""


@pytest.mark.parametrize("platform", ["mastodon", "bluesky"])
def test_a_video_never_shares_a_post(platform):
    drafts = rewrite(tweet("Mix", media=[photo("a"), video("v"), photo("b"), photo("c")]), platform)
    assert media_of(drafts) == [["a.jpg"], ["v.mp4"], ["b.jpg", "c.jpg"]]
    assert [d.text for d in drafts] == ["Mix\n\n1/3", "2/3", "3/3"]
    assert [d.parent for d in drafts[1:]] == [drafts[0].ref, drafts[1].ref]
    assert "media_overflow" in [w.code for w in drafts[0].warnings]


def test_an_instance_with_fewer_attachments_gets_more_posts():
    options = {"mastodon": MastodonOptions(max_media_attachments=2)}
    drafts = rewrite(tweet("Album", media=[photo(f"p{i}") for i in range(4)]), "mastodon", **options)
    assert media_of(drafts) == [["p0.jpg", "p1.jpg"], ["p2.jpg", "p3.jpg"]]


def test_media_follow_the_text_parts_of_a_split_tweet():
    text = ("Une phrase assez longue pour remplir. " * 20).strip()
    drafts = rewrite(tweet(text, media=[photo("a"), video("v")]), "bluesky")
    assert media_of(drafts)[0] == ["a.jpg"] and media_of(drafts)[-1] == ["v.mp4"]
    assert all(not d.media for d in drafts[1:-1])
    assert drafts[-1].text == f"{len(drafts)}/{len(drafts)}"


def test_a_missing_file_is_reported_and_the_rest_kept():
    missing = Media("photo", "m9", None, "https://pbs.twimg.com/media/m9.jpg")
    [draft] = rewrite(tweet("Photos", media=[missing, photo("a")]), "mastodon")
    assert media_of([draft]) == [["a.jpg"]]
    assert [w.code for w in draft.warnings] == ["media_missing"]


def test_a_media_only_tweet_is_posted_with_just_its_media():
    [draft] = rewrite(tweet("", media=[photo("a")]), "bluesky")
    assert draft.text == "" and media_of([draft]) == [["a.jpg"]]


def test_alt_texts_come_from_the_mapping():
    path = photo("a").path
    [draft] = rewrite(tweet("x", media=[photo("a")]), "mastodon", alt_texts={path: "  Une manifestation  "})
    assert draft.media[0].alt == "Une manifestation"
    assert draft.to_json()["media"] == [{"path": path, "kind": "photo", "alt": "Une manifestation"}]


def test_an_alt_text_over_the_limit_is_cut_with_a_warning():
    path = photo("a").path
    options = {"alt_texts": {path: "é" * 1600}}
    [draft] = rewrite(tweet("x", media=[photo("a")]), "mastodon", **options)
    assert len(draft.media[0].alt) == 1500 and draft.media[0].alt.endswith("…")
    assert "alt_truncated" in [w.code for w in draft.warnings]


@pytest.mark.parametrize(
    ("lang", "langs", "language"),
    [
        ("fr", ["fr"], "fr"),
        ("in", ["id"], "id"),
        ("iw", ["he"], "he"),
        ("zh-cn", ["zh-CN"], "zh"),
        ("fil", ["fil"], "tl"),
        ("qme", [], None),
        ("qht", [], None),
        ("zxx", [], None),
        ("und", [], None),
        ("art", [], None),
        (None, [], None),
        ("<script>", [], None),
    ],
)
def test_languages(lang, langs, language):
    [sky] = rewrite(tweet("x", lang=lang), "bluesky")
    [masto] = rewrite(tweet("x", lang=lang), "mastodon")
    assert sky.langs == langs and masto.langs == langs
    assert masto.language == language


def test_a_sensitive_tweet_gets_a_localised_content_warning_and_a_label():
    source = tweet("Images dures", lang="fr", possibly_sensitive=True, media=[photo("a")])
    [masto] = rewrite(source, "mastodon")
    assert (masto.spoiler_text, masto.sensitive) == ("Contenu sensible", True)
    [sky] = rewrite(source, "bluesky")
    assert sky.labels == ["graphic-media"]
    assert sky.record_labels() == {"$type": "com.atproto.label.defs#selfLabels", "values": [{"val": "graphic-media"}]}


def test_sensitive_handling_is_configurable():
    source = tweet("Images", lang="es", possibly_sensitive=True)
    [masto] = rewrite(source, "mastodon", mastodon={"spoiler_text": "CW: police"})
    assert masto.spoiler_text == "CW: police"
    [sky] = rewrite(source, "bluesky", bluesky={"sensitive_label": "nudity"})
    assert sky.labels == ["nudity"]
    [off] = rewrite(source, "mastodon", mark_sensitive=False)
    assert (off.spoiler_text, off.sensitive) == ("", False)
    [plain] = rewrite(tweet("Images", lang="es"), "mastodon")
    assert plain.spoiler_text == "" and plain.to_json()["spoiler_text"] == ""


def test_the_content_warning_counts_in_the_mastodon_length():
    text = ("mot " * 120).strip()  # 479 characters
    source = tweet(text, possibly_sensitive=True)
    drafts = rewrite(source, "mastodon", mastodon={"spoiler_text": "x" * 30})
    assert len(drafts) == 2


def test_visibility_defaults_to_unlisted():
    [draft] = rewrite(tweet("x"), "mastodon")
    assert draft.visibility == "unlisted"
    [public] = rewrite(tweet("x"), "mastodon", mastodon={"visibility": "public"})
    assert public.visibility == "public"


def test_json_lines_carry_what_the_dry_run_shows():
    source = tweet("Bonjour #monde https://example.org/a", id="9", lang="fr", media=[photo("a")])
    for draft in rewrite(source, "mastodon") + rewrite(source, "bluesky"):
        data = json.loads(json.dumps(draft.to_json()))
        for key in ("platform", "tweet_id", "part", "parent", "created_at", "text", "media", "langs", "warnings"):
            assert key in data
        assert data["created_at"] == "2019-03-04T12:14:18Z" and data["parent"] is None
        if data["platform"] == "mastodon":
            assert (data["visibility"], data["language"], data["spoiler_text"]) == ("unlisted", "fr", "")
        else:
            assert len(data["facets"]) == 2 and data["record_created_at"] == "2019-03-04T12:14:18.000Z"


def test_bluesky_drafts_make_valid_records():
    source = tweet("Été #Libertés https://example.org/é", possibly_sensitive=True, lang="fr")
    [draft] = Rewriter("c").rewrite(source, "bluesky").drafts
    record = models.AppBskyFeedPost.Record.model_validate(
        {
            "text": draft.text,
            "createdAt": draft.record_created_at,
            "facets": draft.record_facets(),
            "langs": draft.langs,
            "labels": draft.record_labels(),
        }
    )
    assert record.facets[0].features[0].tag == "Libertés"


def test_the_parts_of_a_split_tweet_keep_their_order_on_bluesky():
    drafts = rewrite(tweet(("mot " * 200).strip()), "bluesky")
    stamps = [d.record_created_at for d in drafts]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_bluesky_created_at_keeps_the_millisecond_the_tweet_id_holds():
    from datetime import datetime

    # 1102640223277297721 was posted at 2019-03-04T18:41:29.951Z
    source = tweet("x", id="1102640223277297721", created_at=datetime(2019, 3, 4, 18, 41, 29, tzinfo=UTC))
    [draft] = rewrite(source, "bluesky")
    assert draft.record_created_at == "2019-03-04T18:41:29.951Z"
    assert draft.to_json()["created_at"] == "2019-03-04T18:41:29Z"
    # An id that does not match its date (hand-made data) is not trusted.
    [other] = rewrite(tweet("x", id="1102640223277297721"), "bluesky")
    assert other.record_created_at == "2019-03-04T12:14:18.000Z"
