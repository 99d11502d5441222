"""The fast ways give the very drafts the plain ones give.

Three ways to rewrite the same tweets must agree to the byte: the layout
planner as it was before it was made fast (reference_layout.py), today's
planner for every tweet, and today's pipeline with its one-post shortcut.
Random tweets mix scripts, emoji, marks, links, own links, mentions of
mapped people, quotes, media, sensitive flags, date-note templates, and
limits from tiny to generous, so that posts land on every side of a limit.
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quittex.models import Thread
from quittex.rewrite import (
    BlueskyOptions,
    HandleEntry,
    MastodonOptions,
    MigratedPost,
    RewriteOptions,
    Rewriter,
    StaticContext,
    finalize,
)
from quittex.rewrite.pieces import Piece
from quittex.rewrite.split import WORD, Body

from . import reference_layout
from .factories import WHEN, photo, quote, tweet, video
from .test_properties import texts_with_own_links, tweet_texts

SETTINGS = settings(
    max_examples=int(os.environ.get("QUITTEX_PROPERTY_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
HANDLES = {"mapped": HandleEntry(mastodon="someone@instance.example", bluesky="a-rather-long-handle-name.bsky.social")}
TEMPLATES = [None, None, "Archive du {date} à {time}", "  {date} — {url}  ", "{url}", "Posted {date}"]


@st.composite
def rewrite_options(draw) -> RewriteOptions:
    return RewriteOptions(
        mentions=draw(st.sampled_from(["plain", "link", "drop"])),
        handle_map=draw(st.sampled_from([{}, HANDLES])),
        locale=draw(st.sampled_from([None, "fr", "de"])),
        date_note=draw(st.booleans()),
        date_note_template=draw(st.sampled_from(TEMPLATES)),
        timezone=draw(st.sampled_from(["UTC", "Europe/Paris"])),
        mastodon=MastodonOptions(
            max_characters=draw(st.sampled_from([50, 100, 280, 500, 500])),
            characters_reserved_per_url=draw(st.sampled_from([23, 23, 5, 60])),
            max_media_attachments=draw(st.sampled_from([1, 4])),
            spoiler_text=draw(
                st.sampled_from([None, "CW", "un avertissement assez long pour peser", "⚠️ e\u0301 👩\u200d🌾" * 3])
            ),
        ),
        bluesky=BlueskyOptions(
            max_graphemes=draw(st.sampled_from([50, 80, 300, 300])),
            max_bytes=draw(st.sampled_from([200, 400, 3000, 3000])),
            shorten_links=draw(st.booleans()),
            date_note_can_split=draw(st.booleans()),
        ),
    )


@st.composite
def tweets(draw):
    text, spans = draw(st.one_of(tweet_texts(tco=True), texts_with_own_links()))
    cut = draw(st.integers(0, 400))  # most tweets are short: near the limits, not far past them
    if cut < len(text) and draw(st.booleans()):
        text, spans = text[:cut], [s for s in spans if s.end <= cut]
    media = draw(st.lists(st.sampled_from([photo("p"), photo("q"), video("v")]), max_size=6))
    return tweet(
        text,
        spans=spans,
        lang=draw(st.sampled_from(["fr", "en", "und", "de", None])),
        media=media,
        possibly_sensitive=draw(st.booleans()),
        quote=draw(st.sampled_from([None, quote("77", "collectif"), quote("88", "someone")])),
    )


@st.composite
def threads(draw):
    count = draw(st.integers(1, 3))
    members = []
    for index in range(count):
        member = draw(tweets())
        member.id = str(500 + index)
        member.in_reply_to_id = members[-1].id if members else None
        member.created_at = WHEN + timedelta(hours=draw(st.sampled_from([0, 1, 30])) * index)
        members.append(member)
    return Thread(members)


def rewrite_three_ways(thread: Thread, options: RewriteOptions) -> list[dict]:
    outcomes = []
    for planner, shortcuts in (
        (reference_layout.LayoutPlanner, False),
        (Rewriter.planner, False),
        (Rewriter.planner, True),
    ):
        rewriter = Rewriter("collectif", options, migrated_ids={"77", "500", "501"})
        rewriter.planner, rewriter.shortcuts = planner, shortcuts
        outcomes.append({platform: outcome(rewriter, thread, platform) for platform in ("mastodon", "bluesky")})
    return outcomes


def outcome(rewriter: Rewriter, thread: Thread, platform: str) -> dict:
    try:
        result = rewriter.rewrite(thread, platform)
    except Exception as error:  # a note too long for the limits: each way must refuse alike
        return {"error": f"{type(error).__name__}: {error}"}
    context = StaticContext(
        posts={
            "77": MigratedPost(
                "https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx/post/3kabc",
                "at://did:plc:a/app.bsky.feed.post/3k",
                "bafy",
            )
        }
    )
    return {
        "drafts": [d.to_json() for d in result.drafts],
        "parts": [layout_of(d) for d in result.drafts],
        "final": [finalize(d, context).to_json() for d in result.drafts],
        "skipped": [s.to_json() for s in result.skipped],
    }


def layout_of(draft) -> tuple:
    part = draft.layout.part
    return (tuple(part.body), tuple(part.quote), tuple(part.meta))


@SETTINGS
@given(threads(), rewrite_options())
def test_the_fast_ways_give_the_drafts_the_plain_ones_give(thread, options):
    reference, planned, shortcut = rewrite_three_ways(thread, options)
    assert planned == reference
    assert shortcut == reference


@settings(SETTINGS, max_examples=max(SETTINGS.max_examples // 4, 10))
@given(tweet_texts(), st.sampled_from([80, 150, 300]))
def test_long_texts_split_alike(text_and_spans, max_graphemes):
    text, spans = text_and_spans
    options = RewriteOptions(
        bluesky=BlueskyOptions(max_graphemes=max_graphemes), mastodon=MastodonOptions(max_characters=max_graphemes + 20)
    )
    reference, planned, shortcut = rewrite_three_ways(Thread([tweet(text * 2, spans=[])]), options)
    assert planned == reference and shortcut == reference


body_pieces = st.lists(
    st.tuples(
        st.lists(
            st.sampled_from(
                [
                    *"ab .!?)»\n\t",
                    "。",
                    "é",
                    "\u0301",
                    " \u0301",
                    "👩\u200d🌾",
                    "🇫🇷",
                    "क्ष",
                    "@x",
                    "#t",
                    "\r\n",
                    "\u0600 ",
                ]
            ),
            max_size=12,
        ).map("".join),
        st.booleans(),
    ),
    max_size=12,
).map(lambda items: [Piece(text, atomic=atomic) for text, atomic in items])


@settings(SETTINGS, max_examples=SETTINGS.max_examples * 2)
@given(body_pieces)
def test_a_body_offers_the_cuts_it_offered(pieces):
    body, reference = Body(pieces), reference_layout.Body(pieces)
    assert body.positions == reference.positions
    assert body.ranked == [(c.position, c.rank) for c in reference.cuts if c.rank >= WORD]
    for position in range(len(body.text) + 1):
        assert body.skip_space(position) == reference.skip_space(position)
    bounds = sorted({0, len(body.text), *body.positions, *(body.skip_space(p) for p in body.positions)})
    for start in bounds:
        for end in bounds[bounds.index(start) :]:
            assert body.slice(start, end) == reference.slice(start, end)


@settings(SETTINGS, max_examples=max(SETTINGS.max_examples // 4, 10))
@given(st.integers(3, 40), st.sampled_from([100, 280, 500]), st.sampled_from(["⚠️ e\u0301 👩\u200d🌾" * 3, "🇫🇷" * 10]))
def test_a_content_warning_counted_shorter_than_it_is_splits_alike(sentences, max_characters, warning):
    """Its clusters, not its code points, are what the text cannot use."""
    text = " ".join(f"Phrase numéro {n} du fil, assez longue pour remplir." for n in range(sentences))
    options = RewriteOptions(mastodon=MastodonOptions(max_characters=max_characters, spoiler_text=warning))
    reference, planned, shortcut = rewrite_three_ways(Thread([tweet(text, possibly_sensitive=True)]), options)
    assert planned == reference and shortcut == reference
