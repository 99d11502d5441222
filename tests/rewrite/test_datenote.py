"""The original-date note: localised, overridable, on the first post only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from quittex.rewrite import BlueskyOptions, MastodonOptions, RewriteOptions, Rewriter

from .checks import facet_text
from .factories import tweet


def first_text(source, platform="mastodon", **options) -> str:
    return Rewriter("collectif", RewriteOptions(**options)).rewrite(source, platform).drafts[0].text


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("fr", "Publié sur X le 4 mars 2019"),
        ("en", "Posted on X on March 4, 2019"),
        ("es", "Publicado en X el 4 de marzo de 2019"),
        ("it", "Pubblicato su X il 4 marzo 2019"),
        ("de", "Am 4. März 2019 auf X veröffentlicht"),
    ],
)
def test_the_note_speaks_the_tweet_language(lang, note):
    assert first_text(tweet("Texte", lang=lang)) == f"Texte\n\n{note}"


@pytest.mark.parametrize("lang", [None, "qme", "und", "zxx", "ja"])
def test_other_languages_fall_back_to_english(lang):
    assert first_text(tweet("🎉", lang=lang)).endswith("Posted on X on March 4, 2019")


def test_the_fallback_locale_can_be_chosen():
    assert first_text(tweet("🎉", lang="qme"), fallback_locale="fr").endswith("Publié sur X le 4 mars 2019")


def test_a_forced_locale_wins_over_the_tweet_language():
    assert first_text(tweet("Hello", lang="en"), locale="it").endswith("Pubblicato su X il 4 marzo 2019")


def test_a_media_only_tweet_in_a_french_thread_gets_a_french_note():
    from quittex.models import Thread

    first = tweet("Premier", id="1", lang="fr")
    second = tweet("", id="2", lang="qme", in_reply_to_id="1", created_at=datetime(2019, 3, 9, tzinfo=UTC))
    from .factories import photo

    second.media = [photo("p")]
    drafts = Rewriter("collectif").rewrite(Thread([first, second]), "mastodon").drafts
    assert drafts[1].text == "Publié sur X le 9 mars 2019"


def test_the_time_zone_decides_the_day():
    late = tweet("Nuit", lang="fr", created_at=datetime(2019, 3, 4, 23, 30, tzinfo=UTC))
    assert first_text(late).endswith("le 4 mars 2019")
    assert first_text(late, timezone="Europe/Paris").endswith("le 5 mars 2019")


def test_a_template_can_replace_the_note():
    source = tweet("Texte", lang="fr", created_at=datetime(2019, 3, 4, 18, 5, tzinfo=UTC))
    assert (
        first_text(source, date_note_template="Archive du {date} à {time}") == "Texte\n\nArchive du 4 mars 2019 à 18:05"
    )


def test_a_template_url_is_the_original_tweet_and_a_facet_on_bluesky():
    source = tweet("Texte", id="42", lang="fr")
    draft = (
        Rewriter("collectif", RewriteOptions(date_note_template="Source : {url}")).rewrite(source, "bluesky").drafts[0]
    )
    assert draft.text == "Texte\n\nSource : x.com/collectif/st…"
    [facet] = draft.facets
    assert facet_text(draft, facet) == "x.com/collectif/st…"
    assert facet.feature.value == "https://x.com/collectif/status/42"


@pytest.mark.parametrize("template", ["", "  ", "Le {jour}", "{date!r}", "{date:>20}", "{0}", "{date"])
def test_a_broken_template_is_refused_up_front(template):
    with pytest.raises(ValidationError):
        RewriteOptions(date_note_template=template)


def test_the_note_can_be_turned_off():
    assert first_text(tweet("Texte"), date_note=False) == "Texte"


@pytest.mark.parametrize("platform", ["mastodon", "bluesky"])
def test_the_note_can_be_turned_off_on_one_platform(platform):
    options = {platform: {"date_note": False}}
    other = "bluesky" if platform == "mastodon" else "mastodon"
    assert first_text(tweet("Texte"), platform, **options) == "Texte"
    assert first_text(tweet("Texte"), other, **options) != "Texte"


def test_each_platform_may_have_its_own_template():
    options = {"date_note_template": "Le {date}", "bluesky": BlueskyOptions(date_note_template="X, {date}")}
    assert first_text(tweet("T", lang="fr"), "mastodon", **options).endswith("Le 4 mars 2019")
    assert first_text(tweet("T", lang="fr"), "bluesky", **options).endswith("X, 4 mars 2019")


def test_a_retweet_note_says_retweeted():
    source = tweet("RT @bob: un texte coupé…", id="77", lang="fr", is_retweet=True)
    assert first_text(source) == "🔁 https://x.com/bob/status/77\n\nRetweeté sur X le 4 mars 2019"


def test_bluesky_leaves_the_note_out_rather_than_split_a_tweet():
    text = "mot " * 70  # 280 characters: fits alone, not with the note
    [draft] = Rewriter("c").rewrite(tweet(text.strip()), "bluesky").drafts
    assert "Posted on X" not in draft.text
    assert "date_note_omitted" in [w.code for w in draft.warnings]


def test_bluesky_can_be_told_to_keep_the_note_even_if_it_splits():
    text = "mot " * 70
    options = RewriteOptions(bluesky=BlueskyOptions(date_note_can_split=True))
    drafts = Rewriter("c", options).rewrite(tweet(text.strip()), "bluesky").drafts
    assert len(drafts) == 2 and drafts[0].text.endswith("1/2 · Posted on X on March 4, 2019")


def test_mastodon_keeps_the_note_even_if_it_splits():
    text = "mot " * 123  # 491 characters
    options = RewriteOptions(mastodon=MastodonOptions(max_characters=500))
    drafts = Rewriter("c", options).rewrite(tweet(text.strip()), "mastodon").drafts
    assert len(drafts) == 2 and "Posted on X" in drafts[0].text


def test_a_note_that_leaves_no_room_is_refused():
    from quittex.errors import BadInputError

    options = RewriteOptions(date_note_template="x" * 290 + " {date}")
    with pytest.raises(BadInputError, match="too long for a Bluesky post"):
        Rewriter("c", options).rewrite(tweet("Texte"), "bluesky")
